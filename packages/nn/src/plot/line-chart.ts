import { escapeHtml, niceTicks, tickLabel } from "./svg.ts";

/** Powers of ten from 10^lo to 10^hi: every decade, or every k-th when there are more than 8. */
function decades(lo: number, hi: number): number[] {
  const step = Math.max(1, Math.ceil((hi - lo) / 8));
  const out: number[] = [];
  for (let e = Math.ceil(lo / step) * step; e <= hi; e += step) out.push(10 ** e);
  return out;
}

/** One line of a chart: its points, color and style. */
export interface Series {
  readonly name: string;
  readonly xs: readonly number[];
  readonly ys: readonly number[];
  readonly color: string;
  readonly dashed?: boolean;
  readonly markers?: boolean;
}

export interface ChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly series: readonly Series[];
  readonly yLabel?: string;
  readonly logY?: boolean;
  /** A logarithmic x axis (learning rates, widths); points with x ≤ 0 are left out. */
  readonly logX?: boolean;
  readonly integerX?: boolean;
  /** Vertical guide lines (epoch boundaries on a step axis). */
  readonly guides?: readonly number[];
  /** A labelled vertical line. */
  readonly mark?: { readonly x: number; readonly label: string };
  readonly width?: number;
  readonly height?: number;
}

/**
 * A line chart as an SVG figure: linear or logarithmic y axis, lines broken at missing or non-finite
 * values, optional epoch guides and a labelled mark, legend below (wrapped into rows that fit the width). Style it with `PAGE_CSS`.
 */
