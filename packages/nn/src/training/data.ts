import { Tensor, ValueError, gather, makeTensor, sizeOf } from "@axon/core";
import { derivedKey, shuffledIndices } from "@axon/data/browser";
import { describe } from "../module.ts";

/**
 * Examples kept on the host, row-major: the shape of `@axon/data`'s `Dataset` (only these fields
 * are read), so `mnist()`, `fashionMnist().train` and a `Standardizer`'s output can be passed as is.
 */
export interface HostData {
  readonly x: Float32Array;
  readonly y: Int32Array | Float32Array;
  /** `[N, ...featureShape]` */
  readonly shape: readonly number[];
  /** `[N, ...labelShape]` */
  readonly labelShape: readonly number[];
}

/** Examples already in tensors: `x` `[N, ...]` and `y` `[N, ...]` (int32 class indices or float targets). */
export interface TensorData {
  readonly x: Tensor;
  readonly y: Tensor;
}

/** One mini-batch a `BatchSource` gives: tensors the training loop disposes when it is done with them. */
export interface SourceBatch {
  readonly x: Tensor;
  readonly y: Tensor;
  /** Number of examples (default: `x.shape[0]`). */
  readonly size?: number;
  /** Called once the batch is used (default: disposes `x` and `y`). */
  dispose?(): void;
}

/**
 * Anything that hands out the batches of an epoch: `@axon/data`'s `DataLoader` is one. Its own
 * batch size, seed and order are used; `fit`'s `batchSize`, `shuffle` and `seed` are not.
 */
export interface BatchSource {
  readonly numBatches: number;
  /** The number of examples of an epoch, when known (for throughput and the progress line). */
  readonly numExamples?: number;
  batches(epoch: number): Iterable<SourceBatch>;
}

/** What `fit`, `evaluate` and `predict` accept as data. */
export type TrainingData = HostData | TensorData | BatchSource;

export interface BatchingOptions {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly dropRemainder?: boolean;
}

/** A normalized view of any `TrainingData`: batches per epoch and their count. */
export interface Batches {
  readonly numBatches: number;
  readonly numExamples: number | undefined;
  /** The batches of an epoch; each must be released with `release(batch)` once used. */
  batches(epoch: number): Iterable<SourceBatch>;
}

const isTypedFloat = (v: unknown): v is Float32Array => v instanceof Float32Array;

function isBatchSource(d: object): d is BatchSource {
  return (
    typeof (d as BatchSource).batches === "function" && typeof (d as BatchSource).numBatches === "number"
  );
}

/**
 * The order of epoch `epoch` for a seed: `@axon/data`'s shuffle for `DataLoader(data, { seed })`,
 * so `fit(model, { data, batchSize, seed })` visits exactly the batches `new DataLoader(data,
 * { batchSize, seed })` gives. It depends only on (seed, epoch).
 */
export function epochOrder(n: number, seed: number, epoch: number, shuffle = true): Int32Array {
  if (!shuffle) return Int32Array.from({ length: n }, (_, i) => i);
  return shuffledIndices(n, derivedKey(seed, epoch, 0, "DataLoader"));
}

function gatherRows<A extends Float32Array | Int32Array>(
  src: A,
  row: number,
  order: Int32Array,
  start: number,
  end: number,
  out: A,
): A {
  for (let k = start; k < end; k++) {
    const from = order[k] * row;
    out.set(src.subarray(from, from + row), (k - start) * row);
  }
  return out;
}

function checkHost(op: string, d: HostData): number {
  const n = d.shape[0];
  if (!Array.isArray(d.shape) || !Number.isInteger(n) || n < 0)
    throw new ValueError(`${op}: data.shape must start with the number of examples, got ${String(d.shape)}`);
  if (!(d.y instanceof Int32Array || d.y instanceof Float32Array))
    throw new ValueError(`${op}: data.y must be an Int32Array or a Float32Array, got ${describe(d.y)}`);
  if (d.x.length !== sizeOf(d.shape))
    throw new ValueError(
      `${op}: data.x has ${d.x.length} values, but data.shape [${d.shape}] needs ${sizeOf(d.shape)}`,
    );
  const labelShape = d.labelShape ?? [n];
  if (labelShape[0] !== n || d.y.length !== sizeOf(labelShape))
    throw new ValueError(
      `${op}: data.y (${d.y.length} values, labelShape [${labelShape}]) does not match ${n} examples`,
    );
  return n;
}

