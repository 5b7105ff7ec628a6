/**
 * The access report as a page a council member reads and prints: the period and totals, a bar chart
 * of accesses per day (inline SVG: no script, renders and prints anywhere), the totals by dimension
 * and the flagged patterns. Suppressed counts read "fewer than N". Every value is escaped.
 */
import type { AccessReport, Cell, Tally } from '../../domain/audit/access-report.js';

const escape = (value: string): string =>
  value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');

function chart(days: readonly Tally[], minCell: number): string {
  const width = 720;
  const height = 220;
  const top = 20;
  const bottom = 40;
  const left = 48;
  const plotHeight = height - top - bottom;
  const max = Math.max(minCell, ...days.map((d) => d.count ?? 0));
  const step = days.length === 0 ? 0 : (width - left - 10) / days.length;
  const bars = days
    .map((d, i) => {
      const x = left + i * step + step * 0.1;
      const w = Math.max(1, step * 0.8);
      const value = d.count ?? 0;
      const h = (value / max) * plotHeight;
      const y = top + plotHeight - h;
      const label = d.count === null ? `fewer than ${minCell}` : String(d.count);
      const bar =
        d.count === null
          ? `<rect class="suppressed" x="${x.toFixed(1)}" y="${(top + plotHeight - 4).toFixed(1)}" width="${w.toFixed(1)}" height="4"><title>${escape(d.key)}: ${label}</title></rect>`
          : `<rect class="bar" x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${w.toFixed(1)}" height="${h.toFixed(1)}"><title>${escape(d.key)}: ${label}</title></rect>`;
      const tick = i === 0 || i === days.length - 1 || days.length <= 14 ? `<text class="tick" x="${(x + w / 2).toFixed(1)}" y="${height - bottom + 16}">${escape(d.key.slice(5))}</text>` : '';
      return bar + tick;
    })
    .join('');
  return `<svg id="accesses-per-day" role="img" aria-label="Accesses per day" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">
  <line class="axis" x1="${left}" y1="${top + plotHeight}" x2="${width - 10}" y2="${top + plotHeight}"/>
  <line class="axis" x1="${left}" y1="${top}" x2="${left}" y2="${top + plotHeight}"/>
  <text class="tick" x="${left - 6}" y="${top + 4}" text-anchor="end">${max}</text>
  <text class="tick" x="${left - 6}" y="${top + plotHeight}" text-anchor="end">0</text>
  ${bars}
</svg>`;
}

const count = (cell: Cell, minCell: number): string => (cell === null ? `<span class="suppressed">fewer than ${minCell}</span>` : String(cell));

function table(caption: string, head: readonly string[], rows: readonly (readonly string[])[]): string {
  const body = rows.length === 0 ? `<tr><td colspan="${head.length}" class="none">none</td></tr>` : rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('');
  return `<table><caption>${escape(caption)}</caption><thead><tr>${head.map((h) => `<th>${escape(h)}</th>`).join('')}</tr></thead><tbody>${body}</tbody></table>`;
}

export function accessReportHtml(report: AccessReport): string {
  const m = report.minCell;
  const tallies = (caption: string, list: readonly Tally[]) => table(caption, ['', 'accesses'], list.map((t) => [escape(t.key), count(t.count, m)]));
  const flags = report.flags;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Access to personal information, ${escape(report.period.from.slice(0, 10))} to ${escape(report.period.to.slice(0, 10))}</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 2rem; color: #111; }
  h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
  table { border-collapse: collapse; margin: 1rem 0; min-width: 24rem; }
  caption { text-align: left; font-weight: 600; padding-bottom: .3rem; }
  th, td { border: 1px solid #bbb; padding: .25rem .6rem; text-align: left; }
  td:last-child { text-align: right; }
  .suppressed { color: #777; font-style: italic; }
  svg .bar { fill: #2b6cb0; } svg rect.suppressed { fill: #bbb; } svg .axis { stroke: #333; } svg .tick { font-size: 10px; text-anchor: middle; fill: #333; }
  .none { color: #777; }
  @media print { body { margin: 0; } h2 { break-after: avoid; } table, svg { break-inside: avoid; } }
</style>
</head>
<body>
<h1>Access to personal information</h1>
<p>Period: <time>${escape(report.period.from)}</time> to <time>${escape(report.period.to)}</time>. Counts below ${m} are suppressed. Staff appear as pseudonyms, residents not at all.</p>
<ul id="summary">
  <li>All accesses: <strong>${count(report.total, m)}</strong></li>
  <li>With no purpose stated (role duty recorded): ${count(report.unstatedPurpose, m)}</li>
  <li>Handed to registry matching: ${count(report.registryHandover, m)}</li>
</ul>
<h2>Accesses per day</h2>
${chart(report.totals.byDay, m)}
<h2>Totals</h2>
${tallies('By organisation', report.totals.byOrganisation)}
${tallies('By role', report.totals.byRole)}
${tallies('By purpose', report.totals.byPurpose)}
${tallies('By legal basis', report.totals.byLegalBasis)}
${tallies('By function', report.totals.byFunction)}
<h2>Patterns to look at</h2>
${table('Accesses outside business hours', ['actor', 'role', 'organisation', 'accesses'], flags.afterHours.map((f) => [escape(f.actor), escape(f.role), escape(f.organisation), count(f.accesses, m)]))}
${table('Far above the peers of their role', ['actor', 'role', 'organisation', 'peer median', 'accesses'], flags.aboveTheirPeers.map((f) => [escape(f.actor), escape(f.role), escape(f.organisation), String(f.peerMedian), count(f.accesses, m)]))}
${table('One resident read by many actors', ['resident', 'municipality', 'accesses', 'actors'], flags.holdersReadByManyActors.map((f) => [escape(f.holder), escape(f.municipality ?? '—'), count(f.accesses, m), count(f.actors, m)]))}
${table('Reads with no related case', ['actor', 'role', 'organisation', 'accesses'], flags.readsWithoutCase.map((f) => [escape(f.actor), escape(f.role), escape(f.organisation), count(f.accesses, m)]))}
</body>
</html>
`;
}
