import { useEffect, useRef, useState } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { AriaComponent, DataZoomComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { Column, CsvButton, csvOf, Empty, Table } from './ui';

// Only what the pages draw is bundled (tree-shaken ECharts: ~half of the full build).
echarts.use([BarChart, LineChart, GridComponent, TooltipComponent, LegendComponent, DataZoomComponent, AriaComponent, CanvasRenderer]);

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
  const inst = useRef<echarts.ECharts | null>(null);
  const [showTable, setShowTable] = useState(false);
  const empty = p.categories.length === 0 || p.series.every((s) => s.values.every((v) => v === null));

  useEffect(() => {
    if (!el.current || empty) return;
    const chart = echarts.init(el.current, undefined, { renderer: 'canvas' });
    inst.current = chart;
    const onResize = () => chart.resize();
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      chart.dispose();
      inst.current = null;
    };
  }, [empty]);

  useEffect(() => {
    const chart = inst.current;
    if (!chart) return;
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
