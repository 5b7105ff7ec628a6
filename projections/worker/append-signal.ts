/**
 * Appends made on this side of the embedded store file — through the main thread's connection or
 * reported by a worker — passed to everyone following the log from another thread, so they read
 * at once rather than at their next poll.
 */
export class AppendSignal {
  private readonly listeners = new Set<() => void>();

  on(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
