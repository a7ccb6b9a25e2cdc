import * as ax from "@axon/axon";
import { contourPlot } from "../lib/contour.ts";
import { digits } from "../lib/data.ts";
import { composeFigure } from "../lib/figure.ts";
import { denseStack } from "../lib/mlp.ts";
import { dataTable, markdownTable, writeStudyReport } from "../lib/report.ts";
import { downsample, formatNumber as fmt, mean, range } from "../lib/series.ts";
import type { Study } from "../lib/study.ts";
import { type Stepper, runningMean, trainLoop } from "../lib/train.ts";
import { bowl, bowlPath } from "./bowl.ts";
import { uncorrectedAdam, uncorrectedStepRatio } from "./uncorrected-adam.ts";

const { optim } = ax;
const { lineChart, PALETTE } = ax.nn.plot;

type OptimizerName = "SGD" | "momentum" | "RMSProp" | "Adam";
const NAMES: readonly OptimizerName[] = ["SGD", "momentum", "RMSProp", "Adam"];
const COLORS: Record<OptimizerName, string> = {
  SGD: PALETTE[3],
  momentum: PALETTE[1],
  RMSProp: PALETTE[2],
  Adam: PALETTE[0],
};

function makeOptimizer(name: OptimizerName, lr: number): Stepper {
  switch (name) {
    case "SGD":
      return new optim.SGD({ lr });
    case "momentum":
      return new optim.Momentum({ lr, beta: 0.9 });
    case "RMSProp":
      return new optim.RMSProp({ lr, beta: 0.9 });
    case "Adam":
      return new optim.Adam({ lr });
  }
}

/** Learning rates tried on the network, per optimizer (the middle one alone at toy size). */
const NETWORK_LRS: Record<OptimizerName, readonly number[]> = {
  SGD: [0.03, 0.1, 0.3],
  momentum: [0.003, 0.01, 0.03],
  RMSProp: [1e-4, 3e-4, 1e-3],
  Adam: [3e-4, 1e-3, 3e-3],
};

const SIZES = {
  toy: { trainSize: 800, steps: 100, hidden: 32, lrs: "middle", bowlSteps: 40, adamSteps: 50 },
  full: { trainSize: 8000, steps: 1500, hidden: 64, lrs: "all", bowlSteps: 60, adamSteps: 400 },
} as const;

const BATCH = 64;
const KAPPA = 20;
const START: [number, number] = [-4.5, 1.2];
/** Learning rates tried on the bowl: 10^(−3 … 0.5) in steps of 10^0.25. */
const BOWL_LRS = range(15).map((i) => 10 ** (-3 + i * 0.25));
const ADAM_LRS = [1e-3, 1e-2];

export interface NetworkRun {
  readonly optimizer: OptimizerName;
  readonly lr: number;
  readonly losses: readonly number[];
  /** Mean training loss over the last 10 % of the steps (∞ if it diverged). */
  readonly finalLoss: number;
}

export interface BowlRun {
  readonly optimizer: OptimizerName;
  /** The learning rate with the lowest f after the last step. */
  readonly lr: number;
  readonly points: readonly (readonly [number, number])[];
  readonly values: readonly number[];
}

export interface BiasCorrectionRun {
  readonly corrected: boolean;
  readonly lr: number;
  readonly losses: readonly number[];
  /** ‖Δθ‖ over all parameters at each step. */
  readonly updateNorms: readonly number[];
}

export interface OptimizersData {
  readonly network: readonly NetworkRun[];
  /** Per optimizer, its best learning rate's run on the network. */
  readonly networkBest: readonly NetworkRun[];
  readonly bowl: readonly BowlRun[];
  readonly kappa: number;
  readonly biasCorrection: readonly BiasCorrectionRun[];
}

