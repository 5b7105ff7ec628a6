/**
 * The access report's counts come from daily roll-ups for whole JST days and from the accesses
 * themselves for parts of days and for business-day accesses outside business hours. Checked against
 * a plain count over the same accesses, for whole-day periods, periods that start and end mid-day,
 * and periods shorter than a day, under two business-hours settings.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DEFAULT_REPORT_SETTINGS, type AccessAggregates, type ReportSettings } from '../../domain/audit/access-report.js';
import type { RecordedEvent } from '../../domain/ports/event-store.js';
import { accessLogProjection } from '../../projections/audit/access-log.js';
import { AccessLog } from '../../projections/audit/access-log-queries.js';

const START = Date.parse('2027-03-01T00:00:00+09:00'); // a Monday in JST
const HOUR = 3600_000;

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

interface Access {
  readonly at: number;
  readonly actor: { id: string; role: string; organisation: string };
  readonly purpose: string;
  readonly stated: boolean;
  readonly fn: string;
  readonly holderRef: string;
  readonly municipality: string | undefined;
  readonly withoutCase: boolean;
}

function history(seed: number): { events: RecordedEvent[]; accesses: Access[] } {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const actors = [
    { id: 'clerk-1', role: 'municipal-clerk', organisation: '131016' },
    { id: 'clerk-2', role: 'municipal-clerk', organisation: '131016' },
    { id: 'clerk-3', role: 'municipal-clerk', organisation: '271004' },
    { id: 'operator-1', role: 'prefectural-operator', organisation: 'tokyo' },
  ];
  const holders = Array.from({ length: 12 }, (_, i) => i.toString(16).padStart(64, '0'));
  const cases = new Set<string>();
  const events: RecordedEvent[] = [];
  const accesses: Access[] = [];
  let at = START;
  for (let position = 1n; position <= 1500n; position += 1n) {
    at += Math.floor(next() * 40 * 60_000); // about two weeks in all
    const holderRef = pick(holders);
    const municipality = pick(['131016', '271004', undefined]);
    const base = { id: `e${position}`, stream: 's', revision: 0n, position };
    if (next() < 0.1 && municipality !== undefined) {
      cases.add(`${holderRef}/${municipality}`);
      events.push({ ...base, type: pick(['ApplicationSubmitted', 'CertificateIssued', 'RegistryChangeReceived']), data: { holderRef, municipalityCode: municipality }, metadata: {} as RecordedEvent['metadata'] });
      continue;
    }
    const access: Access = {
      at,
      actor: pick(actors),
      purpose: pick(['application-processing', 'certificate-administration']),
      stated: next() < 0.7,
      fn: pick(['application.read', 'certificate.read']),
      holderRef,
      municipality,
      withoutCase: municipality !== undefined && !cases.has(`${holderRef}/${municipality}`),
    };
    accesses.push(access);
    events.push({
      ...base,
      type: 'PersonalInformationAccessed',
      data: {
        function: access.fn,
        purpose: access.purpose,
        purposeStated: access.stated,
        legalBasis: 'JPKI Act',
        items: ['name'],
        holderRef,
        ...(municipality === undefined ? {} : { municipalityCode: municipality }),
        recipient: access.actor.organisation,
        accessedAt: new Date(at).toISOString(),
      },
      metadata: { actor: access.actor } as unknown as RecordedEvent['metadata'],
    });
  }
  return { events, accesses };
}

/** The counts, by a plain pass over the accesses. */
function expected(accesses: readonly Access[], from: number, to: number, settings: ReportSettings) {
  const within = accesses.filter((a) => a.at >= from && a.at < to);
  const groups = new Map<string, { count: number; unstated: number }>();
  const actors = new Map<string, { total: number; afterHours: number; withoutCase: number }>();
  const readers = new Map<string, Set<string>>();
  for (const a of within) {
    const jst = new Date(a.at + 9 * HOUR);
    const minute = jst.getUTCHours() * 60 + jst.getUTCMinutes();
    const groupKey = [a.actor.organisation, a.actor.role, a.purpose, 'JPKI Act', a.fn, jst.toISOString().slice(0, 10)].join(' ');
    const group = groups.get(groupKey) ?? { count: 0, unstated: 0 };
    groups.set(groupKey, { count: group.count + 1, unstated: group.unstated + (a.stated ? 0 : 1) });
    const afterHours = !settings.businessDays.includes(jst.getUTCDay()) || minute < settings.businessStartMinute || minute >= settings.businessEndMinute;
    const actor = actors.get(a.actor.id) ?? { total: 0, afterHours: 0, withoutCase: 0 };
    actors.set(a.actor.id, { total: actor.total + 1, afterHours: actor.afterHours + (afterHours ? 1 : 0), withoutCase: actor.withoutCase + (a.withoutCase ? 1 : 0) });
    readers.set(a.holderRef, (readers.get(a.holderRef) ?? new Set()).add(a.actor.id));
  }
  return {
    groups: Object.fromEntries(groups),
    actors: Object.fromEntries(actors),
    widelyRead: [...readers.values()].filter((r) => r.size >= settings.manyActors).length,
  };
}

