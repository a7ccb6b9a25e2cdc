import type { DType } from "@axon/core";
import { ModuleBuilder } from "./emitter.ts";
import { type Expr, exprDType, exprDTypes } from "./expr.ts";
import { Odometer } from "./odometer.ts";
import {
  type Value,
  elementBytes,
  emitValue,
  loadBlock,
  loadSplat,
  storeBlock,
  storeFirst,
} from "./lanes.ts";

export type { BinaryFn, CompareFn, Expr, UnaryFn } from "./expr.ts";

/**
 * A fused elementwise kernel: out[row, j] = expr(in_0[row, j], …) over a grid of rows × cols, where
 * the rows are the flattened outer axes of the output (each input reads them with its own byte
 * strides: any broadcasting, any permutation of outer axes) and each input is, along a row, either
 * contiguous or one value broadcast along it. The output is contiguous. This is the form the graph
 * compiler lowers fused elementwise chains to.
 */
export interface ElementwiseDescription {
  readonly expr: Expr;
  /** Per input: "contiguous" (stride 1 along a row) or "broadcast" (one value per row). */
  readonly inputs: readonly ("contiguous" | "broadcast")[];
  /** Per input (default float32 for every input). */
  readonly dtypes?: readonly DType[];
}

/**
 * The generated `grid` export:
 *
 *   grid(out, cols, rank, table, scratch, r0, r1, c0, c1, in_0, in_1, …)
 *
 * computes rows [r0, r1) and, within each, columns [c0, c1). `rank` outer axes are described by the
 * i32 table at `table`: their sizes, then per input its byte stride along each of them (rows are
 * their row-major flattening); `scratch` holds `rank` i32 of the caller's own (a thread's odometer).
 * With rank 0 there is one row and neither table nor scratch is read. Every element is computed by
 * the same lane-wise code (a tail element alone in lane 0), so any split of rows or columns between
 * threads gives the same bits.
 */
export type GridFn = (...args: number[]) => void;

/** The dtypes of the inputs of `d`. */
export function inputDTypes(d: ElementwiseDescription): readonly DType[] {
  return d.dtypes ?? d.inputs.map(() => "float32" as const);
}

/** The dtype of the kernel's output. */
export function outputDType(d: ElementwiseDescription): DType {
  return exprDType(d.expr, inputDTypes(d));
}

/** A stable key for the module cache. */
export function elementwiseKey(d: ElementwiseDescription, shared: boolean, maxPages: number): string {
  return `ew:${shared ? "s" : "u"}${maxPages}:${d.inputs.join(",")}:${inputDTypes(d).join(",")}:${JSON.stringify(d.expr)}`;
}

/** Elements per block / 4: blocks of 16 where bytes (bool) are read or written, so a block is one v128 of them. */
function quadsFor(d: ElementwiseDescription): number {
  return exprDTypes(d.expr, inputDTypes(d)).has("bool") ? 4 : 1;
}

export function buildElementwiseModule(
  d: ElementwiseDescription,
  shared: boolean,
  maxPages: number,
): Uint8Array<ArrayBuffer> {
  const dtypes = inputDTypes(d);
  if (dtypes.length !== d.inputs.length)
    throw new Error(`elementwise: ${d.inputs.length} inputs but ${dtypes.length} dtypes`);
  const outType = exprDType(d.expr, dtypes);
  const quads = quadsFor(d);
  const width = 4 * quads;
  const n = d.inputs.length;
  const outBytes = elementBytes(outType);
  const inBytes = dtypes.map(elementBytes);
  const m = new ModuleBuilder();
  m.importMemory({ module: "env", name: "memory", initial: 1, maximum: maxPages, shared });
  const params = Array.from({ length: 9 + n }, () => "i32" as const);
  m.function("grid", params, [], (f) => {
    const [out, cols, rank, table, scratch, r0, r1, c0, c1] = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) =>
      f.param(i),
    );
    const base = d.inputs.map((_, i) => f.param(9 + i));
    const r = f.local("i32");
    const j = f.local("i32");
    const vend = f.local("i32");
    const po = f.local("i32");
    const pi = d.inputs.map(() => f.local("i32"));
    const odometer = new Odometer(f, rank, table, scratch, n);
    const off = odometer.offsets;

    // The block loop runs to the last whole block of [c0, c1).
    f.get(c1).get(c0).op("i32.sub").i32(-width).op("i32.and").get(c0).op("i32.add").set(vend);
    odometer.start(() => f.get(r0));
    f.for(
      r,
      () => f.get(r0),
      () => f.get(r1),
      1,
      () => {
        f.get(out).get(r).get(cols).op("i32.mul").get(c0).op("i32.add").i32(outBytes).op("i32.mul");
        f.op("i32.add").set(po);
        for (let i = 0; i < n; i++) {
          f.get(base[i]).get(off[i]).op("i32.add");
          if (d.inputs[i] === "contiguous") f.get(c0).i32(inBytes[i]).op("i32.mul").op("i32.add");
          f.set(pi[i]);
        }
        // Broadcast inputs: one value per row, loaded once.
        const rowValues = d.inputs.map((kind, i) =>
          kind === "broadcast" ? loadSplat(f, dtypes[i], pi[i], quads) : null,
        );
        const body = (q: number, load: (i: number) => Value, store: (v: Value) => void, step: number) => {
          const seen = new Map<number, Value>();
          const v = emitValue(
            {
              f,
              quads: q,
              input: (i) => {
                const row = rowValues[i];
                if (row)
                  return q === quads
                    ? row
                    : { dtype: row.dtype, parts: row.parts.slice(0, partsFor(row, q)) };
                let got = seen.get(i);
                if (!got) {
                  got = load(i);
                  seen.set(i, got);
                }
                return got;
              },
            },
            d.expr,
          );
          store(v);
          f.inc(po, step * outBytes);
          for (let i = 0; i < n; i++) if (d.inputs[i] === "contiguous") f.inc(pi[i], step * inBytes[i]);
        };
        f.for(
          j,
          () => f.get(c0),
          () => f.get(vend),
          width,
          () =>
            body(
              quads,
              (i) => loadBlock(f, dtypes[i], pi[i], quads),
              (v) => storeBlock(f, v, po, quads),
              width,
            ),
        );
        // Tail: the same lane-wise code on one element.
        f.for(
          j,
          () => f.get(vend),
          () => f.get(c1),
          1,
          () =>
            body(
              1,
              (i) => loadSplat(f, dtypes[i], pi[i], 1),
              (v) => storeFirst(f, v, po),
              1,
            ),
        );
        odometer.next();
      },
    );
  });
  return m.toBytes();
}

function partsFor(v: Value, quads: number): number {
  return v.dtype === "float64" ? 2 * quads : quads;
}
