import { heatmap } from "../../plot/heatmap.ts";
import { lineChart } from "../../plot/line-chart.ts";
import { detailsTable, htmlPage } from "../../plot/page.ts";
import { PALETTE, escapeHtml } from "../../plot/svg.ts";
import { layerLabel } from "./gradient-norms.ts";
import type { HealthRecord, HealthWarning, LayerHealth } from "./records.ts";

export interface HealthReportOptions {
  /** Page title (default "Training health"). */
  readonly title?: string;
  /** Warnings to list above the charts. */
  readonly warnings?: readonly HealthWarning[];
  /** Extra key → value lines at the top (model, data, command). */
  readonly details?: Readonly<Record<string, string | number>>;
}

type LayerStatistic = "mean" | "std" | "deadFraction" | "saturatedFraction" | "gradientNorm";

const LAYER_STATISTICS: readonly { key: LayerStatistic; title: string; log: boolean }[] = [
  { key: "gradientNorm", title: "Gradient norm ‖g‖₂ per layer", log: true },
  { key: "mean", title: "Activation mean", log: false },
  { key: "std", title: "Activation standard deviation", log: false },
  { key: "deadFraction", title: "Dead units (fraction, rectifiers)", log: false },
  { key: "saturatedFraction", title: "Saturated outputs (fraction, sigmoid/tanh)", log: false },
];

/**
 * A self-contained HTML page of the records: the warnings, one heat map per statistic (layers ×
 * steps: gradient norm, activation mean and standard deviation, dead and saturated fractions, and
 * per parameter the gradient norm and the update/weight ratio) and per-layer curves.
 */
export function healthReport(records: readonly HealthRecord[], options: HealthReportOptions = {}): string {
  const title = options.title ?? "Training health";
  const steps = records.map((r) => r.step);
  const first = records[0];
  const body: string[] = [];
  body.push(
    detailsTable({
      ...options.details,
      "monitored steps": records.length === 0 ? "none" : `${records.length} (${steps[0]} … ${steps.at(-1)})`,
    }),
  );
  const warnings = options.warnings ?? [];
  body.push(`<h2>Warnings (${warnings.length})</h2>`);
  body.push(
    warnings.length === 0
      ? "<p>None.</p>"
      : `<table class="data"><tr><th>step</th><th>kind</th><th>layer</th><th style="text-align:left">message</th></tr>${warnings
          .map(
            (w) =>
              `<tr><td>${w.step}</td><td>${w.kind}</td><td>${escapeHtml(w.layer || "(model)")}</td><td style="text-align:left">${escapeHtml(w.message)}</td></tr>`,
          )
          .join("")}</table>`,
  );
  if (!first) return htmlPage(title, body.join("\n"));

  // Rows are the layers of the first record (a model keeps its layers throughout).
  const layers = first.layers;
  const labels = layers.map((l) => layerLabel(l.name, l.type));
  const cell = (r: HealthRecord, i: number, key: LayerStatistic) => r.layers[i]?.[key] ?? null;
  body.push("<h2>Per layer and step</h2>", '<div class="charts">');
  for (const s of LAYER_STATISTICS) {
    const rows = layers.map((_, i) => i).filter((i) => records.some((r) => cell(r, i, s.key) !== null));
    if (rows.length === 0) continue;
    body.push(
      heatmap({
        title: s.title,
        rows: rows.map((i) => labels[i]),
        columns: steps,
        values: rows.map((i) => records.map((r) => cell(r, i, s.key))),
        xLabel: "step",
        logScale: s.log,
      }),
    );
  }
  const parameters = first.parameters.map((p) => p.name);
  for (const [key, t] of [
    ["gradientNorm", "Gradient norm per parameter"],
    ["updateRatio", "Update norm / weight norm per parameter"],
  ] as const)
    if (parameters.length > 0)
      body.push(
        heatmap({
          title: t,
          rows: parameters,
          columns: steps,
          values: parameters.map((_, j) => records.map((r) => r.parameters[j]?.[key] ?? null)),
          xLabel: "step",
          logScale: true,
        }),
      );
  body.push("</div>", "<h2>Per-layer curves</h2>", '<div class="charts">');
  const curves = (
    key: LayerStatistic,
    chartTitle: string,
    logY: boolean,
    pick: (l: LayerHealth) => boolean,
  ) => {
    const series = layers
      .map((l, i) => ({ l, i }))
      .filter(({ l, i }) => pick(l) && records.some((r) => cell(r, i, key) !== null))
      .map(({ i }, n) => ({
        name: labels[i],
        xs: steps,
        ys: records.map((r) => cell(r, i, key) ?? Number.NaN),
        color: PALETTE[n % PALETTE.length],
        dashed: n >= PALETTE.length,
      }));
    if (series.length > 0) body.push(lineChart({ title: chartTitle, xLabel: "step", series, logY }));
  };
  curves("gradientNorm", "Gradient norm per layer", true, () => true);
  curves("std", "Activation standard deviation per layer", false, () => true);
  curves("deadFraction", "Dead units per rectifier layer", false, (l) => l.kind === "rectifier");
  curves(
    "saturatedFraction",
    "Saturated outputs per sigmoid/tanh layer",
    false,
    (l) => l.kind !== "rectifier",
  );
  const kernels = first.parameters.map((p, j) => ({ p, j }));
  if (kernels.length > 0)
    body.push(
      lineChart({
        title: "Update norm / weight norm per parameter",
        xLabel: "step",
        logY: true,
        series: kernels.map(({ p, j }, n) => ({
          name: p.name,
          xs: steps,
          ys: records.map((r) => r.parameters[j]?.updateRatio ?? Number.NaN),
          color: PALETTE[n % PALETTE.length],
          dashed: n >= PALETTE.length,
        })),
      }),
    );
  body.push("</div>");
  return htmlPage(title, body.join("\n"));
}
