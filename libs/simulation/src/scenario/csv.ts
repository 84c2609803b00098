import { ScenarioResult } from './results/result';

const cell = (v: string | number): string => {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/**
 * One series (every group of it side by side: a row per bucket, a column per group) or one table
 * of a result, as CSV (RFC 4180, `\n` line ends). Throws if the result has no such series or table.
 */
export function resultToCsv(r: ScenarioResult, what: { series?: string; table?: string }): string {
  if (what.series !== undefined) {
    const series = r.series.filter((s) => s.name === what.series);
    if (series.length === 0) throw new RangeError(`the result has no series '${what.series}'`);
    const header = ['time', ...series.map((s) => `${s.groupBy === 'fleet' ? 'fleet' : `${s.groupBy}:${s.group}`} (${s.unit})`)];
    const lines = [header.map(cell).join(',')];
    const n = Math.max(...series.map((s) => s.points.length));
    for (let i = 0; i < n; i++) lines.push([new Date(r.startMs + i * r.bucketMs).toISOString(), ...series.map((s) => s.points[i] ?? '')].map(cell).join(','));
    return `${lines.join('\n')}\n`;
  }
  if (what.table !== undefined) {
    const table = r.tables.find((t) => t.name === what.table);
    if (!table) throw new RangeError(`the result has no table '${what.table}'`);
    return `${[table.columns, ...table.rows].map((row) => row.map(cell).join(',')).join('\n')}\n`;
  }
  throw new RangeError('name a series or a table');
}
