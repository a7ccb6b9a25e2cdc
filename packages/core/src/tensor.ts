import type { DType, TypedArray, TypedArrayFor } from "./dtype.ts";
import { type Storage, disposeTensor } from "./engine.ts";
import { DisposedError, fmtShape } from "./errors.ts";
import { formatTensor } from "./format.ts";
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
    if (this.#storage === null) throw new DisposedError(`${op}: the tensor of shape ${fmtShape(this.shape)} was disposed`);
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
