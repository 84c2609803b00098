import { adminKey } from './api';
import { loadECharts } from './echarts-chunk';
import { prefetchOverview } from './pages/overview-data';

/**
 * main.tsx's first import, so evaluated before React, the router and the pages (ES modules run in
 * import order, and the build keeps that order): the ECharts chunk and the first page's API calls
 * are asked for as soon as the app's script runs, not after its ~50 ms of evaluation. ECharts
 * first: the Overview's six calls would otherwise take the browser's six connections to the
 * server and the chunk would wait for one of them to end.
 */
void loadECharts();
if (adminKey() !== null && /^\/admin\/?$/.test(location.pathname)) prefetchOverview();
