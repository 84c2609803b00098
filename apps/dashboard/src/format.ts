/**
 * Formatting for display. Money arrives from the API as decimal strings (never computed here) and
 * is formatted from its digits, so no float ever rounds a cent. Times are simulated times, shown
 * in UTC.
 */

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** "1234.5" → "$1,234.50"; "-3.1" → "−$3.10". At least 2 decimals, more when the string has them (unit prices). */
export function formatMoney(amount: string, currency = 'USD'): string {
  const m = DECIMAL.exec(amount.trim());
  if (!m) return amount;
  const [, sign, whole, frac = ''] = m;
  const cents = frac.length >= 2 ? frac.replace(/0+$/, '').padEnd(2, '0') : frac.padEnd(2, '0');
  const symbol = currency === 'USD' ? '$' : `${currency} `;
  const zero = /^0*$/.test(whole + frac);
  return `${sign && !zero ? '\u2212' : ''}${symbol}${groupThousands(whole.replace(/^0+(?=\d)/, ''))}.${cents}`;
}

/** A count with thousands separators and at most `digits` decimals: 12345.678 → "12,345.68". */
export function formatNumber(n: number, digits = 2): string {
  if (!Number.isFinite(n)) return '—';
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** A fraction (0.253) as a percentage ("25.3 %"). */
export function formatPercent(fraction: number, digits = 1): string {
  if (!Number.isFinite(fraction)) return '—';
  return `${(fraction * 100).toFixed(digits)} %`;
}

/** MiB in the largest binary unit that keeps the figure ≥ 1: 1536 → "1.5 GiB". */
export function formatMiB(mib: number): string {
  if (!Number.isFinite(mib)) return '—';
  const units = ['MiB', 'GiB', 'TiB', 'PiB'];
  let v = mib;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${formatNumber(v, 1)} ${units[i]}`;
}

/** Watts as W, kW or MW: 12500 → "12.5 kW". */
export function formatWatts(w: number): string {
  if (!Number.isFinite(w)) return '—';
  if (Math.abs(w) >= 1e6) return `${formatNumber(w / 1e6, 2)} MW`;
  if (Math.abs(w) >= 1e3) return `${formatNumber(w / 1e3, 2)} kW`;
  return `${formatNumber(w, 0)} W`;
}

/** Seconds as "2 d 3 h", "1 h 5 min", "4 min 10 s" or "42 s" (the two largest units). */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  const parts: [number, string][] = [[Math.floor(s / 86400), 'd'], [Math.floor((s % 86400) / 3600), 'h'], [Math.floor((s % 3600) / 60), 'min'], [s % 60, 's']];
  const first = parts.findIndex(([v]) => v > 0);
  if (first === -1) return '0 s';
  return parts.slice(first, first + 2).filter(([v]) => v > 0).map(([v, u]) => `${v} ${u}`).join(' ');
}

/** An ISO time as "2025-04-03 14:05 UTC" (simulated time is UTC throughout). */
export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)} UTC`;
}

/** An ISO time as its UTC day, "2025-04-03". */
export function formatDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().slice(0, 10);
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "2025-04" → "April 2025". */
export function formatMonth(month: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) return month;
  return `${MONTHS[Number(m[2]) - 1]} ${m[1]}`;
}

/** The UTC month of an ISO time, "YYYY-MM", and the one before it. */
export function monthOf(iso: string): string {
  return new Date(iso).toISOString().slice(0, 7);
}
export function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** One CSV cell: quoted when it holds a comma, a quote or a line break (RFC 4180). */
function csvCell(v: unknown): string {
  const s = v === undefined || v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows as CSV text with a header line. */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
