import {
  DTypeError,
  ShapeError,
  Tensor,
  ValueError,
  abs,
  add,
  cast,
  clip,
  fmtShape,
  greaterEqual,
  isFloat,
  less,
  log,
  logSumExp,
  logicalAnd,
  mean,
  minimum,
  mul,
  neg,
  oneHot,
  reshape,
  softplus,
  square,
  sub,
  sum,
  where,
} from "@axon/core";
import { describe } from "./module.ts";

/** 'mean' (default): the mean over every loss element; 'sum': their sum; 'none': the losses themselves. */
export type Reduction = "mean" | "sum" | "none";

export interface LossOptions {
  reduction?: Reduction;
  /**
   * Per-example weights that multiply the losses before the reduction. They line up with the
   * leading (batch) axes: [N] weighs the N examples of an [N, D] loss. 'mean' still divides by the
   * number of loss elements (Keras' "sum over batch size").
   */
  weights?: Tensor | number;
}

const REDUCTIONS: readonly Reduction[] = ["mean", "sum", "none"];

function checkLossOptions(op: string, options: unknown): void {
  if (options === null || typeof options !== "object" || Array.isArray(options))
    throw new ValueError(`${op}: options must be an object, got ${describe(options)}`);
  const r = (options as LossOptions).reduction;
  if (r !== undefined && !REDUCTIONS.includes(r))
    throw new ValueError(`${op}: reduction must be 'mean', 'sum' or 'none', got ${describe(r)}`);
}

function floatTensor(op: string, arg: string, x: unknown): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`${op}: ${arg} must be a Tensor, got ${describe(x)}`);
  if (x.dtype === "bool") throw new DTypeError(`${op}: ${arg} must be numeric, got bool`);
  return isFloat(x.dtype) ? x : cast(x, "float32");
}

/** Predictions and targets must have the same shape: broadcasting [N, 1] against [N] silently makes [N, N]. */
function checkSameShape(op: string, pred: Tensor, target: Tensor, names = ["predictions", "targets"]): void {
  if (pred.rank !== target.rank || pred.shape.some((d, i) => d !== target.shape[i]))
    throw new ShapeError(
      `${op}: ${names[0]} and ${names[1]} must have the same shape, got ${fmtShape(pred.shape)} and ${fmtShape(target.shape)}`,
    );
}

/** Weights the per-element losses and reduces them as asked. */
function reduceLoss(op: string, losses: Tensor, options: LossOptions): Tensor {
  let l = losses;
  const w = options.weights;
  if (w !== undefined) {
    if (typeof w === "number") l = mul(l, w);
    else {
      if (!(w instanceof Tensor))
        throw new ValueError(`${op}: weights must be a Tensor or a number, got ${describe(w)}`);
      const aligned = w.rank < l.rank ? reshape(w, [...w.shape, ...Array(l.rank - w.rank).fill(1)]) : w;
      const fits = aligned.rank === l.rank && aligned.shape.every((d, i) => d === 1 || d === l.shape[i]);
      if (!fits)
        throw new ShapeError(
          `${op}: weights of shape ${fmtShape(w.shape)} do not line up with the losses of shape ${fmtShape(l.shape)} (expected the leading axes of ${fmtShape(l.shape)}, or size 1)`,
        );
      l = mul(l, aligned);
    }
  }
  const reduction = options.reduction ?? "mean";
  if (reduction === "none") return l;
  return reduction === "sum" ? sum(l) : mean(l);
}

/** Mean squared error: (pred − target)² per element, then reduced. */
export function meanSquaredError(pred: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  const op = "meanSquaredError";
  checkLossOptions(op, options);
  const p = floatTensor(op, "pred", pred);
  const t = floatTensor(op, "target", target);
  checkSameShape(op, p, t);
  return reduceLoss(op, square(sub(p, t)), options);
}

/** Mean absolute error: |pred − target| per element (gradient 0 where they are equal). */
export function meanAbsoluteError(pred: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  const op = "meanAbsoluteError";
  checkLossOptions(op, options);
  const p = floatTensor(op, "pred", pred);
  const t = floatTensor(op, "target", target);
  checkSameShape(op, p, t);
  return reduceLoss(op, abs(sub(p, t)), options);
}

/**
 * Huber loss: ½e² for |e| ≤ delta, delta·(|e| − ½delta) beyond (quadratic near the target, linear
 * for outliers), computed as ½q² + delta·(|e| − q) with q = min(|e|, delta), which is smooth.
 */
export function huber(pred: Tensor, target: Tensor, options: LossOptions & { delta?: number } = {}): Tensor {
  const op = "huber";
  checkLossOptions(op, options);
  const delta = options.delta ?? 1;
  if (typeof delta !== "number" || !(delta > 0) || !Number.isFinite(delta))
    throw new ValueError(`${op}: delta must be a positive number, got ${describe(delta)}`);
  const p = floatTensor(op, "pred", pred);
  const t = floatTensor(op, "target", target);
  checkSameShape(op, p, t);
  const a = abs(sub(p, t));
  const q = minimum(a, delta);
  return reduceLoss(op, add(mul(square(q), 0.5), mul(sub(a, q), delta)), options);
}

