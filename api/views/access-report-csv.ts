/**
 * The access report as CSV (RFC 4180): one row per count — section, key, count, note; a suppressed
 * count is empty, with a note saying so. Text cells can hold what callers chose (an organisation
 * comes from a token), so one that a spreadsheet would take for a formula — beginning with `=`, `+`,
 * `-`, `@`, TAB or CR — is neutralised by OWASP's CSV-injection rule: a leading single quote, and the
 * cell quoted. The count column holds only digits (or nothing) and is written as it is.
 */
import type { AccessReport, Cell } from '../../domain/audit/access-report.js';

const COUNT_COLUMN = 2;
const FORMULA_START = /^[=+\-@\t\r]/;

const quoted = (value: string): string => `"${value.replaceAll('"', '""')}"`;
const textCell = (value: string): string => (FORMULA_START.test(value) ? quoted(`'${value}`) : /[",\r\n]/.test(value) ? quoted(value) : value);

export function accessReportCsv(report: AccessReport): string {
  const rows: string[][] = [['section', 'key', 'count', 'note']];
  const row = (section: string, key: string, count: Cell, note = ''): void => {
    rows.push([section, key, count === null ? '' : String(count), count === null ? `suppressed (fewer than ${report.minCell})${note === '' ? '' : `; ${note}`}` : note]);
  };
  row('period', `${report.period.from}/${report.period.to}`, report.total, 'all accesses');
  row('unstated purpose', 'role duty recorded', report.unstatedPurpose);
  row('registry handover', 'registry.matching', report.registryHandover);
  const totals = report.totals;
  for (const [section, tallies] of [
    ['by organisation', totals.byOrganisation],
    ['by role', totals.byRole],
    ['by purpose', totals.byPurpose],
    ['by legal basis', totals.byLegalBasis],
    ['by function', totals.byFunction],
    ['by day', totals.byDay],
  ] as const) {
    for (const t of tallies) row(section, t.key, t.count);
  }
  for (const f of report.flags.afterHours) row('flag: outside business hours', f.actor, f.accesses, `${f.role}, ${f.organisation}`);
  for (const f of report.flags.aboveTheirPeers) row('flag: far above peers', f.actor, f.accesses, `${f.role}, ${f.organisation}; peer median ${f.peerMedian}`);
  for (const f of report.flags.holdersReadByManyActors) row('flag: holder read by many actors', f.holder, f.actors, `actors; municipality ${f.municipality ?? 'none'}`);
  for (const f of report.flags.readsWithoutCase) row('flag: read with no related case', f.actor, f.accesses, `${f.role}, ${f.organisation}`);
  const cell = (value: string, column: number): string => (column === COUNT_COLUMN && /^\d*$/.test(value) ? value : textCell(value));
  return `${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}
