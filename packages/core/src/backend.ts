import type { DType, TypedArray } from "./dtype.ts";
import type { PrimAttrs, PrimName } from "./primitives/index.ts";
import type { Shape } from "./shape.ts";

/** A buffer handed to a kernel, with the shape and dtype it holds. */
export interface BufferInfo<B = unknown> {
  readonly buffer: B;
  readonly shape: Shape;
  readonly dtype: DType;
}

/** What a kernel must produce (already inferred and validated by core). */
export interface OutputSpec {
  readonly shape: Shape;
  readonly dtype: DType;
}

/** A backend's implementation of one primitive. */
export type Kernel<P extends PrimName, B = unknown> = (
  inputs: readonly BufferInfo<B>[],
  attrs: PrimAttrs[P],
  out: OutputSpec,
) => B;

/** One kernel per primitive: the type refuses a backend that forgets one. */
export type KernelTable<B = unknown> = { readonly [P in PrimName]: Kernel<P, B> };

/**
 * The backend contract. A backend owns buffers (opaque to core) and runs primitives on them.
 * Inputs arrive validated, on this backend, with dtypes that the primitive accepts.
 * A kernel may return one of its input buffers unchanged (reshape does): the engine then shares
 * the buffer between the two tensors and frees it when both are gone.
 */
export interface Backend<B = unknown> {
  readonly name: string;
  /** Dtypes this backend stores and computes; float64 is optional. */
  readonly dtypes: readonly DType[];
  /** Copies `values` into a new buffer of `dtype` (bool as 0/1 in a Uint8Array). */
  write(values: TypedArray, dtype: DType): B;
  /** Reads a buffer into a new typed array of the dtype's kind. */
  readSync(buffer: B, dtype: DType, size: number): TypedArray;
  read(buffer: B, dtype: DType, size: number): Promise<TypedArray>;
  /** Releases a buffer; called exactly once per buffer by the engine. */
  free(buffer: B): void;
  /** Runs one primitive. */
  run<P extends PrimName>(prim: P, inputs: readonly BufferInfo<B>[], attrs: PrimAttrs[P], out: OutputSpec): B;
  /** Facts worth printing (renderer, limits, thread count). */
  info?(): Record<string, unknown>;
  /** Releases everything the backend holds (tests, shutdown). */
  dispose?(): void;
}

/** A backend built from a kernel table: `run` looks the primitive up. */
export function runFromTable<B>(table: KernelTable<B>) {
  return <P extends PrimName>(
    prim: P,
    inputs: readonly BufferInfo<B>[],
    attrs: PrimAttrs[P],
    out: OutputSpec,
  ): B => (table[prim] as Kernel<P, B>)(inputs, attrs, out);
}
