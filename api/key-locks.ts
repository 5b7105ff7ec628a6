/** One at a time per key: work under a key starts when the work before it under that key has settled. */
export class KeyLocks {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const before = this.tails.get(key);
    const mine = (before === undefined ? work() : before.then(work, work)) as Promise<T>;
    const settled = mine.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, settled);
    try {
      return await mine;
    } finally {
      if (this.tails.get(key) === settled) this.tails.delete(key);
    }
  }
}
