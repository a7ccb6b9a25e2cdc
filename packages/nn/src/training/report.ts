import type { History } from "./history.ts";

/**
 * The training report: one self-contained HTML page (inline SVG, no scripts, no external files)
 * with the loss and metric curves for training and validation per epoch, the learning rate, each
 * layer's gradient norm over the steps (log scale), and a table of every epoch.
 */

export interface TrainingReportOptions {
  /** Heading of the page (default "Training report"). */
  title?: string;
  /** Lines of key → value shown under the title (data set, model, test accuracy, …). */
  details?: Readonly<Record<string, string | number>>;
  /** A text block (a model summary) shown in a <pre>. */
  summary?: string;
  /** Mark this epoch (0-based) on the per-epoch charts, e.g. the best one early stopping kept. */
  markEpoch?: { readonly epoch: number; readonly label: string };
}

const PALETTE = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#17becf",
];

const escapeHtml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

interface Series {
  readonly name: string;
  readonly xs: readonly number[];
  readonly ys: readonly number[];
  readonly color: string;
  readonly dashed?: boolean;
  readonly markers?: boolean;
}

interface ChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly series: readonly Series[];
  readonly logY?: boolean;
  readonly integerX?: boolean;
  /** Vertical guide lines (epoch boundaries on a step axis). */
  readonly guides?: readonly number[];
  /** A labelled vertical line. */
  readonly mark?: { readonly x: number; readonly label: string };
  readonly width?: number;
  readonly height?: number;
}

/** About `count` round tick values covering [lo, hi]. */
function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step)
    out.push(Number(v.toPrecision(12)));
  return out;
}

function tickLabel(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return Number(v.toPrecision(3)).toExponential(); // 7.5e-4, not 8e-4
  return String(Number(v.toPrecision(4)));
}

function lineChart(o: ChartOptions): string {
  const width = o.width ?? 560;
  const height = o.height ?? 300;
  const m = { left: 62, right: 16, top: 34, bottom: 62 };
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;
  const finite = (v: number) => Number.isFinite(v) && (!o.logY || v > 0);
  const xs = o.series.flatMap((s) => s.xs);
  const ys = o.series.flatMap((s) => s.ys.filter(finite));
  if (xs.length === 0 || ys.length === 0)
    return `<figure class="chart"><figcaption>${escapeHtml(o.title)}</figcaption><p class="empty">no data</p></figure>`;
  let x0 = Math.min(...xs);
  let x1 = Math.max(...xs);
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
  const px = (x: number) => m.left + ((x - x0) / (x1 - x0)) * pw;
  const py = (y: number) => m.top + ph - ((f(y) - y0) / (y1 - y0)) * ph;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(o.title)}">`,
  );
  parts.push(`<text x="${m.left}" y="20" class="title">${escapeHtml(o.title)}</text>`);
  // Grid and axes.
  const yTicks = o.logY
    ? Array.from({ length: y1 - y0 + 1 }, (_, i) => 10 ** (y0 + i))
    : niceTicks(y0, y1, 5).filter((v) => v >= y0 && v <= y1);
  for (const v of yTicks) {
    const y = py(v).toFixed(1);
    parts.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${y}" y2="${y}" class="grid"/>`);
    parts.push(
      `<text x="${m.left - 6}" y="${y}" class="ytick">${o.logY ? `1e${Math.round(Math.log10(v))}` : tickLabel(v)}</text>`,
    );
  }
  let xTicks = niceTicks(x0, x1, 6).filter((v) => v >= x0 && v <= x1);
  if (o.integerX) xTicks = [...new Set(xTicks.map(Math.round))].filter((v) => v >= x0 && v <= x1);
  for (const v of xTicks) {
    const x = px(v).toFixed(1);
    parts.push(`<line x1="${x}" x2="${x}" y1="${m.top + ph}" y2="${m.top + ph + 4}" class="axis"/>`);
    parts.push(`<text x="${x}" y="${m.top + ph + 17}" class="xtick">${tickLabel(v)}</text>`);
  }
  for (const g of o.guides ?? []) {
    const x = px(g).toFixed(1);
    parts.push(`<line x1="${x}" x2="${x}" y1="${m.top}" y2="${m.top + ph}" class="guide"/>`);
  }
  if (o.mark && o.mark.x >= x0 && o.mark.x <= x1) {
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
      if (!finite(y)) {
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
        if (finite(s.ys[i]))
          parts.push(
            `<circle cx="${px(x).toFixed(1)}" cy="${py(s.ys[i]).toFixed(1)}" r="2.6" fill="${s.color}"/>`,
          );
      });
  }
  // Legend below the plot.
  let lx = m.left;
  const ly = height - 10;
  for (const s of o.series) {
    parts.push(
      `<line x1="${lx}" x2="${lx + 18}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2.5"${s.dashed ? ' stroke-dasharray="5 3"' : ""}/>`,
    );
    parts.push(`<text x="${lx + 22}" y="${ly}" class="legend">${escapeHtml(s.name)}</text>`);
    lx += 30 + s.name.length * 6.6;
  }
  parts.push("</svg>");
  return `<figure class="chart">${parts.join("")}</figure>`;
}

