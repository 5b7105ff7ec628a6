/**
 * The access-log read model as the privacy council's report and a resident's disclosure request
 * read it (projections/audit/access-log.ts folds it).
 */
import type { Database } from 'better-sqlite3';
import type { AccessAggregates, HolderActivity, ReportSettings } from '../../domain/audit/access-report.js';
import type { AccessRecords, DisclosureRecord } from '../../domain/ports/registers.js';
import { prepared } from '../prepared.js';
import { JST_OFFSET_MS } from './access-log.js';

const DAY_MS = 86_400_000;

type GroupRow = { organisation: string; role: string; purpose: string; legal_basis: string; function: string; day: string; count: number; unstated: number };
type ActorRow = { actor_id: string; role: string; organisation: string; total: number; after_hours: number; without_case: number };

/** The first JST midnight at or after `instant`. */
function nextJstMidnight(instant: Date): Date {
  const jst = instant.getTime() + JST_OFFSET_MS;
  return new Date(Math.ceil(jst / DAY_MS) * DAY_MS - JST_OFFSET_MS);
}
const jstDay = (midnight: Date): string => new Date(midnight.getTime() + JST_OFFSET_MS).toISOString().slice(0, 10);

export class AccessLog implements AccessRecords {
  constructor(private readonly db: Database) {}

  /**
   * The counts the access report is made from, over [from, to). Whole JST days come from the daily
   * roll-ups the projection keeps (one row per day and kind of access, per day and actor), so a
   * year's report reads thousands of rows, not every access; the parts of a day at either end, and
   * the accesses on business days outside business hours (which depend on the settings), come from
   * the accesses themselves through their indexes.
   */
  aggregates(from: Date, to: Date, settings: ReportSettings): AccessAggregates {
    const range = [from.toISOString(), to.toISOString()] as const;
    const wholeFrom = nextJstMidnight(from);
    const wholeTo = new Date(nextJstMidnight(new Date(to.getTime() + 1)).getTime() - DAY_MS);
    const groups: GroupRow[] = [];
    const actors: ActorRow[] = [];
    if (wholeFrom.getTime() < wholeTo.getTime()) {
      groups.push(...this.dailyGroups(jstDay(wholeFrom), jstDay(wholeTo)));
      actors.push(...this.dailyActors(jstDay(wholeFrom), jstDay(wholeTo), wholeFrom, wholeTo, settings));
      for (const [a, b] of [[from, wholeFrom], [wholeTo, to]] as const) {
        if (a.getTime() < b.getTime()) {
          groups.push(...this.rawGroups(a, b));
          actors.push(...this.rawActors(a, b, settings));
        }
      }
    } else {
      groups.push(...this.rawGroups(from, to));
      actors.push(...this.rawActors(from, to, settings));
    }
    const widelyRead = prepared(
      this.db,
      `SELECT MIN(municipality) AS municipality, COUNT(DISTINCT actor_id) AS actors, COUNT(*) AS accesses
       FROM access_records INDEXED BY access_records_by_holder WHERE accessed_at >= ? AND accessed_at < ? GROUP BY holder_ref HAVING COUNT(DISTINCT actor_id) >= ?`,
    ).all(...range, settings.manyActors) as HolderActivity[];
    return { from: range[0], to: range[1], groups: mergeGroups(groups), actors: mergeActors(actors), widelyRead };
  }

  private dailyGroups(fromDay: string, toDay: string): GroupRow[] {
    return prepared(
      this.db,
      'SELECT organisation, role, purpose, legal_basis, function, day, count, unstated FROM access_daily WHERE day >= ? AND day < ?',
    ).all(fromDay, toDay) as GroupRow[];
  }

  private rawGroups(from: Date, to: Date): GroupRow[] {
    return prepared(
      this.db,
      `SELECT organisation, role, purpose, legal_basis, function, day, COUNT(*) AS count, SUM(1 - purpose_stated) AS unstated
       FROM access_records WHERE accessed_at >= ? AND accessed_at < ? GROUP BY organisation, role, purpose, legal_basis, function, day`,
    ).all(from.toISOString(), to.toISOString()) as GroupRow[];
  }

