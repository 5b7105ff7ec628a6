/**
 * How background work (the projection runner, the registry reactor, status publication, the
 * worker threads) meets a fault that lasts — a full disk, a lock held elsewhere: it tries again
 * after a pause that grows (100 ms doubling to 30 s), and the log says when it starts failing and
 * when it has recovered, not every attempt.
 */
import type { RunnerLog } from './runner.js';

export interface BackoffOptions {
  readonly initialMs?: number;
  readonly maxMs?: number;
}

export class FailureBackoff {
  private failures = 0;
  private readonly initialMs: number;
  private readonly maxMs: number;

  constructor(
    /** Who fails, for the log: "projection runner". */
    private readonly what: string,
    private readonly log: RunnerLog | undefined,
    options: BackoffOptions = {},
  ) {
    this.initialMs = options.initialMs ?? 100;
    this.maxMs = options.maxMs ?? 30_000;
  }

  get failing(): boolean {
    return this.failures > 0;
  }

  /** After a failed attempt: the pause before the next one. Logged on the first failure only. */
  failed(error: unknown): number {
    if (this.failures === 0) this.log?.error({ err: error }, `${this.what} failing; retrying with a growing pause (up to ${this.maxMs / 1000} s), logged again once it recovers`);
    this.failures += 1;
    return Math.min(this.initialMs * 2 ** Math.min(this.failures - 1, 30), this.maxMs);
  }

  /** After a successful attempt: logged if it ends a run of failures. */
  succeeded(): void {
    if (this.failures === 0) return;
    const failures = this.failures;
    this.failures = 0;
    (this.log?.info ?? this.log?.error)?.call(this.log, { failedAttempts: failures }, `${this.what} recovered after ${failures} failed attempt(s)`);
  }
}

/** A pause that `wake` (e.g. on stop) ends early. */
export function pause(ms: number): { readonly done: Promise<void>; readonly wake: () => void } {
  let wake: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    wake = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  return { done, wake };
}

/**
 * The loop of a background follower: `attempt` again and again until `stopped()`, pausing after
 * each failure as `backoff` says. `wake()` ends the pause under way (on stop).
 */
export class RetryingLoop {
  private wakeFromPause: (() => void) | undefined;

  constructor(
    private readonly backoff: FailureBackoff,
    private readonly stopped: () => boolean,
  ) {}

  async run(attempt: () => Promise<void>): Promise<void> {
    while (!this.stopped()) {
      try {
        await attempt();
      } catch (error) {
        const delay = this.backoff.failed(error);
        if (this.stopped()) continue;
        const waiting = pause(delay);
        this.wakeFromPause = waiting.wake;
        await waiting.done;
        this.wakeFromPause = undefined;
      }
    }
  }

  wake(): void {
    this.wakeFromPause?.();
  }
}
