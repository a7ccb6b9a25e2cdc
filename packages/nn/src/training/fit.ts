import { valueAndGrad } from "@axon/autograd";
import {
  type FloatDType,
  Tensor,
  ValueError,
  add,
  cast,
  concat,
  dispose,
  keep,
  keyFromSeed,
  makeTensorFromStorage,
  philox4x32,
  reshape,
  setRandomState,
  slice,
  tidy,
} from "@axon/core";
import { type Module, describe } from "../module.ts";
import {
  binaryCrossEntropy,
  huber,
  meanAbsoluteError,
  meanSquaredError,
  softmaxCrossEntropy,
} from "../losses.ts";
import type { BatchLogs, Callback, OptimizerLike, TrainingContext } from "./callbacks.ts";
import { type Batches, type TrainingData, batchSizeOf, releaseBatch, toBatches } from "./data.ts";
import { History } from "./history.ts";
import { type Metric, MetricAccumulator, type MetricName, resolve as resolveMetric } from "./metrics.ts";
import { type ProgressOutput, ProgressReporter, type Verbosity } from "./progress.ts";

/** A loss: predictions and targets in, a scalar out (a mean over the batch). */
export type LossFunction = (pred: Tensor, target: Tensor) => Tensor;

/** The losses `fit` and `evaluate` take by name (with their default options). */
export type LossName =
  | "softmaxCrossEntropy"
  | "binaryCrossEntropy"
  | "meanSquaredError"
  | "meanAbsoluteError"
  | "huber";

const LOSSES: Record<LossName, LossFunction> = {
  softmaxCrossEntropy: (p, y) => softmaxCrossEntropy(p, y),
  binaryCrossEntropy: (p, y) => binaryCrossEntropy(p, y),
  meanSquaredError: (p, y) => meanSquaredError(p, y),
  meanAbsoluteError: (p, y) => meanAbsoluteError(p, y),
  huber: (p, y) => huber(p, y),
};

function resolveLoss(op: string, loss: LossFunction | LossName): LossFunction {
  if (typeof loss === "function") return loss;
  if (typeof loss === "string" && loss in LOSSES) return LOSSES[loss as LossName];
  throw new ValueError(
    `${op}: loss must be a function (pred, target) => scalar or one of ${Object.keys(LOSSES).join(", ")}, got ${describe(loss)}`,
  );
}

export interface FitOptions {
  /** Training data: a host data set (`mnist()`, a Standardizer's output), tensors `{ x, y }`, or a `DataLoader`. */
  data: TrainingData;
  loss: LossFunction | LossName;
  optimizer: OptimizerLike;
  /** Train until this epoch (exclusive, as Keras): epochs `initialEpoch … epochs − 1`. Default 1. */
  epochs?: number;
  /** The first epoch (0-based): a resumed run passes the checkpoint's `epoch`. Default 0. */
  initialEpoch?: number;
  /** Examples per batch for a data set or tensors (default 32); a DataLoader keeps its own. */
  batchSize?: number;
  /** Shuffle the training data each epoch (default true). */
  shuffle?: boolean;
  /**
   * The order of epoch e depends only on (seed, e) (default seed 0, the same order as
   * `new DataLoader(data, { batchSize, seed })`). When given, it also seeds the global random
   * stream at the start of every epoch from (seed, e), so unseeded dropout depends only on them too.
   */
  seed?: number;
  /** Evaluated at the end of each epoch, in evaluation mode; its logs are prefixed `val_`. */
  validation?: TrainingData;
  /** Batch size for the validation data (default: `batchSize`). */
  validationBatchSize?: number;
  /** Reported next to the loss: names (`'accuracy'`, `'top5Accuracy'`, …) or `Metric` objects. */
  metrics?: readonly (MetricName | Metric)[];
  callbacks?: readonly Callback[];
  /** 0 quiet, 1 a progress bar on a terminal and plain lines otherwise (default), 2 plain lines. */
  verbose?: Verbosity;
  /** Where progress goes (default `process.stdout`). */
  output?: ProgressOutput;
  /** Add `model.regularizationLoss()` to the loss that is minimized and reported (default true). */
  regularization?: boolean;
  /** Continue this history (a resumed run) instead of starting a new one. */
  history?: History;
}

