import { isIPv4, isIPv6 } from 'node:net';

const IPV4_MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/**
 * The unit a per-address throttle counts: an IPv4 address as is (IPv4-mapped IPv6 included),
 * an IPv6 address by its /64. One subscriber usually holds a whole /64 (2^64 addresses), so
 * counting single IPv6 addresses would give an attacker endless fresh counters.
 */
export function addressGroup(address: string): string {
  const plain = address.split('%')[0] ?? address; // a zone id (fe80::1%eth0) is not part of it
  const mapped = IPV4_MAPPED.exec(plain)?.[1];
  if (mapped && isIPv4(mapped)) return mapped;
  if (!isIPv6(plain)) return plain;
  const [head = '', tail] = plain.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  // An embedded IPv4 tail (::1.2.3.4) is two groups; it only ever lies in the last 32 bits.
  const width = (groups: string[]) =>
    groups.reduce((sum, group) => sum + (group.includes('.') ? 2 : 1), 0);
  const zeros = Array.from({ length: 8 - width(headGroups) - width(tailGroups) }, () => '0');
  const groups = tail === undefined ? headGroups : [...headGroups, ...zeros, ...tailGroups];
  const prefix = groups
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':');
  return `${prefix}::/64`;
}
