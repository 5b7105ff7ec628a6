/**
 * Callers waiting for a follower of the log (the projection runner, the registry reactor) to reach
 * a position, each until a deadline: `wait` resolves true once `reached` passes its position, false
 * at the deadline or when the follower stops (`cancelAll`).
 */
interface Waiter {
  readonly position: bigint;
  readonly resolve: (reached: boolean) => void;
}

export class PositionWaiters {
  private waiters: Waiter[] = [];

  wait(position: bigint, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => waiter.resolve(false), timeoutMs);
      const waiter: Waiter = {
        position,
        resolve: (reached) => {
          clearTimeout(timer);
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve(reached);
        },
      };
      this.waiters.push(waiter);
    });
  }

  reached(position: bigint): void {
    for (const waiter of this.waiters.filter((w) => w.position <= position)) waiter.resolve(true);
  }

  cancelAll(): void {
    for (const waiter of [...this.waiters]) waiter.resolve(false);
  }
}
