// Study 3: activations compared on Fashion-MNIST, and ReLU units that die at a too-large rate.
import * as ax from "@axon/axon";
import { composeFigure } from "../lib/figure.ts";
import { labelFigure } from "../shared-b/accessible.ts";
import { dataTable, markdownTable, writeStudyReport } from "../lib/report.ts";
import { downsample, formatNumber } from "../lib/series.ts";
import type { Study, StudyOptions } from "../lib/study.ts";
import { fashion } from "../shared-b/fashion.ts";
import { ACTIVATIONS, mlp } from "./activations.ts";
import { type DeadUnitsRun, deadUnitsRun } from "./dead-units.ts";

const { nn, optim } = ax;
const { lineChart, PALETTE } = nn.plot;

export interface ActivationResult {
  readonly name: string;
  readonly init: string;
  /** Test accuracy after each epoch. */
  readonly testAccuracy: number[];
  readonly trainLoss: number[];
  readonly seconds: number;
}

export interface ActivationsData {
  readonly activations: ActivationResult[];
  readonly deadUnits: DeadUnitsRun[];
  /** The step at which the too-large rate drops to the ordinary one. */
  readonly switchStep: number;
}

const SIZES = {
  toy: { train: 1000, test: 500, epochs: 2, hidden: 64, deadTrain: 500, bigSteps: 20, steps: 120, every: 5 },
  full: {
    train: 20000,
    test: 5000,
    epochs: 5,
    hidden: 128,
    deadTrain: 2000,
    bigSteps: 20,
    steps: 800,
    every: 10,
  },
} as const;

const DEAD = { hiddenUnits: 256, bigRate: 10, rate: 0.1, clipNorm: 1, batchSize: 64, alphas: [0, 0.01, 0.2] };
const TRAIN = { lr: 1e-3, batchSize: 64 };

async function run(options: StudyOptions) {
  const seed = options.seed ?? 0;
  const log = options.log ?? (() => {});
  const s = SIZES[options.size];
  await ax.setBackend("cpu");
  const { train, test } = fashion({ trainSize: s.train, testSize: s.test });
  const sizes = [784, s.hidden, s.hidden, 10];

  const activations: ActivationResult[] = [];
  for (const c of ACTIVATIONS) {
    const started = performance.now();
    const model = mlp(c, sizes, seed);
    const history = await nn.fit(model, {
      data: train,
      validation: test,
      validationBatchSize: 1000,
      loss: "softmaxCrossEntropy",
      optimizer: new optim.Adam({ lr: TRAIN.lr }),
      epochs: s.epochs,
      batchSize: TRAIN.batchSize,
      seed,
      metrics: ["accuracy"],
      verbose: 0,
    });
    const r: ActivationResult = {
      name: c.name,
      init: c.init,
      testAccuracy: history.series("val_accuracy"),
      trainLoss: history.series("loss"),
      seconds: (performance.now() - started) / 1000,
    };
    activations.push(r);
    log(
      `${c.name}: test accuracy ${r.testAccuracy.map((a) => a.toFixed(3)).join(" → ")} (${r.seconds.toFixed(1)} s)`,
    );
  }

  const deadTrain = fashion({ trainSize: s.deadTrain, testSize: 1 }).train;
  const deadUnits = DEAD.alphas.map((alpha) => {
    const r = deadUnitsRun({
      train: deadTrain,
      hidden: DEAD.hiddenUnits,
      alpha,
      bigSteps: s.bigSteps,
      steps: s.steps,
      bigRate: DEAD.bigRate,
      rate: DEAD.rate,
      clipNorm: DEAD.clipNorm,
      batchSize: DEAD.batchSize,
      every: s.every,
      seed,
    });
    log(
      `slope ${alpha}: ${r.deadAtSwitch} units dead after the large rate, ${r.recovered} recovered, ${r.deadAtEnd} dead at the end`,
    );
    return r;
  });
  return { data: { activations, deadUnits, switchStep: s.bigSteps }, s, seed };
}

const units = (n: number) => `${n} unit${n === 1 ? "" : "s"}`;
const slopeName = (alpha: number) => (alpha === 0 ? "ReLU" : `leaky ReLU ${alpha}`);

