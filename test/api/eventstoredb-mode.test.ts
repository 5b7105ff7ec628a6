/**
 * The server and the CLI configured with LEDGER_EVENTSTORE_URL, against the gRPC stand-in of
 * EventStoreDB (the real client over real gRPC), as child processes.
 */
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventStoreDbEventStore } from '../../infrastructure/event-store/eventstoredb/eventstoredb-event-store.js';
import { systemClock } from '../support/clocks.js';
import { start, type RunningStandIn } from '../support/esdb-standin/standin.js';
import { collect, newEvent } from '../support/event-store-contract.js';
import { ledger, startServerProcess } from '../support/processes.js';
import { tempDir } from '../support/temp-dir.js';

describe('configured with LEDGER_EVENTSTORE_URL', () => {
  const dir = tempDir();
  let standIn: RunningStandIn;
  let env: Record<string, string>;

  beforeAll(async () => {
    standIn = await start();
    env = { LEDGER_DATA_DIR: dir.path, LEDGER_EVENTSTORE_URL: standIn.url };
  });
  afterAll(async () => {
    await standIn.stop();
    dir.remove();
  });

  it('serves /health from EventStoreDB, with the last ledger position', async () => {
    const server = await startServerProcess(env);
    try {
      const store = await EventStoreDbEventStore.connect({ url: standIn.url, clock: systemClock });
      // First start established the two issuing CAs.
      const established = (await store.headPosition()).toString();
      expect(established).not.toBe('0');
      expect(await (await fetch(`${server.url}/health`)).json()).toEqual({ status: 'ok', store: 'eventstoredb', position: established });
      const appended = await store.append('application-1', [newEvent(), newEvent()], { expectedRevision: 'no_stream' });
      await store.close();
      const position = E.isRight(appended) ? appended.right.position.toString() : 'conflict';
      expect(await (await fetch(`${server.url}/health`)).json()).toEqual({ status: 'ok', store: 'eventstoredb', position });
    } finally {
      expect((await server.stop()).code).toBe(0);
    }
  });

  it('verifies the log through the port, and catches an event altered inside EventStoreDB', async () => {
    const store = await EventStoreDbEventStore.connect({ url: standIn.url, clock: systemClock });
    await store.append('application-2', [newEvent('TestEventHappened', { marker: 'TAMPER-ME' })], { expectedRevision: 'no_stream' });
    await store.close();
    const clean = await ledger(['verify'], env);
    const reader = await EventStoreDbEventStore.connect({ url: standIn.url, clock: systemClock });
    const all = await collect(reader.readAll());
    await reader.close();
    expect(clean.stdout).toBe(`events checked: ${all.length}\nstreams checked: ${new Set(all.map((e) => e.stream)).size}\ncheckpoints checked: 0\nok\n`);
    expect(clean.code).toBe(0);

    const record = standIn.log.stream('application-2')?.[0];
    if (record === undefined) throw new Error('no record');
    const text = new TextDecoder().decode(record.data).replace('TAMPER-ME', 'TAMPER-ME!');
    (record as { data: Uint8Array }).data = new TextEncoder().encode(text);
    const broken = await ledger(['verify'], env);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/^broken: stream application-2, revision 0, position \d+: content altered/m);
  });
});
