// Study 6: learning-rate decay per epoch against a constant rate, with plain SGD on the MNIST digits.
import * as ax from "@axon/axon";
import { digits } from "../lib/data.ts";
import { composeFigure } from "../lib/figure.ts";
import { labelFigure } from "../shared-b/accessible.ts";
import { denseStack } from "../lib/mlp.ts";
import { dataTable, markdownTable, writeStudyReport } from "../lib/report.ts";
import { formatNumber } from "../lib/series.ts";
import type { Study } from "../lib/study.ts";

const { nn, optim } = ax;
const { lineChart, PALETTE } = nn.plot;

export interface ScheduleRun {
  readonly name: string;
  /** The formula, α₀ and epoch e counted from 0. */
  readonly formula: string;
  /** What the schedule gives at epoch e (0-based), to check the logged rate against. */
  readonly expected: number[];
  /** The rate the optimizer used in each epoch, as `fit` logged it. */
  readonly lr: number[];
  readonly trainLoss: number[];
  readonly testLoss: number[];
  readonly testAccuracy: number[];
}

export interface RateSetting {
  readonly initialRate: number;
  readonly runs: ScheduleRun[];
}

export interface LrDecayData {
  /** One setting per initial rate α₀: too large for a constant rate, then a workable one. */
  readonly settings: RateSetting[];
}

const SIZES = {
  toy: { train: 1000, test: 500, epochs: 6 },
  full: { train: 8000, test: 2000, epochs: 30 },
} as const;

const INITIAL_RATES = [1, 0.2];
const DECAY = 1;
const EXP_RATE = 0.95;
const K = 1;
const BATCH = 64;
const HIDDEN = 128;

/** The four schedules of the study, all from @axon/optim, as functions of the 0-based epoch. */
export function schedules(alpha0: number): { name: string; formula: string; schedule: ax.optim.Schedule }[] {
  return [
    { name: "constant", formula: "α₀", schedule: optim.constant(alpha0) },
    {
      name: `1/(1+${DECAY === 1 ? "" : `${DECAY}·`}epoch)`,
      formula: `α₀ / (1 + ${DECAY}·e)`,
      schedule: optim.inverseTimeDecay({ initial: alpha0, decayRate: DECAY }),
    },
    {
      name: `${EXP_RATE}^epoch`,
      formula: `${EXP_RATE}^e · α₀`,
      schedule: optim.exponentialDecay({ initial: alpha0, rate: EXP_RATE }),
    },
    {
      name: `${K}/√epoch`,
      formula: `${K}/√(e + 1) · α₀`,
      schedule: optim.inverseSqrtDecay({ initial: alpha0, k: K }),
    },
  ];
}

/** Trains the same initial network once per schedule from `alpha0`. */
async function trainAll(
  alpha0: number,
  train: ax.data.Dataset,
  test: ax.data.Dataset,
  epochs: number,
  seed: number,
  log: (line: string) => void,
): Promise<ScheduleRun[]> {
  const runs: ScheduleRun[] = [];
  for (const { name, formula, schedule } of schedules(alpha0)) {
    const model = denseStack({ sizes: [784, HIDDEN, 10], seed });
    const scheduler = new nn.LearningRateScheduler(schedule);
    const history = await nn.fit(model, {
      data: train,
      validation: test,
      validationBatchSize: 1000,
      loss: "softmaxCrossEntropy",
      optimizer: new optim.SGD({ lr: scheduler.lr }),
      epochs: epochs,
      batchSize: BATCH,
      seed,
      metrics: ["accuracy"],
      callbacks: [scheduler],
      verbose: 0,
    });
    const r: ScheduleRun = {
      name,
      formula,
      expected: Array.from({ length: epochs }, (_, e) => schedule(e)),
      lr: history.series("lr"),
      trainLoss: history.series("loss"),
      testLoss: history.series("val_loss"),
      testAccuracy: history.series("val_accuracy"),
    };
    runs.push(r);
    log(
      `α₀ ${alpha0}, ${name}: train loss ${formatNumber(r.trainLoss.at(-1)!)}, test accuracy ${formatNumber(r.testAccuracy.at(-1)!)}`,
    );
  }

  return runs;
}

