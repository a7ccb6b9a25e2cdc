import { ShapeError, ValueError } from "@axon/core";

/**
 * Examples kept on the host, row-major: example i is `x[i·F .. (i+1)·F)` with F the product of
 * `shape.slice(1)`, and its label is `y[i·L .. (i+1)·L)` likewise. Batches gather rows from these
 * arrays, so a data set is never copied as a whole to be batched.
 */
export interface Dataset {
  readonly x: Float32Array;
  /** Class indices (int32, one per example) or float targets. */
  readonly y: Int32Array | Float32Array;
  /** The shape of `x`: `[N, ...featureShape]`, e.g. `[N, 28, 28]` or `[N, 784]`. */
  readonly shape: readonly number[];
  /** The shape of `y`: `[N]` for class indices. */
  readonly labelShape: readonly number[];
  /** For classification: the number of classes (labels are 0 ≤ y < numClasses). */
  readonly numClasses?: number;
  readonly classNames?: readonly string[];
}

export interface DatasetInit {
  readonly x: Float32Array;
  readonly y: Int32Array | Float32Array;
  /** Defaults to `[N, F]` with N the number of labels. */
  readonly shape?: readonly number[];
  /** Defaults to `[N]`. */
  readonly labelShape?: readonly number[];
  readonly numClasses?: number;
  readonly classNames?: readonly string[];
}

const fmt = (s: readonly number[]) => `[${s.join(",")}]`;
const product = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

function checkShape(op: string, name: string, shape: readonly number[]): void {
  if (!Array.isArray(shape) || shape.length < 1 || shape.some((d) => !Number.isInteger(d) || d < 0))
    throw new ShapeError(
      `${op}: ${name} must be a list of non-negative integers, first the number of examples, got ${JSON.stringify(shape)}`,
    );
}

/** A data set from host arrays, with its shapes and labels checked against each other. No copy is made. */
export function makeDataset(init: DatasetInit): Dataset {
  const op = "makeDataset";
  const { x, y } = init;
  if (!(x instanceof Float32Array))
    throw new ValueError(`${op}: x must be a Float32Array, got ${Object.prototype.toString.call(x)}`);
  if (!(y instanceof Int32Array || y instanceof Float32Array))
    throw new ValueError(
      `${op}: y must be an Int32Array (class indices) or a Float32Array, got ${Object.prototype.toString.call(y)}`,
    );
  const labelShape = init.labelShape ?? (init.shape ? [init.shape[0]] : [y.length]);
  checkShape(op, "labelShape", labelShape);
  const n = labelShape[0];
  if (init.shape === undefined && (n === 0 ? x.length !== 0 : x.length % n !== 0))
    throw new ShapeError(`${op}: x has ${x.length} elements, not a whole number of rows for ${n} examples`);
  const shape = init.shape ?? [n, n === 0 ? 0 : x.length / n];
  checkShape(op, "shape", shape);
  if (product(shape) !== x.length)
    throw new ShapeError(`${op}: x has ${x.length} elements, which does not fit the shape ${fmt(shape)}`);
  if (product(labelShape) !== y.length)
    throw new ShapeError(
      `${op}: y has ${y.length} elements, which does not fit the label shape ${fmt(labelShape)}`,
    );
  if (shape[0] !== n)
    throw new ShapeError(
      `${op}: x holds ${shape[0]} examples (shape ${fmt(shape)}) but y holds ${n} (label shape ${fmt(labelShape)})`,
    );
  const { numClasses, classNames } = init;
  if (numClasses !== undefined) {
    if (!Number.isInteger(numClasses) || numClasses < 1)
      throw new ValueError(`${op}: numClasses must be a positive integer, got ${numClasses}`);
    if (!(y instanceof Int32Array) || labelShape.length !== 1)
      throw new ValueError(
        `${op}: numClasses needs class indices: y an Int32Array of shape [N], got label shape ${fmt(labelShape)}`,
      );
    const bad = y.findIndex((c) => c < 0 || c >= numClasses);
    if (bad >= 0) throw new ValueError(`${op}: label ${bad} is ${y[bad]}, outside [0, ${numClasses})`);
  }
  if (classNames !== undefined && classNames.length !== numClasses)
    throw new ValueError(`${op}: ${classNames.length} class names for ${numClasses} classes`);
  return {
    x,
    y,
    shape: [...shape],
    labelShape: [...labelShape],
    ...(numClasses !== undefined && { numClasses }),
    ...(classNames !== undefined && { classNames: [...classNames] }),
  };
}

