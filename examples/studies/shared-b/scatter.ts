// A scatter plot (points without lines), shaped like `lineChart`'s output so `composeFigure` takes it.
import * as ax from "@axon/axon";

const { escapeHtml, niceTicks, tickLabel } = ax.nn.plot;

/** One set of points, drawn as circles or squares in one color. */
export interface ScatterSeries {
  readonly name: string;
  readonly xs: readonly number[];
  readonly ys: readonly number[];
  readonly color: string;
  readonly shape?: "circle" | "square";
}

export interface ScatterOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel?: string;
  readonly series: readonly ScatterSeries[];
  /** Logarithmic axes (learning rates, widths); points ≤ 0 on a log axis are left out. */
  readonly logX?: boolean;
  readonly logY?: boolean;
  readonly width?: number;
  readonly height?: number;
}

/** Ticks of a log axis over [10^lo, 10^hi]: powers of ten, or 1-2-5 steps when that span is under two decades. */
function logTicks(lo: number, hi: number): number[] {
  const steps = hi - lo < 2 ? [1, 2, 5] : [1];
  const ticks: number[] = [];
  for (let p = Math.floor(lo); p <= Math.ceil(hi); p++)
    for (const m of steps) {
      const v = m * 10 ** p;
      const l = Math.log10(v);
      if (l >= lo - 1e-9 && l <= hi + 1e-9) ticks.push(v);
    }
  return ticks;
}

/** An axis: value → pixel, and its ticks; padded by 5 % of the span on each side. */
function axis(values: number[], log: boolean, from: number, to: number) {
  const f = log ? Math.log10 : (v: number) => v;
  let lo = Math.min(...values.map(f));
  let hi = Math.max(...values.map(f));
  const pad = (hi - lo) * 0.05 || 0.5;
  lo -= pad;
  hi += pad;
  const at = (v: number) => from + ((f(v) - lo) / (hi - lo)) * (to - from);
  const ticks = log ? logTicks(lo, hi) : niceTicks(lo, hi, 5).filter((v) => v >= lo && v <= hi);
  return { at, ticks, label: tickLabel };
}

/** Points of several series on linear or logarithmic axes, legend below (`<figure class="chart"><svg>…</svg></figure>`). */
export function scatterChart(o: ScatterOptions): string {
  const width = o.width ?? 420;
  const height = o.height ?? 320;
  const m = { left: 62, right: 16, top: 34, bottom: 62 };
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;
  const keep = (v: number, log?: boolean) => Number.isFinite(v) && (!log || v > 0);
  const points = o.series.map((s) =>
    s.xs.map((x, i) => [x, s.ys[i]] as const).filter(([x, y]) => keep(x, o.logX) && keep(y, o.logY)),
  );
  const all = points.flat();
  if (all.length === 0)
    return `<figure class="chart"><figcaption>${escapeHtml(o.title)}</figcaption><p class="empty">no data</p></figure>`;
  const xa = axis(
    all.map(([x]) => x),
    o.logX ?? false,
    m.left,
    m.left + pw,
  );
  const ya = axis(
    all.map(([, y]) => y),
    o.logY ?? false,
    m.top + ph,
    m.top,
  );
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(o.title)}">`,
    `<text x="${m.left}" y="20" class="title">${escapeHtml(o.title)}</text>`,
  ];
  for (const v of ya.ticks) {
    const y = ya.at(v).toFixed(1);
    parts.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${y}" y2="${y}" class="grid"/>`);
    parts.push(`<text x="${m.left - 6}" y="${y}" class="ytick">${ya.label(v)}</text>`);
  }
  for (const v of xa.ticks) {
    const x = xa.at(v).toFixed(1);
    parts.push(`<line x1="${x}" x2="${x}" y1="${m.top + ph}" y2="${m.top + ph + 4}" class="axis"/>`);
    parts.push(`<text x="${x}" y="${m.top + ph + 17}" class="xtick">${xa.label(v)}</text>`);
  }
  parts.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" class="frame"/>`);
  parts.push(
    `<text x="${m.left + pw / 2}" y="${m.top + ph + 34}" class="xlabel">${escapeHtml(o.xLabel)}</text>`,
  );
  if (o.yLabel)
    parts.push(
      `<text transform="translate(14 ${m.top + ph / 2}) rotate(-90)" class="xlabel">${escapeHtml(o.yLabel)}</text>`,
    );
  const mark = (s: ScatterSeries, x: number, y: number) =>
    s.shape === "square"
      ? `<rect x="${(x - 3.5).toFixed(1)}" y="${(y - 3.5).toFixed(1)}" width="7" height="7" fill="none" stroke="${s.color}" stroke-width="1.6"/>`
      : `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3" fill="${s.color}" fill-opacity="0.75"/>`;
  o.series.forEach((s, k) => {
    for (const [x, y] of points[k]) parts.push(mark(s, xa.at(x), ya.at(y)));
  });
  let lx = m.left;
  const ly = height - 10;
  for (const s of o.series) {
    parts.push(mark(s, lx + 6, ly - 4));
    parts.push(`<text x="${lx + 16}" y="${ly}" class="legend">${escapeHtml(s.name)}</text>`);
    lx += 28 + s.name.length * 6.6;
  }
  parts.push("</svg>");
  return `<figure class="chart">${parts.join("")}</figure>`;
}
