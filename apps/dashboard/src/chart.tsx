import { RefObject, useEffect, useRef, useState } from 'react';
import type { ECharts } from 'echarts/core';
import { loadECharts } from './echarts-chunk';
import { Column, CsvButton, csvOf, Empty, Table } from './ui';


/** Charts waiting to be drawn, in the order they came near the viewport. */
const drawQueue: (() => void)[] = [];

/**
 * Draws one chart per animation frame: each chart (ECharts' init and first setOption, 10–100 ms)
 * is painted in the frame it is drawn in, the first before the next is started, instead of every
 * chart in sight in one long task with nothing on screen until the last.
 */
function drawInTurn(draw: () => void): void {
  drawQueue.push(draw);
  if (drawQueue.length > 1) return;
  const next = () =>
    requestAnimationFrame(() => {
      try {
        drawQueue[0]();
      } finally {
        drawQueue.shift();
        if (drawQueue.length > 0) next();
      }
    });
  next();
}

/**
 * A chart drawn once it is near the viewport (IntersectionObserver): a page of many charts draws
 * the ones in sight first. `draw` sets its options (the latest props'), when it is first drawn and
 * after each render (or, given `deps`, when they change). No React state: drawing does not render
 * the component again.
 */
function useECharts(el: RefObject<HTMLDivElement | null>, empty: boolean, draw: (chart: ECharts) => void, deps?: unknown[]): void {
  const drawRef = useRef(draw);
  drawRef.current = draw;
  const chartRef = useRef<ECharts | null>(null);
  useEffect(() => {
    const node = el.current;
    if (!node || empty) return;
    let gone = false;
    const onResize = () => chartRef.current?.resize();
    const create = () =>
      loadECharts().then(({ echarts }) =>
        drawInTurn(() => {
          if (gone) return;
          chartRef.current = echarts.init(node, undefined, { renderer: 'canvas' });
          drawRef.current(chartRef.current);
          window.addEventListener('resize', onResize);
        }),
      );
    let io: IntersectionObserver | undefined;
    if (typeof IntersectionObserver === 'undefined') void create();
    else {
      io = new IntersectionObserver((entries) => {
        if (!entries.some((e) => e.isIntersecting)) return;
        io!.disconnect();
        void create();
      }, { rootMargin: '200px' });
      io.observe(node);
    }
    return () => {
      gone = true;
      io?.disconnect();
      window.removeEventListener('resize', onResize);
      chartRef.current?.dispose();
      chartRef.current = null;
    };
  }, [el, empty]);
  useEffect(() => {
    if (chartRef.current) drawRef.current(chartRef.current);
  }, deps);
}

/** Colours with at least 3:1 contrast against the white chart background (WCAG 1.4.11, graphics). */
export const PALETTE = ['#1f5fa8', '#b0470c', '#2e7d32', '#7b1fa2', '#c62828', '#00695c', '#5d4037', '#ad1457', '#455a64', '#6d6a00', '#3949ab'];

export interface Series {
  name: string;
  values: (number | null)[];
}

export interface ChartProps {
  /** Describes the chart for screen readers and names its table and CSV. */
  title: string;
  kind: 'bar' | 'line';
  categories: string[];
  series: Series[];
  xName: string;
  yName: string;
  /** Formats a value (axis labels, tooltips, table). */
  format: (v: number) => string;
  stacked?: boolean;
  /** Horizontal bars (categories on the y axis), for long labels. */
  horizontal?: boolean;
  height?: number;
  onSelect?: (category: string, series: string) => void;
}

/** A chart with axes (units in their names), a legend, tooltips, and its numbers as a table and CSV. */
export function Chart(p: ChartProps) {
  const el = useRef<HTMLDivElement>(null);
  const [showTable, setShowTable] = useState(false);
  const empty = p.categories.length === 0 || p.series.every((s) => s.values.every((v) => v === null));
  useECharts(el, empty, (chart) => {
    const catAxis = { type: 'category' as const, data: p.categories, name: p.xName, nameLocation: 'middle' as const, nameGap: p.horizontal ? 70 : 28, axisLabel: { color: '#333' } };
    const valAxis = { type: 'value' as const, name: p.yName, nameTextStyle: { color: '#333', align: 'left' as const }, axisLabel: { color: '#333', formatter: (v: number) => p.format(v) } };
    chart.setOption(
      {
        color: PALETTE,
        aria: { enabled: true, label: { description: p.title } },
        animation: false,
        grid: { left: p.horizontal ? 130 : 70, right: 20, top: 40, bottom: 60, containLabel: false },
        legend: { top: 0, type: 'scroll', textStyle: { color: '#222' } },
        tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? p.format(v) : String(v ?? '—')) },
        xAxis: p.horizontal ? valAxis : catAxis,
        yAxis: p.horizontal ? { ...catAxis, inverse: true, axisLabel: { color: '#333', width: 110, overflow: 'truncate' } } : valAxis,
        series: p.series.map((s) => ({ name: s.name, type: p.kind, data: s.values, stack: p.stacked ? 'all' : undefined, showSymbol: false, connectNulls: false })),
      },
      true,
    );
    chart.off('click');
    if (p.onSelect) chart.on('click', (e: any) => p.onSelect!(String(e.name), String(e.seriesName)));
  });

  const columns: Column<number>[] = [
    { header: p.xName, cell: (i) => p.categories[i] },
    ...p.series.map((s) => ({ header: s.name, numeric: true, cell: (i: number) => (s.values[i] === null ? '—' : p.format(s.values[i]!)), csv: (i: number) => s.values[i] ?? '' })),
  ];
  const rows = p.categories.map((_, i) => i);
  const file = `${p.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.csv`;
  return (
    <figure className="chart">
      <figcaption>{p.title} <span className="unit">({p.yName})</span></figcaption>
      {empty ? (
        <Empty>No data for this chart yet.</Empty>
      ) : (
        <div ref={el} className="chart-canvas" data-testid="chart" data-chart={p.title} style={{ height: p.height ?? 280 }} role="img" aria-label={`${p.title}: ${p.series.map((s) => s.name).join(', ')} by ${p.xName}`} />
      )}
      {!empty && (
        <div className="chart-actions">
          <button type="button" aria-expanded={showTable} onClick={() => setShowTable(!showTable)}>{showTable ? 'Hide' : 'Show'} numbers</button>
          <CsvButton filename={file} csv={() => csvOf(rows, columns)} />
        </div>
      )}
      {showTable && <Table rows={rows} columns={columns} caption={`${p.title}: numbers`} pageSize={31} />}
    </figure>
  );
}