const FIT_KEYS = new Set([
  "data",
  "loss",
  "optimizer",
  "epochs",
  "initialEpoch",
  "batchSize",
  "shuffle",
  "seed",
  "validation",
  "validationBatchSize",
  "metrics",
  "callbacks",
  "verbose",
  "output",
  "regularization",
  "history",
]);

function checkKeys(op: string, options: object, known: Set<string>): void {
  if (options === null || typeof options !== "object")
    throw new ValueError(`${op}: options must be an object, got ${describe(options)}`);
  for (const k of Object.keys(options))
    if (!known.has(k)) throw new ValueError(`${op}: unknown option '${k}'; known: ${[...known].join(", ")}`);
}

function checkCount(op: string, name: string, v: unknown, min: number): number {
  if (!Number.isInteger(v) || (v as number) < min)
    throw new ValueError(`${op}: ${name} must be an integer ≥ ${min}, got ${describe(v)}`);
  return v as number;
}

function resolveMetrics(op: string, list: readonly (MetricName | Metric)[] | undefined): Metric[] {
  if (list !== undefined && !Array.isArray(list))
    throw new ValueError(`${op}: metrics must be an array, got ${describe(list)}`);
  const metrics = (list ?? []).map(resolveMetric);
  const names = new Set<string>(["loss"]);
  for (const m of metrics) {
    if (names.has(m.name) || m.name.startsWith("val_"))
      throw new ValueError(`${op}: metric name '${m.name}' is used twice or reserved`);
    names.add(m.name);
  }
  return metrics;
}

/** "fit" in ASCII: keeps the per-epoch keys of the global stream apart from other uses of the seed. */
const FIT_STREAM = 0x00666974;

/** The global random stream's state at the start of epoch `epoch` for `seed`. */
export function epochRandomState(seed: number, epoch: number): { key: [number, number]; draws: number } {
  const base = keyFromSeed(seed, "fit");
  const w = new Uint32Array(4);
  philox4x32(epoch >>> 0, 0, FIT_STREAM, 0, base[0], base[1], w);
  return { key: [w[0], w[1]], draws: 0 };
}

/**
 * Reads the loss and every metric's [total, count] of a batch in one read-back: values[0] is the
 * loss, then two numbers per metric.
 */
function statsOf(
  lossValue: Tensor,
  pred: Tensor | null,
  y: Tensor,
  metrics: readonly Metric[],
): Float32Array | Float64Array {
  const dtype: FloatDType = lossValue.dtype === "float64" ? "float64" : "float32";
  const parts: Tensor[] = [cast(reshape(lossValue, [1]), dtype)];
  if (pred) for (const m of metrics) parts.push(cast(m.batch(pred, y), dtype));
  const all = parts.length === 1 ? parts[0] : concat(parts, 0);
  return (all.dataSync() as Float32Array | Float64Array).slice();
}

