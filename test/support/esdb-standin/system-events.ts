/**
 * What a node writes into $all besides the user's events. On start: its epoch and default settings.
 * With EVENTSTORE_RUN_PROJECTIONS=All and the standard projections started: for every user event, a
 * `$>` link event in `$ce-<category>` ($by_category; the category is the stream name up to its first
 * '-') and one in `$et-<type>` ($by_event_type); and now and then a `$statsCollected` event in
 * `$stats-<node>`, whose stream gets its `$metadata` first. Like the projections, it writes after
 * the user's append, in a later turn of the event loop, so other appends can land in between.
 */
import { randomUUID } from 'node:crypto';
import type { LogRecord, ProposedEvent, TransactionLog } from './transaction-log.js';

const STATS_STREAM = '$stats-127.0.0.1:2113';
const USER_APPENDS_PER_STATS = 5;
const utf8 = new TextEncoder();

export function writeNodeStart(log: TransactionLog): void {
  log.append('$epoch-information', [systemEvent('$epoch-information', { epochNumber: 0, epochPosition: 0 })], { kind: 'any' });
  log.append('$settings', [systemEvent('$settings', { $userStreamAcl: { $r: '$all' }, $systemStreamAcl: { $r: '$admins' } })], { kind: 'any' });
}

/** Starts the projections; returns the function that stops them. */
export function runSystemProjections(log: TransactionLog): () => void {
  let userAppends = 0;
  const pending = new Set<NodeJS.Immediate>();
  const later = (work: () => void): void => {
    const handle = setImmediate(() => {
      pending.delete(handle);
      work();
    });
    pending.add(handle);
  };

  const stopListening = log.onAppend((written) => {
    const first = written[0];
    if (first === undefined || first.stream.startsWith('$')) return;
    later(() => {
      for (const record of written) linkByCategoryAndType(log, record);
    });
    userAppends += 1;
    if (userAppends % USER_APPENDS_PER_STATS === 1) later(() => collectStats(log));
  });

  return () => {
    stopListening();
    for (const handle of pending) clearImmediate(handle);
  };
}

function linkByCategoryAndType(log: TransactionLog, record: LogRecord): void {
  const dash = record.stream.indexOf('-');
  if (dash > 0) log.append(`$ce-${record.stream.slice(0, dash)}`, [linkTo(record)], { kind: 'any' });
  log.append(`$et-${record.type}`, [linkTo(record)], { kind: 'any' });
}

function linkTo(record: LogRecord): ProposedEvent {
  return {
    id: randomUUID(),
    type: '$>',
    isJson: false,
    data: utf8.encode(`${record.revision}@${record.stream}`),
    metadata: json({ $v: '1:-1:1:4', $c: Number(record.position), $p: Number(record.position), $causedBy: record.id }),
  };
}

function collectStats(log: TransactionLog): void {
  if (log.stream(STATS_STREAM) === undefined) {
    log.append(`$$${STATS_STREAM}`, [systemEvent('$metadata', { $maxAge: 86400 })], { kind: 'any' });
  }
  log.append(STATS_STREAM, [systemEvent('$statsCollected', { 'proc-startTime': new Date().toISOString(), 'es-queue-Main-queueName': 'Main' })], {
    kind: 'any',
  });
}

function systemEvent(type: string, data: object): ProposedEvent {
  return { id: randomUUID(), type, isJson: true, data: json(data), metadata: new Uint8Array() };
}

function json(value: object): Uint8Array {
  return utf8.encode(JSON.stringify(value));
}
