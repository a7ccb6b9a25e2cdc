// One standalone SVG document from several charts: the `figure.svg` every study writes.
import * as ax from "@axon/axon";

const { PAGE_CSS } = ax.nn.plot;

/** The chart rules of the report pages (`svg …` selectors), which also style a standalone SVG. */
export const FIGURE_CSS = PAGE_CSS.split("\n")
  .map((line) => line.trim())
  .filter((line) => line.startsWith("svg "))
  .join("\n");

interface ParsedChart {
  readonly width: number;
  readonly height: number;
  /** The chart's accessible name (its title). */
  readonly label: string;
  readonly inner: string;
}

/** The size and content of the SVG inside a chart (`lineChart`, `contourPlot`: `<figure><svg …>…</svg></figure>`). */
function parseChart(chart: string): ParsedChart {
  const open = /<svg\b[^>]*?\bwidth="([\d.]+)"[^>]*?\bheight="([\d.]+)"[^>]*>/.exec(chart);
  const close = chart.lastIndexOf("</svg>");
  if (!open || close < open.index)
    throw new Error(
      `composeFigure: each chart must hold an <svg width=… height=…>…</svg> element, got ${JSON.stringify(chart.slice(0, 80))}`,
    );
  return {
    width: Number(open[1]),
    height: Number(open[2]),
    label: /\baria-label="([^"]*)"/.exec(open[0])?.[1] ?? "chart",
    inner: chart.slice(open.index + open[0].length, close),
  };
}

export interface FigureOptions {
  /** Charts per row (default: all in one row). */
  readonly columns?: number;
  /** A heading above the charts. */
  readonly title?: string;
}

/**
 * Charts laid out in rows inside one standalone SVG document (white background, the page style
 * inlined), ready to be saved as a `.svg` file or inlined in a page.
 */
export function composeFigure(charts: readonly string[], options: FigureOptions = {}): string {
  if (charts.length === 0) throw new Error("composeFigure: charts must not be empty, got 0 charts");
  const parsed = charts.map(parseChart);
  const columns = Math.max(1, Math.min(options.columns ?? parsed.length, parsed.length));
  const top = options.title ? 28 : 0;
  const rows: ParsedChart[][] = [];
  for (let i = 0; i < parsed.length; i += columns) rows.push(parsed.slice(i, i + columns));
  const rowHeights = rows.map((row) => Math.max(...row.map((c) => c.height)));
  const width = Math.max(...rows.map((row) => row.reduce((s, c) => s + c.width, 0)));
  const height = top + rowHeights.reduce((s, h) => s + h, 0);
  const parts: string[] = [];
  let y = top;
  rows.forEach((row, r) => {
    let x = 0;
    for (const c of row) {
      parts.push(
        `<svg x="${x}" y="${y}" width="${c.width}" height="${c.height}" viewBox="0 0 ${c.width} ${c.height}" role="img" aria-label="${c.label}">${c.inner}</svg>`,
      );
      x += c.width;
    }
    y += rowHeights[r];
  });
  const label = options.title ? ax.nn.plot.escapeHtml(options.title) : parsed.map((c) => c.label).join("; ");
  const title = options.title
    ? `<text x="12" y="20" class="title">${ax.nn.plot.escapeHtml(options.title)}</text>`
    : "";
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${label}">`,
    `<style>\n${FIGURE_CSS}\n</style>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    title,
    ...parts,
    "</svg>",
    "",
  ].join("\n");
}
