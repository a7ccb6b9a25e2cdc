import {
  type Tensor,
  ShapeError,
  ValueError,
  abs,
  argmax,
  cast,
  equal,
  greater,
  less,
  mul,
  oneHot,
  reshape,
  scalar,
  square,
  stack,
  sub,
  sum,
} from "@axon/core";
import { describe } from "../module.ts";

/**
 * A metric computed batch by batch: `batch(pred, y)` gives `[total, count]` as a float32 tensor of
 * shape [2], and the value over an epoch is Σtotal / Σcount (so the last, smaller batch counts by
 * its size). Nothing is read back per metric: the loop reads the loss and every metric at once.
 */
export interface Metric {
  readonly name: string;
  /** For `'auto'` monitors (early stopping): true for accuracies, false for errors. */
  readonly higherIsBetter: boolean;
  batch(pred: Tensor, y: Tensor): Tensor;
}

/** Names `fit`'s `metrics` option accepts (or pass `Metric` objects). */
export type MetricName =
  | "accuracy"
  | "binaryAccuracy"
  | "categoricalAccuracy"
  | "sparseCategoricalAccuracy"
  | "topKAccuracy"
  | `top${number}Accuracy`
  | "meanSquaredError"
  | "meanAbsoluteError"
  | "mse"
  | "mae";

const stats = (total: Tensor, count: number): Tensor =>
  stack([cast(total, "float32"), scalar(count, "float32")]);

const countTrue = (b: Tensor): Tensor => sum(cast(b, "float32"));

const shapeText = (t: Tensor) => `[${t.shape.join(",")}]`;

/** Labels as class indices `[...]` for predictions `[..., C]`: sparse ints (or floats holding them), or one-hot. */
function classIndices(op: string, pred: Tensor, y: Tensor): Tensor {
  const lead = pred.shape.slice(0, -1);
  if (y.rank === pred.rank - 1 && y.shape.every((d, i) => d === lead[i]))
    return y.dtype === "int32" ? y : cast(y, "int32");
  if (y.rank === pred.rank && y.shape.every((d, i) => d === pred.shape[i])) return argmax(y, -1);
  throw new ShapeError(
    `${op}: labels ${shapeText(y)} fit neither class indices (${shapeText(pred)} without its last axis) nor one-hot labels (${shapeText(pred)})`,
  );
}

/**
 * Categorical accuracy: the fraction of examples whose largest prediction (the first one on ties)
 * is the true class. Labels are sparse int32 class indices (the shape of the predictions without
 * the class axis) or one-hot / soft labels (the shape of the predictions; their argmax is the class).
 */
export function categoricalAccuracy(name = "categoricalAccuracy"): Metric {
  return {
    name,
    higherIsBetter: true,
    batch(pred, y) {
      if (pred.rank < 1)
        throw new ShapeError(`${name}: predictions need a class axis, got ${shapeText(pred)}`);
      const labels = classIndices(name, pred, y);
      return stats(countTrue(equal(argmax(pred, -1), labels)), labels.size);
    },
  };
}

/** `categoricalAccuracy` that insists on sparse class indices. */
export function sparseCategoricalAccuracy(name = "sparseCategoricalAccuracy"): Metric {
  const inner = categoricalAccuracy(name);
  return {
    ...inner,
    batch(pred, y) {
      if (y.rank !== pred.rank - 1)
        throw new ShapeError(
          `${name}: labels must be class indices of shape ${shapeText(pred)} without its last axis, got ${shapeText(y)}`,
        );
      return inner.batch(pred, y);
    },
  };
}

export interface BinaryAccuracyOptions {
  /** A prediction above it is class 1 (default 0.5, for probabilities; use 0 for logits). */
  threshold?: number;
  name?: string;
}

/**
 * Binary accuracy: `pred > threshold` against `label > 0.5`, element by element. Predictions
 * `[N, 1]` go with labels `[N]` or `[N, 1]`; otherwise the shapes must be equal (multi-label).
 */
export function binaryAccuracy(options: BinaryAccuracyOptions = {}): Metric {
  const threshold = options.threshold ?? 0.5;
  const name = options.name ?? "binaryAccuracy";
  if (typeof threshold !== "number" || !Number.isFinite(threshold))
    throw new ValueError(`binaryAccuracy: threshold must be a finite number, got ${describe(threshold)}`);
  return {
    name,
    higherIsBetter: true,
    batch(pred, y) {
      let p = pred;
      if (p.rank === y.rank + 1 && p.shape.at(-1) === 1) p = reshape(p, y.shape);
      if (p.rank !== y.rank || p.shape.some((d, i) => d !== y.shape[i]))
        throw new ShapeError(
          `${name}: predictions ${shapeText(pred)} and labels ${shapeText(y)} must have the same shape (or predictions [N, 1] with labels [N])`,
        );
      const predicted = greater(p, threshold);
      const actual = greater(cast(y, "float32"), 0.5);
      return stats(countTrue(equal(predicted, actual)), y.size);
    },
  };
}

