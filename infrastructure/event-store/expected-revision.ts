import type { ExpectedRevision, StreamRevision } from '../../domain/ports/event-store.js';

/** Whether a stream whose last revision is `actual` satisfies what the writer expected. */
export function expectationMet(expected: ExpectedRevision, actual: StreamRevision | 'no_stream'): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return actual === 'no_stream';
    case 'stream_exists':
      return actual !== 'no_stream';
    default:
      return actual === expected;
  }
}
