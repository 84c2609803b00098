/**
 * ECharts is a chunk of its own (echarts.ts, most of the bundle's bytes), loaded once. boot.ts
 * starts its download before React is evaluated, so it arrives while a page's API calls are on
 * their way; charts wait for it here.
 */
let echartsChunk: Promise<typeof import('./echarts')> | null = null;
export const loadECharts = () => (echartsChunk ??= import('./echarts'));