/** The optimizer's learning rate for the next step, when it has a single one to report. */
export function learningRateOf(optimizer: OptimizerLike): number | undefined {
  try {
    return optimizer.currentLearningRate?.();
  } catch {
    return undefined; // param groups without a default rate: no single rate
  }
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Trains `model` for a number of epochs. Each step runs in `tidy`: the forward pass, the loss (plus
 * the model's regularization loss), the gradients (`valueAndGrad` over `model.parameters()`) and
 * `optimizer.step`, so the memory in use is the same after every step. Returns the history of
 * every epoch's logs.
 *
 * ```ts
 * const history = await fit(model, {
 *   data: trainSet, validation: validationSet, loss: "softmaxCrossEntropy",
 *   optimizer: new Adam({ lr: 1e-3 }), epochs: 10, batchSize: 128, metrics: ["accuracy"],
 * });
 * ```
 */
export async function fit(model: Module, options: FitOptions): Promise<History> {
  const op = "fit";
  if (model === null || typeof model !== "object" || typeof (model as Module).call !== "function")
    throw new ValueError(`${op}: model must be a Module, got ${describe(model)}`);
  checkKeys(op, options, FIT_KEYS);
  const lossFn = resolveLoss(op, options.loss);
  const optimizer = options.optimizer;
  if (optimizer === null || typeof optimizer !== "object" || typeof optimizer.step !== "function")
    throw new ValueError(
      `${op}: optimizer must have step(params, grads) (an @axon/optim optimizer), got ${describe(optimizer)}`,
    );
  const epochs = checkCount(op, "epochs", options.epochs ?? 1, 0);
  const initialEpoch = checkCount(op, "initialEpoch", options.initialEpoch ?? 0, 0);
  const batchSize = options.batchSize ?? 32;
  const seed = options.seed ?? 0;
  const shuffle = options.shuffle ?? true;
  const metrics = resolveMetrics(op, options.metrics);
  const callbacks = [...(options.callbacks ?? [])];
  for (const [i, c] of callbacks.entries())
    if (c === null || typeof c !== "object")
      throw new ValueError(`${op}: callbacks[${i}] must be an object, got ${describe(c)}`);
  const regularization = options.regularization ?? true;
  const train = toBatches(op, "data", options.data, { batchSize, shuffle, seed });
  const validation: Batches | null =
    options.validation === undefined
      ? null
      : toBatches(op, "validation", options.validation, {
          batchSize: options.validationBatchSize ?? batchSize,
          shuffle: false,
          seed: 0,
        });
  const history = options.history ?? new History();
  if (!(history instanceof History))
    throw new ValueError(`${op}: history must be a History, got ${describe(history)}`);

  const named = model.namedParameters();
  const params = named.map(([, p]) => p);
  const reporter = new ProgressReporter({ verbose: options.verbose, output: options.output });
  const state = {
    epoch: initialEpoch,
    batch: 0,
    steps: 0,
    /** The step in progress's batch, while its callbacks may retain its objective. */
    current: null as { x: Tensor; y: Tensor } | null,
    /** Handles on retained batches, released after the step's onBatchEnd. */
    retained: [] as Tensor[],
  };
  const ctx: TrainingContext = {
    model,
    optimizer,
    parameters: params,
    parameterNames: named.map(([n]) => n),
    history,
    initialEpoch,
    epochs,
    numBatches: train.numBatches,
    get epoch() {
      return state.epoch;
    },
    get batch() {
      return state.batch;
    },
    get step() {
      return optimizer.stepCount ?? state.steps;
    },
    stopTraining: false,
    log: (line) => reporter.log(line),
    retainObjective() {
      if (!state.current) throw new ValueError(`${op}: retainObjective can only be called from onGradients`);
      // New handles on the batch's data (no copy), which releasing the batch leaves alive.
      const share = (t: Tensor) => keep(makeTensorFromStorage(t.shape, t.dtype, t.storageOrThrow(op)));
      const x = share(state.current.x);
      const y = share(state.current.y);
      state.retained.push(x, y);
      return objectiveOf(x, y, { pred: null });
    },
  };
  const gradientHooks = callbacks.filter((c) => typeof c.onGradients === "function");
  const batchBeginHooks = callbacks.filter((c) => typeof c.onBatchBegin === "function");

  /** The objective of a batch: forward pass, loss (a scalar), regularization; keeps the predictions for the metrics. */
  const objectiveOf = (x: Tensor, y: Tensor, out: { pred: Tensor | null }) => (): Tensor => {
    const pred = model.call(x);
    out.pred = pred;
    const l = lossFn(pred, y);
    if (!(l instanceof Tensor) || l.size !== 1)
      throw new ValueError(
        `${op}: the loss must return a scalar tensor (a mean over the batch), got ${describe(l)}`,
      );
    return regularization ? add(l, model.regularizationLoss()) : l;
  };

  const step = (x: Tensor, y: Tensor): Float32Array | Float64Array =>
    tidy(() => {
      const out: { pred: Tensor | null } = { pred: null };
      const [lossValue, grads] = valueAndGrad(objectiveOf(x, y, out), params)();
      state.current = { x, y };
      try {
        for (const c of gradientHooks) c.onGradients!(grads, ctx);
      } finally {
        state.current = null;
      }
      optimizer.step(params, grads);
      return statsOf(lossValue, out.pred, y, metrics);
    });

  const wasTraining = model.training;
  let lastYield = performance.now();
  for (const c of callbacks) await c.onTrainBegin?.(ctx);
  reporter.trainBegin({
    initialEpoch,
    epochs,
    numBatches: train.numBatches,
    numExamples: train.numExamples,
    validationExamples: validation?.numExamples,
  });
  try {
    for (let epoch = initialEpoch; epoch < epochs && !ctx.stopTraining; epoch++) {
      state.epoch = epoch;
      state.batch = 0;
      if (options.seed !== undefined) setRandomState(epochRandomState(seed, epoch));
      model.train();
      for (const c of callbacks) await c.onEpochBegin?.(epoch, ctx);
      const lr = learningRateOf(optimizer);
      const started = performance.now();
      reporter.epochBegin(epoch);
      const loss = new MetricAccumulator();
      const accs = metrics.map(() => new MetricAccumulator());
      let seen = 0;
      let diverged = false;
      let b = 0;
      for (const batch of train.batches(epoch)) {
        state.batch = b;
        const size = batchSizeOf(batch);
        let values: Float32Array | Float64Array;
        try {
          for (const c of batchBeginHooks) {
            const r = c.onBatchBegin!(b, ctx);
            if (r instanceof Promise) await r;
          }
          values = step(batch.x, batch.y);
          state.steps += 1;
        } finally {
          releaseBatch(batch);
        }
        loss.add(values[0] * size, size);
        const batchLogs: Record<string, number> = { loss: values[0], size };
        metrics.forEach((m, i) => {
          accs[i].add(values[1 + 2 * i], values[2 + 2 * i]);
          batchLogs[m.name] = values[1 + 2 * i] / values[2 + 2 * i];
        });
        seen += size;
        try {
          for (const c of callbacks) {
            const r = c.onBatchEnd?.(b, batchLogs as BatchLogs, ctx);
            if (r instanceof Promise) await r;
          }
        } finally {
          dispose(state.retained.splice(0));
        }
        const running: Record<string, number> = { loss: loss.value };
        for (const [i, m] of metrics.entries()) running[m.name] = accs[i].value;
        reporter.batchEnd(b, seen, running);
        b += 1;
        if (!Number.isFinite(values[0])) {
          diverged = true;
          ctx.stopTraining = true;
          reporter.log(`The loss became ${values[0]} at epoch ${epoch + 1}, batch ${b}: training stops`);
          break;
        }
        if (performance.now() - lastYield > 200) {
          await yieldToEventLoop();
          lastYield = performance.now();
        }
      }
      const logs: Record<string, number> = { loss: loss.value };
      for (const [i, m] of metrics.entries()) logs[m.name] = accs[i].value;
      if (validation && !diverged) {
        const v = runEvaluation(model, validation, lossFn, metrics, regularization);
        for (const [k, value] of Object.entries(v)) logs[`val_${k}`] = value;
      }
      if (lr !== undefined) logs.lr = lr;
      const seconds = (performance.now() - started) / 1000;
      history.epochs.push({ epoch, seconds, ...logs });
      reporter.epochEnd(epoch, logs, seen);
      for (const c of callbacks) await c.onEpochEnd?.(epoch, logs, ctx);
    }
    for (const c of callbacks) await c.onTrainEnd?.(ctx);
  } finally {
    reporter.trainEnd();
    dispose(state.retained.splice(0));
    model.train(wasTraining);
  }
  return history;
}

/** Loss and metrics over every batch of `data` in evaluation mode (the model's mode is left as it was). */
function runEvaluation(
  model: Module,
  data: Batches,
  lossFn: LossFunction | null,
  metrics: readonly Metric[],
  regularization: boolean,
): Record<string, number> {
  const wasTraining = model.training;
  model.eval();
  const loss = new MetricAccumulator();
  const accs = metrics.map(() => new MetricAccumulator());
  try {
    for (const batch of data.batches(0)) {
      const size = batchSizeOf(batch);
      try {
        const values = tidy(() => {
          const pred = model.call(batch.x);
          let l = lossFn ? lossFn(pred, batch.y) : pred.sum().mul(0);
          if (lossFn && regularization) l = add(l, model.regularizationLoss());
          return statsOf(l, pred, batch.y, metrics);
        });
        if (lossFn) loss.add(values[0] * size, size);
        for (const [i, acc] of accs.entries()) acc.add(values[1 + 2 * i], values[2 + 2 * i]);
      } finally {
        releaseBatch(batch);
      }
    }
  } finally {
    model.train(wasTraining);
  }
  const out: Record<string, number> = {};
  if (lossFn) out.loss = loss.value;
  for (const [i, m] of metrics.entries()) out[m.name] = accs[i].value;
  return out;
}

export interface EvaluateOptions {
  /** Without a loss, only the metrics are computed. */
  loss?: LossFunction | LossName;
  metrics?: readonly (MetricName | Metric)[];
  /** Default 128 (a DataLoader keeps its own). */
  batchSize?: number;
  /** Add `model.regularizationLoss()` to the loss (default true, as `fit` reports it). */
  regularization?: boolean;
}

/**
 * The loss and metrics of `model` on `data`, in evaluation mode (dropout off, batch norm on its
 * running statistics), averaged over every example: `{ loss: 0.21, accuracy: 0.94 }`.
 */
export function evaluate(
  model: Module,
  data: TrainingData,
  options: EvaluateOptions = {},
): Record<string, number> {
  const op = "evaluate";
  checkKeys(op, options, new Set(["loss", "metrics", "batchSize", "regularization"]));
  const lossFn = options.loss === undefined ? null : resolveLoss(op, options.loss);
  const metrics = resolveMetrics(op, options.metrics);
  if (!lossFn && metrics.length === 0) throw new ValueError(`${op}: give a loss, metrics, or both`);
  const batches = toBatches(op, "data", data, {
    batchSize: options.batchSize ?? 128,
    shuffle: false,
    seed: 0,
  });
  return runEvaluation(model, batches, lossFn, metrics, options.regularization ?? true);
}

export interface PredictOptions {
  /** Default 128. */
  batchSize?: number;
}

/**
 * The model's outputs for every example of `data` (a tensor of inputs, a data set, tensors
 * `{ x, y }` or a batch source; labels are ignored), in evaluation mode, batch by batch, in the
 * data's order. Returns one tensor `[N, ...]`.
 */
export function predict(model: Module, data: Tensor | TrainingData, options: PredictOptions = {}): Tensor {
  const op = "predict";
  checkKeys(op, options, new Set(["batchSize"]));
  const batchSize = checkCount(op, "batchSize", options.batchSize ?? 128, 1);
  const wasTraining = model.training;
  model.eval();
  const outputs: Tensor[] = [];
  try {
    if (data instanceof Tensor) {
      if (data.rank === 0) throw new ValueError(`${op}: x must have a batch axis, got a scalar`);
      const n = data.shape[0];
      for (let start = 0; start < n; start += batchSize) {
        const size = Math.min(batchSize, n - start);
        outputs.push(
          tidy(() =>
            model.call(
              slice(data, [start, ...data.shape.slice(1).map(() => 0)], [size, ...data.shape.slice(1)]),
            ),
          ),
        );
      }
    } else {
      const batches = toBatches(op, "data", data, { batchSize, shuffle: false, seed: 0 });
      for (const batch of batches.batches(0)) {
        try {
          outputs.push(tidy(() => model.call(batch.x)));
        } finally {
          releaseBatch(batch);
        }
      }
    }
    if (outputs.length === 0) throw new ValueError(`${op}: the data has no examples`);
    return outputs.length === 1 ? outputs[0] : concat(outputs, 0);
  } finally {
    if (outputs.length > 1) for (const t of outputs) t.dispose();
    model.train(wasTraining);
  }
}