/** All parameters' values, concatenated, as one host array. */
const flatValues = (params: readonly ax.Parameter[]) => {
  const parts = params.map((p) => p.value.dataSync());
  const out = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** The mean of log10 f over the last quarter of a path (∞ if any is not finite). */
const lateLogMean = (values: readonly number[]) => {
  const tail = values.slice(-Math.max(1, Math.floor(values.length / 4)));
  return tail.every(Number.isFinite)
    ? mean(tail.map((v) => Math.log10(Math.max(v, 1e-300))))
    : Number.POSITIVE_INFINITY;
};

const smoothCurve = (losses: readonly number[], window: number) => {
  const smooth = runningMean(losses, window);
  return downsample(
    smooth.map((_, i) => i + 1),
    smooth,
  );
};

export const study: Study<OptimizersData> = {
  name: "optimizers",
  title: "Optimizers: SGD, momentum, RMSProp and Adam",
  claim:
    "On an elongated quadratic bowl (curvatures 1 and 20) plain SGD's learning rate is capped by the steep direction, so it " +
    "crawls along the shallow one, while RMSProp's per-coordinate scaling undoes the elongation. The textbook picture has " +
    "momentum and Adam well ahead of SGD too; at their best fixed learning rate and β = 0.9 they end about level with it " +
    "here. On a small network all four reach a low loss, each at its own best learning rate. Without bias correction " +
    "Adam's first steps are several times larger than the corrected ones (β₂ = 0.999).",
  fullSize:
    "784-64-10 ReLU MLP on 8,000 MNIST digits, 1,500 steps at 3 learning rates per optimizer; 60 steps on the bowl " +
    "(κ = 20) at 15 learning rates; Adam with and without bias correction for 400 steps at 2 learning rates; about 2 minutes",
  async run({ size, outDir, seed = 0, log }) {
    const s = SIZES[size];
    const { train } = digits({ trainSize: s.trainSize, testSize: 1 });
    const sizes = [784, s.hidden, 10];

    // The network: the same initialization and batches for every optimizer.
    const network: NetworkRun[] = [];
    for (const name of NAMES) {
      const lrs = s.lrs === "all" ? NETWORK_LRS[name] : [NETWORK_LRS[name][1]];
      for (const lr of lrs) {
        const model = denseStack({ sizes, seed });
        const { losses, diverged } = trainLoop({
          model,
          optimizer: makeOptimizer(name, lr),
          train,
          batchSize: BATCH,
          steps: s.steps,
          seed,
        });
        const finalLoss = diverged
          ? Number.POSITIVE_INFINITY
          : mean(losses.slice(-Math.max(1, Math.floor(losses.length / 10))));
        log?.(`network, ${name}, lr ${lr}: final loss ${fmt(finalLoss)}`);
        network.push({ optimizer: name, lr, losses, finalLoss });
      }
    }
    const networkBest = NAMES.map((name) =>
      network.filter((r) => r.optimizer === name).reduce((a, b) => (b.finalLoss < a.finalLoss ? b : a)),
    );

    // The bowl: each optimizer at the learning rate that ends lowest.
    const bowlRuns: BowlRun[] = NAMES.map((name) => {
      let best: BowlRun | null = null;
      for (const lr of BOWL_LRS) {
        const { points, values } = bowlPath(makeOptimizer(name, lr), KAPPA, START, s.bowlSteps);
        // Judged by the mean log f over the last quarter of the steps: robust to a path oscillating at the end.
        const score = lateLogMean(values);
        if (
          values.length === s.bowlSteps + 1 &&
          Number.isFinite(score) &&
          (!best || score < lateLogMean(best.values))
        )
          best = { optimizer: name, lr, points, values };
      }
      if (!best) throw new Error(`optimizers study: ${name} diverged on the bowl at every learning rate`);
      log?.(
        `bowl, ${name}: best lr ${fmt(best.lr)}, f after ${s.bowlSteps} steps ${fmt(best.values[best.values.length - 1])}`,
      );
      return best;
    });

    // Adam's first steps with and without bias correction, from the same initialization.
    const biasCorrection: BiasCorrectionRun[] = [];
    for (const lr of ADAM_LRS)
      for (const corrected of [true, false]) {
        const model = denseStack({ sizes, seed });
        const params = model.parameters();
        let before = flatValues(params);
        const updateNorms: number[] = [];
        const { losses } = trainLoop({
          model,
          optimizer: corrected ? new optim.Adam({ lr }) : uncorrectedAdam({ lr }),
          train,
          batchSize: BATCH,
          steps: s.adamSteps,
          seed,
          onStep: () => {
            const after = flatValues(params);
            let sq = 0;
            for (let i = 0; i < after.length; i++) sq += (after[i] - before[i]) ** 2;
            updateNorms.push(Math.sqrt(sq));
            before = after;
          },
        });
        log?.(
          `Adam ${corrected ? "with" : "without"} bias correction, lr ${lr}: first step ‖Δθ‖ ${fmt(updateNorms[0])}, loss after ${losses.length} steps ${fmt(losses[losses.length - 1])}`,
        );
        biasCorrection.push({ corrected, lr, losses, updateNorms });
      }
    const data: OptimizersData = { network, networkBest, bowl: bowlRuns, kappa: KAPPA, biasCorrection };

    const networkChart = lineChart({
      title: "MLP on MNIST: training loss, best learning rate each",
      xLabel: "step",
      yLabel: "cross-entropy (mean of 20 steps)",
      logY: true,
      width: 480,
      series: networkBest.map((r) => ({
        name: `${r.optimizer} ${r.lr}`,
        ...smoothCurve(r.losses, 20),
        color: COLORS[r.optimizer],
      })),
    });
    const bowlChart = contourPlot({
      title: `f = ½(x² + ${KAPPA}y²): ${s.bowlSteps} steps from (${START.join(", ")})`,
      f: bowl(KAPPA),
      xRange: [-5, 2],
      yRange: [-1.6, 1.6],
      xLabel: "x",
      yLabel: "y",
      target: [0, 0],
      resolution: 50,
      width: 520,
      paths: bowlRuns.map((r) => ({
        name: `${r.optimizer} ${fmt(r.lr)}`,
        points: r.points,
        color: COLORS[r.optimizer],
      })),
    });
    const bowlValues = lineChart({
      title: "bowl: f along the path",
      xLabel: "step",
      yLabel: "f",
      logY: true,
      width: 480,
      series: bowlRuns.map((r) => ({
        name: r.optimizer,
        xs: r.values.map((_, i) => i),
        ys: r.values,
        color: COLORS[r.optimizer],
      })),
    });
    const adamColor = (r: BiasCorrectionRun) => (r.corrected ? PALETTE[0] : PALETTE[3]);
    const adamName = (r: BiasCorrectionRun) => `${r.corrected ? "corr." : "uncorr."} ${r.lr}`;
    const updateChart = lineChart({
      title: "Adam: update size ‖Δθ‖ / lr per step",
      xLabel: "step",
      yLabel: "‖Δθ‖ / lr",
      logY: true,
      width: 480,
      series: biasCorrection.map((r) => ({
        name: adamName(r),
        ...downsample(
          r.updateNorms.map((_, i) => i + 1),
          r.updateNorms.map((u) => u / r.lr),
        ),
        color: adamColor(r),
        dashed: r.lr !== ADAM_LRS[0],
      })),
    });
    const ratioChart = lineChart({
      title: `Adam, lr ${ADAM_LRS[0]}: uncorrected / corrected step size`,
      xLabel: "step",
      yLabel: "ratio",
      width: 480,
      series: [
        {
          name: "measured ‖Δθ‖ ratio",
          ...downsample(
            range(s.adamSteps).map((i) => i + 1),
            range(s.adamSteps).map(
              (i) => biasCorrection[1].updateNorms[i] / biasCorrection[0].updateNorms[i],
            ),
          ),
          color: PALETTE[3],
        },
        {
          name: "(1−β₁ᵗ)/√(1−β₂ᵗ), constant gradient",
          ...downsample(
            range(s.adamSteps).map((i) => i + 1),
            range(s.adamSteps).map((i) => uncorrectedStepRatio(i + 1)),
          ),
          color: PALETTE[7],
          dashed: true,
        },
      ],
    });
    const adamLoss = lineChart({
      title: "Adam: training loss of the first steps",
      xLabel: "step",
      yLabel: "cross-entropy (mean of 10 steps)",
      logY: true,
      width: 480,
      series: biasCorrection.map((r) => ({
        name: adamName(r),
        ...smoothCurve(r.losses, 10),
        color: adamColor(r),
        dashed: r.lr !== ADAM_LRS[0],
      })),
    });
    const figure = composeFigure([networkChart, bowlChart, bowlValues, updateChart, ratioChart, adamLoss], {
      columns: 3,
    });

    const netHeader = ["optimizer", "learning rate", "final training loss"];
    const netRows = network.map((r) => [r.optimizer, r.lr, fmt(r.finalLoss)]);
    const bowlHeader = [
      "optimizer",
      "best learning rate",
      `f after ${s.bowlSteps} steps`,
      "distance to the minimum",
    ];
    const bowlRows = bowlRuns.map((r) => {
      const [x, y] = r.points[r.points.length - 1];
      return [r.optimizer, fmt(r.lr), fmt(r.values[r.values.length - 1]), fmt(Math.hypot(x, y))];
    });
    const adamHeader = [
      "bias correction",
      "lr",
      "‖Δθ‖/lr at step 1",
      "at step 10",
      `loss at step ${s.adamSteps} (mean of 10)`,
    ];
    const adamRows = biasCorrection.map((r) => [
      r.corrected ? "yes" : "no",
      r.lr,
      fmt(r.updateNorms[0] / r.lr),
      fmt(r.updateNorms[9] / r.lr),
      fmt(mean(r.losses.slice(-10))),
    ]);
    const fEnd = (name: OptimizerName) => {
      const r = bowlRuns.find((b) => b.optimizer === name)!;
      return r.values[r.values.length - 1];
    };
    const lateLoss = (r: BiasCorrectionRun) => mean(r.losses.slice(-10));
    const ratios = biasCorrection[1].updateNorms.map((u, i) => u / biasCorrection[0].updateNorms[i]);
    const firstRatio = ratios[0];
    const peak = ratios.reduce((a, r, i) => (r > ratios[a] ? i : a), 0);
    const distance = (name: OptimizerName) =>
      Math.hypot(...bowlRuns.find((b) => b.optimizer === name)!.points.at(-1)!);
    const result = [
      `Bowl (κ = ${KAPPA}), ${s.bowlSteps} steps, each optimizer at its best of ${BOWL_LRS.length} learning rates: f ends at ` +
        NAMES.map((n) => `${fmt(fEnd(n))} (${n})`).join(", ") +
        ` from f = ${fmt(bowl(KAPPA)(...START))}; distance to the minimum ` +
        NAMES.map((n) => `${fmt(distance(n))} (${n})`).join(", ") +
        `. SGD's best rate, ${fmt(bowlRuns[0].lr)}, sits below the stability limit 2/κ = ${fmt(2 / KAPPA)} of the steep direction. ` +
        "Momentum with β fixed at 0.9 cannot converge faster than √β ≈ 0.95 per step, about SGD's own rate here, and Adam's " +
        "steps of about lr each keep it circling the minimum: " +
        (["momentum", "Adam", "RMSProp"] as const)
          .map((n) => `${n} ends with ${fmt(fEnd(n) / fEnd("SGD"))} times SGD's f`)
          .join(", ") +
        ".",
      `Network: final training loss at the best learning rate: ${networkBest.map((r) => `${r.optimizer} ${fmt(r.finalLoss)} (lr ${r.lr})`).join(", ")}.`,
      `Bias correction: at step 1 the uncorrected Adam step is ${fmt(firstRatio)} times the corrected one ` +
        `(theory for β₁ = 0.9, β₂ = 0.999: ${fmt(uncorrectedStepRatio(1))}); the measured ratio peaks at ${fmt(ratios[peak])} at step ${peak + 1} ` +
        `(constant-gradient theory: ${fmt(uncorrectedStepRatio(10))} near step 10; a changing gradient makes m smaller) and is ${fmt(ratios.at(-1)!)} ` +
        `at step ${ratios.length}. At lr ${ADAM_LRS[1]} the loss after ${s.adamSteps} steps is ` +
        `${fmt(lateLoss(biasCorrection[3]))} without bias correction against ${fmt(lateLoss(biasCorrection[2]))} with it.`,
      "",
      markdownTable(bowlHeader, bowlRows),
      "",
      markdownTable(netHeader, netRows),
      "",
      markdownTable(adamHeader, adamRows),
    ].join("\n");
    const { summary, files } = writeStudyReport(this, outDir, size, {
      setup: {
        network: `${sizes.join("-")} ReLU MLP (He normal), ${s.trainSize} MNIST digits, globally standardized, batch ${BATCH}, ${s.steps} steps, the same initialization and batches for each optimizer`,
        "learning rates (network)": NAMES.map(
          (n) => `${n} ${(s.lrs === "all" ? NETWORK_LRS[n] : [NETWORK_LRS[n][1]]).join("/")}`,
        ).join("; "),
        bowl: `f(x, y) = ½(x² + ${KAPPA}y²) from (${START.join(", ")}), ${s.bowlSteps} steps, learning rates 1e-3 … 3.16 (×10^0.25)`,
        hyperparameters: "momentum β = 0.9; RMSProp β = 0.9; Adam β₁ = 0.9, β₂ = 0.999, ε = 1e-8",
        "bias correction": `@axon/optim's Adam always corrects; the uncorrected variant is an UpdateRule written in the study; ${s.adamSteps} steps at lr ${ADAM_LRS.join(" and ")}`,
        seed,
      },
      figure,
      body: [
        "<h2>Bowl</h2>",
        dataTable(bowlHeader, bowlRows),
        "<h2>Network</h2>",
        dataTable(netHeader, netRows),
        "<h2>Adam bias correction</h2>",
        dataTable(adamHeader, adamRows),
      ].join("\n"),
      result,
    });
    return { summary, files, data };
  },
};
