import * as ax from "@axon/axon";
import { digits } from "../lib/data.ts";
import { composeFigure } from "../lib/figure.ts";
import { denseStack } from "../lib/mlp.ts";
import { dataTable, markdownTable, writeStudyReport } from "../lib/report.ts";
import { downsample, formatNumber as fmt, mean } from "../lib/series.ts";
import type { Study } from "../lib/study.ts";
import { evaluateClassifier, runningMean, trainLoop } from "../lib/train.ts";

const { optim } = ax;
const { lineChart, PALETTE } = ax.nn.plot;

type Scaling = "raw" | "unit" | "standardized";
const SCALINGS: readonly Scaling[] = ["raw", "unit", "standardized"];
const LABELS: Record<Scaling, string> = {
  raw: "raw pixels 0–255",
  unit: "pixels / 255",
  standardized: "standardized",
};
const COLORS: Record<Scaling, string> = { raw: PALETTE[3], unit: PALETTE[1], standardized: PALETTE[0] };

/** The learning rates swept per input scaling (SGD), on a ×√10 grid around each one's workable range. */
const LRS: Record<"toy" | "full", Record<Scaling, readonly number[]>> = {
  toy: { raw: [1e-4, 1e-3, 0.03], unit: [0.03, 0.3], standardized: [0.03, 0.3] },
  full: {
    raw: [1e-6, 3e-6, 1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3],
    unit: [0.01, 0.03, 0.1, 0.3, 1, 3],
    standardized: [0.003, 0.01, 0.03, 0.1, 0.3, 1],
  },
};

const SIZES = {
  toy: { trainSize: 1000, testSize: 300, hidden: 32, maxSteps: 250 },
  full: { trainSize: 8000, testSize: 2000, hidden: 64, maxSteps: 3000 },
} as const;

const BATCH = 64;
const TARGET = 0.5;
const WINDOW = 20;

export interface NormalizationRun {
  readonly scaling: Scaling;
  readonly lr: number;
  /** The first step at which the mean loss of the last 20 steps is below the target (∞ if never). */
  readonly stepsToTarget: number;
  readonly diverged: boolean;
  readonly losses: readonly number[];
  readonly testAccuracy: number;
}

export interface NormalizationData {
  readonly target: number;
  readonly maxSteps: number;
  readonly runs: readonly NormalizationRun[];
  /** Per scaling, the run at the best stable learning rate (fewest steps to the target). */
  readonly best: readonly NormalizationRun[];
}

