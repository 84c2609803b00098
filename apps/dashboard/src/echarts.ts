import * as echarts from 'echarts/core';
import { BarChart, CustomChart, LineChart } from 'echarts/charts';
import { AriaComponent, DataZoomComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

// Only what the pages draw is bundled (tree-shaken ECharts: ~half of the full build). This module
// is its own chunk, loaded by chart.tsx while a page's data is on its way.
echarts.use([BarChart, CustomChart, LineChart, GridComponent, TooltipComponent, LegendComponent, DataZoomComponent, AriaComponent, CanvasRenderer]);

export { echarts };
