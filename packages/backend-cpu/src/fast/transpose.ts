import { type DType, type Shape, sizeOf, stridesOf } from "@axon/core";
import { collapseDims } from "../kernels/util.ts";
import type { CpuBuffer } from "../wasm/heap.ts";
import { elementBytes } from "../wasm/lanes.ts";
import { odometerTable } from "../wasm/odometer.ts";
import { splitRange } from "../wasm/runtime.ts";
import type { WasmRuntime } from "../wasm/runtime.ts";

/** Rows of a split that the transpose kernel's cache blocks never straddle. */
const BLOCK = 64;

/**
 * A transpose whose output's contiguous axis is not the input's: `strides` are the input's element
 * strides along each output axis. After merging axes that stay together, the output's last axis j
 * and the axis i that is contiguous in the input form the tiled matrix; the other axes are looped
 * over. Large ones are split between threads by outer positions or, with few of them, by blocks of
 * i. Returns null when the last axis stays contiguous (a copy of rows: the elementwise grid does it).
 */
export function transposeTiled(
  rt: WasmRuntime,
  x: CpuBuffer,
  dtype: DType,
  strides: readonly number[],
  outShape: Shape,
): CpuBuffer | null {
  const size = sizeOf(outShape);
  const c = collapseDims(outShape, [strides, stridesOf(outShape)]);
  if (c === null) return rt.newBuffer(dtype, size);
  const { dims } = c;
  const [inS, outS] = c.strides;
  const r = dims.length;
  const a = r - 1;
  const b = inS.indexOf(1);
  if (r < 2 || inS[a] === 1 || b < 0) return null;
  const bytes = elementBytes(dtype) as 1 | 4 | 8;
  const outer = dims.map((_, k) => k).filter((k) => k !== a && k !== b);
  const outerDims = outer.map((k) => dims[k]);
  const count = outerDims.reduce((p, q) => p * q, 1);
  const kernel = rt.transpose(bytes);
  x.toHeap();
  const res = rt.newBuffer(dtype, size);
  const parts = rt.parts("elementwise", size);
  const jobs: [number, number, number, number][] =
    count >= parts
      ? splitRange(count, parts, 1).map(([o0, o1]) => [o0, o1, 0, dims[b]])
      : splitRange(dims[b], parts, BLOCK).map(([b0, b1]) => [0, count, b0, b1]);
  const rank = outer.length;
  const words = odometerTable(outerDims, [
    outer.map((k) => inS[k] * bytes),
    outer.map((k) => outS[k] * bytes),
  ]);
  const table = rank > 0 ? rt.heap.alloc(4 * (words.length + rank * jobs.length)) : 0;
  try {
    if (rank > 0) rt.heap.i32(table, words.length).set(words);
    rt.parallel(
      kernel,
      jobs.map(([o0, o1, b0, b1], p) => [
        x.ptr,
        res.ptr,
        dims[a],
        inS[a] * bytes,
        outS[b] * bytes,
        rank,
        table,
        table + 4 * (words.length + rank * p),
        o0,
        o1,
        b0,
        b1,
      ]),
    );
  } finally {
    if (rank > 0) rt.heap.free(table);
  }
  return res;
}
