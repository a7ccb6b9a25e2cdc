import type { DType, TypedArray, TypedArrayFor } from "./dtype.ts";
import { type Storage, disposeTensor } from "./engine.ts";
import { DisposedError, fmtShape } from "./errors.ts";
import { formatTensor } from "./format.ts";
import type { Conv2DOptions } from "./ops/conv.ts";
import * as ops from "./ops/index.ts";
import type { Indices } from "./ops/movement.ts";
import type { Pool2DOptions } from "./ops/pool.ts";
import type { BernoulliOptions } from "./ops/random.ts";
import type { Axis } from "./ops/reduce.ts";
import type { TensorLike } from "./ops/util.ts";
import type { Shape } from "./shape.ts";

/** Nested JS arrays as returned by `array()`: numbers, or booleans for bool tensors. */
export type NestedArray = number | boolean | NestedArray[];

let nextId = 0;

/**
 * An immutable n-dimensional array on a backend. Create tensors with `tensor`, `zeros`, … and
 * combine them with ops; each op that takes a tensor first is also a method (`x.add(y)`).
 */
export class Tensor {
  readonly id = nextId++;
  readonly size: number;
  /** Exempt from tidy (set by `keep`). */
  kept = false;
  #storage: Storage | null;

  constructor(
    readonly shape: Shape,
    readonly dtype: DType,
    storage: Storage,
  ) {
    this.size = shape.reduce((a, b) => a * b, 1);
    this.#storage = storage;
    Object.freeze(shape);
  }

  get rank(): number {
    return this.shape.length;
  }

  /** Name of the backend that holds the data. */
  get backend(): string {
    return this.storageOrThrow("backend").backend.name;
  }

  get isDisposed(): boolean {
    return this.#storage === null;
  }