/** The number of examples. */
export function sizeOfDataset(data: Dataset): number {
  return data.shape[0];
}

/** Elements per example in `x` and in `y`. */
export function rowSizes(data: Dataset): { features: number; labels: number } {
  return { features: product(data.shape.slice(1)), labels: product(data.labelShape.slice(1)) };
}

/** Copies the rows `indices[start..end)` of a host array into `out` (rows of `rowSize` elements). */
export function gatherRows<T extends Float32Array | Int32Array>(
  source: T,
  rowSize: number,
  indices: ArrayLike<number>,
  start: number,
  end: number,
  out: T,
): T {
  if (rowSize === 1) for (let i = start; i < end; i++) out[i - start] = source[indices[i]];
  else
    for (let i = start; i < end; i++) {
      const from = indices[i] * rowSize;
      out.set(source.subarray(from, from + rowSize), (i - start) * rowSize);
    }
  return out;
}

/** The examples at `indices`, in that order, as a new data set (copied). */
export function subset(data: Dataset, indices: ArrayLike<number>): Dataset {
  const n = sizeOfDataset(data);
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i];
    if (!Number.isInteger(k) || k < 0 || k >= n)
      throw new ValueError(`subset: index ${i} is ${k}, outside the ${n} examples`);
  }
  const { features, labels } = rowSizes(data);
  const m = indices.length;
  const x = gatherRows(data.x, features, indices, 0, m, new Float32Array(m * features));
  const y =
    data.y instanceof Int32Array
      ? gatherRows(data.y, labels, indices, 0, m, new Int32Array(m * labels))
      : gatherRows(data.y, labels, indices, 0, m, new Float32Array(m * labels));
  return { ...data, x, y, shape: [m, ...data.shape.slice(1)], labelShape: [m, ...data.labelShape.slice(1)] };
}

/** The same examples seen with another shape (`[784]`, `[28, 28, 1]`); shares `x`, copies nothing. */
export function withFeatureShape(data: Dataset, featureShape: readonly number[]): Dataset {
  const n = sizeOfDataset(data);
  if (!Array.isArray(featureShape) || featureShape.some((d) => !Number.isInteger(d) || d < 0))
    throw new ShapeError(
      `withFeatureShape: featureShape must be a list of non-negative integers, got ${JSON.stringify(featureShape)}`,
    );
  if (product(featureShape) !== rowSizes(data).features)
    throw new ShapeError(
      `withFeatureShape: an example of shape ${fmt(data.shape.slice(1))} has ${rowSizes(data).features} elements, featureShape ${fmt(featureShape)} has ${product(featureShape)}`,
    );
  return { ...data, shape: [n, ...featureShape] };
}

/** How many examples each class has (needs integer class labels). */
export function classCounts(data: Dataset): number[] {
  if (!(data.y instanceof Int32Array) || data.labelShape.length !== 1)
    throw new ValueError(
      `classCounts: needs class indices (an Int32Array of shape [N]), got label shape ${fmt(data.labelShape)}`,
    );
  let k = data.numClasses ?? 0;
  for (const c of data.y) if (c + 1 > k) k = c + 1;
  const counts = new Array<number>(k).fill(0);
  for (const c of data.y) {
    if (c < 0) throw new ValueError(`classCounts: negative label ${c}`);
    counts[c]++;
  }
  return counts;
}