export interface IntervalChartProps {
  title: string;
  categories: string[];
  means: number[];
  /** Each category's 95 % interval, or null (one repetition: no interval). */
  intervals: ([number, number] | null)[];
  xName: string;
  yName: string;
  format: (v: number) => string;
  height?: number;
}

/** Bars of means with error bars (an I-beam per interval), a legend, tooltips, and its numbers as a table and CSV. */
export function IntervalChart(p: IntervalChartProps) {
  const el = useRef<HTMLDivElement>(null);
  const [showTable, setShowTable] = useState(false);
  const empty = p.categories.length === 0 || p.means.every((v) => !Number.isFinite(v));

  useECharts(el, empty, (chart) => {
    const intervals = p.intervals.map((ci, i) => (ci ? [i, ci[0], ci[1]] : [i, NaN, NaN]));
    chart.setOption({
      color: PALETTE,
      aria: { enabled: true, label: { description: p.title } },
      animation: false,
      grid: { left: 80, right: 20, top: 40, bottom: 60, containLabel: false },
      legend: { top: 0, textStyle: { color: '#222' } },
      tooltip: {
        trigger: 'axis',
        formatter: (items: any) => {
          const i = (Array.isArray(items) ? items[0] : items).dataIndex as number;
          const ci = p.intervals[i];
          return `${p.categories[i]}<br/>mean ${p.format(p.means[i])}${ci ? `<br/>95 % interval ${p.format(ci[0])} to ${p.format(ci[1])}` : ''}`;
        },
      },
      xAxis: { type: 'category', data: p.categories, name: p.xName, nameLocation: 'middle', nameGap: 28, axisLabel: { color: '#333' } },
      yAxis: { type: 'value', name: p.yName, scale: false, nameTextStyle: { color: '#333', align: 'left' }, axisLabel: { color: '#333', formatter: (v: number) => p.format(v) } },
      series: [
        { name: 'mean', type: 'bar', data: p.means, barMaxWidth: 80 },
        {
          name: '95 % interval', type: 'custom', data: intervals, z: 3, itemStyle: { color: '#222' }, encode: { x: 0, y: [1, 2] },
          renderItem: (_params: any, api: any) => {
            const lo = api.value(1);
            const hi = api.value(2);
            if (!Number.isFinite(lo) || !Number.isFinite(hi)) return null;
            const top = api.coord([api.value(0), hi]);
            const bottom = api.coord([api.value(0), lo]);
            const half = Math.min(12, api.size([1, 0])[0] * 0.15);
            const style = { stroke: '#222', lineWidth: 2 };
            return {
              type: 'group',
              children: [
                { type: 'line', shape: { x1: top[0], y1: top[1], x2: bottom[0], y2: bottom[1] }, style },
                { type: 'line', shape: { x1: top[0] - half, y1: top[1], x2: top[0] + half, y2: top[1] }, style },
                { type: 'line', shape: { x1: bottom[0] - half, y1: bottom[1], x2: bottom[0] + half, y2: bottom[1] }, style },
              ],
            };
          },
        },
      ],
    } as any, true);
  }, [p.title, p.categories.join('\u0000'), p.means.join(','), JSON.stringify(p.intervals)]);

  const columns: Column<number>[] = [
    { header: p.xName, cell: (i) => p.categories[i] },
    { header: 'mean', numeric: true, cell: (i) => p.format(p.means[i]), csv: (i) => p.means[i] },
    { header: '95 % interval, low', numeric: true, cell: (i) => (p.intervals[i] ? p.format(p.intervals[i]![0]) : '—'), csv: (i) => p.intervals[i]?.[0] ?? '' },
    { header: '95 % interval, high', numeric: true, cell: (i) => (p.intervals[i] ? p.format(p.intervals[i]![1]) : '—'), csv: (i) => p.intervals[i]?.[1] ?? '' },
  ];
  const rows = p.categories.map((_, i) => i);
  const file = `${p.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.csv`;
  return (
    <figure className="chart">
      <figcaption>{p.title} <span className="unit">({p.yName})</span></figcaption>
      {empty ? (
        <Empty>No data for this chart yet.</Empty>
      ) : (
        <div ref={el} className="chart-canvas" data-testid="chart" data-chart={p.title} style={{ height: p.height ?? 280 }} role="img"
          aria-label={`${p.title}: the mean of each ${p.xName} with its 95 % interval`} />
      )}
      {!empty && (
        <div className="chart-actions">
          <button type="button" aria-expanded={showTable} onClick={() => setShowTable(!showTable)}>{showTable ? 'Hide' : 'Show'} numbers</button>
          <CsvButton filename={file} csv={() => csvOf(rows, columns)} />
        </div>
      )}
      {showTable && <Table rows={rows} columns={columns} caption={`${p.title}: numbers`} pageSize={31} />}
    </figure>
  );
}
