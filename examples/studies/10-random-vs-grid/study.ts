// Study 10: random search against grid search with the same number of trials.
import * as ax from "@axon/axon";
import { digits } from "../lib/data.ts";
import { composeFigure } from "../lib/figure.ts";
import { labelFigure } from "../shared-b/accessible.ts";
import { dataTable, markdownTable, writeStudyReport } from "../lib/report.ts";
import { formatNumber } from "../lib/series.ts";
import type { Study } from "../lib/study.ts";
import { scatterChart } from "../shared-b/scatter.ts";
import { type ShortFitConfig, shortFit } from "./objective.ts";

const { tune } = ax;
const { lineChart, PALETTE } = ax.nn.plot;

export interface Trial {
  readonly lr: number;
  readonly hidden: number;
  /** The validation loss (NaN if the fit diverged). */
  readonly loss: number;
}

export interface SearchSummary {
  readonly kind: "grid" | "random";
  readonly trials: Trial[];
  readonly distinctLr: number;
  readonly distinctHidden: number;
  readonly best: Trial;
  /** The best validation loss after each trial, in the order the search ran them. */
  readonly bestSoFar: number[];
}

export interface RandomVsGridData {
  /** The grid, then random search with the study's seed. */
  readonly searches: [SearchSummary, SearchSummary];
  /** Random search again with further seeds (seed + 1, …): how much its best depends on the draw. */
  readonly moreRandom: SearchSummary[];
  /** How much each axis matters on the grid: the range, over its values, of the best loss across the other axis. */
  readonly lrEffect: number;
  readonly hiddenEffect: number;
}

const SIZES = {
  toy: { train: 500, validation: 300, epochs: 2, pointsPerAxis: 3, randomSeeds: 1 },
  full: { train: 2000, validation: 1000, epochs: 2, pointsPerAxis: 5, randomSeeds: 5 },
} as const;

const LR_RANGE = [1e-4, 1] as const;
const HIDDEN_RANGE = [32, 256] as const;
const BATCH = 32;

// `hidden` first: the grid enumerates the first hyperparameter slowest, so the learning rate, the
// one that matters, varies fastest — the order that favours the grid's best-so-far curve.
const space = () => ({ hidden: tune.logIntUniform(...HIDDEN_RANGE), lr: tune.logUniform(...LR_RANGE) });

function summarize(kind: "grid" | "random", result: ax.tune.SearchResult<ShortFitConfig>): SearchSummary {
  const trials = result.trials.map((t) => ({
    lr: t.config.lr,
    hidden: t.config.hidden,
    loss: t.status === "ok" ? t.value : Number.NaN,
  }));
  let best = Number.POSITIVE_INFINITY;
  const bestSoFar = trials.map((t) => {
    if (t.loss < best) best = t.loss;
    return best;
  });
  const finite = trials.filter((t) => Number.isFinite(t.loss));
  return {
    kind,
    trials,
    distinctLr: new Set(trials.map((t) => t.lr)).size,
    distinctHidden: new Set(trials.map((t) => t.hidden)).size,
    best: finite.reduce((a, b) => (b.loss < a.loss ? b : a)),
    bestSoFar,
  };
}

/**
 * How much one axis of the grid matters to a search: the range, over the values of `key`, of the
 * best loss across the other axis. (The best, not the mean, so one chaotic fit at the largest rate
 * does not count as an effect of the width.) Diverged fits count as +∞.
 */
function effect(trials: Trial[], key: "lr" | "hidden"): number {
  const best = new Map<number, number>();
  for (const t of trials) {
    const loss = Number.isFinite(t.loss) ? t.loss : Number.POSITIVE_INFINITY;
    best.set(t[key], Math.min(best.get(t[key]) ?? Number.POSITIVE_INFINITY, loss));
  }
  const values = [...best.values()];
  return Math.max(...values) - Math.min(...values);
}