  /** Whole days: totals from the roll-up (all of a non-business day is after hours), plus business-day accesses outside business hours. */
  private dailyActors(fromDay: string, toDay: string, from: Date, to: Date, settings: ReportSettings): ActorRow[] {
    const days = businessDays(settings);
    const totals = prepared(this.db,
        `SELECT actor_id, role, organisation, SUM(total) AS total, SUM(without_case) AS without_case,
           SUM(CASE WHEN CAST(strftime('%w', day) AS INTEGER) NOT IN (${days}) THEN total ELSE 0 END) AS after_hours
         FROM actor_daily WHERE day >= ? AND day < ? GROUP BY actor_id, role, organisation`,
      )
      .all(fromDay, toDay) as ActorRow[];
    const outsideHours = (minute: string) =>
      `SELECT actor_id, role, organisation, weekday_jst FROM access_records INDEXED BY access_records_by_minute WHERE ${minute} AND accessed_at >= ? AND accessed_at < ?`;
    const early = prepared(this.db,
        `SELECT actor_id, role, organisation, 0 AS total, 0 AS without_case, COUNT(*) AS after_hours FROM
           (${outsideHours('minute_jst < ?')} UNION ALL ${outsideHours('minute_jst >= ?')})
         WHERE weekday_jst IN (${days}) GROUP BY actor_id, role, organisation`,
      )
      .all(settings.businessStartMinute, from.toISOString(), to.toISOString(), settings.businessEndMinute, from.toISOString(), to.toISOString()) as ActorRow[];
    return [...totals, ...early];
  }

  private rawActors(from: Date, to: Date, settings: ReportSettings): ActorRow[] {
    return prepared(this.db,
        `SELECT actor_id, role, organisation, COUNT(*) AS total, SUM(without_case) AS without_case,
           SUM(CASE WHEN weekday_jst NOT IN (${businessDays(settings)}) OR minute_jst < ? OR minute_jst >= ? THEN 1 ELSE 0 END) AS after_hours
         FROM access_records WHERE accessed_at >= ? AND accessed_at < ? GROUP BY actor_id, role, organisation`,
      )
      .all(settings.businessStartMinute, settings.businessEndMinute, from.toISOString(), to.toISOString()) as ActorRow[];
  }

  /** Every recorded access to one holder's information, oldest first. */
  disclosuresOf(holderRef: string): DisclosureRecord[] {
    const rows = prepared(
      this.db,
      'SELECT accessed_at, organisation, role, purpose, legal_basis, function, items FROM access_records WHERE holder_ref = ? ORDER BY accessed_at, position',
    ).all(holderRef) as { accessed_at: string; organisation: string; role: string; purpose: string; legal_basis: string; function: string; items: string }[];
    return rows.map((r) => ({ accessedAt: r.accessed_at, organisation: r.organisation, role: r.role, purpose: r.purpose, legalBasis: r.legal_basis, function: r.function, items: r.items.split(',') }));
  }

  /** A municipality the holder has a case in (the first by code), if any. */
  municipalityOf(holderRef: string): string | undefined {
    return (prepared(this.db, 'SELECT municipality FROM holder_cases WHERE holder_ref = ? ORDER BY municipality LIMIT 1').get(holderRef) as { municipality: string } | undefined)?.municipality;
  }
}

/** The business days as an SQL list of whole numbers (validated: they come from settings, not requests). */
function businessDays(settings: ReportSettings): string {
  const days = settings.businessDays.map((d) => Number(d)).filter((d) => Number.isInteger(d) && d >= 0 && d <= 6);
  return days.length === 0 ? '-1' : days.join(', ');
}

function mergeGroups(rows: readonly GroupRow[]): AccessAggregates['groups'] {
  const merged = new Map<string, { -readonly [K in keyof AccessAggregates['groups'][number]]: AccessAggregates['groups'][number][K] }>();
  for (const r of rows) {
    const key = [r.organisation, r.role, r.purpose, r.legal_basis, r.function, r.day].join('\u0000');
    const found = merged.get(key);
    if (found === undefined) {
      merged.set(key, { organisation: r.organisation, role: r.role, purpose: r.purpose, legalBasis: r.legal_basis, function: r.function, day: r.day, count: r.count, unstated: r.unstated });
    } else {
      found.count += r.count;
      found.unstated += r.unstated;
    }
  }
  return [...merged.values()];
}

function mergeActors(rows: readonly ActorRow[]): AccessAggregates['actors'] {
  const merged = new Map<string, { -readonly [K in keyof AccessAggregates['actors'][number]]: AccessAggregates['actors'][number][K] }>();
  for (const r of rows) {
    const key = [r.actor_id, r.role, r.organisation].join('\u0000');
    const found = merged.get(key);
    if (found === undefined) {
      merged.set(key, { actorId: r.actor_id, role: r.role, organisation: r.organisation, total: r.total, afterHours: r.after_hours, withoutCase: r.without_case });
    } else {
      found.total += r.total;
      found.afterHours += r.after_hours;
      found.withoutCase += r.without_case;
    }
  }
  return [...merged.values()].filter((a) => a.total > 0);
}
