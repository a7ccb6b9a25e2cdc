import { type Series, lineChart } from "../plot/line-chart.ts";
import { detailsTable, htmlPage } from "../plot/page.ts";
import { PALETTE, escapeHtml } from "../plot/svg.ts";
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
  const tableKeys = ["seconds", ...keys];
  const rows = history.epochs
    .map(
      (e) =>
        `<tr><td>${e.epoch + 1}</td>${tableKeys.map((k) => `<td>${typeof e[k] === "number" ? (k === "seconds" ? e[k].toFixed(2) : k === "lr" ? e[k].toExponential(2) : fmt(e[k])) : ""}</td>`).join("")}</tr>`,
    )
    .join("\n");
  return htmlPage(
    title,
    `${detailsTable(options.details ?? {})}
<h2>Curves</h2>
<div class="charts">
${charts.join("\n")}
</div>
<h2>Epochs</h2>
<table class="data">
<tr><th>epoch</th>${tableKeys.map((k) => `<th>${escapeHtml(k)}</th>`).join("")}</tr>
${rows}
</table>
${options.summary ? `<h2>Model</h2>\n<pre>${escapeHtml(options.summary)}</pre>` : ""}`,
  );
}
