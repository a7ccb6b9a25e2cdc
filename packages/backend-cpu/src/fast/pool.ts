import { type Pool2DAttrs, type Shape, sizeOf } from "@axon/core";
import type { CpuBuffer } from "../wasm/heap.ts";
import type { PoolingDescription } from "../wasm/pooling.ts";
import { type WasmRuntime, splitRange } from "../wasm/runtime.ts";
import { castTo } from "./cast.ts";
import { runElementwise } from "./grid.ts";
import type { FastKernel } from "./types.ts";

type PoolDType = PoolingDescription["dtype"];

/** h, w, c, oh, ow, fh, fw, sh, sw, top, left: the geometry arguments of the pooling kernels. */
function geometry(x: Shape, y: Shape, attrs: Pool2DAttrs): number[] {
  const [, h, w, c] = x;
  const [, oh, ow] = y;
  return [h, w, c, oh, ow, ...attrs.filterSize, ...attrs.strides, attrs.padding[0][0], attrs.padding[1][0]];
}

/** Output rows (image · oh + row) split between threads, only ever at multiples of `align`. */
function rowRanges(rt: WasmRuntime, y: Shape, attrs: Pool2DAttrs, align: number): [number, number][] {
  const [n, oh] = y;
  const work = sizeOf(y) * attrs.filterSize[0] * attrs.filterSize[1];
  return splitRange(n * oh, rt.parts("pool", work), align);
}

function poolDType(dtype: string, int: boolean): PoolDType | null {
  return dtype === "float32" || dtype === "float64" || (int && dtype === "int32") ? dtype : null;
}

/** Max or mean over each window, every output pixel on its own: any split of the rows. */
function forward<P extends "maxPool" | "avgPool">(kind: "max" | "avg"): FastKernel<P> {
  return (rt, [x], attrs, out) => {
    const dtype = poolDType(out.dtype, kind === "max");
    if (!dtype) return null;
    const res = rt.newBuffer(dtype, sizeOf(out.shape));
    if (res.length === 0) return res;
    x.buffer.toHeap();
    const k = rt.pooling({ kind, dtype });
    const geo = geometry(x.shape, out.shape, attrs);
    rt.parallel(
      k,
      rowRanges(rt, out.shape, attrs, 1).map(([r0, r1]) => [x.buffer.ptr, res.ptr, ...geo, r0, r1]),
    );
    return res;
  };
}

/**
 * A backward pooling: gradients added into a zeroed array in output order, as the JavaScript
 * kernels do. float64 adds into the output; float32 adds into the output when windows do not
 * overlap (one contribution per element) and otherwise into a float64 array rounded once at the
 * end. Threads take whole images, or any rows when windows do not overlap vertically (then no two
 * output rows touch the same input row).
 */
function backward(
  rt: WasmRuntime,
  kind: "maxBackward" | "avgBackward",
  dtype: "float32" | "float64",
  inputs: readonly CpuBuffer[],
  xShape: Shape,
  dyShape: Shape,
  attrs: Pool2DAttrs,
): CpuBuffer {
  const size = sizeOf(xShape);
  const [fh, fw] = attrs.filterSize;
  const [sh, sw] = attrs.strides;
  const overlap = sh < fh || sw < fw;
  const accumulate = dtype === "float32" && overlap ? "float64" : "direct";
  const acc = rt.newBuffer(accumulate === "float64" ? "float64" : dtype, size);
  if (size === 0) return acc;
  acc.data.fill(0);
  for (const b of inputs) b.toHeap();
  const k = rt.pooling({ kind, dtype, accumulate });
  const geo = geometry(xShape, dyShape, attrs);
  const ptrs = [...inputs.map((b) => b.ptr), acc.ptr];
  rt.parallel(
    k,
    rowRanges(rt, dyShape, attrs, sh >= fh ? 1 : dyShape[1]).map(([r0, r1]) => [...ptrs, ...geo, r0, r1]),
  );
  if (accumulate === "direct") return acc;
  try {
    return runElementwise(
      rt,
      castTo("float32"),
      [{ buffer: acc, dtype: "float64", strides: [1] }],
      [size],
      "float32",
    )!;
  } finally {
    acc.release();
  }
}

function floatDType(dtype: string): "float32" | "float64" | null {
  return dtype === "float32" || dtype === "float64" ? dtype : null;
}

export const maxPool = forward<"maxPool">("max");
export const avgPool = forward<"avgPool">("avg");

export const maxPoolBackward: FastKernel<"maxPoolBackward"> = (rt, [dy, x], attrs, out) => {
  const dtype = floatDType(out.dtype);
  return dtype && backward(rt, "maxBackward", dtype, [dy.buffer, x.buffer], x.shape, dy.shape, attrs);
};

export const avgPoolBackward: FastKernel<"avgPoolBackward"> = (rt, [dy], attrs, out) => {
  const dtype = floatDType(out.dtype);
  return dtype && backward(rt, "avgBackward", dtype, [dy.buffer], attrs.inputShape, dy.shape, attrs);
};
