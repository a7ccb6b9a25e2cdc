import * as ax from "@axon/axon";
import { digits } from "../lib/data.ts";
import { composeFigure } from "../lib/figure.ts";
import { dataTable, markdownTable, writeStudyReport } from "../lib/report.ts";
import { downsample, formatNumber as fmt, mean } from "../lib/series.ts";
import type { Study } from "../lib/study.ts";
import { evaluateClassifier, runningMean, trainLoop } from "../lib/train.ts";
import { convSigmoidNet, denseSigmoidNet, evaluateWithBatchStatistics } from "./models.ts";

const { optim } = ax;
const { lineChart, PALETTE } = ax.nn.plot;

const SIZES = {
  toy: {
    trainSize: 1000,
    testSize: 300,
    dense: { depth: 6, width: 32, steps: 300, lrs: [0.3] },
    conv: { depth: 4, channels: 8, steps: 100, lrs: [1] },
    largeBatch: 150,
  },
  full: {
    trainSize: 8000,
    testSize: 2000,
    dense: { depth: 10, width: 64, steps: 1500, lrs: [0.01, 0.1, 1] },
    conv: { depth: 5, channels: 16, steps: 400, lrs: [0.01, 0.1, 1] },
    largeBatch: 250,
  },
} as const;

const BATCH = 64;
const SMALL_BATCH = 8;
const SMOOTH = 20;

/** Test loss/accuracy at one step: running statistics (evaluation mode) against the batch's own statistics. */
export interface StatisticsCheck {
  readonly step: number;
  readonly running: { loss: number; accuracy: number };
  readonly largeBatch: { loss: number; accuracy: number };
  readonly smallBatch: { loss: number; accuracy: number };
}

export interface BatchNormRun {
  readonly mode: "dense" | "conv";
  readonly batchNorm: boolean;
  readonly lr: number;
  readonly losses: readonly number[];
  /** Mean training loss over the last 10 % of the steps (∞ when the loss diverged). */
  readonly finalLoss: number;
  readonly testAccuracy: number;
  /** Only with batch norm. */
  readonly checks: readonly StatisticsCheck[];
}

export interface BatchNormData {
  readonly runs: readonly BatchNormRun[];
  /** Per mode and variant, the run with the best learning rate. */
  readonly best: readonly BatchNormRun[];
}

/** The first 400 test examples: enough for the noisy small-batch evaluation, which is slow in batches of 8. */
const smallTest = (ds: ax.data.Dataset) =>
  ax.data.subset(
    ds,
    Array.from({ length: Math.min(400, ds.shape[0]) }, (_, i) => i),
  );

/** 1, 2, 3, 5, 10, 20, 30, 50, 100, … up to `steps`, and `steps`. */
function checkpoints(steps: number): number[] {
  const out: number[] = [];
  for (let decade = 1; decade <= steps; decade *= 10)
    for (const m of [1, 2, 3, 5]) if (m * decade < steps) out.push(m * decade);
  return [...out, steps];
}

