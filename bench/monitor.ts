// The cost of the training-health monitor on the demo MLP (784-256-BN-ReLU-dropout-128-BN-ReLU-
// dropout-10, Adam, batch 128, the MNIST digits that come with Axon): one epoch of `fit` with and
// without `HealthMonitor`, interleaved and repeated; reports the median time ratio.
//
//   pnpm --filter @axon/bench monitor [--repeats 7] [--every 10] [--no-save]
import { parseArgs } from "node:util";
import * as ax from "@axon/axon";
import { median } from "./engines.ts";
import { appendResults } from "./results.ts";

const { nn, optim, data } = ax;

const { values: args } = parseArgs({
  options: {
    repeats: { type: "string", default: "7" },
    every: { type: "string", default: "10" },
    "no-save": { type: "boolean", default: false },
  },
});
const repeats = Number(args.repeats);
const every = Number(args.every);
if (!(Number.isInteger(repeats) && repeats >= 1))
  throw new Error(`--repeats must be an integer ≥ 1, got ${args.repeats}`);
if (!(Number.isInteger(every) && every >= 1))
  throw new Error(`--every must be an integer ≥ 1, got ${args.every}`);

await ax.setBackend("cpu");

const digits = data.mnist({ featureShape: [784] });
const { train } = data.trainTestSplit(digits, { testFraction: 0.2, seed: 0, stratify: true });
const trainSet = new data.Standardizer({ mode: "global", minStd: 0.1 }).fit(train).transform(train);
const batchSize = 128;
const steps = Math.ceil(trainSet.shape[0] / batchSize);

function demoMlp(): ax.nn.Sequential {
  ax.setSeed(0);
  const he = () => nn.init.heNormal();
  return new nn.Sequential([
    new nn.Dense(784, 256, { kernelInitializer: he(), useBias: false }),
    new nn.BatchNorm(256),
    new nn.ReLU(),
    new nn.Dropout(0.3),
    new nn.Dense(256, 128, { kernelInitializer: he(), useBias: false }),
    new nn.BatchNorm(128),
    new nn.ReLU(),
    new nn.Dropout(0.3),
    new nn.Dense(128, 10),
  ]);
}

/** Milliseconds of CPU time used by this process (all its threads): less disturbed than wall time by other processes. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** The monitor's callbacks, each call timed (CPU time): the time spent inside the monitor itself. */
function timed(monitor: ax.nn.HealthMonitor): { callback: ax.nn.Callback; ms: () => number } {
  let ms = 0;
  const wrap =
    <A extends unknown[]>(f: (...args: A) => unknown) =>
    (...args: A) => {
      const t0 = cpuMs();
      try {
        f.apply(monitor, args);
      } finally {
        ms += cpuMs() - t0;
      }
    };
  const callback: ax.nn.Callback = {
    onTrainBegin: wrap(monitor.onTrainBegin),
    onBatchBegin: wrap(monitor.onBatchBegin),
    onGradients: wrap(monitor.onGradients),
    onBatchEnd: wrap(monitor.onBatchEnd),
    onTrainEnd: wrap(monitor.onTrainEnd),
  };
  return { callback, ms: () => ms };
}

interface Run {
  seconds: number;
  cpuSeconds: number;
  /** Share of the epoch's CPU time spent inside the monitor's callbacks. */
  inside: number;
  monitor: ax.nn.HealthMonitor | null;
}

/** One epoch of fit, with a monitor of interval `interval` (0: none). */
async function epoch(interval: number): Promise<Run> {
  const model = demoMlp();
  const monitor = interval > 0 ? new nn.HealthMonitor({ every: interval }) : null;
  const watch = monitor ? timed(monitor) : null;
  const started = performance.now();
  const cpuStarted = cpuMs();
  await nn.fit(model, {
    data: trainSet,
    loss: "softmaxCrossEntropy",
    optimizer: new optim.Adam({ lr: 2e-3 }),
    epochs: 1,
    batchSize,
    seed: 0,
    callbacks: watch ? [watch.callback] : [],
    verbose: 0,
  });
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = (cpuMs() - cpuStarted) / 1000;
  return { seconds, cpuSeconds, inside: watch ? watch.ms() / 1000 / cpuSeconds : 0, monitor };
}

const configs = [0, every, 1];
const runs = new Map<number, Run[]>(configs.map((c) => [c, []]));
await epoch(0); // warm-up: kernels, caches
for (let r = 0; r < repeats; r++) {
  // Rotate the order so that no configuration always runs first.
  const order = configs.map((_, i) => configs[(i + r) % configs.length]);
  for (const c of order) runs.get(c)!.push(await epoch(c));
  console.log(
    `round ${r + 1}/${repeats}: ${configs.map((c) => `${c ? `every ${c}` : "none"} ${runs.get(c)!.at(-1)!.seconds.toFixed(2)} s (CPU ${runs.get(c)!.at(-1)!.cpuSeconds.toFixed(2)} s)`).join(", ")}`,
  );
}
const times = new Map(configs.map((c) => [c, runs.get(c)!.map((x) => x.seconds)]));
const cpuTimes = new Map(configs.map((c) => [c, runs.get(c)!.map((x) => x.cpuSeconds)]));
const last = runs.get(every)!.at(-1)!.monitor;

/** The median over rounds of (time with configuration c) / (time without a monitor in the same round). */
const ratio = (table: Map<number, number[]>, c: number) =>
  median(table.get(c)!.map((t, i) => t / table.get(0)![i]));
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const rows = configs.map((c) => {
  const wall = times.get(c)!;
  const cpu = cpuTimes.get(c)!;
  if (c === 0)
    return `| no monitor | 0 | ${median(wall).toFixed(3)} | — | ${median(cpu).toFixed(3)} | — | — |`;
  const inside = median(runs.get(c)!.map((x) => x.inside));
  return `| every ${c} | ${Math.ceil(steps / c)} | ${median(wall).toFixed(3)} | ${ratio(times, c).toFixed(3)} | ${median(cpu).toFixed(3)} | ${ratio(cpuTimes, c).toFixed(3)} | ${pct(inside)} |`;
});
const warnings = last?.warnings.map((w) => w.message) ?? [];
const body = [
  `One epoch of \`fit\` on ${trainSet.shape[0]} MNIST digits (${steps} steps of batch ${batchSize}), the demo MLP (784-256-BN-ReLU-dropout-128-BN-ReLU-dropout-10), Adam; ${repeats} rounds, the configurations interleaved (order rotated each round) after one warm-up epoch. Ratios: the median over rounds of (epoch time with the monitor) / (epoch time without it in the same round), in wall time and in the process's CPU time (less disturbed by other processes on a shared machine). Inside the monitor: the share of the epoch's CPU time spent in the monitor's callbacks (statistics, read-back, warnings), measured within each monitored run.`,
  "",
  "| monitor | monitored steps | median wall s | wall ratio | median CPU s | CPU ratio | inside the monitor |",
  "| --- | --- | --- | --- | --- | --- | --- |",
  ...rows,
  "",
  `Overhead at the default interval (every ${every}): ${pct(ratio(times, every) - 1)} wall, ${pct(ratio(cpuTimes, every) - 1)} CPU, ${pct(median(runs.get(every)!.map((x) => x.inside)))} of the CPU time inside the monitor. Warnings in the last monitored run: ${warnings.length === 0 ? "none" : warnings.join("; ")}.`,
].join("\n");
console.log(`\n${body}`);
if (!args["no-save"])
  await appendResults(
    "Training-health monitor overhead",
    `pnpm --filter @axon/bench monitor --repeats ${repeats} --every ${every}`,
    body,
  );
