// Study 9: the numerical gradient check passes on a correct network and catches a broken backward rule.
import * as ax from "@axon/axon";
import { composeFigure } from "../lib/figure.ts";
import { labelFigure } from "../shared-b/accessible.ts";
import { dataTable, markdownTable, writeStudyReport } from "../lib/report.ts";
import { formatNumber } from "../lib/series.ts";
import type { Study } from "../lib/study.ts";
import { type SigmoidRule, lossOf, network } from "./network.ts";

const { lineChart, PALETTE } = ax.nn.plot;

export interface RuleCheck {
  readonly rule: SigmoidRule;
  readonly ok: boolean;
  /** ‖g − ĝ‖ / (‖g‖ + ‖ĝ‖) over all parameters. */
  readonly relativeDifference: number;
  /** The same per parameter tensor (W1, b1, …). */
  readonly perTensor: number[];
  /** |g − ĝ| / (|g| + |ĝ|) per parameter element, all tensors in order. */
  readonly perElement: number[];
}

export interface EpsilonSweep {
  readonly dtype: "float32" | "float64";
  readonly rule: SigmoidRule;
  readonly eps: number[];
  /** The relative difference of the directional derivatives at each ε (NaN where ε is below the dtype's resolution). */
  readonly relativeDifference: number[];
}

export interface GradCheckData {
  readonly names: string[];
  /** Elements per parameter tensor. */
  readonly sizes: number[];
  readonly checks: RuleCheck[];
  readonly sweeps: EpsilonSweep[];
}

const SIZES = {
  toy: { layers: [4, 5, 3], batch: 6, perDecade: 0.5 },
  full: { layers: [8, 16, 16, 4], batch: 16, perDecade: 4 },
} as const;

const EPS_RANGE = [-12, 0] as const;
/** Random directions per ε in the sweep (projection mode: 2 evaluations each instead of 2 per parameter). */
const PROJECTIONS = 16;

const norm = (xs: ArrayLike<number>) => Math.sqrt(Array.from(xs).reduce((s, v) => s + v * v, 0));

/** ‖a − n‖ / (‖a‖ + ‖n‖), 0 when both are zero. */
function relative(a: ArrayLike<number>, n: ArrayLike<number>): number {
  const d = norm(Array.from(a, (v, i) => v - n[i]));
  const denom = norm(a) + norm(n);
  return denom === 0 ? 0 : d / denom;
}