/** Reads any `TrainingData` into batches; `what` names it in errors ("data", "validation"). */
export function toBatches(op: string, what: string, data: TrainingData, options: BatchingOptions): Batches {
  if (data === null || typeof data !== "object")
    throw new ValueError(
      `${op}: ${what} must be a data set ({ x, y, shape, labelShape }), tensors ({ x, y }) or a batch source (a DataLoader), got ${describe(data)}`,
    );
  const { batchSize, shuffle, seed } = options;
  if (isBatchSource(data)) {
    return {
      numBatches: data.numBatches,
      numExamples: data.numExamples,
      batches: (epoch) => data.batches(epoch),
    };
  }
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new ValueError(`${op}: batchSize must be a positive integer, got ${String(batchSize)}`);
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new ValueError(`${op}: seed must be a non-negative integer below 2^53, got ${String(seed)}`);
  const count = (n: number) => (options.dropRemainder ? Math.floor(n / batchSize) : Math.ceil(n / batchSize));
  if (data.x instanceof Tensor) {
    const { x, y } = data as TensorData;
    if (!(y instanceof Tensor))
      throw new ValueError(`${op}: ${what}.y must be a Tensor when ${what}.x is one, got ${describe(y)}`);
    const n = x.shape[0];
    if (x.rank === 0 || y.rank === 0 || y.shape[0] !== n)
      throw new ValueError(
        `${op}: ${what}.x [${x.shape}] and ${what}.y [${y.shape}] must have the same number of examples on axis 0`,
      );
    return {
      numBatches: count(n),
      numExamples: n,
      *batches(epoch) {
        const order = epochOrder(n, seed, epoch, shuffle);
        for (let b = 0; b < count(n); b++) {
          const start = b * batchSize;
          const end = Math.min(start + batchSize, n);
          const idx = makeTensor(order.subarray(start, end), [end - start], "int32");
          const batch = { x: gather(x, idx, 0), y: gather(y, idx, 0), size: end - start };
          idx.dispose();
          yield batch;
        }
      },
    };
  }
  if (isTypedFloat(data.x)) {
    const host = data as HostData;
    const n = checkHost(op, host);
    const features = n === 0 ? 0 : host.x.length / n;
    const labels = n === 0 ? 0 : host.y.length / n;
    const labelShape = host.labelShape ?? [n];
    const labelDType = host.y instanceof Int32Array ? "int32" : "float32";
    return {
      numBatches: count(n),
      numExamples: n,
      *batches(epoch) {
        const order = epochOrder(n, seed, epoch, shuffle);
        // makeTensor copies, so one pair of host buffers serves every batch of the epoch.
        const xs = new Float32Array(batchSize * features);
        const ys =
          host.y instanceof Int32Array
            ? new Int32Array(batchSize * labels)
            : new Float32Array(batchSize * labels);
        for (let b = 0; b < count(n); b++) {
          const start = b * batchSize;
          const end = Math.min(start + batchSize, n);
          const size = end - start;
          gatherRows(host.x, features, order, start, end, xs);
          if (host.y instanceof Int32Array) gatherRows(host.y, labels, order, start, end, ys as Int32Array);
          else gatherRows(host.y, labels, order, start, end, ys as Float32Array);
          yield {
            x: makeTensor(xs.subarray(0, size * features), [size, ...host.shape.slice(1)], "float32"),
            y: makeTensor(ys.subarray(0, size * labels), [size, ...labelShape.slice(1)], labelDType),
            size,
          };
        }
      },
    };
  }
  throw new ValueError(
    `${op}: ${what} must be a data set ({ x: Float32Array, y, shape, labelShape }), tensors ({ x, y }) or a batch source (a DataLoader), got an object with keys ${Object.keys(data).join(", ")}`,
  );
}

/** Releases a batch once the loop is done with it. */
export function releaseBatch(batch: SourceBatch): void {
  if (typeof batch.dispose === "function") batch.dispose();
  else {
    batch.x.dispose();
    batch.y.dispose();
  }
}

export function batchSizeOf(batch: SourceBatch): number {
  return batch.size ?? batch.x.shape[0];
}
