/** A small seeded PRNG (mulberry32), so the same seed gives the same demo data. */
export class SeededRandom {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Up to `max` distinct items, each subset size and order equally likely (Fisher–Yates). */
  some<T>(items: readonly T[], max: number): T[] {
    const count = Math.min(items.length, Math.floor(this.next() * (max + 1)));
    const pool = [...items];
    for (let index = 0; index < count; index += 1) {
      const other = index + Math.floor(this.next() * (pool.length - index));
      [pool[index], pool[other]] = [pool[other] as T, pool[index] as T];
    }
    return pool.slice(0, count);
  }
}
