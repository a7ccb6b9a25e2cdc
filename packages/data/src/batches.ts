import { type Tensor, ValueError, makeTensor } from "@axon/core";
import { type Dataset, gatherRows, rowSizes, sizeOfDataset } from "./dataset.ts";
import { derivedKey, shuffledIndices } from "./shuffle.ts";

export interface BatchOptions {
  readonly batchSize: number;
  /** Shuffle the examples each epoch (default true); false keeps the data set's order. */
  readonly shuffle?: boolean;
  /** The order of epoch e depends only on (seed, e). Default 0. */
  readonly seed?: number;
  /** Leave out the last batch when it is smaller than `batchSize` (default false: keep it). */
  readonly dropRemainder?: boolean;
}

/** One mini-batch as host arrays (fresh arrays, yours to keep). */
export interface HostBatch {
  readonly x: Float32Array;
  readonly y: Int32Array | Float32Array;
  /** `[size, ...featureShape]` */
  readonly shape: readonly number[];
  /** `[size, ...]` */
  readonly labelShape: readonly number[];
  /** Which examples of the data set, in batch order. */
  readonly indices: Int32Array;
  readonly size: number;
  /** Position of the batch in its epoch, from 0. */
  readonly index: number;
  readonly epoch: number;
}

/** One mini-batch as tensors on the active backend: `x` float32, `y` int32 class indices or float32. */
export interface Batch extends Disposable {
  readonly x: Tensor;
  readonly y: Tensor;
  readonly indices: Int32Array;
  readonly size: number;
  readonly index: number;
  readonly epoch: number;
  /** Releases `x` and `y`. */
  dispose(): void;
}

function checkBatchOptions(op: string, options: BatchOptions): void {
  if (typeof options !== "object" || options === null)
    throw new ValueError(`${op}: options must be an object with a batchSize, got ${String(options)}`);
  const { batchSize, seed } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new ValueError(`${op}: batchSize must be a positive integer, got ${batchSize}`);
  if (seed !== undefined && (!Number.isSafeInteger(seed) || seed < 0))
    throw new ValueError(`${op}: seed must be a non-negative integer below 2^53, got ${seed}`);
}

function checkEpoch(op: string, epoch: number): void {
  if (!Number.isInteger(epoch) || epoch < 0 || epoch > 0xffffffff)
    throw new ValueError(`${op}: epoch must be a non-negative integer below 2^32, got ${epoch}`);
}

/** How many batches an epoch of `n` examples has. */
export function numBatches(n: number, batchSize: number, dropRemainder = false): number {
  return dropRemainder ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
}

/**
 * Splits a data set into mini-batches, a new order each epoch. Each batch gathers its rows from the
 * data set's arrays, so an epoch never copies the whole set.
 *
 * ```ts
 * const loader = new DataLoader(train, { batchSize: 128, seed: 1 });
 * for (const batch of loader.batches(epoch)) { ...; batch.dispose(); }
 * ```
 */
export class DataLoader {
  readonly data: Dataset;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly dropRemainder: boolean;

  constructor(data: Dataset, options: BatchOptions) {
    checkBatchOptions("DataLoader", options);
    this.data = data;
    this.batchSize = options.batchSize;
    this.shuffle = options.shuffle ?? true;
    this.seed = options.seed ?? 0;
    this.dropRemainder = options.dropRemainder ?? false;
  }

  get numExamples(): number {
    return sizeOfDataset(this.data);
  }

  /** Batches per epoch. */
  get numBatches(): number {
    return numBatches(this.numExamples, this.batchSize, this.dropRemainder);
  }

  /** The order in which epoch `epoch` visits the examples. */
  order(epoch = 0): Int32Array {
    checkEpoch("DataLoader.order", epoch);
    const n = this.numExamples;
    if (!this.shuffle) return Int32Array.from({ length: n }, (_, i) => i);
    return shuffledIndices(n, derivedKey(this.seed, epoch, 0, "DataLoader"));
  }

  /** The batches of one epoch as host arrays. */
  *hostBatches(epoch = 0): Generator<HostBatch> {
    const order = this.order(epoch);
    const { features, labels } = rowSizes(this.data);
    const { x, y } = this.data;
    for (let b = 0; b < this.numBatches; b++) {
      const start = b * this.batchSize;
      const end = Math.min(start + this.batchSize, order.length);
      const size = end - start;
      yield {
        x: gatherRows(x, features, order, start, end, new Float32Array(size * features)),
        y:
          y instanceof Int32Array
            ? gatherRows(y, labels, order, start, end, new Int32Array(size * labels))
            : gatherRows(y, labels, order, start, end, new Float32Array(size * labels)),
        shape: [size, ...this.data.shape.slice(1)],
        labelShape: [size, ...this.data.labelShape.slice(1)],
        indices: order.slice(start, end),
        size,
        index: b,
        epoch,
      };
    }
  }

  /** The batches of one epoch as tensors (dispose each batch when done, or let a scope do it). */
  *batches(epoch = 0): Generator<Batch> {
    const order = this.order(epoch);
    const { features, labels } = rowSizes(this.data);
    const { x, y } = this.data;
    const labelDType = y instanceof Int32Array ? "int32" : "float32";
    // makeTensor copies its values, so one pair of host buffers serves every batch.
    const xs = new Float32Array(this.batchSize * features);
    const ys =
      y instanceof Int32Array
        ? new Int32Array(this.batchSize * labels)
        : new Float32Array(this.batchSize * labels);
    for (let b = 0; b < this.numBatches; b++) {
      const start = b * this.batchSize;
      const end = Math.min(start + this.batchSize, order.length);
      const size = end - start;
      gatherRows(x, features, order, start, end, xs);
      if (y instanceof Int32Array) gatherRows(y, labels, order, start, end, ys as Int32Array);
      else gatherRows(y, labels, order, start, end, ys as Float32Array);
      const xt = makeTensor(xs.subarray(0, size * features), [size, ...this.data.shape.slice(1)], "float32");
      const yt = makeTensor(
        ys.subarray(0, size * labels),
        [size, ...this.data.labelShape.slice(1)],
        labelDType,
      );
      const dispose = () => {
        xt.dispose();
        yt.dispose();
      };
      yield {
        x: xt,
        y: yt,
        indices: order.slice(start, end),
        size,
        index: b,
        epoch,
        dispose,
        [Symbol.dispose]: dispose,
      };
    }
  }

  /** `count` epochs from `start`: each gives its number and its batches as tensors. */
  *epochs(count: number, start = 0): Generator<{ epoch: number; batches: Generator<Batch> }> {
    checkEpoch("DataLoader.epochs", start);
    if (!Number.isInteger(count) || count < 0)
      throw new ValueError(`DataLoader.epochs: count must be a non-negative integer, got ${count}`);
    for (let e = start; e < start + count; e++) yield { epoch: e, batches: this.batches(e) };
  }
}

/** The tensor batches of one epoch: `new DataLoader(data, options).batches(options.epoch)`. */
export function batches(
  data: Dataset,
  options: BatchOptions & { readonly epoch?: number },
): Generator<Batch> {
  return new DataLoader(data, options).batches(options.epoch ?? 0);
}