export interface BinaryCrossEntropyOptions extends LossOptions {
  /** The first argument is logits (true) or probabilities in [0, 1] (false, the default). */
  fromLogits?: boolean;
  /** Labels y become y·(1 − s) + s/2 (default 0). */
  labelSmoothing?: number;
  /** Probabilities are clipped to [epsilon, 1 − epsilon] before the logarithm (default 1e-7, as Keras). */
  epsilon?: number;
}

function checkSmoothing(op: string, s: unknown): number {
  if (typeof s !== "number" || !(s >= 0 && s <= 1))
    throw new ValueError(`${op}: labelSmoothing must be in [0, 1], got ${describe(s)}`);
  return s;
}

/**
 * Binary cross-entropy −[y·log p + (1 − y)·log(1 − p)] per element. From logits z it is computed
 * as softplus(z) − z·y, exact and finite for every z; from probabilities, p is clipped away from
 * 0 and 1 so the logarithms stay finite.
 */
export function binaryCrossEntropy(
  predOrLogits: Tensor,
  labels: Tensor,
  options: BinaryCrossEntropyOptions = {},
): Tensor {
  const op = "binaryCrossEntropy";
  checkLossOptions(op, options);
  const s = checkSmoothing(op, options.labelSmoothing ?? 0);
  const epsilon = options.epsilon ?? 1e-7;
  if (typeof epsilon !== "number" || !(epsilon > 0 && epsilon < 0.5))
    throw new ValueError(`${op}: epsilon must be in (0, 0.5), got ${describe(epsilon)}`);
  const p = floatTensor(op, "predOrLogits", predOrLogits);
  let y = floatTensor(op, "labels", labels);
  checkSameShape(op, p, y, [options.fromLogits ? "logits" : "probabilities", "labels"]);
  if (s > 0) y = add(mul(y, 1 - s), s / 2);
  let losses: Tensor;
  if (options.fromLogits) losses = sub(softplus(p), mul(p, y));
  else {
    const c = clip(p, epsilon, 1 - epsilon);
    losses = neg(add(mul(y, log(c)), mul(sub(1, y), log(sub(1, c)))));
  }
  return reduceLoss(op, losses, options);
}

export interface SoftmaxCrossEntropyOptions extends LossOptions {
  /** Labels y become y·(1 − s) + s/C over the C classes (default 0). */
  labelSmoothing?: number;
}

/**
 * Cross-entropy between softmax(logits) over the last axis and the labels: sparse int32 class
 * indices (shape of logits without its last axis) or one-hot / soft labels (shape of logits).
 * Computed from the logits with a fused log-sum-exp, Σ y·(logSumExp(z) − z), so it never
 * overflows; the per-example losses have the shape of logits without the class axis. A sparse
 * label outside [0, C) gives NaN for its example (no host read is needed to notice).
 */
export function softmaxCrossEntropy(
  logits: Tensor,
  labels: Tensor,
  options: SoftmaxCrossEntropyOptions = {},
): Tensor {
  const op = "softmaxCrossEntropy";
  checkLossOptions(op, options);
  const s = checkSmoothing(op, options.labelSmoothing ?? 0);
  const z = floatTensor(op, "logits", logits);
  if (z.rank < 1) throw new ShapeError(`${op}: logits must have a class axis, got a scalar`);
  if (!(labels instanceof Tensor))
    throw new ValueError(`${op}: labels must be a Tensor, got ${describe(labels)}`);
  const classes = z.shape[z.rank - 1];
  let y: Tensor;
  let valid: Tensor | null = null;
  if (labels.dtype === "int32") {
    const expected = z.shape.slice(0, -1);
    if (labels.rank !== expected.length || labels.shape.some((d, i) => d !== expected[i]))
      throw new ShapeError(
        `${op}: sparse int32 labels must have shape ${fmtShape(expected)} (logits ${fmtShape(z.shape)} without the class axis), got ${fmtShape(labels.shape)}`,
      );
    y = oneHot(labels, classes, 1, 0, z.dtype);
    valid = logicalAnd(greaterEqual(labels, 0), less(labels, classes));
  } else {
    y = floatTensor(op, "labels", labels);
    checkSameShape(op, z, y, ["logits", "one-hot labels"]);
  }
  if (s > 0) y = add(mul(y, 1 - s), s / classes);
  let losses = sum(mul(y, sub(logSumExp(z, -1, true), z)), -1);
  if (valid) losses = where(valid, losses, Number.NaN);
  return reduceLoss(op, losses, options);
}