export const study: Study<GradCheckData> = {
  name: "gradient-check",
  title: "Gradient checking: catching a broken backward rule",
  claim:
    "ax.gradCheck compares backpropagation with central differences: on a correct network the relative difference is below 1e-8 in float64, while a sigmoid whose backward forgets the (1 − σ) factor is caught with a difference of order 1, " +
    "only in the parameters upstream of it. Against the step ε the difference traces a V: truncation error (∝ ε²) on the right, rounding error (∝ machine ε / ε) on the left, with the bottom near the cube root of the dtype's machine epsilon: ε ≈ 6e-6 in float64, ≈ 5e-3 in float32.",
  fullSize:
    "8-16-16-4 sigmoid network (484 parameters), a batch of 16, ε from 1e-12 to 1 at 4 points per decade in float32 and float64 — about 15 s on 2 cores",
  async run(options) {
    const seed = options.seed ?? 0;
    const log = options.log ?? (() => {});
    const s = SIZES[options.size];
    await ax.setBackend("cpu");
    const net = network(s.layers, s.batch, seed);
    const sizes = net.params.map((p) => p.size);

    const checks: RuleCheck[] = (["built-in", "custom", "broken"] as const).map((rule) => {
      const r = ax.gradCheck(lossOf(net, rule), net.params, { dtype: "float64", seed });
      const perTensor = net.params.map((_, i) => relative(r.analytic[i]!, r.numeric[i]!));
      const perElement = net.params.flatMap((_, i) =>
        Array.from(r.analytic[i]!, (a, j) => {
          const n = r.numeric[i]![j];
          const denom = Math.abs(a) + Math.abs(n);
          return denom === 0 ? 0 : Math.abs(a - n) / denom;
        }),
      );
      log(`${rule}: ok ${r.ok}, relative difference ${formatNumber(r.relativeDifference)}`);
      return { rule, ok: r.ok, relativeDifference: r.relativeDifference, perTensor, perElement };
    });

    const eps: number[] = [];
    for (let k = EPS_RANGE[0] * s.perDecade; k <= EPS_RANGE[1] * s.perDecade; k++)
      eps.push(10 ** (k / s.perDecade));
    const sweeps: EpsilonSweep[] = (
      [
        ["float64", "built-in"],
        ["float32", "built-in"],
        ["float64", "broken"],
      ] as const
    ).map(([dtype, rule]) => {
      const f = lossOf(net, rule);
      const relativeDifference = eps.map((e) => {
        const r = ax.gradCheck(f, net.params, {
          dtype,
          eps: e,
          seed,
          mode: "projection",
          projections: PROJECTIONS,
        });
        // Below the dtype's resolution x ± εu rounds back to x: both sides of every projection are 0, nothing was measured.
        const vanished = r.analytic.every((a) => a?.every((v) => v === 0));
        return Number.isFinite(r.relativeDifference) && !vanished ? r.relativeDifference : Number.NaN;
      });
      const best = Math.min(...relativeDifference.filter(Number.isFinite));
      log(
        `${dtype} ${rule}: smallest relative difference ${formatNumber(best)} at ε ${formatNumber(eps[relativeDifference.indexOf(best)])}`,
      );
      return { dtype, rule, eps, relativeDifference };
    });

    // Boundaries between parameter tensors on the element axis.
    const starts = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0));
    const index = checks[0].perElement.map((_, i) => i);
    const elementChart = lineChart({
      title: "Relative difference per parameter element (float64, ε = 1e-6)",
      xLabel: `parameter element: ${net.names.join(" | ")}`,
      yLabel: "|g − ĝ| / (|g| + |ĝ|)",
      logY: true,
      guides: starts.slice(1),
      series: [
        { name: "built-in σ", xs: index, ys: checks[0].perElement, color: PALETTE[0], markers: true },
        { name: "broken σ' = σ", xs: index, ys: checks[2].perElement, color: PALETTE[3], markers: true },
      ],
      width: 560,
      height: 340,
    });
    const sweepChart = lineChart({
      title: "Relative difference against the step ε",
      xLabel: "ε",
      yLabel: "‖g − ĝ‖ / (‖g‖ + ‖ĝ‖)",
      logX: true,
      logY: true,
      series: sweeps.map((w, i) => ({
        name: `${w.rule === "broken" ? "broken σ" : "correct"}, ${w.dtype}`,
        xs: w.eps,
        ys: w.relativeDifference,
        color: PALETTE[[0, 1, 3][i]],
        markers: s.perDecade <= 2,
        dashed: w.rule === "broken",
      })),
      width: 560,
      height: 340,
    });
    const figure = composeFigure([elementChart, sweepChart], {
      title: `Gradient check of a ${s.layers.join("-")} sigmoid network: correct vs broken backward`,
    });

    const header = ["sigmoid rule", "passes", "relative difference", ...net.names];
    const rows = checks.map((c) => [
      c.rule === "broken" ? "broken (σ' = σ)" : c.rule,
      c.ok ? "yes" : "no",
      formatNumber(c.relativeDifference),
      ...c.perTensor.map(formatNumber),
    ]);
    const sweepHeader = ["dtype", "sigmoid rule", "smallest difference", "at ε", "at ε = 1e-12", "at ε = 1"];
    const sweepRows = sweeps.map((w) => {
      const finite = w.relativeDifference.filter(Number.isFinite);
      const best = Math.min(...finite);
      return [
        w.dtype,
        w.rule,
        formatNumber(best),
        formatNumber(w.eps[w.relativeDifference.indexOf(best)]),
        formatNumber(w.relativeDifference[0]),
        formatNumber(w.relativeDifference.at(-1)!),
      ];
    });
    const result = [
      ...checks.map(
        (c) =>
          `${c.rule} sigmoid: ${c.ok ? "passes" : "fails"}, relative difference ${formatNumber(c.relativeDifference)} (${net.names.map((n, i) => `${n} ${formatNumber(c.perTensor[i])}`).join(", ")}).`,
      ),
      "",
      markdownTable(header, rows),
      "",
      "Against ε (— where ε is below the dtype's resolution, so x + ε and x − ε round to the same number):",
      "",
      markdownTable(sweepHeader, sweepRows),
    ].join("\n");
    const setup = {
      network: `${s.layers.join("-")}: sigmoid hidden layers, logits out, mean softmax cross-entropy over a batch of ${s.batch} (seed ${seed})`,
      parameters: `${sizes.reduce((a, b) => a + b, 0)} in ${net.names.join(", ")}`,
      check:
        "ax.gradCheck in full mode: every parameter element, central differences, float64 with ε = 1e-6 unless stated",
      rules:
        "built-in ax.sigmoid; a customGrad sigmoid with σ' = σ(1 − σ) (custom); a customGrad sigmoid with σ' = σ (broken)",
      "ε sweep": `10^${EPS_RANGE[0]} to 10^${EPS_RANGE[1]}, ${s.perDecade} per decade, in float64 and float32; projection mode (the derivative along ${PROJECTIONS} random directions u, vᵀJu against the central difference)`,
    };
    const body = [
      "<h2>Per parameter tensor</h2>",
      dataTable(header, rows),
      "<h2>Against ε</h2>",
      dataTable(sweepHeader, sweepRows),
    ].join("\n");
    const { summary, files } = writeStudyReport(this, options.outDir, options.size, {
      setup,
      figure: labelFigure(figure, ax.nn.plot.escapeHtml(this.title)),
      body,
      result,
    });
    for (const p of net.params) p.dispose();
    net.x.dispose();
    net.labels.dispose();
    return { summary, files, data: { names: net.names, sizes, checks, sweeps } };
  },
};