export const study: Study<RandomVsGridData> = {
  name: "random-vs-grid",
  title: "Random against grid search with the same number of trials",
  claim:
    "When one hyperparameter matters (SGD's learning rate) and another barely does (the hidden width), a grid of n trials tries only √n values of the one that matters while random search tries n, " +
    "so random search's best does not hinge on whether the grid's few values happen to fall near the optimum. It is no guaranteed win: when a grid point lands close to the best rate, the grid does as well.",
  fullSize:
    "25 trials each (a 5 × 5 grid); a trial is 2 epochs of SGD on 2,000 MNIST digits, scored on 1,000 held-out ones; random search also with 4 more seeds — 1 to 2 min on 2 cores",
  async run(options) {
    const seed = options.seed ?? 0;
    const log = options.log ?? (() => {});
    const s = SIZES[options.size];
    await ax.setBackend("cpu");
    const { train, test: validation } = digits({ trainSize: s.train, testSize: s.validation });
    const trainAndScore = shortFit({ train, validation, epochs: s.epochs, batchSize: BATCH, seed });
    const objective = (config: ShortFitConfig) => trainAndScore(config);
    const trialsCount = s.pointsPerAxis ** 2;
    const onTrial = (kind: string) => (t: ax.tune.TrialEvent<ShortFitConfig>) =>
      log(
        `${kind} ${t.trial}: lr ${formatNumber(t.config.lr)}, hidden ${t.config.hidden} → loss ${formatNumber(t.metrics.loss ?? Number.NaN)}`,
      );
    const grid = await tune.gridSearch({
      space: space(),
      pointsPerAxis: s.pointsPerAxis,
      objective,
      metric: "loss",
      mode: "min",
      seed,
      onTrial: onTrial("grid"),
    });
    const random = await tune.randomSearch({
      space: space(),
      trials: trialsCount,
      objective,
      metric: "loss",
      mode: "min",
      seed,
      onTrial: onTrial("random"),
    });
    const searches: [SearchSummary, SearchSummary] = [summarize("grid", grid), summarize("random", random)];
    const moreRandom: SearchSummary[] = [];
    for (let k = 1; k < s.randomSeeds; k++) {
      const again = await tune.randomSearch({
        space: space(),
        trials: trialsCount,
        objective,
        metric: "loss",
        mode: "min",
        seed: seed + k,
      });
      moreRandom.push(summarize("random", again));
      log(`random search, seed ${seed + k}: best loss ${formatNumber(moreRandom.at(-1)!.best.loss)}`);
    }
    const lrEffect = effect(searches[0].trials, "lr");
    const hiddenEffect = effect(searches[0].trials, "hidden");

    const colors = { grid: PALETTE[1], random: PALETTE[0] };
    const shape = { grid: "square", random: "circle" } as const;
    const plane = scatterChart({
      title: "Trials in the (learning rate, hidden width) plane",
      xLabel: "learning rate (important)",
      yLabel: "hidden units (unimportant)",
      logX: true,
      logY: true,
      series: searches.map((r) => ({
        name: `${r.kind}: ${r.distinctLr} learning rates`,
        xs: r.trials.map((t) => t.lr),
        ys: r.trials.map((t) => t.hidden),
        color: colors[r.kind],
        shape: shape[r.kind],
      })),
    });
    const lossByLr = scatterChart({
      title: "Validation loss against the learning rate",
      xLabel: "learning rate",
      yLabel: "validation loss",
      logX: true,
      logY: true,
      series: searches.map((r) => ({
        name: r.kind,
        xs: r.trials.map((t) => t.lr),
        ys: r.trials.map((t) => t.loss),
        color: colors[r.kind],
        shape: shape[r.kind],
      })),
    });
    const trialAxis = Array.from({ length: trialsCount }, (_, i) => i + 1);
    const bestChart = lineChart({
      title: "Best validation loss so far",
      xLabel: "trial",
      yLabel: "best loss",
      logY: true,
      integerX: true,
      series: [
        ...searches.map((r) => ({
          name: r.kind === "random" ? `random, seed ${seed}` : "grid",
          xs: trialAxis,
          ys: r.bestSoFar,
          color: colors[r.kind],
          markers: true,
        })),
        ...moreRandom.map((r, k) => ({
          name: `seed ${seed + k + 1}`,
          xs: trialAxis,
          ys: r.bestSoFar,
          color: colors.random,
          dashed: true,
        })),
      ],
      width: 520,
      height: 320,
    });
    const figure = composeFigure([plane, lossByLr, bestChart], {
      title: `Grid against random search, ${trialsCount} trials each: a short SGD fit on MNIST digits`,
    });

    const header = [
      "search",
      "trials",
      "distinct learning rates",
      "distinct widths",
      "best loss",
      "best lr",
      "best width",
    ];
    const rows = searches.map((r) => [
      r.kind,
      r.trials.length,
      r.distinctLr,
      r.distinctHidden,
      formatNumber(r.best.loss),
      formatNumber(r.best.lr),
      r.best.hidden,
    ]);
    const trialHeader = ["search", "trial", "learning rate", "hidden units", "validation loss"];
    const trialRows = searches.flatMap((r) =>
      r.trials.map((t, i) => [r.kind, i, formatNumber(t.lr), t.hidden, formatNumber(t.loss)]),
    );
    const [g, r] = searches;
    const result = [
      `With ${trialsCount} trials each, the grid tried ${g.distinctLr} learning rates and ${g.distinctHidden} widths; random search tried ${r.distinctLr} learning rates and ${r.distinctHidden} widths.`,
      `Best validation loss: grid ${formatNumber(g.best.loss)} (lr ${formatNumber(g.best.lr)}, ${g.best.hidden} units), random ${formatNumber(r.best.loss)} (lr ${formatNumber(r.best.lr)}, ${r.best.hidden} units).`,
      ...(moreRandom.length
        ? [
            `Random search with ${moreRandom.length} further seeds: best ${moreRandom.map((r) => formatNumber(r.best.loss)).join(", ")}; ` +
              `${[searches[1], ...moreRandom].filter((r) => r.best.loss <= g.best.loss).length} of ${moreRandom.length + 1} random searches match or beat the grid.`,
          ]
        : []),
      `On the grid, the best loss at each learning rate spans ${formatNumber(lrEffect)}; the best loss at each width spans ${formatNumber(hiddenEffect)}.`,
      "",
      markdownTable(header, rows),
    ].join("\n");
    const setup = {
      data: `MNIST digits: ${s.train} for training, ${s.validation} held out for the score, global standardization`,
      trial: `784-hidden-10 ReLU MLP (same seed ${seed} for every trial), plain SGD, batch ${BATCH}, ${s.epochs} epoch${s.epochs > 1 ? "s" : ""}; score: validation cross-entropy`,
      space: `lr logUniform(${LR_RANGE.join(", ")}), hidden logIntUniform(${HIDDEN_RANGE.join(", ")})`,
      grid: `tune.gridSearch, ${s.pointsPerAxis} points per axis (log-spaced, ends included), the learning rate varying fastest`,
      random: `tune.randomSearch, ${trialsCount} trials, seed ${seed}${s.randomSeeds > 1 ? ` (and seeds ${seed + 1}–${seed + s.randomSeeds - 1} for the spread)` : ""}`,
    };
    const body = [
      "<h2>Numbers</h2>",
      dataTable(header, rows),
      "<h2>Every trial</h2>",
      dataTable(trialHeader, trialRows),
    ].join("\n");
    const { summary, files } = writeStudyReport(this, options.outDir, options.size, {
      setup,
      figure: labelFigure(figure, ax.nn.plot.escapeHtml(this.title)),
      body,
      result,
    });
    return { summary, files, data: { searches, moreRandom, lrEffect, hiddenEffect } };
  },
};