/** At most `max` points: the mean of each run of consecutive points. */
function downsample(xs: number[], ys: number[], max: number): { xs: number[]; ys: number[] } {
  if (xs.length <= max) return { xs, ys };
  const per = Math.ceil(xs.length / max);
  const ox: number[] = [];
  const oy: number[] = [];
  for (let i = 0; i < xs.length; i += per) {
    const end = Math.min(i + per, xs.length);
    let sx = 0;
    let sy = 0;
    let logMean = true;
    for (let k = i; k < end; k++) {
      sx += xs[k];
      if (!(ys[k] > 0) || !Number.isFinite(ys[k])) logMean = false;
      sy += logMean ? Math.log(ys[k]) : 0;
    }
    ox.push(sx / (end - i));
    // Geometric mean (the plot is logarithmic); a bucket with a non-finite or zero value shows it.
    oy.push(
      logMean ? Math.exp(sy / (end - i)) : ys.slice(i, end).find((v) => !(v > 0) || !Number.isFinite(v))!,
    );
  }
  return { xs: ox, ys: oy };
}

const fmt = (v: number) =>
  !Number.isFinite(v)
    ? String(v)
    : Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3)
      ? v.toExponential(3)
      : v.toFixed(4);

/** The report as an HTML page. */
export function trainingReport(history: History, options: TrainingReportOptions = {}): string {
  const title = options.title ?? "Training report";
  const epochs = history.epochs.map((e) => e.epoch + 1);
  const keys = history.keys();
  const charts: string[] = [];
  const mark = options.markEpoch
    ? { x: options.markEpoch.epoch + 1, label: options.markEpoch.label }
    : undefined;
  const trainKeys = keys.filter((k) => !k.startsWith("val_") && k !== "lr");
  for (const k of trainKeys) {
    const series: Series[] = [
      { name: `train ${k}`, xs: epochs, ys: history.series(k), color: PALETTE[0], markers: true },
    ];
    if (keys.includes(`val_${k}`))
      series.push({
        name: `validation ${k}`,
        xs: epochs,
        ys: history.series(`val_${k}`),
        color: PALETTE[1],
        markers: true,
        dashed: true,
      });
    charts.push(lineChart({ title: `${k} per epoch`, xLabel: "epoch", series, integerX: true, mark }));
  }
  for (const k of keys.filter((k) => k.startsWith("val_") && !trainKeys.includes(k.slice(4))))
    charts.push(
      lineChart({
        title: `${k} per epoch`,
        xLabel: "epoch",
        integerX: true,
        series: [{ name: k, xs: epochs, ys: history.series(k), color: PALETTE[1], markers: true }],
      }),
    );
  if (keys.includes("lr"))
    charts.push(
      lineChart({
        title: "learning rate per epoch",
        xLabel: "epoch",
        integerX: true,
        series: [{ name: "lr", xs: epochs, ys: history.series("lr"), color: PALETTE[2], markers: true }],
      }),
    );
  const g = history.gradientNorms;
  if (g && g.records.length > 0) {
    const steps = g.records.map((r) => r.step);
    const guides: number[] = [];
    for (let i = 1; i < g.records.length; i++)
      if (g.records[i].epoch !== g.records[i - 1].epoch)
        guides.push((g.records[i].step + g.records[i - 1].step) / 2);
    const series = g.layers.map((name, l) => {
      const d = downsample(
        steps,
        g.records.map((r) => r.norms[l]),
        500,
      );
      return { name, xs: d.xs, ys: d.ys, color: PALETTE[l % PALETTE.length], dashed: l >= PALETTE.length };
    });
    charts.push(
      lineChart({
        title: "gradient norm per layer (‖g‖₂, log scale; dotted lines: epoch boundaries)",
        xLabel: "optimizer step",
        series,
        logY: true,
        guides: guides.length <= 200 ? guides : [],
        width: 1136,
        height: 340,
      }),
    );
  }
  const details = Object.entries(options.details ?? {})
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(String(v))}</td></tr>`)
    .join("");
  const tableKeys = ["seconds", ...keys];
  const rows = history.epochs
    .map(
      (e) =>
        `<tr><td>${e.epoch + 1}</td>${tableKeys.map((k) => `<td>${typeof e[k] === "number" ? (k === "seconds" ? e[k].toFixed(2) : k === "lr" ? e[k].toExponential(2) : fmt(e[k])) : ""}</td>`).join("")}</tr>`,
    )
    .join("\n");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>
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
  .epochs td, .epochs th { padding: 3px 10px; text-align: right; border-bottom: 1px solid #eee; }
  .epochs th { background: #f6f6f6; }
  pre { background: #f8f8f8; padding: 10px; border-radius: 6px; overflow-x: auto; font-size: 12px; }
  .empty { padding: 20px; color: #888; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${details ? `<table class="details">${details}</table>` : ""}
<h2>Curves</h2>
<div class="charts">
${charts.join("\n")}
</div>
<h2>Epochs</h2>
<table class="epochs">
<tr><th>epoch</th>${tableKeys.map((k) => `<th>${escapeHtml(k)}</th>`).join("")}</tr>
${rows}
</table>
${options.summary ? `<h2>Model</h2>\n<pre>${escapeHtml(options.summary)}</pre>` : ""}
</body>
</html>
`;
}
