import {
  BINARY_PRIMS,
  type BinaryPrim,
  COMPARE_PRIMS,
  type ComparePrim,
  type Kernel,
  LOGICAL_PRIMS,
  type LogicalPrim,
  sizeOf,
} from "@axon/core";
import type { GLBuffer } from "../gl/buffer.ts";
import type { GPGPU } from "../gl/gpgpu.ts";
import { mathLib } from "../glsl/math.ts";
import type { Kernels } from "./types.ts";
import { broadcastOffsets, glType } from "./util.ts";

interface Snippet {
  /** GLSL expression of `a` and `b`. */
  readonly expr: string;
  readonly needs?: readonly string[];
}

const NAN_OR = (e: string) => `(ax_isnan(a) || ax_isnan(b)) ? ax_nan() : ${e}`;

/** float32 arithmetic: maximum/minimum propagate NaN, mod is floor-mod, x/0 is an IEEE infinity. */
const FLOAT: Record<BinaryPrim, Snippet> = {
  add: { expr: "a + b" },
  sub: { expr: "a - b" },
  mul: { expr: "a * b" },
  div: { expr: "ax_div(a, b)", needs: ["ax_div"] },
  pow: { expr: "ax_pow(a, b)", needs: ["ax_pow"] },
  maximum: { expr: NAN_OR("max(a, b)") },
  minimum: { expr: NAN_OR("min(a, b)") },
  mod: { expr: "ax_mod(a, b)", needs: ["ax_mod"] },
};

/** int32 arithmetic wraps like Int32Array; x mod 0 = 0. */
const INT: Partial<Record<BinaryPrim, Snippet>> = {
  add: { expr: "a + b" },
  sub: { expr: "a - b" },
  mul: { expr: "a * b" },
  maximum: { expr: "max(a, b)" },
  minimum: { expr: "min(a, b)" },
  mod: { expr: "ax_imod(a, b)", needs: ["ax_imod"] },
};

/** Comparisons (output bool as 0/1); any comparison with NaN is false except notEqual. */
const COMPARE: Record<ComparePrim, string> = {
  equal: "a == b",
  notEqual: "a != b",
  less: "a < b",
  lessEqual: "a <= b",
  greater: "a > b",
  greaterEqual: "a >= b",
};

const LOGICAL: Record<LogicalPrim, string> = {
  logicalAnd: "a != 0 && b != 0",
  logicalOr: "a != 0 || b != 0",
};

type Elementwise = BinaryPrim | ComparePrim | LogicalPrim;

/** The GLSL `f(a, b)` of a two-input elementwise op, element by element. */
function binarySource(prim: Elementwise, t: "float" | "int", outT: "float" | "int"): string {
  let expr: string;
  let needs: readonly string[] = [];
  if ((COMPARE_PRIMS as readonly string[]).includes(prim)) {
    const cmp = COMPARE[prim as ComparePrim];
    const nanResult = prim === "notEqual" ? "1" : "0";
    expr =
      t === "float" ? `(ax_isnan(a) || ax_isnan(b)) ? ${nanResult} : ((${cmp}) ? 1 : 0)` : `(${cmp}) ? 1 : 0`;
  } else if ((LOGICAL_PRIMS as readonly string[]).includes(prim)) {
    expr = `(${LOGICAL[prim as LogicalPrim]}) ? 1 : 0`;
  } else {
    const s = t === "float" ? FLOAT[prim as BinaryPrim] : INT[prim as BinaryPrim];
    if (!s) throw new Error(`webgl: ${prim} has no int32 kernel (core admits only float inputs)`);
    expr = s.expr;
    needs = s.needs ?? [];
  }
  return `${mathLib(needs)}\n${outT} f(${t} a, ${t} b) {\n  return ${expr};\n}`;
}

/**
 * How an input is read in a texel kernel: `full` (the output's own shape: one fetch gives the
 * texel) or `scalar` (one element, the same in every lane); null when it needs broadcasting.
 */
function texelRead(
  shape: readonly number[],
  outShape: readonly number[],
  k: number,
  t: string,
): string | null {
  const size = sizeOf(shape);
  if (size === 1) return `${t === "float" ? "vec4" : "ivec4"}(read${k}(0))`;
  if (size === sizeOf(outShape)) return `fetch${k}(t)`;
  return null;
}

function binaryKernel<P extends Elementwise>(g: GPGPU, prim: P): Kernel<P, GLBuffer> {
  return (inputs, _attrs, out) => {
    const [a, b] = inputs;
    const t = glType(a.dtype);
    const outT = glType(out.dtype);
    const fn = binarySource(prim, t, outT);
    const ra = texelRead(a.shape, out.shape, 0, t);
    const rb = texelRead(b.shape, out.shape, 1, t);
    if (ra !== null && rb !== null) {
      // No broadcasting but scalars: a texel of each input at a time.
      const v = t === "float" ? "vec4" : "ivec4";
      const ov = outT === "float" ? "vec4" : "ivec4";
      const source = `${fn}\n${ov} computeTexel(int t) {\n  ${v} a = ${ra};\n  ${v} b = ${rb};\n  return ${ov}(f(a.x, b.x), f(a.y, b.y), f(a.z, b.z), f(a.w, b.w));\n}`;
      return g.run(
        { inputs: [a.buffer, b.buffer], outDType: out.dtype, source, texel: true },
        sizeOf(out.shape),
      );
    }
    const offsets = broadcastOffsets([a.shape, b.shape], out.shape);
    const source = `${fn}\n${outT} compute(int idx) {\n  ${offsets.code}\n  return f(read0(off0), read1(off1));\n}`;
    return g.run(
      { inputs: [a.buffer, b.buffer], uniforms: offsets.uniforms, outDType: out.dtype, source },
      sizeOf(out.shape),
    );
  };
}

function table<P extends Elementwise>(g: GPGPU, prims: readonly P[]): Kernels<P> {
  return Object.fromEntries(prims.map((p) => [p, binaryKernel(g, p)])) as unknown as Kernels<P>;
}

export function binaryKernels(g: GPGPU): Kernels<BinaryPrim | ComparePrim | LogicalPrim> {
  return { ...table(g, BINARY_PRIMS), ...table(g, COMPARE_PRIMS), ...table(g, LOGICAL_PRIMS) };
}
