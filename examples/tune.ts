// `pnpm tune`: random search over the demo MLP's learning rate, Adam's β₁, hidden units and batch
// size on a log scale, with successive halving (every trial gets 1 epoch, the best third 3 more),
// two trials at a time on worker threads. Writes a table, a JSON-lines log (an interrupted search
// resumes from it) and a picture of the validation loss against each hyperparameter.
//
// Run: pnpm tune [--trials 18] [--seed 0] [--concurrency 2] [--out runs/tune]
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  choice,
  formatTable,
  logIntUniform,
  logUniform,
  oneMinusLogUniform,
  randomSearch,
  renderSvg,
} from "@axon/tune";

const { values: args } = parseArgs({
  options: {
    trials: { type: "string", default: "18" },
    seed: { type: "string", default: "0" },
    concurrency: { type: "string", default: "2" },
    out: { type: "string", default: join("runs", "tune") },
  },
});

const out = args.out!;
mkdirSync(out, { recursive: true });

const result = await randomSearch({
  space: {
    lr: logUniform(1e-4, 1e-1), // each decade gets the same share of the trials
    beta1: oneMinusLogUniform(0.5, 0.99), // 1 − 10^r: as many draws near 0.99 as near 0.9
    hidden: logIntUniform(16, 512),
    batchSize: choice([32, 64, 128, 256]),
  },
  trials: Number(args.trials),
  seed: Number(args.seed),
  objective: { module: new URL("./tune-objective.ts", import.meta.url).href, export: "objective" },
  concurrency: Number(args.concurrency),
  metric: "loss",
  mode: "min",
  halving: { minBudget: 1, eta: 3, maxBudget: 3 },
  log: join(out, "trials.jsonl"),
  onTrial: (t) => {
    const metric = t.status === "ok" ? `loss ${t.metrics.loss.toFixed(4)}` : `failed: ${t.error}`;
    console.log(
      `trial ${String(t.trial).padStart(2)} (${t.budget} epoch${t.budget > 1 ? "s" : ""}): ${metric}`,
    );
  },
});

console.log(`\n${formatTable(result, { limit: 10 })}`);
writeFileSync(
  join(out, "search.svg"),
  renderSvg(result, { title: "Demo MLP on MNIST digits: validation loss" }),
);
console.log(`\nLog: ${join(out, "trials.jsonl")}; picture: ${join(out, "search.svg")}`);
