/**
 * The privacy council's access report, from counts only: totals by organisation, role, purpose,
 * legal basis, function and day; the handover to registry matching; and the patterns worth a
 * question — accesses outside business hours, an actor far above the peers of their role, one holder
 * looked up by many actors, reads with no related case. Actors appear only as pseudonyms, holders
 * only as report-local labels, and every count below the minimum cell size is suppressed (null), so
 * a small count cannot single a resident out.
 */

export interface ReportSettings {
  /** Business hours in JST, minutes after midnight: [start, end). */
  readonly businessStartMinute: number;
  readonly businessEndMinute: number;
  /** JST weekdays that are business days (0 Sunday … 6 Saturday). */
  readonly businessDays: readonly number[];
  /** Counts below this are suppressed. */
  readonly minCell: number;
  /** An actor is flagged above this many times the median of their role's actors … */
  readonly peerFactor: number;
  /** … and only from this many accesses on. */
  readonly peerMinimum: number;
  /** A holder looked up by at least this many distinct actors is flagged. */
  readonly manyActors: number;
}

export const DEFAULT_REPORT_SETTINGS: ReportSettings = {
  businessStartMinute: 8 * 60 + 30,
  businessEndMinute: 17 * 60 + 30,
  businessDays: [1, 2, 3, 4, 5],
  minCell: 5,
  peerFactor: 3,
  peerMinimum: 20,
  manyActors: 5,
};

export interface AccessGroup {
  readonly organisation: string;
  readonly role: string;
  readonly purpose: string;
  readonly legalBasis: string;
  readonly function: string;
  readonly day: string;
  readonly count: number;
  readonly unstated: number;
}

export interface ActorActivity {
  readonly actorId: string;
  readonly role: string;
  readonly organisation: string;
  readonly total: number;
  readonly afterHours: number;
  readonly withoutCase: number;
}

export interface HolderActivity {
  readonly municipality: string | null;
  readonly actors: number;
  readonly accesses: number;
}

export interface AccessAggregates {
  readonly from: string;
  readonly to: string;
  readonly groups: readonly AccessGroup[];
  readonly actors: readonly ActorActivity[];
  /** Holders looked up by at least `manyActors` actors. */
  readonly widelyRead: readonly HolderActivity[];
}

/** A count as reported: null when suppressed. */
export type Cell = number | null;

export interface Tally {
  readonly key: string;
  readonly count: Cell;
}

export interface AccessReport {
  readonly period: { readonly from: string; readonly to: string };
  readonly minCell: number;
  readonly total: Cell;
  readonly unstatedPurpose: Cell;
  readonly registryHandover: Cell;
  readonly totals: {
    readonly byOrganisation: readonly Tally[];
    readonly byRole: readonly Tally[];
    readonly byPurpose: readonly Tally[];
    readonly byLegalBasis: readonly Tally[];
    readonly byFunction: readonly Tally[];
    readonly byDay: readonly Tally[];
  };
  readonly flags: {
    readonly afterHours: readonly { readonly actor: string; readonly role: string; readonly organisation: string; readonly accesses: Cell }[];
    readonly aboveTheirPeers: readonly { readonly actor: string; readonly role: string; readonly organisation: string; readonly accesses: Cell; readonly peerMedian: number }[];
    readonly holdersReadByManyActors: readonly { readonly holder: string; readonly municipality: string | null; readonly actors: Cell; readonly accesses: Cell }[];
    readonly readsWithoutCase: readonly { readonly actor: string; readonly role: string; readonly organisation: string; readonly accesses: Cell }[];
  };
}

/** The function registry matching records its handover under. */
export const REGISTRY_HANDOVER_FUNCTION = 'registry.matching';

function tally(groups: readonly AccessGroup[], key: (g: AccessGroup) => string, cell: (n: number) => Cell): Tally[] {
  const counts = new Map<string, number>();
  for (const g of groups) counts.set(key(g), (counts.get(key(g)) ?? 0) + g.count);
  return [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, n]) => ({ key: k, count: cell(n) }));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

export function accessReport(aggregates: AccessAggregates, settings: ReportSettings, pseudonym: (actorId: string) => string): AccessReport {
  const cell = (n: number): Cell => (n < settings.minCell ? null : n);
  const { groups, actors } = aggregates;
  const sum = (pick: (g: AccessGroup) => number, where: (g: AccessGroup) => boolean = () => true) => groups.filter(where).reduce((total, g) => total + pick(g), 0);
  const byRole = new Map<string, number[]>();
  for (const a of actors) byRole.set(a.role, [...(byRole.get(a.role) ?? []), a.total]);
  const who = (a: ActorActivity) => ({ actor: pseudonym(a.actorId), role: a.role, organisation: a.organisation });
  const byActor = (a: { actor: string }, b: { actor: string }) => (a.actor < b.actor ? -1 : a.actor > b.actor ? 1 : 0);
  return {
    period: { from: aggregates.from, to: aggregates.to },
    minCell: settings.minCell,
    total: cell(sum((g) => g.count)),
    unstatedPurpose: cell(sum((g) => g.unstated)),
    registryHandover: cell(sum((g) => g.count, (g) => g.function === REGISTRY_HANDOVER_FUNCTION)),
    totals: {
      byOrganisation: tally(groups, (g) => g.organisation, cell),
      byRole: tally(groups, (g) => g.role, cell),
      byPurpose: tally(groups, (g) => g.purpose, cell),
      byLegalBasis: tally(groups, (g) => g.legalBasis, cell),
      byFunction: tally(groups, (g) => g.function, cell),
      byDay: tally(groups, (g) => g.day, cell),
    },
    flags: {
      afterHours: actors.filter((a) => a.afterHours > 0).map((a) => ({ ...who(a), accesses: cell(a.afterHours) })).sort(byActor),
      aboveTheirPeers: actors
        .flatMap((a) => {
          const peers = byRole.get(a.role) ?? [];
          const peerMedian = median(peers);
          return peers.length >= 3 && a.total >= settings.peerMinimum && a.total > settings.peerFactor * peerMedian ? [{ ...who(a), accesses: cell(a.total), peerMedian }] : [];
        })
        .sort(byActor),
      holdersReadByManyActors: [...aggregates.widelyRead]
        .sort((a, b) => b.actors - a.actors || b.accesses - a.accesses)
        .map((h, i) => ({ holder: `holder #${i + 1}`, municipality: h.municipality, actors: cell(h.actors), accesses: cell(h.accesses) })),
      readsWithoutCase: actors.filter((a) => a.withoutCase > 0).map((a) => ({ ...who(a), accesses: cell(a.withoutCase) })).sort(byActor),
    },
  };
}
