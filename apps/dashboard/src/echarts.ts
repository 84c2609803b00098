import * as echarts from 'echarts/core';
import { BarChart, CustomChart, LineChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

// Only what the pages draw is bundled (tree-shaken ECharts: ~half of the full build). This module
// is its own chunk, loaded (echarts-chunk.ts) while a page's data is on its way.
echarts.use([BarChart, CustomChart, LineChart, GridComponent, TooltipComponent, LegendComponent, AriaComponent, CanvasRenderer]);

export { echarts };
