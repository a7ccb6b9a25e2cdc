// Charts for reports: inline SVG inside self-contained HTML pages, no scripts or external files.
export { type ChartOptions, type Series, lineChart } from "./line-chart.ts";
export { type HeatmapOptions, heatmap, viridis } from "./heatmap.ts";
export { PAGE_CSS, detailsTable, htmlPage } from "./page.ts";
export { PALETTE, escapeHtml, niceTicks, tickLabel } from "./svg.ts";
