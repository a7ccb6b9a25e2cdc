import {
  type BufferInfo,
  type Kernel,
  type ReducePrim,
  type TypedArray,
  sizeOf,
  stridesOf,
  typedArrayFor,
} from "@axon/core";
import { flush } from "./math.ts";
import { stridedOffsets } from "./strided.ts";
import type { HostKernels } from "./types.ts";

const f32 = Math.fround;

/**
 * Folds the reduced elements of one output, in row-major order over the reduced axes (the GPU's
 * order): float sums compensated in float32 arithmetic exactly as the shader does (Kahan), max/min
 * returning NaN as soon as they see one, int32 sums wrapping.
 */
function fold(
  prim: ReducePrim,
  isFloat: boolean,
): (v: TypedArray, base: number, offsets: Int32Array) => number {
  if (prim === "sum") {
    if (!isFloat)
      return (v, base, offsets) => {
        let acc = 0;
        for (let j = 0; j < offsets.length; j++) acc = (acc + v[base + offsets[j]]) | 0;
        return acc;
      };
    return (v, base, offsets) => {
      let acc = 0;
      let comp = 0;
      for (let j = 0; j < offsets.length; j++) {
        const y = flush(f32(flush(v[base + offsets[j]]) - comp));
        const t = flush(f32(acc + y));
        // once the sum is infinite, the compensation (inf − inf) would turn it into NaN
        comp =
          t === Number.POSITIVE_INFINITY || t === Number.NEGATIVE_INFINITY
            ? 0
            : flush(f32(flush(f32(t - acc)) - y));
        acc = t;
      }
      return acc;
    };
  }
  const sign = prim === "max" ? 1 : -1;
  const read = isFloat ? flush : (x: number) => x;
  const init = isFloat ? -sign * Number.POSITIVE_INFINITY : prim === "max" ? -2147483648 : 2147483647;
  return (v, base, offsets) => {
    let acc = init;
    for (let j = 0; j < offsets.length; j++) {
      const x = v[base + offsets[j]];
      if (Number.isNaN(x)) return x;
      if (sign * read(x) > sign * read(acc)) acc = x;
    }
    return acc;
  };
}

function reduceKernel(prim: ReducePrim): Kernel<ReducePrim, TypedArray> {
  return ([x], { axes }, out) => {
    const strides = stridesOf(x.shape);
    const kept = x.shape.map((_, d) => d).filter((d) => !axes.includes(d));
    const bases = stridedOffsets(
      kept.map((d) => x.shape[d]),
      kept.map((d) => strides[d]),
    );
    const offsets = stridedOffsets(
      axes.map((d) => x.shape[d]),
      axes.map((d) => strides[d]),
    );
    const f = fold(prim, x.dtype === "float32");
    const result = typedArrayFor(out.dtype, sizeOf(out.shape));
    for (let i = 0; i < result.length; i++) result[i] = f(x.buffer, bases[i], offsets);
    return result;
  };
}

/** argmax/argmin along one axis: the first NaN wins, then the first extreme. */
function argKernel(prim: "argmax" | "argmin"): Kernel<"argmax" | "argmin", TypedArray> {
  const sign = prim === "argmax" ? 1 : -1;
  return ([x]: readonly BufferInfo<TypedArray>[], { axis }, out) => {
    const n = x.shape[axis];
    const inner = sizeOf(x.shape.slice(axis + 1));
    const read = x.dtype === "float32" ? flush : (v: number) => v;
    const v = x.buffer;
    const result = typedArrayFor("int32", sizeOf(out.shape));
    for (let idx = 0; idx < result.length; idx++) {
      const o = Math.floor(idx / inner);
      const base = o * n * inner + (idx - o * inner);
      let best = read(v[base]);
      let arg = 0;
      if (!Number.isNaN(best)) {
        for (let j = 1; j < n; j++) {
          const e = read(v[base + j * inner]);
          if (Number.isNaN(e)) {
            arg = j;
            break;
          }
          if (sign * e > sign * best) {
            best = e;
            arg = j;
          }
        }
      }
      result[idx] = arg;
    }
    return result;
  };
}

/** Host kernels of the reductions. */
export const reduceHostKernels: HostKernels<ReducePrim | "argmax" | "argmin"> = {
  sum: reduceKernel("sum"),
  max: reduceKernel("max"),
  min: reduceKernel("min"),
  argmax: argKernel("argmax"),
  argmin: argKernel("argmin"),
};
