import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** The names @fastify/proxy-addr accepts in a TRUST_PROXY list, as subnets. */
const NAMED_SUBNETS: Record<string, Array<[string, number, 'ipv4' | 'ipv6']>> = {
  loopback: [
    ['127.0.0.0', 8, 'ipv4'],
    ['::1', 128, 'ipv6'],
  ],
  linklocal: [
    ['169.254.0.0', 16, 'ipv4'],
    ['fe80::', 10, 'ipv6'],
  ],
  uniquelocal: [
    ['10.0.0.0', 8, 'ipv4'],
    ['172.16.0.0', 12, 'ipv4'],
    ['192.168.0.0', 16, 'ipv4'],
    ['fc00::', 7, 'ipv6'],
  ],
};

const IPV4_MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/**
 * Whether the peer of a connection is one of the proxies TRUST_PROXY names (`true`: every peer,
 * `false`: none). It decides what the API believes of the headers a proxy sets: Fastify uses
 * the same setting for X-Forwarded-For, and request-id.ts for X-Request-Id.
 */
export function trustedProxyCheck(
  setting: boolean | readonly string[],
): (peerAddress: string | undefined) => boolean {
  if (setting === true) return () => true;
  if (setting === false) return () => false;
  const list = new BlockList();
  for (const entry of setting) {
    const named = NAMED_SUBNETS[entry];
    if (named) {
      for (const [network, prefix, type] of named) list.addSubnet(network, prefix, type);
      continue;
    }
    const [address = '', prefix] = entry.split('/');
    const type = isIPv4(address) ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return (peerAddress) => {
    if (!peerAddress) return false;
    const mapped = IPV4_MAPPED.exec(peerAddress)?.[1];
    if (mapped) return list.check(mapped, 'ipv4');
    if (isIPv4(peerAddress)) return list.check(peerAddress, 'ipv4');
    return isIPv6(peerAddress) && list.check(peerAddress, 'ipv6');
  };
}