export const study: Study<ActivationsData> = {
  name: "activations",
  title: "Activations compared on Fashion-MNIST",
  claim:
    "With a small budget (1,000 images, 2 epochs of Adam) sigmoid trails the other activations far behind; with 20,000 images and 5 epochs all nine, each with its matching initialization, end within about one point of each other. " +
    "ReLU units pushed below zero on every example by a too-large SGD rate get exactly zero gradient and never come back; leaky ReLU units keep a gradient (α times as large), but at α = 0.01 it is too small to revive them within the run, while at α = 0.2 hardly any unit gets stuck.",
  fullSize:
    "784-128-128-10 MLP, 20,000 training and 5,000 test images, 5 epochs of Adam per activation; dead units: 784-256-10, 2,000 images, 800 SGD steps per slope — about 3 min on 2 cores",
  async run(options) {
    const { data, s, seed } = await run(options);
    const epochs = Array.from({ length: s.epochs }, (_, i) => i + 1);
    const accuracyChart = lineChart({
      title: "Test accuracy per epoch",
      xLabel: "epoch",
      yLabel: "test accuracy",
      integerX: true,
      series: data.activations.map((a, i) => ({
        name: a.name,
        xs: epochs,
        ys: a.testAccuracy,
        color: PALETTE[i % PALETTE.length],
        dashed: i >= PALETTE.length,
        markers: true,
      })),
      width: 1000,
      height: 320,
    });
    const deadChart = lineChart({
      title: `Dead hidden units (SGD rate ${DEAD.bigRate} for ${data.switchStep} steps, then ${DEAD.rate})`,
      xLabel: "step",
      yLabel: "fraction inactive on every example",
      series: data.deadUnits.map((r, i) => {
        const d = downsample(r.steps, r.deadFraction);
        // The colors of the same activations in the accuracy chart.
        const k = ACTIVATIONS.findIndex((c) => c.name === slopeName(r.alpha));
        return {
          name: slopeName(r.alpha),
          xs: d.xs,
          ys: d.ys,
          color: PALETTE[(k < 0 ? i : k) % PALETTE.length],
        };
      }),
      mark: { x: data.switchStep, label: "rate drops" },
      width: 1000,
      height: 300,
    });
    const figure = composeFigure([accuracyChart, deadChart], {
      columns: 1,
      title: "Activations on Fashion-MNIST: accuracy after a fixed budget, and dead ReLU units",
    });
    const final = data.activations.map((a) => a.testAccuracy.at(-1) ?? Number.NaN);
    const header = ["activation", "kernel init", "final train loss", "test accuracy", "seconds"];
    const rows = data.activations.map((a, i) => [
      a.name,
      a.init,
      formatNumber(a.trainLoss.at(-1) ?? Number.NaN),
      formatNumber(final[i]),
      a.seconds.toFixed(1),
    ]);
    const deadHeader = [
      "activation",
      "dead after large rate",
      "recovered",
      "dead at end",
      "RMS gradient into dead units",
      "final loss",
    ];
    const deadRows = data.deadUnits.map((r) => [
      slopeName(r.alpha),
      `${r.deadAtSwitch} / ${DEAD.hiddenUnits}`,
      r.recovered,
      `${r.deadAtEnd} / ${DEAD.hiddenUnits}`,
      formatNumber(r.deadUnitGradient),
      formatNumber(r.finalLoss),
    ]);
    const order = data.activations
      .map((a, i) => ({ name: a.name, acc: final[i] }))
      .sort((a, b) => b.acc - a.acc);
    const relu = data.deadUnits.find((r) => r.alpha === 0);
    const spread = (xs: number[]) => Math.max(...xs) - Math.min(...xs);
    const firstEpoch = data.activations.map((a) => a.testAccuracy[0]);
    const sigmoid = data.activations.find((a) => a.name === "sigmoid");
    const result = [
      `Spread of test accuracy across the nine: ${formatNumber(spread(firstEpoch))} after epoch 1 (sigmoid ${formatNumber(sigmoid?.testAccuracy[0] ?? Number.NaN)}, best ${formatNumber(Math.max(...firstEpoch))}), ${formatNumber(spread(final))} after epoch ${s.epochs}.`,
      `Test accuracy after ${s.epochs} epochs, best first: ${order.map((o) => `${o.name} ${formatNumber(o.acc)}`).join(", ")}.`,
      "",
      markdownTable(header, rows),
      "",
      relu
        ? `Dead units: the large rate leaves ${relu.deadAtSwitch} of ${DEAD.hiddenUnits} ReLU units inactive on every training example; ${relu.recovered} of them come back (their gradient is exactly ${formatNumber(relu.deadUnitGradient)}).`
        : "",
      ...data.deadUnits
        .filter((r) => r.alpha > 0)
        .map(
          (r) =>
            `Leaky ReLU ${r.alpha}: ${units(r.deadAtSwitch)} inactive after the large rate, ${r.recovered} recovered, ${r.deadAtEnd} inactive at the end, RMS gradient into them ${formatNumber(r.deadUnitGradient)}.`,
        ),
      "",
      markdownTable(deadHeader, deadRows),
    ].join("\n");
    const setup = {
      data: `Fashion-MNIST, first ${s.train} training and ${s.test} test images, global standardization`,
      model: `784-${s.hidden}-${s.hidden}-10 MLP; hidden kernels Glorot normal (sigmoid, tanh), LeCun normal (SELU), He normal (the rest); output Glorot normal`,
      training: `Adam lr ${TRAIN.lr}, batch ${TRAIN.batchSize}, ${s.epochs} epochs, seed ${seed}`,
      "PReLU / RReLU":
        "one learned slope per unit, initially 0.25 / random slopes in [1/8, 1/3] while training",
      "dead units": `784-${DEAD.hiddenUnits}-10, first ${s.deadTrain} training images; plain SGD at rate ${DEAD.bigRate} for ${s.bigSteps} steps then ${DEAD.rate} up to step ${s.steps}, batch ${DEAD.batchSize}, gradients clipped to global norm ${DEAD.clipNorm}`,
      "dead unit": "a hidden unit whose pre-activation is ≤ 0 on every training example",
    };
    const body = [
      "<h2>Accuracy</h2>",
      dataTable(header, rows),
      "<h2>Dead units</h2>",
      dataTable(deadHeader, deadRows),
    ].join("\n");
    const { summary, files } = writeStudyReport(this, options.outDir, options.size, {
      setup,
      figure: labelFigure(figure, ax.nn.plot.escapeHtml(this.title)),
      body,
      result,
    });
    return { summary, files, data };
  },
};
