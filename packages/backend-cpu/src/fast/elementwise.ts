import { type BinaryPrim, type UnaryPrim, stridesOf } from "@axon/core";
import { broadcastStrides, collapseDims } from "../kernels/util.ts";
import type { BinaryFn, ElementwiseDescription, UnaryFn } from "../wasm/elementwise.ts";
import { splitRange } from "../wasm/runtime.ts";
import type { FastKernel } from "./types.ts";

const IN0 = { op: "input", index: 0 } as const;
const IN1 = { op: "input", index: 1 } as const;

function unaryDescription(fn: UnaryFn): ElementwiseDescription {
  return { expr: { op: "unary", fn, x: IN0 }, inputs: ["contiguous"] };
}

/** float32 unary primitive → vector kernel over the flat array. */
function unary<P extends UnaryPrim>(fn: UnaryFn): FastKernel<P> {
  const d = unaryDescription(fn);
  return (rt, [x], _attrs, out) => {
    if (out.dtype !== "float32") return null;
    const res = rt.newBuffer("float32", x.buffer.length);
    if (res.length === 0) return res;
    x.buffer.toHeap();
    const n = res.length;
    const xp = x.buffer.ptr;
    const parts = splitRange(n, rt.parts("elementwise", n), 16);
    rt.parallel(
      rt.elementwise(d),
      parts.map(([c0, c1]) => [res.ptr + 4 * c0, 1, c1 - c0, 0, xp + 4 * c0, 0]),
    );
    return res;
  };
}

type Kind = "contiguous" | "broadcast";

/** One description per binary function and pair of inner layouts. */
const BINARY_DESCRIPTIONS = new Map<string, ElementwiseDescription>();

function binaryDescription(fn: BinaryFn, ka: Kind, kb: Kind): ElementwiseDescription {
  const key = `${fn}:${ka}:${kb}`;
  let d = BINARY_DESCRIPTIONS.get(key);
  if (!d) {
    d = { expr: { op: "binary", fn, a: IN0, b: IN1 }, inputs: [ka, kb] };
    BINARY_DESCRIPTIONS.set(key, d);
  }
  return d;
}

/**
 * float32 binary primitive under broadcasting: the shapes collapse to as few axes as possible; the
 * last is the vector axis (each operand contiguous or broadcast along it), the one before it the
 * rows of one call, and any further axes are looped here.
 */
function binary<P extends BinaryPrim>(fn: BinaryFn): FastKernel<P> {
  return (rt, [a, b], _attrs, out) => {
    if (out.dtype !== "float32") return null;
    const size = out.shape.reduce((p, d) => p * d, 1);
    const res = rt.newBuffer("float32", size);
    if (size === 0) return res;
    const c = collapseDims(out.shape, [
      broadcastStrides(a.shape, out.shape),
      broadcastStrides(b.shape, out.shape),
      stridesOf(out.shape),
    ]);
    if (c === null) return res;
    a.buffer.toHeap();
    b.buffer.toHeap();
    const { dims } = c;
    const [sa, sb] = c.strides;
    const rank = dims.length;
    if (rank === 0) {
      const k = rt.elementwise(binaryDescription(fn, "contiguous", "contiguous"));
      k.fn(res.ptr, 1, 1, 0, a.buffer.ptr, 0, b.buffer.ptr, 0);
      return res;
    }
    const cols = dims[rank - 1];
    const ia = sa[rank - 1];
    const ib = sb[rank - 1];
    if ((ia !== 0 && ia !== 1) || (ib !== 0 && ib !== 1)) {
      res.release();
      return null;
    }
    const k = rt.elementwise(
      binaryDescription(fn, ia === 1 ? "contiguous" : "broadcast", ib === 1 ? "contiguous" : "broadcast"),
    );
    const rows = rank >= 2 ? dims[rank - 2] : 1;
    const ra = rank >= 2 ? 4 * sa[rank - 2] : 0;
    const rb = rank >= 2 ? 4 * sb[rank - 2] : 0;
    const slab = rows * cols;
    const outer = size / slab;
    const od = dims.slice(0, Math.max(0, rank - 2));
    const idx = new Array<number>(od.length).fill(0);
    let offA = 0;
    let offB = 0;
    for (let s = 0; s < outer; s++) {
      k.fn(
        res.ptr + 4 * s * slab,
        rows,
        cols,
        4 * cols,
        a.buffer.ptr + 4 * offA,
        ra,
        b.buffer.ptr + 4 * offB,
        rb,
      );
      for (let d = od.length - 1; d >= 0; d--) {
        idx[d]++;
        offA += sa[d];
        offB += sb[d];
        if (idx[d] < od[d]) break;
        offA -= sa[d] * od[d];
        offB -= sb[d] * od[d];
        idx[d] = 0;
      }
    }
    return res;
  };
}

export const neg = unary<"neg">("neg");
export const abs = unary<"abs">("abs");
export const sqrt = unary<"sqrt">("sqrt");
export const rsqrt = unary<"rsqrt">("rsqrt");
export const reciprocal = unary<"reciprocal">("reciprocal");
export const floor = unary<"floor">("floor");
export const ceil = unary<"ceil">("ceil");
export const round = unary<"round">("round");
export const exp = unary<"exp">("exp");
export const log = unary<"log">("log");
export const tanh = unary<"tanh">("tanh");
export const sigmoid = unary<"sigmoid">("sigmoid");
export const erf = unary<"erf">("erf");

export const add = binary<"add">("add");
export const sub = binary<"sub">("sub");
export const mul = binary<"mul">("mul");
export const div = binary<"div">("div");
export const maximum = binary<"maximum">("max");
export const minimum = binary<"minimum">("min");
