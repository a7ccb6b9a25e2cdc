import {
  BINARY_PRIMS,
  type BinaryPrim,
  type BufferInfo,
  COMPARE_PRIMS,
  type ComparePrim,
  type DType,
  type Kernel,
  LOGICAL_PRIMS,
  type LogicalPrim,
  type Shape,
  type TypedArray,
  UNARY_PRIMS,
  type UnaryPrim,
  sizeOf,
  typedArrayFor,
} from "@axon/core";
import { broadcastStrides } from "../kernels/util.ts";
import { FLOAT_BINARY, FLOAT_UNARY, INT_BINARY, flush } from "./math.ts";
import { stridedOffsets } from "./strided.ts";
import type { HostKernels } from "./types.ts";

/** Where each output element reads `x`: null when x has the output's size (no broadcasting). */
function readOffsets(x: BufferInfo<TypedArray>, outShape: Shape): Int32Array | null {
  const n = sizeOf(outShape);
  if (sizeOf(x.shape) === n) return null;
  if (sizeOf(x.shape) === 1) return new Int32Array(n); // a scalar operand: element 0 everywhere
  return stridedOffsets(outShape, broadcastStrides(x.shape, outShape));
}

interface Out {
  readonly shape: Shape;
  readonly dtype: DType;
}

/** `f(a, b)` for every element of `out`, with a and b broadcast to it. */
function map2(
  a: BufferInfo<TypedArray>,
  b: BufferInfo<TypedArray>,
  out: Out,
  f: (x: number, y: number) => number,
): TypedArray {
  const n = sizeOf(out.shape);
  const result = typedArrayFor(out.dtype, n);
  const oa = readOffsets(a, out.shape);
  const ob = readOffsets(b, out.shape);
  const va = a.buffer;
  const vb = b.buffer;
  for (let i = 0; i < n; i++) result[i] = f(va[oa ? oa[i] : i], vb[ob ? ob[i] : i]);
  return result;
}

const INT_UNARY: Partial<Record<UnaryPrim, (x: number) => number>> = {
  neg: (x) => -x,
  abs: (x) => (x < 0 ? -x : x),
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0),
  logicalNot: (x) => (x === 0 ? 1 : 0),
};

function unaryKernel(prim: UnaryPrim): Kernel<UnaryPrim, TypedArray> {
  return ([x], _attrs, out) => {
    const n = sizeOf(out.shape);
    const result = typedArrayFor(out.dtype, n);
    const v = x.buffer;
    if (x.dtype === "float32" && prim !== "logicalNot") {
      const f = FLOAT_UNARY[prim];
      // abs is a bit operation on the GPU: it keeps subnormals.
      if (prim === "abs") for (let i = 0; i < n; i++) result[i] = f(v[i]);
      else for (let i = 0; i < n; i++) result[i] = flush(f(flush(v[i])));
      return result;
    }
    const f = INT_UNARY[prim];
    if (!f) throw new Error(`webgl: ${prim} has no int32 host kernel (core admits only float inputs)`);
    for (let i = 0; i < n; i++) result[i] = f(v[i]);
    return result;
  };
}

function binaryKernel(prim: BinaryPrim): Kernel<BinaryPrim, TypedArray> {
  return (inputs, _attrs, out) => {
    if (inputs[0].dtype === "float32") {
      const f = FLOAT_BINARY[prim];
      return map2(inputs[0], inputs[1], out, (a, b) => flush(f(flush(a), flush(b))));
    }
    const f = INT_BINARY[prim as keyof typeof INT_BINARY];
    if (!f) throw new Error(`webgl: ${prim} has no int32 host kernel (core admits only float inputs)`);
    return map2(inputs[0], inputs[1], out, f);
  };
}

/** Comparisons with NaN are false except notEqual (as in JS); subnormals compare as zero. */
const COMPARE: Record<ComparePrim, (a: number, b: number) => boolean> = {
  equal: (a, b) => a === b,
  notEqual: (a, b) => a !== b,
  less: (a, b) => a < b,
  lessEqual: (a, b) => a <= b,
  greater: (a, b) => a > b,
  greaterEqual: (a, b) => a >= b,
};

function compareKernel(prim: ComparePrim): Kernel<ComparePrim, TypedArray> {
  const cmp = COMPARE[prim];
  return (inputs, _attrs, out) => {
    const read = inputs[0].dtype === "float32" ? flush : (x: number) => x;
    return map2(inputs[0], inputs[1], out, (a, b) => (cmp(read(a), read(b)) ? 1 : 0));
  };
}

const LOGICAL: Record<LogicalPrim, (a: boolean, b: boolean) => boolean> = {
  logicalAnd: (a, b) => a && b,
  logicalOr: (a, b) => a || b,
};

function logicalKernel(prim: LogicalPrim): Kernel<LogicalPrim, TypedArray> {
  const op = LOGICAL[prim];
  return (inputs, _attrs, out) => map2(inputs[0], inputs[1], out, (a, b) => (op(a !== 0, b !== 0) ? 1 : 0));
}

/** float → int32 truncates toward zero, saturates and sends NaN to 0; → bool is x ≠ 0 (NaN → true). */
function castValue(from: DType, to: DType): (x: number) => number {
  if (from === "float32") {
    if (to === "int32")
      return (x) =>
        Number.isNaN(x) ? 0 : x >= 2147483647 ? 2147483647 : x <= -2147483648 ? -2147483648 : Math.trunc(x);
    return (x) => (Number.isNaN(x) || flush(x) !== 0 ? 1 : 0);
  }
  if (to === "bool") return (x) => (x !== 0 ? 1 : 0);
  return (x) => x; // int32/bool → float32 rounds to nearest even in the store; bool → int32 is 0/1
}

type ElementwisePrim = UnaryPrim | BinaryPrim | ComparePrim | LogicalPrim | "where" | "cast";

/** Host kernels of the elementwise primitives, broadcasting like the GPU's. */
export const elementwiseHostKernels: HostKernels<ElementwisePrim> = {
  ...(Object.fromEntries(UNARY_PRIMS.map((p) => [p, unaryKernel(p)])) as HostKernels<UnaryPrim>),
  ...(Object.fromEntries(BINARY_PRIMS.map((p) => [p, binaryKernel(p)])) as HostKernels<BinaryPrim>),
  ...(Object.fromEntries(COMPARE_PRIMS.map((p) => [p, compareKernel(p)])) as HostKernels<ComparePrim>),
  ...(Object.fromEntries(LOGICAL_PRIMS.map((p) => [p, logicalKernel(p)])) as HostKernels<LogicalPrim>),

  where([cond, a, b], _attrs, out) {
    const n = sizeOf(out.shape);
    const result = typedArrayFor(out.dtype, n);
    const [oc, oa, ob] = [cond, a, b].map((x) => readOffsets(x, out.shape));
    for (let i = 0; i < n; i++) {
      result[i] = cond.buffer[oc ? oc[i] : i] !== 0 ? a.buffer[oa ? oa[i] : i] : b.buffer[ob ? ob[i] : i];
    }
    return result;
  },

  cast([x], { dtype }, out) {
    if (x.dtype === dtype) return x.buffer;
    const f = castValue(x.dtype, dtype);
    const n = sizeOf(out.shape);
    const result = typedArrayFor(dtype, n);
    for (let i = 0; i < n; i++) result[i] = f(x.buffer[i]);
    return result;
  },
};
