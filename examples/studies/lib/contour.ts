// A contour plot of a function of two variables with paths drawn on it (optimizer trajectories).
import * as ax from "@axon/axon";

const { escapeHtml, niceTicks, tickLabel } = ax.nn.plot;

/** A polyline over the contours: its points as [x, y] pairs. */
export interface ContourPath {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
  readonly color: string;
  /** Dots on the points (default: when there are at most 60). */
  readonly markers?: boolean;
}

export interface ContourOptions {
  readonly title: string;
  /** The function whose level lines are drawn. */
  readonly f: (x: number, y: number) => number;
  readonly xRange: readonly [number, number];
  readonly yRange: readonly [number, number];
  /** The levels drawn (default: 12 levels spaced geometrically between the grid's smallest and largest values). */
  readonly levels?: readonly number[];
  readonly paths?: readonly ContourPath[];
  /** A labelled point (the minimum). */
  readonly target?: readonly [number, number];
  readonly xLabel?: string;
  readonly yLabel?: string;
  /** Grid cells per side for the level lines (default 80). */
  readonly resolution?: number;
  readonly width?: number;
  readonly height?: number;
}

/** Segments of the level line f = level through one grid cell (marching squares, corners in order). */
function cellSegments(
  corners: readonly [number, number, number][],
  level: number,
): [number, number, number, number][] {
  const points: [number, number][] = [];
  for (let k = 0; k < 4; k++) {
    const [xa, ya, fa] = corners[k];
    const [xb, yb, fb] = corners[(k + 1) % 4];
    if (fa < level !== fb < level) {
      const t = (level - fa) / (fb - fa);
      points.push([xa + t * (xb - xa), ya + t * (yb - ya)]);
    }
  }
  // Two crossings: one segment; four (a saddle cell): pair them in edge order.
  const segments: [number, number, number, number][] = [];
  for (let k = 0; k + 1 < points.length; k += 2)
    segments.push([points[k][0], points[k][1], points[k + 1][0], points[k + 1][1]]);
  return segments;
}

/**
 * Level lines of `f` over a rectangle and paths drawn over them, as a chart
 * (`<figure class="chart"><svg>…</svg></figure>`, like `lineChart`, so `composeFigure` takes both).
 */
export function contourPlot(o: ContourOptions): string {
  const width = o.width ?? 420;
  const height = o.height ?? 340;
  const m = { left: 52, right: 16, top: 34, bottom: 62 };
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;
  const [x0, x1] = o.xRange;
  const [y0, y1] = o.yRange;
  if (!(x1 > x0 && y1 > y0))
    throw new Error(`contourPlot: xRange and yRange must be increasing, got ${o.xRange} and ${o.yRange}`);
  const px = (x: number) => m.left + ((x - x0) / (x1 - x0)) * pw;
  const py = (y: number) => m.top + ph - ((y - y0) / (y1 - y0)) * ph;
  const n = o.resolution ?? 80;
  const grid: number[][] = [];
  for (let i = 0; i <= n; i++) {
    grid.push([]);
    for (let j = 0; j <= n; j++) grid[i].push(o.f(x0 + ((x1 - x0) * i) / n, y0 + ((y1 - y0) * j) / n));
  }
  const values = grid.flat().filter(Number.isFinite);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const levels =
    o.levels ??
    (lo > 0
      ? Array.from({ length: 12 }, (_, k) => lo * (hi / lo) ** ((k + 0.5) / 12))
      : Array.from({ length: 12 }, (_, k) => lo + ((hi - lo) * (k + 0.5) ** 2) / 144));
  // A clip id of its own, so several plots can share one SVG document.
  const clipId = `clip-${[...o.title].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7).toString(36)}`;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(o.title)}">`,
    `<text x="${m.left}" y="20" class="title">${escapeHtml(o.title)}</text>`,
    `<defs><clipPath id="${clipId}"><rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}"/></clipPath></defs>`,
  ];
  for (const level of levels) {
    let d = "";
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        const at = (a: number, b: number): [number, number, number] => [
          x0 + ((x1 - x0) * a) / n,
          y0 + ((y1 - y0) * b) / n,
          grid[a][b],
        ];
        for (const [ax1, ay1, ax2, ay2] of cellSegments(
          [at(i, j), at(i + 1, j), at(i + 1, j + 1), at(i, j + 1)],
          level,
        ))
          d += `M${px(ax1).toFixed(1)},${py(ay1).toFixed(1)}L${px(ax2).toFixed(1)},${py(ay2).toFixed(1)}`;
      }
    if (d) parts.push(`<path d="${d}" fill="none" stroke="#c8c8c8" stroke-width="0.8"/>`);
  }
  for (const v of niceTicks(x0, x1, 5).filter((v) => v >= x0 && v <= x1)) {
    const x = px(v).toFixed(1);
    parts.push(`<line x1="${x}" x2="${x}" y1="${m.top + ph}" y2="${m.top + ph + 4}" class="axis"/>`);
    parts.push(`<text x="${x}" y="${m.top + ph + 17}" class="xtick">${tickLabel(v)}</text>`);
  }
  for (const v of niceTicks(y0, y1, 5).filter((v) => v >= y0 && v <= y1))
    parts.push(`<text x="${m.left - 6}" y="${py(v).toFixed(1)}" class="ytick">${tickLabel(v)}</text>`);
  parts.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" class="frame"/>`);
  if (o.xLabel)
    parts.push(
      `<text x="${m.left + pw / 2}" y="${m.top + ph + 34}" class="xlabel">${escapeHtml(o.xLabel)}</text>`,
    );
  if (o.yLabel)
    parts.push(
      `<text transform="translate(14 ${m.top + ph / 2}) rotate(-90)" class="xlabel">${escapeHtml(o.yLabel)}</text>`,
    );
  parts.push(`<g clip-path="url(#${clipId})">`);
  for (const p of o.paths ?? []) {
    const finite = p.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    const d = finite.map(([x, y], i) => `${i ? "L" : "M"}${px(x).toFixed(1)},${py(y).toFixed(1)}`).join("");
    parts.push(`<path d="${d}" fill="none" stroke="${p.color}" stroke-width="1.6"/>`);
    if (p.markers ?? finite.length <= 60)
      for (const [x, y] of finite)
        parts.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="2.2" fill="${p.color}"/>`);
  }
  if (o.target) {
    const [tx, ty] = o.target;
    parts.push(
      `<path d="M${px(tx) - 5},${py(ty)}h10M${px(tx)},${py(ty) - 5}v10" stroke="#222" stroke-width="1.5"/>`,
    );
  }
  parts.push("</g>");
  let lx = m.left;
  const ly = height - 10;
  for (const p of o.paths ?? []) {
    parts.push(
      `<line x1="${lx}" x2="${lx + 18}" y1="${ly - 4}" y2="${ly - 4}" stroke="${p.color}" stroke-width="2.5"/>`,
    );
    parts.push(`<text x="${lx + 22}" y="${ly}" class="legend">${escapeHtml(p.name)}</text>`);
    lx += 30 + p.name.length * 6.6;
  }
  parts.push("</svg>");
  return `<figure class="chart">${parts.join("")}</figure>`;
}
