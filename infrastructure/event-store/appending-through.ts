/**
 * A store that appends its own way and reads, follows and closes as `inner` does: the shape of the
 * decorators that change only how appends are made (group commit, key claims). `append` is one
 * request given to `appendEach`.
 */
import type { AppendRequest, AppendResult, EventStore, WrongExpectedRevision } from '../../domain/ports/event-store.js';
import type { Either } from 'fp-ts/lib/Either.js';

export function appendingThrough(
  inner: EventStore,
  appendEach: (requests: readonly AppendRequest[]) => Promise<Either<WrongExpectedRevision, AppendResult>[]>,
): EventStore {
  return {
    get kind() {
      return inner.kind;
    },
    append: async (stream, events, options) => (await appendEach([{ stream, events, ...options }]))[0] as Either<WrongExpectedRevision, AppendResult>,
    appendEach,
    readStream: (stream, options) => inner.readStream(stream, options),
    readAll: (options) => inner.readAll(options),
    subscribeToAll: (options) => inner.subscribeToAll(options),
    headPosition: () => inner.headPosition(),
    close: () => inner.close(),
    ...(inner.unavailable === undefined ? {} : { unavailable: () => inner.unavailable?.() ?? Promise.resolve(undefined) }),
  };
}
