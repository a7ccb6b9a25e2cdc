import * as ax from "@axon/axon";
import { digits } from "../lib/data.ts";
import { composeFigure } from "../lib/figure.ts";
import { denseStack } from "../lib/mlp.ts";
import { dataTable, markdownTable, writeStudyReport } from "../lib/report.ts";
import { formatNumber as fmt } from "../lib/series.ts";
import type { Study } from "../lib/study.ts";
import { evaluateClassifier, runningMean, trainLoop } from "../lib/train.ts";
import { type UnitSpread, incomingWeights, unitSpread } from "./units.ts";

const { nn, optim } = ax;
const { lineChart, PALETTE } = nn.plot;

const SIZES = {
  toy: { trainSize: 500, testSize: 300, hidden: 16, steps: 150, every: 15 },
  full: { trainSize: 8000, testSize: 2000, hidden: 64, steps: 3000, every: 50 },
} as const;

const BATCH = 64;
const LR = 0.5;

/** One initialization's record over training. */
export interface SymmetryRun {
  readonly init: "zeros" | "random";
  /** The steps at which the units were compared (0: before training). */
  readonly steps: readonly number[];
  /** Per hidden layer, the comparison at each of those steps. */
  readonly layers: readonly (readonly UnitSpread[])[];
  readonly losses: readonly number[];
  readonly testAccuracy: number;
}

export interface SymmetryData {
  readonly hidden: number;
  readonly runs: readonly SymmetryRun[];
}

export const study: Study<SymmetryData> = {
  name: "symmetry",
  title: "Symmetry: all-zero weights keep hidden units identical",
  claim:
    "When every weight starts at zero, all hidden units of a layer receive the same gradient, so their incoming weight " +
    "vectors stay equal through training and the layer acts as a single unit; random initial weights break the symmetry.",
  fullSize:
    "784-64-64-10 sigmoid MLP, 8,000 MNIST digits, 3,000 SGD steps of 64 per initialization; about 10 s",
  async run({ size, outDir, seed = 0, log }) {
    const s = SIZES[size];
    const { train, test } = digits({ trainSize: s.trainSize, testSize: s.testSize });
    const sizes = [784, s.hidden, s.hidden, 10];
    const hiddenDense = (model: ax.nn.Sequential) => model.layers.slice(0, 2) as ax.nn.Dense[];
    const compare = (model: ax.nn.Sequential) =>
      hiddenDense(model).map((layer, i) =>
        unitSpread(incomingWeights(layer.kernel.value.dataSync() as Float32Array, sizes[i], sizes[i + 1])),
      );
    const runs: SymmetryRun[] = (["zeros", "random"] as const).map((init) => {
      const model = denseStack({
        sizes,
        activation: ax.sigmoid,
        kernelInitializer:
          init === "zeros" ? () => nn.init.zeros() : ({ seed: sd }) => nn.init.glorotNormal({ seed: sd }),
        seed,
      });
      const steps = [0];
      const records = [compare(model)];
      const { losses } = trainLoop({
        model,
        optimizer: new optim.SGD({ lr: LR }),
        train,
        batchSize: BATCH,
        steps: s.steps,
        seed,
        onStep: (step, loss) => {
          if (step % s.every !== 0) return;
          steps.push(step);
          records.push(compare(model));
          if (step % (s.every * 10) === 0) log?.(`${init}: step ${step}, loss ${fmt(loss)}`);
        },
      });
      const testAccuracy = evaluateClassifier(model, test).accuracy;
      log?.(`${init}: test accuracy ${fmt(testAccuracy)}`);
      const layers = [0, 1].map((l) => records.map((r) => r[l]));
      return { init, steps, layers, losses, testAccuracy };
    });
    const data: SymmetryData = { hidden: s.hidden, runs };

    const color = { zeros: PALETTE[3], random: PALETTE[0] };
    const dashed = (l: number) => l === 1;
    const spreadChart = lineChart({
      title: "max ‖wᵢ − wⱼ‖ over pairs of hidden units (L1, L2)",
      xLabel: "step",
      yLabel: "difference",
      width: 460,
      series: runs.flatMap((r) =>
        r.layers.map((layer, l) => ({
          name: `${r.init} L${l + 1}`,
          xs: r.steps,
          ys: layer.map((u) => u.maxPairwiseDifference),
          color: color[r.init],
          dashed: dashed(l),
        })),
      ),
    });
    const distinctChart = lineChart({
      title: "distinct hidden units per layer (L1, L2)",
      xLabel: "step",
      yLabel: "units",
      width: 460,
      series: runs.flatMap((r) =>
        r.layers.map((layer, l) => ({
          name: `${r.init} L${l + 1}`,
          xs: r.steps,
          ys: layer.map((u) => u.distinctUnits),
          color: color[r.init],
          dashed: dashed(l),
        })),
      ),
    });
    const lossChart = lineChart({
      title: "training loss (mean of 50 steps)",
      xLabel: "step",
      yLabel: "cross-entropy",
      width: 460,
      series: runs.map((r) => {
        const smooth = runningMean(r.losses, 50);
        const every = Math.max(1, Math.floor(smooth.length / 300));
        const xs = smooth.map((_, i) => i + 1).filter((_, i) => i % every === 0);
        return { name: r.init, xs, ys: smooth.filter((_, i) => i % every === 0), color: color[r.init] };
      }),
    });
    const figure = composeFigure([spreadChart, distinctChart, lossChart]);

    const header = [
      "initialization",
      "layer",
      "max ‖wᵢ − wⱼ‖ (end)",
      "mean ‖wᵢ‖ (end)",
      "distinct units (end)",
      "test accuracy",
    ];
    const rowsOf = runs.flatMap((r) =>
      r.layers.map((layer, l) => {
        const end = layer[layer.length - 1];
        return [
          r.init,
          l + 1,
          fmt(end.maxPairwiseDifference),
          fmt(end.meanNorm),
          `${end.distinctUnits} of ${s.hidden}`,
          fmt(r.testAccuracy),
        ];
      }),
    );
    const zeros = runs[0];
    const random = runs[1];
    const maxZeroSpread = Math.max(...zeros.layers.flat().map((u) => u.maxPairwiseDifference));
    const result = [
      `With all-zero weights the ${s.hidden} units of each hidden layer stay copies of one another: the largest difference ` +
        `between two units' incoming weights is ${fmt(maxZeroSpread)} at every one of ${zeros.steps.length} checks, while their ` +
        `weights grow from 0 to a mean norm of ${fmt(zeros.layers[0][zeros.layers[0].length - 1].meanNorm)} (layer 1) and ` +
        `${fmt(zeros.layers[1][zeros.layers[1].length - 1].meanNorm)} (layer 2). The network is as good as one unit per layer: ` +
        `test accuracy ${fmt(zeros.testAccuracy)} against ${fmt(random.testAccuracy)} with Glorot-normal weights, whose units stay distinct.`,
      "",
      markdownTable(header, rowsOf),
    ].join("\n");
    const { summary, files } = writeStudyReport(this, outDir, size, {
      setup: {
        model: `${sizes.join("-")}, sigmoid hidden layers, biases start at 0`,
        data: `${s.trainSize} MNIST digits for training, ${s.testSize} for the test, globally standardized`,
        training: `${s.steps} steps of plain SGD, learning rate ${LR}, batch ${BATCH}`,
        initializations: "all weights 0 vs Glorot normal",
        seed,
      },
      figure,
      body: `<h2>Numbers</h2>\n${dataTable(header, rowsOf)}`,
      result,
    });
    return { summary, files, data };
  },
};
