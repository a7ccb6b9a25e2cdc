import { escapeHtml } from "./svg.ts";

/** The style of every page: typography, tables (`details`, `data`) and the SVG charts. */
export const PAGE_CSS = `
  body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; margin: 24px auto; max-width: 1160px; padding: 0 12px; }
  h1 { font-size: 22px; margin: 0 0 8px; }
  h2 { font-size: 16px; margin: 24px 0 8px; }
  table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
  .details th { text-align: left; font-weight: 600; padding: 2px 16px 2px 0; color: #555; }
  .details td { padding: 2px 0; }
  .charts { display: flex; flex-wrap: wrap; gap: 8px 16px; }
  figure.chart { margin: 0; border: 1px solid #e3e3e3; border-radius: 6px; background: #fff; }
  svg text { font: 11px system-ui, sans-serif; fill: #444; }
  svg .title { font-size: 13px; font-weight: 600; fill: #222; }
  svg .ytick { text-anchor: end; dominant-baseline: middle; }
  svg .xtick, svg .xlabel { text-anchor: middle; }
  svg .grid { stroke: #eee; }
  svg .axis { stroke: #999; }
  svg .guide { stroke: #bbb; stroke-dasharray: 2 3; }
  svg .frame { fill: none; stroke: #999; }
  svg .mark { stroke: #2ca02c; stroke-width: 1.5; stroke-dasharray: 4 3; }
  svg .marklabel { fill: #2ca02c; font-weight: 600; }
  table.data td, table.data th { padding: 3px 10px; text-align: right; border-bottom: 1px solid #eee; }
  table.data th { background: #f6f6f6; }
  pre { background: #f8f8f8; padding: 10px; border-radius: 6px; overflow-x: auto; font-size: 12px; }
  .empty { padding: 20px; color: #888; }
`;

/**
 * A self-contained HTML page (inline style, no scripts, no external files) holding `body`, which is
 * HTML the caller built (charts, tables, text).
 */
export function htmlPage(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>${PAGE_CSS}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>
`;
}

/** A table of key → value pairs. */
export function detailsTable(details: Readonly<Record<string, string | number>>): string {
  const rows = Object.entries(details)
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(String(v))}</td></tr>`)
    .join("");
  return rows ? `<table class="details">${rows}</table>` : "";
}