export const study: Study<NormalizationData> = {
  name: "input-normalization",
  title: "Input normalization",
  claim:
    "Standardized inputs (zero mean, unit variance) reach a target loss in far fewer steps than raw 0–255 pixels, each at " +
    "its own best stable learning rate; raw pixels also need a learning rate hundreds of times smaller.",
  fullSize:
    "784-64-10 ReLU MLP on 8,000 MNIST digits, plain SGD (batch 64) at 6–7 learning rates per input scaling, up to 3,000 " +
    "steps, stopping at a training loss of 0.5; about 2 minutes",
  async run({ size, outDir, seed = 0, log }) {
    const s = SIZES[size];
    const runs: NormalizationRun[] = [];
    for (const scaling of SCALINGS) {
      const { train, test } = digits({ trainSize: s.trainSize, testSize: s.testSize, scaling });
      for (const lr of LRS[size][scaling]) {
        const model = denseStack({ sizes: [784, s.hidden, 10], seed });
        let recent: number[] = [];
        let stepsToTarget = Number.POSITIVE_INFINITY;
        const { losses, diverged } = trainLoop({
          model,
          optimizer: new optim.SGD({ lr }),
          train,
          batchSize: BATCH,
          steps: s.maxSteps,
          seed,
          onStep: (step, loss) => {
            recent = [...recent.slice(-(WINDOW - 1)), loss];
            if (recent.length === WINDOW && recent.reduce((a, b) => a + b) / WINDOW < TARGET) {
              stepsToTarget = step;
              return false;
            }
          },
        });
        const testAccuracy = diverged ? Number.NaN : evaluateClassifier(model, test).accuracy;
        log?.(
          `${scaling}, lr ${lr}: ${Number.isFinite(stepsToTarget) ? `loss < ${TARGET} after ${stepsToTarget} steps` : diverged ? "diverged" : `not below ${TARGET} in ${s.maxSteps} steps`}`,
        );
        runs.push({ scaling, lr, stepsToTarget, diverged, losses, testAccuracy });
      }
    }
    // Fewest steps to the target; when none gets there, the lowest final loss of the stable runs.
    const lastLoss = (r: NormalizationRun) =>
      r.diverged ? Number.POSITIVE_INFINITY : runningMean(r.losses, WINDOW).at(-1)!;
    const best = SCALINGS.map((scaling) =>
      runs
        .filter((r) => r.scaling === scaling)
        .reduce((a, b) =>
          b.stepsToTarget < a.stepsToTarget ||
          (b.stepsToTarget === a.stepsToTarget && lastLoss(b) < lastLoss(a))
            ? b
            : a,
        ),
    );
    const data: NormalizationData = { target: TARGET, maxSteps: s.maxSteps, runs, best };

    const sweepChart = lineChart({
      title: `steps to a training loss of ${TARGET} (missing: never)`,
      xLabel: "learning rate (SGD)",
      yLabel: "steps",
      logX: true,
      logY: true,
      width: 520,
      series: SCALINGS.map((scaling) => {
        const rs = runs.filter((r) => r.scaling === scaling);
        return {
          name: LABELS[scaling],
          xs: rs.map((r) => r.lr),
          ys: rs.map((r) => (Number.isFinite(r.stepsToTarget) ? r.stepsToTarget : Number.NaN)),
          color: COLORS[scaling],
          markers: true,
        };
      }),
    });
    const curveChart = lineChart({
      title: "training loss at each scaling's best learning rate",
      xLabel: "step",
      yLabel: `cross-entropy (mean of ${WINDOW} steps)`,
      logY: true,
      width: 620,
      series: best.map((r) => {
        const smooth = runningMean(r.losses, WINDOW);
        return {
          name: `${LABELS[r.scaling]}, lr ${r.lr}`,
          ...downsample(
            smooth.map((_, i) => i + 1),
            smooth,
          ),
          color: COLORS[r.scaling],
        };
      }),
    });
    const figure = composeFigure([sweepChart, curveChart]);

    const stepsText = (r: NormalizationRun) =>
      Number.isFinite(r.stepsToTarget)
        ? String(r.stepsToTarget)
        : r.diverged
          ? "diverged"
          : `> ${s.maxSteps}`;
    const header = ["inputs", "learning rate", `steps to loss ${TARGET}`, "test accuracy there"];
    const rowsOf = runs.map((r) => [LABELS[r.scaling], r.lr, stepsText(r), fmt(r.testAccuracy)]);
    const by = (scaling: Scaling) => best.find((r) => r.scaling === scaling)!;
    const raw = by("raw");
    const std = by("standardized");
    const speedup = raw.stepsToTarget / std.stepsToTarget;
    // Raw runs above the best rate that diverged or ended near chance.
    const rawFailed = runs.filter(
      (r) => r.scaling === "raw" && r.lr > raw.lr && (r.diverged || !(r.testAccuracy > 0.2)),
    );
    const result = [
      `At the best stable learning rate of each, the training loss falls below ${TARGET} after ${stepsText(std)} steps with ` +
        `standardized inputs (lr ${std.lr}), ${stepsText(by("unit"))} with pixels / 255 (lr ${by("unit").lr}) and ${stepsText(raw)} ` +
        `with raw 0–255 pixels (lr ${raw.lr})` +
        (Number.isFinite(speedup)
          ? `: ${fmt(speedup)} times as many steps for raw inputs.`
          : ": raw inputs never get there in the steps allowed.") +
        ` The best rate for raw inputs is ${fmt(std.lr / raw.lr)} times smaller than for standardized ones` +
        (rawFailed.length
          ? `; at ${rawFailed.map((r) => r.lr).join(", ")} raw inputs diverge or stall (test accuracy at most ${fmt(Math.max(...rawFailed.map((r) => (Number.isNaN(r.testAccuracy) ? 0 : r.testAccuracy))))}).`
          : "."),
      `The first ${WINDOW} steps average a loss of ${fmt(mean(raw.losses.slice(0, WINDOW)))} on raw pixels against ` +
        `${fmt(mean(std.losses.slice(0, WINDOW)))} on standardized ones: inputs of size 255 make the initial logits huge.`,
      "",
      markdownTable(header, rowsOf),
    ].join("\n");
    const { summary, files } = writeStudyReport(this, outDir, size, {
      setup: {
        model: `784-${s.hidden}-10 ReLU MLP, He-normal kernels, the same initialization for every run`,
        data: `${s.trainSize} MNIST digits for training, ${s.testSize} for the test`,
        inputs:
          "raw pixels 0–255; pixels / 255 in [0, 1]; standardized with one global mean and σ from the training set",
        training: `plain SGD, batch ${BATCH}, up to ${s.maxSteps} steps, stopped when the mean loss of the last ${WINDOW} steps is below ${TARGET}`,
        "learning rates": SCALINGS.map((k) => `${k}: ${LRS[size][k].join(", ")}`).join("; "),
        seed,
      },
      figure,
      body: `<h2>Learning-rate sweep</h2>\n${dataTable(header, rowsOf)}`,
      result,
    });
    return { summary, files, data };
  },
};