function actual(aggregates: AccessAggregates) {
  return {
    groups: Object.fromEntries(aggregates.groups.map((g) => [[g.organisation, g.role, g.purpose, g.legalBasis, g.function, g.day].join(' '), { count: g.count, unstated: g.unstated }])),
    actors: Object.fromEntries(aggregates.actors.map((a) => [a.actorId, { total: a.total, afterHours: a.afterHours, withoutCase: a.withoutCase }])),
    widelyRead: aggregates.widelyRead.length,
  };
}

describe('the access report counts', () => {
  const db = new Database(':memory:');
  accessLogProjection.init(db);
  const { events, accesses } = history(7);
  db.transaction(() => events.forEach((e) => accessLogProjection.apply(db, e)))();
  const log = new AccessLog(db);
  const evening: ReportSettings = { ...DEFAULT_REPORT_SETTINGS, businessStartMinute: 9 * 60 + 15, businessEndMinute: 20 * 60, businessDays: [1, 2, 3, 4, 5, 6], manyActors: 3 };
  const periods: [string, number, number][] = [
    ['whole JST days', START, START + 10 * 24 * HOUR],
    ['mid-day to mid-day', START + 13 * HOUR + 17 * 60_000, START + 8 * 24 * HOUR + 5 * HOUR],
    ['mid-day to a midnight', START + 30 * HOUR, START + 6 * 24 * HOUR],
    ['within one day', START + 2 * 24 * HOUR + 9 * HOUR, START + 2 * 24 * HOUR + 15 * HOUR],
    ['everything', 0, START + 100 * 24 * HOUR],
  ];

  it('has accesses to count: after hours, on weekends, without a case, with unstated purposes', () => {
    expect(accesses.length).toBeGreaterThan(1000);
    const sample = expected(accesses, 0, Infinity, DEFAULT_REPORT_SETTINGS);
    const totals = Object.values(sample.actors);
    expect(totals.reduce((n, a) => n + a.afterHours, 0)).toBeGreaterThan(100);
    expect(totals.reduce((n, a) => n + a.withoutCase, 0)).toBeGreaterThan(100);
    expect(expected(accesses, 0, Infinity, { ...DEFAULT_REPORT_SETTINGS, manyActors: 3 }).widelyRead).toBeGreaterThan(0);
  });

  for (const settings of [DEFAULT_REPORT_SETTINGS, evening]) {
    for (const [name, from, to] of periods) {
      it(`equal a plain count over ${name} (business hours ${settings.businessStartMinute}–${settings.businessEndMinute})`, () => {
        expect(actual(log.aggregates(new Date(from), new Date(to), settings))).toEqual(expected(accesses, from, to, settings));
      });
    }
  }
});
