/**
 * The claim of a key rides on the first append of the command running under that key, and on no
 * other: not on an unkeyed append, and not on the append of a running command whose key merely
 * extends it (`c:a` and `c:a/b`), even when that command has no claim of its own to write (a retry).
 */
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { AppendRequest } from '../../../domain/ports/event-store.js';
import { ClaimingStore } from '../../../infrastructure/event-store/claiming-store.js';
import { SqliteEventStore } from '../../../infrastructure/event-store/sqlite/sqlite-event-store.js';
import { systemClock } from '../../support/clocks.js';
import { collect, newEvent } from '../../support/event-store-contract.js';
import { tempDir } from '../../support/temp-dir.js';

const claimOf = (key: string): AppendRequest => ({ stream: `claim-${key.replaceAll('/', '_')}`, expectedRevision: 'no_stream', events: [newEvent('CommandKeyClaimed')] });
const under = (key: string) => [{ ...newEvent(), metadata: { ...newEvent().metadata, idempotencyKey: key } }];

describe('claiming store', () => {
  it('writes a claim with its own command’s first append only', async () => {
    const dir = tempDir();
    const inner = new SqliteEventStore({ file: join(dir.path, 'events.sqlite'), clock: systemClock, synchronous: 'NORMAL' });
    const claiming = new ClaimingStore(inner);
    claiming.hold('c:a', claimOf('c:a'));
    claiming.hold('c:a/b', undefined); // a retry under a key that extends c:a, running at the same time

    expect(E.isRight(await claiming.store.append('other', [newEvent()], { expectedRevision: 'no_stream' }))).toBe(true);
    expect(E.isRight(await claiming.store.append('retry', under('c:a/b/disclosure'), { expectedRevision: 'no_stream' }))).toBe(true);
    expect(await collect(inner.readStream('claim-c:a'))).toHaveLength(0);

    expect(E.isRight(await claiming.store.append('own', under('c:a/prepare'), { expectedRevision: 'no_stream' }))).toBe(true);
    const claims = await collect(inner.readStream('claim-c:a'));
    expect(claims).toHaveLength(1);
    expect(claims[0]?.position).toBe((await collect(inner.readStream('own')))[0]!.position - 1n);
    // Once written, the claim does not ride again.
    expect(E.isRight(await claiming.store.append('own-2', under('c:a/issued'), { expectedRevision: 'no_stream' }))).toBe(true);
    expect(await collect(inner.readStream('claim-c:a'))).toHaveLength(1);
    await inner.close();
    dir.remove();
  });
});