export function lineChart(o: ChartOptions): string {
  const width = o.width ?? 560;
  const height = o.height ?? 300;
  const m = { left: 62, right: 16, top: 34, bottom: 62 };
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;
  const finite = (v: number) => Number.isFinite(v) && (!o.logY || v > 0);
  // Legend entries flow left to right and wrap; extra rows make the figure taller, not the plot smaller.
  const legend: { x: number; row: number }[] = [];
  for (let i = 0, x = m.left, row = 0; i < o.series.length; i++) {
    const w = 30 + o.series[i].name.length * 7;
    if (x > m.left && x + w > width - m.right) {
      x = m.left;
      row++;
    }
    legend.push({ x, row });
    x += w;
  }
  const rows = legend.length > 0 ? legend[legend.length - 1].row + 1 : 1;
  const svgHeight = height + (rows - 1) * 16;
  const finiteX = (v: number) => Number.isFinite(v) && (!o.logX || v > 0);
  const fx = o.logX ? Math.log10 : (v: number) => v;
  const xs = o.series.flatMap((s) => s.xs.filter(finiteX)).map(fx);
  const ys = o.series.flatMap((s) => s.ys.filter(finite));
  if (xs.length === 0 || ys.length === 0)
    return `<figure class="chart"><figcaption>${escapeHtml(o.title)}</figcaption><p class="empty">no data</p></figure>`;
  let x0 = Math.min(...xs);
  let x1 = Math.max(...xs);
  if (o.logX) {
    x0 = Math.floor(x0);
    x1 = Math.ceil(x1);
  }
  if (x1 === x0) {
    x0 -= 1;
    x1 += 1;
  }
  const f = o.logY ? Math.log10 : (v: number) => v;
  let y0 = Math.min(...ys.map(f));
  let y1 = Math.max(...ys.map(f));
  if (o.logY) {
    y0 = Math.floor(y0);
    y1 = Math.ceil(y1);
    if (y1 === y0) y1 += 1;
  } else {
    const pad = (y1 - y0) * 0.06 || Math.abs(y1) * 0.1 || 1;
    y0 = y0 >= 0 && y0 - pad < 0 ? 0 : y0 - pad;
    y1 += pad;
  }
  const px = (x: number) => m.left + ((fx(x) - x0) / (x1 - x0)) * pw;
  const py = (y: number) => m.top + ph - ((f(y) - y0) / (y1 - y0)) * ph;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${svgHeight}" viewBox="0 0 ${width} ${svgHeight}" role="img" aria-label="${escapeHtml(o.title)}">`,
  );
  parts.push(`<text x="${m.left}" y="20" class="title">${escapeHtml(o.title)}</text>`);
  // Grid and axes.
  const yTicks = o.logY ? decades(y0, y1) : niceTicks(y0, y1, 5).filter((v) => v >= y0 && v <= y1);
  for (const v of yTicks) {
    const y = py(v).toFixed(1);
    parts.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${y}" y2="${y}" class="grid"/>`);
    parts.push(
      `<text x="${m.left - 6}" y="${y}" class="ytick">${o.logY ? `1e${Math.round(Math.log10(v))}` : tickLabel(v)}</text>`,
    );
  }
  let xTicks = o.logX ? decades(x0, x1) : niceTicks(x0, x1, 6).filter((v) => v >= x0 && v <= x1);
  if (o.integerX) xTicks = [...new Set(xTicks.map(Math.round))].filter((v) => v >= x0 && v <= x1);
  for (const v of xTicks) {
    const x = px(v).toFixed(1);
    const label = o.logX ? `1e${Math.round(Math.log10(v))}` : tickLabel(v);
    parts.push(`<line x1="${x}" x2="${x}" y1="${m.top + ph}" y2="${m.top + ph + 4}" class="axis"/>`);
    parts.push(`<text x="${x}" y="${m.top + ph + 17}" class="xtick">${label}</text>`);
  }
  if (o.yLabel)
    parts.push(
      `<text transform="translate(14 ${m.top + ph / 2}) rotate(-90)" class="xlabel">${escapeHtml(o.yLabel)}</text>`,
    );
  for (const g of o.guides ?? []) {
    const x = px(g).toFixed(1);
    parts.push(`<line x1="${x}" x2="${x}" y1="${m.top}" y2="${m.top + ph}" class="guide"/>`);
  }
  if (o.mark && fx(o.mark.x) >= x0 && fx(o.mark.x) <= x1) {
    const x = px(o.mark.x);
    const right = x > m.left + pw * 0.75;
    parts.push(
      `<line x1="${x.toFixed(1)}" x2="${x.toFixed(1)}" y1="${m.top}" y2="${m.top + ph}" class="mark"/>`,
    );
    parts.push(
      `<text x="${(x + (right ? -4 : 4)).toFixed(1)}" y="${m.top + 12}" class="marklabel" text-anchor="${right ? "end" : "start"}">${escapeHtml(o.mark.label)}</text>`,
    );
  }
  parts.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" class="frame"/>`);
  parts.push(
    `<text x="${m.left + pw / 2}" y="${m.top + ph + 34}" class="xlabel">${escapeHtml(o.xLabel)}</text>`,
  );
  // Lines (broken where a value is missing or not finite).
  for (const s of o.series) {
    let d = "";
    let pen = false;
    s.xs.forEach((x, i) => {
      const y = s.ys[i];
      if (!finite(y) || !finiteX(x)) {
        pen = false;
        return;
      }
      d += `${pen ? "L" : "M"}${px(x).toFixed(1)},${py(y).toFixed(1)}`;
      pen = true;
    });
    parts.push(
      `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="${s.markers ? 2 : 1.3}"${s.dashed ? ' stroke-dasharray="6 4"' : ""}/>`,
    );
    if (s.markers && s.xs.length <= 60)
      s.xs.forEach((x, i) => {
        if (finite(s.ys[i]) && finiteX(x))
          parts.push(
            `<circle cx="${px(x).toFixed(1)}" cy="${py(s.ys[i]).toFixed(1)}" r="2.6" fill="${s.color}"/>`,
          );
      });
  }
  // Legend below the plot.
  for (const [i, s] of o.series.entries()) {
    const lx = legend[i].x;
    const ly = height - 10 + legend[i].row * 16;
    parts.push(
      `<line x1="${lx}" x2="${lx + 18}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2.5"${s.dashed ? ' stroke-dasharray="5 3"' : ""}/>`,
    );
    parts.push(`<text x="${lx + 22}" y="${ly}" class="legend">${escapeHtml(s.name)}</text>`);
  }
  parts.push("</svg>");
  return `<figure class="chart">${parts.join("")}</figure>`;
}