/**
 * The accuracy `'accuracy'` names, chosen from the shapes of each batch: class indices with one
 * fewer axis than the predictions mean categorical (binary when that axis has size 1); equal shapes
 * with a last axis above 1 and rank ≥ 2 mean one-hot categorical; anything else is binary with
 * threshold 0.5 (for probabilities; for logits use `binaryAccuracy({ threshold: 0 })`).
 */
export function accuracy(name = "accuracy"): Metric {
  const categorical = categoricalAccuracy(name);
  const binary = binaryAccuracy({ name });
  return {
    name,
    higherIsBetter: true,
    batch(pred, y) {
      const classes = pred.shape.at(-1) ?? 1;
      if (y.rank === pred.rank - 1) return classes === 1 ? binary.batch(pred, y) : categorical.batch(pred, y);
      if (y.rank === pred.rank && pred.rank >= 2 && classes > 1) return categorical.batch(pred, y);
      return binary.batch(pred, y);
    },
  };
}

/**
 * Top-k accuracy: an example counts when fewer than k classes score strictly higher than its true
 * class (so a tie at the boundary counts as in the top k, as TensorFlow's `in_top_k`). Labels as
 * for `categoricalAccuracy`.
 */
export function topKAccuracy(k = 5, name = `top${k}Accuracy`): Metric {
  if (!Number.isInteger(k) || k < 1)
    throw new ValueError(`topKAccuracy: k must be a positive integer, got ${k}`);
  return {
    name,
    higherIsBetter: true,
    batch(pred, y) {
      if (pred.rank < 1)
        throw new ShapeError(`${name}: predictions need a class axis, got ${shapeText(pred)}`);
      const classes = pred.shape.at(-1)!;
      const labels = classIndices(name, pred, y);
      const scores = cast(pred, "float32");
      const trueScore = sum(mul(scores, oneHot(labels, classes, 1, 0)), -1, true);
      const above = sum(cast(greater(scores, trueScore), "float32"), -1);
      return stats(countTrue(less(above, k)), labels.size);
    },
  };
}

function elementwise(name: string, f: (d: Tensor) => Tensor): Metric {
  return {
    name,
    higherIsBetter: false,
    batch(pred, y) {
      if (pred.rank !== y.rank || pred.shape.some((d, i) => d !== y.shape[i]))
        throw new ShapeError(
          `${name}: predictions ${shapeText(pred)} and targets ${shapeText(y)} differ in shape`,
        );
      return stats(sum(f(sub(cast(pred, "float32"), cast(y, "float32")))), y.size);
    },
  };
}

/** Mean of (pred − y)² over every element. */
export const meanSquaredError = (name = "meanSquaredError"): Metric => elementwise(name, square);
/** Mean of |pred − y| over every element. */
export const meanAbsoluteError = (name = "meanAbsoluteError"): Metric => elementwise(name, abs);

/** A metric from its name (see `MetricName`) or the metric itself. */
export function resolve(m: MetricName | Metric): Metric {
  if (typeof m === "object" && m !== null && typeof m.batch === "function" && typeof m.name === "string")
    return m;
  if (typeof m !== "string")
    throw new ValueError(`metrics: expected a metric name or a Metric, got ${describe(m)}`);
  switch (m) {
    case "accuracy":
      return accuracy();
    case "binaryAccuracy":
      return binaryAccuracy();
    case "categoricalAccuracy":
      return categoricalAccuracy();
    case "sparseCategoricalAccuracy":
      return sparseCategoricalAccuracy();
    case "topKAccuracy":
      return topKAccuracy(5, "topKAccuracy");
    case "meanSquaredError":
    case "mse":
      return meanSquaredError(m);
    case "meanAbsoluteError":
    case "mae":
      return meanAbsoluteError(m);
  }
  const top = /^top(\d+)Accuracy$/.exec(m);
  if (top) return topKAccuracy(Number(top[1]), m);
  throw new ValueError(
    `metrics: unknown metric '${m}'; known: accuracy, binaryAccuracy, categoricalAccuracy, sparseCategoricalAccuracy, topKAccuracy, top<k>Accuracy, meanSquaredError (mse), meanAbsoluteError (mae)`,
  );
}

/** Sums of `[total, count]` over batches (used by the training loop). */
export class MetricAccumulator {
  total = 0;
  count = 0;
  add(total: number, count: number): void {
    this.total += total;
    this.count += count;
  }
  get value(): number {
    return this.count === 0 ? Number.NaN : this.total / this.count;
  }
}
