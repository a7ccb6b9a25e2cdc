import { type DType, type Shape, sizeOf, stridesOf } from "@axon/core";
import { collapseDims } from "../kernels/util.ts";
import type { ElementwiseDescription, Expr } from "../wasm/elementwise.ts";
import type { CpuBuffer } from "../wasm/heap.ts";
import { elementBytes } from "../wasm/lanes.ts";
import { type WasmRuntime, splitRange } from "../wasm/runtime.ts";

/** An input of an elementwise kernel: its buffer and dtype, and its element stride along each output axis. */
export interface GridOperand {
  readonly buffer: CpuBuffer;
  readonly dtype: DType;
  /** Element strides per output axis: 0 where the operand is broadcast. */
  readonly strides: readonly number[];
}

type Kind = "contiguous" | "broadcast";

/** Descriptions per expression and layout, so that the runtime finds its compiled kernel by identity. */
const DESCRIPTIONS = new WeakMap<Expr, Map<string, ElementwiseDescription>>();

function description(expr: Expr, inputs: readonly Kind[], dtypes: readonly DType[]): ElementwiseDescription {
  let byLayout = DESCRIPTIONS.get(expr);
  if (!byLayout) DESCRIPTIONS.set(expr, (byLayout = new Map()));
  const key = `${inputs.join(",")}:${dtypes.join(",")}`;
  let d = byLayout.get(key);
  if (!d) byLayout.set(key, (d = { expr, inputs, dtypes }));
  return d;
}

/**
 * A new buffer of `outShape` and `outDType` holding expr(operands…) at every index, computed by the
 * generated grid kernel: the axes collapse to as few as possible, the last is the vector axis (each
 * operand contiguous or broadcast along it) and the others are rows, split between threads (or, when
 * there are few rows, blocks of 16 columns). Returns null for a layout the kernel does not take (an
 * operand strided along the last axis), after which the caller's JavaScript kernel runs.
 */
export function runElementwise(
  rt: WasmRuntime,
  expr: Expr,
  operands: readonly GridOperand[],
  outShape: Shape,
  outDType: DType,
): CpuBuffer | null {
  const size = sizeOf(outShape);
  const c = collapseDims(outShape, [...operands.map((o) => o.strides), stridesOf(outShape)]);
  if (c === null || size === 0) return rt.newBuffer(outDType, size);
  const { dims } = c;
  const rank = Math.max(0, dims.length - 1);
  const cols = dims.length > 0 ? dims[dims.length - 1] : 1;
  const kinds: Kind[] = [];
  for (let i = 0; i < operands.length; i++) {
    const s = dims.length > 0 ? c.strides[i][dims.length - 1] : 1;
    if (s !== 0 && s !== 1) return null;
    kinds.push(s === 1 ? "contiguous" : "broadcast");
  }
  const kernel = rt.elementwise(
    description(
      expr,
      kinds,
      operands.map((o) => o.dtype),
    ),
  );
  for (const o of operands) o.buffer.toHeap();
  const res = rt.newBuffer(outDType, size);
  const rows = size / cols;
  const parts = rt.parts("elementwise", size);
  let ranges: [number, number, number, number][];
  if (parts > 1 && (rows >= 4 * parts || (rows >= parts && cols < 16 * parts)))
    ranges = splitRange(rows, parts, 1).map(([r0, r1]) => [r0, r1, 0, cols]);
  else ranges = splitRange(cols, parts, 16).map(([c0, c1]) => [0, rows, c0, c1]);
  const ptrs = operands.map((o) => o.buffer.ptr);
  if (rank === 0) {
    rt.parallel(
      kernel,
      ranges.map(([r0, r1, c0, c1]) => [res.ptr, cols, 0, 0, 0, r0, r1, c0, c1, ...ptrs]),
    );
    return res;
  }
  // The table (outer sizes, then each operand's byte strides along them), then one odometer per job.
  const tableWords = rank * (1 + operands.length);
  const table = rt.heap.alloc(4 * (tableWords + rank * ranges.length));
  try {
    const t = rt.heap.i32(table, tableWords);
    for (let k = 0; k < rank; k++) {
      t[k] = dims[k];
      operands.forEach((o, i) => {
        t[rank * (i + 1) + k] = c.strides[i][k] * elementBytes(o.dtype);
      });
    }
    rt.parallel(
      kernel,
      ranges.map(([r0, r1, c0, c1], p) => [
        res.ptr,
        cols,
        rank,
        table,
        table + 4 * (tableWords + rank * p),
        r0,
        r1,
        c0,
        c1,
        ...ptrs,
      ]),
    );
  } finally {
    rt.heap.free(table);
  }
  return res;
}
