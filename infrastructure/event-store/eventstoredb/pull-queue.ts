/**
 * Turns a pushing source (a client subscription emitting 'data') into a pulled async iterator, and
 * pauses the source while the consumer lags, so a long catch-up does not pile up in memory. One
 * consumer at a time.
 */
interface FlowControl {
  pause(): void;
  resume(): void;
}

interface Waiter<T> {
  resolve(result: IteratorResult<T>): void;
  reject(error: unknown): void;
}

export class PullQueue<T> {
  private readonly items: T[] = [];
  private waiter: Waiter<T> | undefined;
  private ended = false;
  private failure: { readonly error: unknown } | undefined;
  private paused = false;

  constructor(
    private readonly source: FlowControl,
    private readonly highWaterMark = 256,
  ) {}

  push(item: T): void {
    if (this.ended) return;
    const waiter = this.takeWaiter();
    if (waiter !== undefined) return waiter.resolve({ done: false, value: item });
    this.items.push(item);
    if (!this.paused && this.items.length >= this.highWaterMark) {
      this.paused = true;
      this.source.pause();
    }
  }

  /** Ends the iteration once the items already queued are taken. */
  end(): void {
    this.ended = true;
    if (this.items.length === 0) this.takeWaiter()?.resolve({ done: true, value: undefined });
  }

  /** Ends the iteration now, dropping what is queued. */
  close(): void {
    this.items.length = 0;
    this.end();
  }

  /** Ends the iteration with an error, after the items already queued. */
  fail(error: unknown): void {
    if (this.ended) return;
    this.failure = { error };
    this.ended = true;
    this.takeWaiter()?.reject(error);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.items.length > 0) {
      const value = this.items.shift() as T;
      if (this.paused && this.items.length <= this.highWaterMark / 2) {
        this.paused = false;
        this.source.resume();
      }
      return Promise.resolve({ done: false, value });
    }
    if (this.failure !== undefined) return Promise.reject(this.failure.error);
    if (this.ended) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  private takeWaiter(): Waiter<T> | undefined {
    const waiter = this.waiter;
    this.waiter = undefined;
    return waiter;
  }
}
