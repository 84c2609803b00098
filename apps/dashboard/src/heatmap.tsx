import { KeyboardEvent, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { formatDateTime, formatPercent, toCsv } from './format';
import { download } from './api';

export interface HeatmapData {
  hosts: string[];
  /** ISO start of each column. */
  times: string[];
  /** values[h][t]: a fraction 0..1, or null where nothing was recorded. */
  values: (number | null)[][];
}

/** At most this many pixel rows: beyond it, each row shows the maximum of a group of hosts (a hot host stays visible). */
const MAX_ROWS = 600;

// A sequential scale, light to dark (cividis-like stops), readable by colour-blind users.
const STOPS: [number, number, number][] = [[255, 247, 188], [254, 196, 79], [236, 112, 20], [178, 46, 36], [80, 16, 60]];
const LUT = (() => {
  const lut = new Uint8ClampedArray(256 * 3);
  for (let i = 0; i < 256; i++) {
    const x = (i / 255) * (STOPS.length - 1);
    const k = Math.min(STOPS.length - 2, Math.floor(x));
    const f = x - k;
    for (let c = 0; c < 3; c++) lut[i * 3 + c] = STOPS[k][c] + (STOPS[k + 1][c] - STOPS[k][c]) * f;
  }
  return lut;
})();

/** Rows of the image: each the max over its group of hosts. */
export function rowGroups(hostCount: number, maxRows = MAX_ROWS): number {
  return Math.max(1, Math.ceil(hostCount / maxRows));
}

/** Draws the matrix onto the canvas (one pixel per cell, then scaled without smoothing): linear in cells. */
export function drawHeatmap(canvas: HTMLCanvasElement, data: HeatmapData, width: number, height: number): void {
  const cols = data.times.length;
  const group = rowGroups(data.hosts.length);
  const rows = Math.ceil(data.hosts.length / group);
  const img = new ImageData(Math.max(1, cols), Math.max(1, rows));
  const px = img.data;
  for (let r = 0; r < rows; r++) {
    for (let t = 0; t < cols; t++) {
      let v = -1;
      for (let h = r * group; h < Math.min(data.hosts.length, (r + 1) * group); h++) {
        const x = data.values[h][t];
        if (x !== null && x > v) v = x;
      }
      const o = (r * cols + t) * 4;
      if (v < 0) {
        px[o] = 230; px[o + 1] = 230; px[o + 2] = 230; px[o + 3] = 255;
      } else {
        const i = Math.max(0, Math.min(255, Math.round(v * 255))) * 3;
        px[o] = LUT[i]; px[o + 1] = LUT[i + 1]; px[o + 2] = LUT[i + 2]; px[o + 3] = 255;
      }
    }
  }
  const off = document.createElement('canvas');
  off.width = img.width;
  off.height = img.height;
  off.getContext('2d')!.putImageData(img, 0, 0);
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * dpr);
  canvas.height = Math.round(height * dpr);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext('2d')!;
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(off, 0, 0, canvas.width, canvas.height);
}

/** Hosts × time, coloured by utilization; hover or arrow keys read a cell; the whole matrix as CSV. */
export function Heatmap({ data, metric }: { data: HeatmapData; metric: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const box = useRef<HTMLDivElement>(null);
  // Measured before the first paint (layout effect), so that the matrix is drawn once, at its size.
  const [width, setWidth] = useState<number | null>(null);
  const [cursor, setCursor] = useState<{ row: number; col: number } | null>(null);
  const group = rowGroups(data.hosts.length);
  const rows = Math.ceil(data.hosts.length / group);
  const height = Math.min(600, Math.max(120, rows * Math.max(1, Math.floor(600 / Math.max(1, rows)))));

  useLayoutEffect(() => {
    const measure = () => box.current && setWidth(Math.max(200, box.current.clientWidth - 4));
    measure();
    window.addEventListener('resize', measure);
    return () => window.removeEventListener('resize', measure);
  }, []);
  useEffect(() => {
    if (!canvas.current || width === null) return;
    const t0 = performance.now();
    drawHeatmap(canvas.current, data, width, height);
    const t1 = performance.now();
    // What the benchmark reads (bench/dashboard.bench.ts): the drawing's time, and when it ended.
    canvas.current.dataset.renderMs = (t1 - t0).toFixed(1);
    canvas.current.dataset.drawnAt = t1.toFixed(1);
  }, [data, width, height]);

  const cell = useMemo(() => {
    if (!cursor) return null;
    const hosts = data.hosts.slice(cursor.row * group, (cursor.row + 1) * group);
    let v: number | null = null;
    let hot = hosts[0];
    hosts.forEach((h, i) => {
      const x = data.values[cursor.row * group + i][cursor.col];
      if (x !== null && (v === null || x > v)) {
        v = x;
        hot = h;
      }
    });
    return { hosts, hot, v: v as number | null, time: data.times[cursor.col] };
  }, [cursor, data, group]);

  const move = (e: KeyboardEvent) => {
    const d: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    const m = d[e.key];
    if (!m) return;
    e.preventDefault();
    const c = cursor ?? { row: 0, col: 0 };
    setCursor({ row: Math.max(0, Math.min(rows - 1, c.row + m[0])), col: Math.max(0, Math.min(data.times.length - 1, c.col + m[1])) });
  };
  const pick = (x: number, y: number) => setCursor({ row: Math.min(rows - 1, Math.floor((y / height) * rows)), col: Math.min(data.times.length - 1, Math.floor((x / (width ?? 600)) * data.times.length)) });
  const csv = () => toCsv(['hostId', ...data.times], data.hosts.map((h, i) => [h, ...data.values[i].map((v) => (v === null ? '' : v))]));

  return (
    <figure className="chart heatmap">
      <figcaption>Host {metric} utilization, hosts × time <span className="unit">(% of capacity, hourly mean)</span></figcaption>
      <div className="heatmap-body">
        <div className="axis-y" aria-hidden="true">hosts ({data.hosts.length.toLocaleString('en-US')}{group > 1 ? `, ${group} per row, max shown` : ''})</div>
        <div ref={box} className="heatmap-box">
          <canvas
            ref={canvas}
            data-testid="heatmap"
            tabIndex={0}
            role="img"
            aria-label={`Heatmap of ${metric} utilization for ${data.hosts.length} hosts over ${data.times.length} periods; use the arrow keys to read a cell`}
            onMouseMove={(e) => {
              const r = (e.target as HTMLCanvasElement).getBoundingClientRect();
              pick(e.clientX - r.left, e.clientY - r.top);
            }}
            onKeyDown={move}
          />
          <div className="axis-x" aria-hidden="true">
            <span>{data.times[0] ? formatDateTime(data.times[0]) : ''}</span>
            <span>time (UTC) →</span>
            <span>{data.times.length ? formatDateTime(data.times[data.times.length - 1]) : ''}</span>
          </div>
        </div>
      </div>
      <div className="legend-scale" aria-hidden="true">
        <span>0 %</span><span className="scale-bar" /><span>100 %</span><span className="no-data-swatch" /> <span>no data</span>
      </div>
      <p className="readout" aria-live="polite">
        {cell ? `${cell.hosts.length > 1 ? `${cell.hosts.length} hosts (hottest ${cell.hot})` : cell.hot} at ${formatDateTime(cell.time)}: ${cell.v === null ? 'no data' : formatPercent(cell.v)}` : 'Point at a cell, or focus the heatmap and use the arrow keys.'}
      </p>
      <div className="chart-actions">
        <button type="button" onClick={() => download(`heatmap-${metric}.csv`, csv())}>Download CSV</button>
      </div>
    </figure>
  );
}
