import {
  type Backend,
  type BufferInfo,
  type DType,
  type OutputSpec,
  type PrimAttrs,
  type PrimName,
  type TypedArray,
  runFromTable,
  typedArrayFor,
} from "@axon/core";
import { KERNELS } from "./kernels/index.ts";

const runKernel = runFromTable(KERNELS);

/** Every primitive on plain typed arrays in the calling thread. */
export class CpuBackend implements Backend<TypedArray> {
  readonly name = "cpu";
  readonly dtypes: readonly DType[] = ["float32", "float64", "int32", "bool"];
  /** Buffers handed out and not yet freed. */
  #live = 0;

  write(values: TypedArray, dtype: DType): TypedArray {
    const buffer = typedArrayFor(dtype, values.length);
    if (dtype === "bool") for (let i = 0; i < values.length; i++) buffer[i] = values[i] !== 0 ? 1 : 0;
    else buffer.set(values);
    this.#live++;
    return buffer;
  }

  readSync(buffer: TypedArray, dtype: DType, size: number): TypedArray {
    const out = typedArrayFor(dtype, size);
    out.set(buffer.length === size ? buffer : buffer.subarray(0, size));
    return out;
  }

  read(buffer: TypedArray, dtype: DType, size: number): Promise<TypedArray> {
    return Promise.resolve(this.readSync(buffer, dtype, size));
  }

  /** The garbage collector reclaims the array; only the count changes. */
  free(_buffer: TypedArray): void {
    this.#live--;
  }

  run<P extends PrimName>(
    prim: P,
    inputs: readonly BufferInfo<TypedArray>[],
    attrs: PrimAttrs[P],
    out: OutputSpec,
  ): TypedArray {
    const buffer = runKernel(prim, inputs, attrs, out);
    if (!inputs.some((x) => x.buffer === buffer)) this.#live++;
    return buffer;
  }

  info(): Record<string, unknown> {
    return { threads: 1, liveBuffers: this.#live };
  }

  dispose(): void {
    this.#live = 0;
  }
}