export const study: Study<BatchNormData> = {
  name: "batch-norm",
  title: "Batch normalization",
  claim:
    "A deep sigmoid network stalls at chance level without batch normalization and trains with it, in dense and in " +
    "convolutional (per-channel) form; at test time the running statistics stand in for the batch statistics and, once " +
    "training has run long enough for them to settle, give the same predictions.",
  fullSize:
    "10×64 dense sigmoid layers (1,500 steps) and 5×16-channel conv sigmoid layers (400 steps), 8,000 MNIST digits, " +
    "momentum SGD at 3 learning rates each, with and without batch norm; about 4 minutes",
  async run({ size, outDir, seed = 0, log }) {
    const s = SIZES[size];
    const flat = digits({ trainSize: s.trainSize, testSize: s.testSize });
    const images = digits({ trainSize: s.trainSize, testSize: s.testSize, featureShape: [28, 28, 1] });
    const runs: BatchNormRun[] = [];
    for (const mode of ["dense", "conv"] as const) {
      const cfg = s[mode];
      const data = mode === "dense" ? flat : images;
      for (const batchNorm of [false, true])
        for (const lr of cfg.lrs) {
          const model =
            mode === "dense"
              ? denseSigmoidNet(s.dense.depth, s.dense.width, batchNorm, seed)
              : convSigmoidNet(s.conv.depth, s.conv.channels, batchNorm, seed);
          const at = new Set(checkpoints(cfg.steps));
          const checks: StatisticsCheck[] = [];
          const { losses, diverged } = trainLoop({
            model,
            optimizer: new optim.Momentum({ lr, beta: 0.9 }),
            train: data.train,
            batchSize: BATCH,
            steps: cfg.steps,
            seed,
            onStep: (step) => {
              // Conv checks only at the end: evaluating a conv net in batches of 8 is slow.
              if (!batchNorm || !(mode === "dense" ? at.has(step) : step === cfg.steps)) return;
              checks.push({
                step,
                running: evaluateClassifier(model, data.test),
                largeBatch: evaluateWithBatchStatistics(model, data.test, s.largeBatch),
                smallBatch: evaluateWithBatchStatistics(model, smallTest(data.test), SMALL_BATCH),
              });
            },
          });
          const tail = losses.slice(-Math.max(1, Math.floor(losses.length / 10)));
          const finalLoss = diverged ? Number.POSITIVE_INFINITY : mean(tail);
          const testAccuracy = diverged ? Number.NaN : evaluateClassifier(model, data.test).accuracy;
          log?.(
            `${mode}, ${batchNorm ? "with" : "without"} batch norm, lr ${lr}: final loss ${fmt(finalLoss)}, test accuracy ${fmt(testAccuracy)}`,
          );
          runs.push({ mode, batchNorm, lr, losses, finalLoss, testAccuracy, checks });
        }
    }
    const best = (["dense", "conv"] as const).flatMap((mode) =>
      [false, true].map((bn) =>
        runs
          .filter((r) => r.mode === mode && r.batchNorm === bn)
          .reduce((a, b) => (b.finalLoss < a.finalLoss ? b : a)),
      ),
    );
    const data: BatchNormData = { runs, best };

    const label = (r: BatchNormRun) => `${r.batchNorm ? "BN" : "no BN"}, lr ${r.lr}`;
    const lossChart = (mode: "dense" | "conv") =>
      lineChart({
        title: `${mode}: training loss at the best learning rate`,
        xLabel: "step",
        yLabel: "cross-entropy",
        width: 440,
        series: best
          .filter((r) => r.mode === mode)
          .map((r) => {
            const smooth = runningMean(r.losses, SMOOTH);
            const d = downsample(
              smooth.map((_, i) => i + 1),
              smooth,
            );
            return { name: label(r), ...d, color: r.batchNorm ? PALETTE[0] : PALETTE[3] };
          }),
      });
    const denseBest = best.find((r) => r.mode === "dense" && r.batchNorm)!;
    const checkSteps = denseBest.checks.map((c) => c.step);
    const statsChart = lineChart({
      title: "dense + BN: test accuracy by the statistics used",
      xLabel: "training step",
      yLabel: "accuracy",
      logX: true,
      width: 440,
      series: [
        {
          name: "running (eval mode)",
          xs: checkSteps,
          ys: denseBest.checks.map((c) => c.running.accuracy),
          color: PALETTE[0],
          markers: true,
        },
        {
          name: `batch of ${s.largeBatch}`,
          xs: checkSteps,
          ys: denseBest.checks.map((c) => c.largeBatch.accuracy),
          color: PALETTE[1],
          markers: true,
        },
        {
          name: `batch of ${SMALL_BATCH}`,
          xs: checkSteps,
          ys: denseBest.checks.map((c) => c.smallBatch.accuracy),
          color: PALETTE[2],
          dashed: true,
          markers: true,
        },
      ],
    });
    const figure = composeFigure([lossChart("dense"), lossChart("conv"), statsChart]);

    const sweepHeader = ["mode", "batch norm", "learning rate", "final training loss", "test accuracy"];
    const sweepRows = runs.map((r) => [
      r.mode,
      r.batchNorm ? "yes" : "no",
      r.lr,
      fmt(r.finalLoss),
      fmt(r.testAccuracy),
    ]);
    const statsHeader = [
      "step",
      "running: loss",
      "running: accuracy",
      `batch ${s.largeBatch}: loss`,
      `batch ${s.largeBatch}: accuracy`,
      `batch ${SMALL_BATCH}: accuracy`,
    ];
    const statsRows = denseBest.checks.map((c) => [
      c.step,
      fmt(c.running.loss),
      fmt(c.running.accuracy),
      fmt(c.largeBatch.loss),
      fmt(c.largeBatch.accuracy),
      fmt(c.smallBatch.accuracy),
    ]);
    const pick = (mode: string, bn: boolean) => best.find((r) => r.mode === mode && r.batchNorm === bn)!;
    const convBest = best.find((r) => r.mode === "conv" && r.batchNorm)!;
    const convEnd = convBest.checks[convBest.checks.length - 1];
    const first = denseBest.checks[0];
    const end = denseBest.checks[denseBest.checks.length - 1];
    const result = [
      `Dense, ${s.dense.depth} sigmoid layers: the best run without batch norm ends at training loss ${fmt(pick("dense", false).finalLoss)} ` +
        `(ln 10 = 2.303 is chance) and test accuracy ${fmt(pick("dense", false).testAccuracy)}; with batch norm ` +
        `${fmt(pick("dense", true).finalLoss)} and ${fmt(pick("dense", true).testAccuracy)}.`,
      `Conv, ${s.conv.depth} sigmoid layers with per-channel batch norm: ${fmt(pick("conv", false).finalLoss)} / ` +
        `${fmt(pick("conv", false).testAccuracy)} without, ${fmt(pick("conv", true).finalLoss)} / ${fmt(pick("conv", true).testAccuracy)} with.`,
      `Test time (dense + BN, lr ${denseBest.lr}): after step ${first.step} the running statistics (momentum 0.99, still near their ` +
        `initial 0 and 1) give accuracy ${fmt(first.running.accuracy)} against ${fmt(first.largeBatch.accuracy)} with the batch's own ` +
        `statistics; after step ${end.step} they agree: ${fmt(end.running.accuracy)} against ${fmt(end.largeBatch.accuracy)} ` +
        `(loss ${fmt(end.running.loss)} against ${fmt(end.largeBatch.loss)}). Batches of ${SMALL_BATCH} give noisy statistics: ${fmt(end.smallBatch.accuracy)}.`,
      `Conv + BN (lr ${convBest.lr}) after step ${convEnd.step}: accuracy ${fmt(convEnd.running.accuracy)} with the running statistics, ` +
        `${fmt(convEnd.largeBatch.accuracy)} with the batch's (loss ${fmt(convEnd.running.loss)} against ${fmt(convEnd.largeBatch.loss)})` +
        (Math.abs(convEnd.running.accuracy - convEnd.largeBatch.accuracy) > 0.05
          ? ": here the running statistics have not caught up with the batch statistics, which still move with the weights."
          : "."),
      "",
      markdownTable(sweepHeader, sweepRows),
      "",
      markdownTable(statsHeader, statsRows),
    ].join("\n");
    const { summary, files } = writeStudyReport(this, outDir, size, {
      setup: {
        dense: `784 → ${s.dense.depth}×${s.dense.width} sigmoid → 10, ${s.dense.steps} steps`,
        conv: `28×28×1 → ${s.conv.depth} 3×3 convolutions of ${s.conv.channels} channels (two of stride 2), sigmoid, global average pool → 10, ${s.conv.steps} steps`,
        "batch norm":
          "dense/conv without bias → BatchNorm (per feature / per channel, momentum 0.99) → sigmoid",
        training: `momentum SGD (β = 0.9), batch ${BATCH}, learning rates ${s.dense.lrs.join(", ")} (dense) and ${s.conv.lrs.join(", ")} (conv); Glorot-normal kernels`,
        data: `${s.trainSize} MNIST digits for training, ${s.testSize} for the test, globally standardized`,
        seed,
      },
      figure,
      body: `<h2>Learning-rate sweep</h2>\n${dataTable(sweepHeader, sweepRows)}\n<h2>Running against batch statistics (dense + BN)</h2>\n${dataTable(statsHeader, statsRows)}`,
      result,
    });
    return { summary, files, data };
  },
};