export const study: Study<LrDecayData> = {
  name: "lr-decay",
  title: "Learning-rate decay against a constant rate",
  claim:
    "Decaying the rate per epoch (α₀/(1 + decay·epoch), 0.95^epoch·α₀, k/√epoch·α₀) rescues plain SGD from an initial rate too large to converge at: the constant rate stalls at a high loss while every decayed one trains. " +
    "From a workable α₀ the constant rate reaches the lowest training loss in the same epochs, and the fastest decay (1/(1 + epoch)) is the slowest to train.",
  fullSize:
    "784-128-10 ReLU MLP on 8,000 MNIST digits (2,000 held out), 30 epochs of SGD per schedule and initial rate (α₀ = 1 and 0.2) — about 2.5 min on 2 cores",
  async run(options) {
    const seed = options.seed ?? 0;
    const log = options.log ?? (() => {});
    const s = SIZES[options.size];
    await ax.setBackend("cpu");
    const { train, test } = digits({ trainSize: s.train, testSize: s.test });
    const settings: RateSetting[] = [];
    for (const alpha0 of INITIAL_RATES) {
      settings.push({ initialRate: alpha0, runs: await trainAll(alpha0, train, test, s.epochs, seed, log) });
    }
    const epochs = Array.from({ length: s.epochs }, (_, e) => e + 1);
    const charts = settings.flatMap(({ initialRate, runs }) => {
      const chart = (title: string, yLabel: string, pick: (r: ScheduleRun) => number[], logY = false) =>
        lineChart({
          title: `α₀ = ${initialRate}: ${title}`,
          xLabel: "epoch",
          yLabel,
          logY,
          integerX: true,
          series: runs.map((r, i) => ({ name: r.name, xs: epochs, ys: pick(r), color: PALETTE[i] })),
          width: 450,
          height: 300,
        });
      return [
        chart("learning rate", "rate", (r) => r.lr, true),
        chart("training loss (epoch mean)", "loss", (r) => r.trainLoss, true),
        chart("test accuracy", "accuracy", (r) => r.testAccuracy),
      ];
    });
    const figure = composeFigure(charts, {
      columns: 3,
      title: "Plain SGD on MNIST digits: rate schedules per epoch from a too-large and from a workable α₀",
    });
    const header = [
      "α₀",
      "schedule",
      "formula",
      "final rate",
      "final train loss",
      "final test loss",
      "final test accuracy",
    ];
    const rows = settings.flatMap(({ initialRate, runs }) =>
      runs.map((r) => [
        initialRate,
        r.name,
        r.formula,
        formatNumber(r.lr.at(-1)!),
        formatNumber(r.trainLoss.at(-1)!),
        formatNumber(r.testLoss.at(-1)!),
        formatNumber(r.testAccuracy.at(-1)!),
      ]),
    );
    const result = [
      ...settings.flatMap(({ initialRate, runs }) => {
        const byLoss = [...runs].sort((a, b) => a.trainLoss.at(-1)! - b.trainLoss.at(-1)!);
        const byAccuracy = [...runs].sort((a, b) => b.testAccuracy.at(-1)! - a.testAccuracy.at(-1)!);
        return [
          `α₀ = ${initialRate}. Final training loss, lowest first: ${byLoss.map((r) => `${r.name} ${formatNumber(r.trainLoss.at(-1)!)}`).join(", ")}. ` +
            `Final test accuracy, best first: ${byAccuracy.map((r) => `${r.name} ${formatNumber(r.testAccuracy.at(-1)!)}`).join(", ")}.`,
          "",
        ];
      }),
      markdownTable(header, rows),
    ].join("\n");
    const setup = {
      data: `MNIST digits, ${s.train} training and ${s.test} held-out test examples, global standardization`,
      model: `784-${HIDDEN}-10, ReLU, He normal kernels, the same initial weights in every run (seed ${seed})`,
      training: `plain SGD, batch ${BATCH}, ${s.epochs} epochs; the rate is set at the start of each epoch (nn.LearningRateScheduler)`,
      schedules: `@axon/optim constant, inverseTimeDecay (decayRate ${DECAY}), exponentialDecay (rate ${EXP_RATE}), inverseSqrtDecay (k ${K}), epoch e counted from 0`,
      "initial rates α₀": INITIAL_RATES.join(", "),
    };
    const body = ["<h2>Numbers</h2>", dataTable(header, rows)].join("\n");
    const { summary, files } = writeStudyReport(this, options.outDir, options.size, {
      setup,
      figure: labelFigure(figure, ax.nn.plot.escapeHtml(this.title)),
      body,
      result,
    });
    return { summary, files, data: { settings } };
  },
};
