import { escapeHtml, tickLabel } from "./svg.ts";

export interface HeatmapOptions {
  readonly title: string;
  /** One label per row (layers), top to bottom. */
  readonly rows: readonly string[];
  /** One value per column (steps), left to right. */
  readonly columns: readonly number[];
  /** values[row][column]; null is a missing cell, NaN and ±Infinity are marked. */
  readonly values: readonly (readonly (number | null)[])[];
  readonly xLabel?: string;
  /** A logarithmic color scale (norms, ratios); values ≤ 0 take the lowest color. */
  readonly logScale?: boolean;
  readonly width?: number;
  /** Height of one row (default 18). */
  readonly rowHeight?: number;
}

// Viridis at nine stops: perceptually even and readable in gray.
const STOPS = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 144, 141],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
];

/** The scale's color at t ∈ [0, 1]. */
export function viridis(t: number): string {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(x));
  const f = x - i;
  const c = STOPS[i].map((v, k) => Math.round(v + (STOPS[i + 1][k] - v) * f));
  return `#${c.map((v) => v.toString(16).padStart(2, "0")).join("")}`;
}

const NAN_COLOR = "#ff2d8a";
const MISSING_COLOR = "#f2f2f2";

/**
 * A rows × columns heat map (layers × steps) as an SVG figure, with a color-scale legend: linear
 * or logarithmic, NaN/Infinity cells in a marked color with a cross, missing cells blank. Each
 * cell has a tooltip with its row, column and value.
 */
export function heatmap(o: HeatmapOptions): string {
  const width = o.width ?? 560;
  const rowHeight = o.rowHeight ?? 18;
  const labelWidth = Math.min(180, 16 + 6.2 * Math.max(4, ...o.rows.map((r) => r.length)));
  const m = { left: labelWidth, right: 78, top: 34, bottom: 46 };
  const pw = width - m.left - m.right;
  const ph = rowHeight * o.rows.length;
  const bh = Math.max(60, ph); // the legend bar
  const height = m.top + bh + m.bottom;
  const scaled = (v: number) => (o.logScale ? Math.log10(v) : v);
  const usable = (v: number | null): v is number =>
    v !== null && Number.isFinite(v) && (!o.logScale || v > 0);
  const finite = o.values.flatMap((row) => row.filter(usable)).map(scaled);
  if (o.rows.length === 0 || o.columns.length === 0)
    return `<figure class="chart"><figcaption>${escapeHtml(o.title)}</figcaption><p class="empty">no data</p></figure>`;
  let lo = finite.length ? Math.min(...finite) : 0;
  let hi = finite.length ? Math.max(...finite) : 1;
  if (hi === lo) {
    lo -= o.logScale ? 0.5 : Math.abs(lo) * 0.1 || 0.5;
    hi += o.logScale ? 0.5 : Math.abs(hi) * 0.1 || 0.5;
  }
  const colorOf = (v: number) => viridis(v <= 0 && o.logScale ? 0 : (scaled(v) - lo) / (hi - lo));
  const cw = pw / o.columns.length;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(o.title)}">`,
    `<text x="${m.left}" y="20" class="title">${escapeHtml(o.title)}</text>`,
  ];
  o.rows.forEach((row, r) => {
    const y = m.top + r * rowHeight;
    parts.push(
      `<text x="${m.left - 6}" y="${(y + rowHeight / 2).toFixed(1)}" class="ytick">${escapeHtml(row)}</text>`,
    );
    o.columns.forEach((col, c) => {
      const v = o.values[r]?.[c] ?? null;
      const x = m.left + c * cw;
      const tip = `<title>${escapeHtml(row)} · ${col}: ${v === null ? "missing" : v}</title>`;
      const at = `x="${x.toFixed(2)}" y="${y}" width="${(cw + 0.02).toFixed(2)}" height="${rowHeight}"`;
      if (v === null) parts.push(`<rect ${at} fill="${MISSING_COLOR}" class="cell missing">${tip}</rect>`);
      else if (!Number.isFinite(v)) {
        parts.push(`<rect ${at} fill="${NAN_COLOR}" class="cell nonfinite">${tip}</rect>`);
        const x1 = (x + cw).toFixed(2);
        parts.push(
          `<path d="M${x.toFixed(2)},${y}L${x1},${y + rowHeight}M${x1},${y}L${x.toFixed(2)},${y + rowHeight}" stroke="#fff" stroke-width="1"/>`,
        );
      } else parts.push(`<rect ${at} fill="${colorOf(v)}" class="cell">${tip}</rect>`);
    });
  });
  parts.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" class="frame"/>`);
  // Column labels: about six, at the first, the last and evenly between.
  const every = Math.max(1, Math.ceil(o.columns.length / 6));
  o.columns.forEach((col, c) => {
    if (c % every !== 0 && c !== o.columns.length - 1) return;
    const x = (m.left + (c + 0.5) * cw).toFixed(1);
    parts.push(`<text x="${x}" y="${m.top + ph + 15}" class="xtick">${tickLabel(col)}</text>`);
  });
  if (o.xLabel)
    parts.push(
      `<text x="${m.left + pw / 2}" y="${m.top + ph + 34}" class="xlabel">${escapeHtml(o.xLabel)}</text>`,
    );
  // Legend: a vertical color bar with its ends and middle labelled.
  const bx = width - m.right + 12;
  const steps = 24;
  for (let i = 0; i < steps; i++) {
    const t = 1 - (i + 0.5) / steps;
    parts.push(
      `<rect x="${bx}" y="${(m.top + (i * bh) / steps).toFixed(2)}" width="12" height="${(bh / steps + 0.3).toFixed(2)}" fill="${viridis(t)}" class="legend-bar"/>`,
    );
  }
  // A log scale's ends are values too (0.016, not 1e-1.8).
  const label = (s: number) => tickLabel(Number((o.logScale ? 10 ** s : s).toPrecision(o.logScale ? 2 : 3)));
  for (const [t, s] of [
    [0, hi],
    [0.5, (lo + hi) / 2],
    [1, lo],
  ] as const)
    parts.push(
      `<text x="${bx + 16}" y="${(m.top + t * bh).toFixed(1)}" class="legend" dominant-baseline="middle">${label(s)}</text>`,
    );
  if (o.values.some((row) => row.some((v) => v !== null && !Number.isFinite(v))))
    parts.push(
      `<rect x="${bx}" y="${m.top + bh + 8}" width="12" height="10" fill="${NAN_COLOR}"/><text x="${bx + 16}" y="${m.top + bh + 17}" class="legend">NaN/Inf</text>`,
    );
  parts.push("</svg>");
  return `<figure class="chart">${parts.join("")}</figure>`;
}
