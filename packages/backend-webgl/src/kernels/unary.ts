import { type Kernel, UNARY_PRIMS, type UnaryPrim, sizeOf } from "@axon/core";
import type { GLBuffer } from "../gl/buffer.ts";
import type { GPGPU } from "../gl/gpgpu.ts";
import { mathLib } from "../glsl/math.ts";
import type { Kernels } from "./types.ts";
import { glType } from "./util.ts";

interface Snippet {
  /** GLSL expression of `x`. */
  readonly expr: string;
  /** Helpers from glsl/math.ts it calls. */
  readonly needs?: readonly string[];
}

/** Float32 snippets: special values are handled in the helpers, not left to the driver. */
const FLOAT: Record<UnaryPrim, Snippet> = {
  neg: { expr: "-x" },
  abs: { expr: "uintBitsToFloat(floatBitsToUint(x) & 0x7fffffffu)" },
  sign: { expr: "ax_isnan(x) ? x : (x > 0.0 ? 1.0 : (x < 0.0 ? -1.0 : x))" },
  exp: { expr: "ax_exp(x)", needs: ["ax_exp"] },
  log: { expr: "ax_log(x)", needs: ["ax_log"] },
  log1p: { expr: "ax_log1p(x)", needs: ["ax_log1p"] },
  expm1: { expr: "ax_expm1(x)", needs: ["ax_expm1"] },
  sqrt: { expr: "ax_sqrt(x)", needs: ["ax_sqrt"] },
  rsqrt: { expr: "ax_rsqrt(x)", needs: ["ax_rsqrt"] },
  reciprocal: { expr: "ax_div(1.0, x)", needs: ["ax_div"] },
  sin: { expr: "ax_sin(x)", needs: ["ax_sincos"] },
  cos: { expr: "ax_cos(x)", needs: ["ax_sincos"] },
  tanh: { expr: "ax_tanh(x)", needs: ["ax_tanh"] },
  sigmoid: { expr: "ax_sigmoid(x)", needs: ["ax_sigmoid"] },
  erf: { expr: "ax_erf(x)", needs: ["ax_erf"] },
  floor: { expr: "(ax_isnan(x) || ax_isinf(x)) ? x : floor(x)" },
  ceil: { expr: "(ax_isnan(x) || ax_isinf(x)) ? x : ceil(x)" },
  round: { expr: "ax_round(x)", needs: ["ax_round"] },
  logicalNot: { expr: "x" }, // bool only: never reached for float32
};

/** int32 (wrapping like Int32Array) and bool (0/1) snippets. */
const INT: Partial<Record<UnaryPrim, string>> = {
  neg: "-x",
  abs: "x < 0 ? -x : x",
  sign: "x > 0 ? 1 : (x < 0 ? -1 : 0)",
  logicalNot: "x == 0 ? 1 : 0",
};

function unaryKernel(g: GPGPU, prim: UnaryPrim): Kernel<UnaryPrim, GLBuffer> {
  return (inputs, _attrs, out) => {
    const [x] = inputs;
    const t = glType(x.dtype);
    let fn: string;
    if (t === "float") {
      const s = FLOAT[prim];
      fn = `${mathLib(s.needs ?? [])}\nfloat f(float x) { return ${s.expr}; }`;
    } else {
      const s = INT[prim];
      if (!s) throw new Error(`webgl: ${prim} has no int32 kernel (core admits only float inputs)`);
      fn = `int f(int x) { return ${s}; }`;
    }
    // A texel at a time: one fetch for four elements (the padding past the end is computed and ignored).
    const v = t === "float" ? "vec4" : "ivec4";
    const source = `${fn}\n${v} computeTexel(int t) { ${v} x = fetch0(t); return ${v}(f(x.x), f(x.y), f(x.z), f(x.w)); }`;
    return g.run({ inputs: [x.buffer], outDType: out.dtype, source, texel: true }, sizeOf(out.shape));
  };
}

export function unaryKernels(g: GPGPU): Kernels<UnaryPrim> {
  return Object.fromEntries(UNARY_PRIMS.map((p) => [p, unaryKernel(g, p)])) as unknown as Kernels<UnaryPrim>;
}