  /** The storage behind this tensor (for backends, tools and tests). */
  storageOrThrow(op: string): Storage {
    if (this.#storage === null)
      throw new DisposedError(`${op}: the tensor of shape ${fmtShape(this.shape)} was disposed`);
    return this.#storage;
  }

  /** A copy of the elements in row-major order (bool as 0/1 in a Uint8Array). */
  dataSync<D extends DType = DType>(): TypedArrayFor[D] {
    const s = this.storageOrThrow("dataSync");
    return s.backend.readSync(s.buffer, this.dtype, this.size) as TypedArrayFor[D];
  }

  /** Like `dataSync`, without blocking backends that read asynchronously (WebGL). */
  async data<D extends DType = DType>(): Promise<TypedArrayFor[D]> {
    const s = this.storageOrThrow("data");
    return (await s.backend.read(s.buffer, this.dtype, this.size)) as TypedArrayFor[D];
  }

  /** The elements as nested JS arrays (a number or boolean for a scalar). */
  array(): NestedArray {
    return toNested(this.dataSync(), this.shape, this.dtype);
  }

  async arrayAsync(): Promise<NestedArray> {
    return toNested(await this.data(), this.shape, this.dtype);
  }

  /** NumPy-like text; large tensors are abbreviated with `...`. */
  toString(): string {
    if (this.isDisposed) return `Tensor(disposed, shape=${fmtShape(this.shape)}, dtype=${this.dtype})`;
    return formatTensor(this.dataSync(), this.shape, this.dtype);
  }

  print(): void {
    console.log(this.toString());
  }

  /** Releases the data now instead of waiting for garbage collection. Safe to call twice. */
  dispose(): void {
    const s = this.#storage;
    if (s === null) return;
    this.#storage = null;
    disposeTensor(this, s);
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  // ------------------------------------------------------------ chainable ops: `x.op(...)` is `op(x, ...)`

  neg(): Tensor {
    return ops.neg(this);
  }
  abs(): Tensor {
    return ops.abs(this);
  }
  sign(): Tensor {
    return ops.sign(this);
  }
  exp(): Tensor {
    return ops.exp(this);
  }
  log(): Tensor {
    return ops.log(this);
  }
  log1p(): Tensor {
    return ops.log1p(this);
  }
  expm1(): Tensor {
    return ops.expm1(this);
  }
  sqrt(): Tensor {
    return ops.sqrt(this);
  }
  rsqrt(): Tensor {
    return ops.rsqrt(this);
  }
  reciprocal(): Tensor {
    return ops.reciprocal(this);
  }
  sin(): Tensor {
    return ops.sin(this);
  }
  cos(): Tensor {
    return ops.cos(this);
  }
  tanh(): Tensor {
    return ops.tanh(this);
  }
  sigmoid(): Tensor {
    return ops.sigmoid(this);
  }
  erf(): Tensor {
    return ops.erf(this);
  }
  floor(): Tensor {
    return ops.floor(this);
  }
  ceil(): Tensor {
    return ops.ceil(this);
  }
  round(): Tensor {
    return ops.round(this);
  }
  square(): Tensor {
    return ops.square(this);
  }

  add(y: TensorLike): Tensor {
    return ops.add(this, y);
  }
  sub(y: TensorLike): Tensor {
    return ops.sub(this, y);
  }
  mul(y: TensorLike): Tensor {
    return ops.mul(this, y);
  }
  div(y: TensorLike): Tensor {
    return ops.div(this, y);
  }
  pow(y: TensorLike): Tensor {
    return ops.pow(this, y);
  }
  maximum(y: TensorLike): Tensor {
    return ops.maximum(this, y);
  }
  minimum(y: TensorLike): Tensor {
    return ops.minimum(this, y);
  }
  mod(y: TensorLike): Tensor {
    return ops.mod(this, y);
  }
  floorDiv(y: TensorLike): Tensor {
    return ops.floorDiv(this, y);
  }
  clip(lo: TensorLike, hi: TensorLike): Tensor {
    return ops.clip(this, lo, hi);
  }

  equal(y: TensorLike): Tensor {
    return ops.equal(this, y);
  }
  notEqual(y: TensorLike): Tensor {
    return ops.notEqual(this, y);
  }
  less(y: TensorLike): Tensor {
    return ops.less(this, y);
  }
  lessEqual(y: TensorLike): Tensor {
    return ops.lessEqual(this, y);
  }
  greater(y: TensorLike): Tensor {
    return ops.greater(this, y);
  }
  greaterEqual(y: TensorLike): Tensor {
    return ops.greaterEqual(this, y);
  }
  logicalAnd(y: TensorLike): Tensor {
    return ops.logicalAnd(this, y);
  }
  logicalOr(y: TensorLike): Tensor {
    return ops.logicalOr(this, y);
  }
  logicalXor(y: TensorLike): Tensor {
    return ops.logicalXor(this, y);
  }
  logicalNot(): Tensor {
    return ops.logicalNot(this);
  }
  /** On a bool condition: `a` where true, else `b`. */
  where(a: TensorLike, b: TensorLike): Tensor {
    return ops.where(this, a, b);
  }
  cast(dtype: DType): Tensor {
    return ops.cast(this, dtype);
  }
  isNaN(): Tensor {
    return ops.isNaN(this);
  }
  isFinite(): Tensor {
    return ops.isFinite(this);
  }
  isInf(): Tensor {
    return ops.isInf(this);
  }

  sum(axis?: Axis, keepDims?: boolean): Tensor {
    return ops.sum(this, axis, keepDims);
  }
  mean(axis?: Axis, keepDims?: boolean): Tensor {
    return ops.mean(this, axis, keepDims);
  }
  max(axis?: Axis, keepDims?: boolean): Tensor {
    return ops.max(this, axis, keepDims);
  }
  min(axis?: Axis, keepDims?: boolean): Tensor {
    return ops.min(this, axis, keepDims);
  }
  any(axis?: Axis, keepDims?: boolean): Tensor {
    return ops.any(this, axis, keepDims);
  }
  all(axis?: Axis, keepDims?: boolean): Tensor {
    return ops.all(this, axis, keepDims);
  }
  argmax(axis?: number, keepDims?: boolean): Tensor {
    return ops.argmax(this, axis, keepDims);
  }
  argmin(axis?: number, keepDims?: boolean): Tensor {
    return ops.argmin(this, axis, keepDims);
  }
  logSumExp(axis?: Axis, keepDims?: boolean): Tensor {
    return ops.logSumExp(this, axis, keepDims);
  }
  moments(axes?: Axis, keepDims?: boolean): { mean: Tensor; variance: Tensor } {
    return ops.moments(this, axes, keepDims);
  }

  reshape(shape: readonly number[]): Tensor {
    return ops.reshape(this, shape);
  }
  flatten(): Tensor {
    return ops.flatten(this);
  }
  expandDims(axis?: number): Tensor {
    return ops.expandDims(this, axis);
  }
  squeeze(axis?: number | readonly number[]): Tensor {
    return ops.squeeze(this, axis);
  }
  transpose(perm?: readonly number[]): Tensor {
    return ops.transpose(this, perm);
  }
  broadcastTo(shape: readonly number[]): Tensor {
    return ops.broadcastTo(this, shape);
  }
  slice(begin: number | readonly number[], size?: number | readonly number[]): Tensor {
    return ops.slice(this, begin, size);
  }
  pad(paddings: readonly (readonly [number, number])[], constantValue?: number): Tensor {
    return ops.pad(this, paddings, constantValue);
  }
  split(numOrSizes: number | readonly number[], axis?: number): Tensor[] {
    return ops.split(this, numOrSizes, axis);
  }
  unstack(axis?: number): Tensor[] {
    return ops.unstack(this, axis);
  }
  gather(indices: Indices, axis?: number): Tensor {
    return ops.gather(this, indices, axis);
  }
  scatterAdd(indices: Indices, updates: Tensor, axis?: number): Tensor {
    return ops.scatterAdd(this, indices, updates, axis);
  }
  /** On int32 indices: one-hot rows of length `depth`. */
  oneHot(depth: number, onValue?: TensorLike, offValue?: TensorLike, dtype?: DType): Tensor {
    return ops.oneHot(this, depth, onValue, offValue, dtype);
  }
  tile(reps: readonly number[]): Tensor {
    return ops.tile(this, reps);
  }
  reverse(axis?: number | readonly number[]): Tensor {
    return ops.reverse(this, axis);
  }

  matmul(b: Tensor, transposeA?: boolean, transposeB?: boolean): Tensor {
    return ops.matmul(this, b, transposeA, transposeB);
  }
  dot(b: Tensor): Tensor {
    return ops.dot(this, b);
  }
  conv2d(filter: Tensor, options?: Conv2DOptions): Tensor {
    return ops.conv2d(this, filter, options);
  }
  conv2dBackpropInput(filter: Tensor, inputShape: readonly number[], options?: Conv2DOptions): Tensor {
    return ops.conv2dBackpropInput(this, filter, inputShape, options);
  }
  conv2dBackpropFilter(dy: Tensor, filterShape: readonly number[], options?: Conv2DOptions): Tensor {
    return ops.conv2dBackpropFilter(this, dy, filterShape, options);
  }
  maxPool(options: Pool2DOptions): Tensor {
    return ops.maxPool(this, options);
  }
  avgPool(options: Pool2DOptions): Tensor {
    return ops.avgPool(this, options);
  }

  relu(): Tensor {
    return ops.relu(this);
  }
  relu6(): Tensor {
    return ops.relu6(this);
  }
  leakyRelu(alpha?: number): Tensor {
    return ops.leakyRelu(this, alpha);
  }
  elu(alpha?: number): Tensor {
    return ops.elu(this, alpha);
  }
  selu(): Tensor {
    return ops.selu(this);
  }
  softplus(): Tensor {
    return ops.softplus(this);
  }
  logSigmoid(): Tensor {
    return ops.logSigmoid(this);
  }
  swish(): Tensor {
    return ops.swish(this);
  }
  gelu(approximate?: boolean): Tensor {
    return ops.gelu(this, approximate);
  }
  softmax(axis?: number): Tensor {
    return ops.softmax(this, axis);
  }
  logSoftmax(axis?: number): Tensor {
    return ops.logSoftmax(this, axis);
  }

  zerosLike(dtype?: DType): Tensor {
    return ops.zerosLike(this, dtype);
  }
  onesLike(dtype?: DType): Tensor {
    return ops.onesLike(this, dtype);
  }
  fullLike(value: number | boolean, dtype?: DType): Tensor {
    return ops.fullLike(this, value, dtype);
  }
  /** On a float tensor of probabilities: a bool mask, true with each element's probability. */
  bernoulli(options?: BernoulliOptions): Tensor {
    return ops.bernoulli(this, options);
  }
}

function toNested(values: TypedArray, shape: Shape, dtype: DType): NestedArray {
  const conv = dtype === "bool" ? (v: number) => v !== 0 : (v: number) => v;
  if (shape.length === 0) return conv(values[0]);
  let offset = 0;
  const build = (axis: number): NestedArray[] => {
    const out: NestedArray[] = [];
    for (let i = 0; i < shape[axis]; i++) {
      if (axis === shape.length - 1) out.push(conv(values[offset++]));
      else out.push(build(axis + 1));
    }
    return out;
  };
  return build(0);
}
