import { type DType, type Kernel, type ReducePrim, type Shape, sizeOf, stridesOf } from "@axon/core";
import type { GLBuffer } from "../gl/buffer.ts";
import type { GPGPU } from "../gl/gpgpu.ts";
import type { UniformSpec } from "../gl/program.ts";
import { stridedCopy } from "./copy.ts";
import type { Kernels } from "./types.ts";
import { collapse, glType, stridedOffsets } from "./util.ts";

/** Reductions longer than this run in passes over windows of `WINDOW` elements. */
const SPLIT = 8192;
const WINDOW = 1024;

/**
 * GLSL for folding `v` into the accumulator `acc`: float sums are compensated (Kahan), max/min
 * return NaN as soon as they see one.
 */
function accumulator(prim: ReducePrim, t: "float" | "int"): { init: string; step: string } {
  if (prim === "sum") {
    if (t === "int") return { init: "int acc = 0;", step: "acc += v;" };
    return {
      init: "float acc = 0.0; float comp = 0.0;",
      // once the sum is infinite, the compensation (inf − inf) would turn it into NaN; ax_keep stops
      // compilers from folding (tk − acc) − yk to 0
      step: "float yk = v - comp; float tk = acc + yk; comp = ax_isinf(tk) ? 0.0 : (ax_keep(tk) - acc) - yk; acc = tk;",
    };
  }
  const cmp = prim === "max" ? ">" : "<";
  if (t === "int") {
    return {
      init: `int acc = ${prim === "max" ? "-2147483647 - 1" : "2147483647"};`,
      step: `if (v ${cmp} acc) acc = v;`,
    };
  }
  return {
    init: `float acc = ${prim === "max" ? "-ax_inf()" : "ax_inf()"};`,
    step: `if (ax_isnan(v)) return v; if (v ${cmp} acc) acc = v;`,
  };
}

/**
 * Splits x's axes into kept and reduced groups (neighbours of one kind merge: x is row-major),
 * with their sizes and element strides.
 */
function groups(shape: Shape, axes: readonly number[]) {
  const strides = stridesOf(shape);
  const keptShape: number[] = [];
  const keptStrides: number[] = [];
  const red: { dim: number; stride: number }[] = [];
  let lastKind: "kept" | "red" | null = null;
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const kind = axes.includes(d) ? "red" : "kept";
    if (kind === "kept") {
      keptShape.push(shape[d]);
      keptStrides.push(strides[d]);
    } else if (lastKind === "red") {
      const g = red[red.length - 1];
      g.dim *= shape[d];
      g.stride = strides[d];
    } else red.push({ dim: shape[d], stride: strides[d] });
    lastKind = kind;
  }
  return { keptShape, keptStrides, red };
}

/** One pass: each output element folds its reduced groups with nested loops. */
function reduceOnePass(
  g: GPGPU,
  prim: ReducePrim,
  x: GLBuffer,
  dtype: DType,
  shape: Shape,
  axes: readonly number[],
  outSize: number,
): GLBuffer {
  const { keptShape, keptStrides, red } = groups(shape, axes);
  const c = collapse(keptShape, [keptStrides]);
  const base = stridedOffsets("kp", c.dims, c.strides);
  const t = glType(dtype);
  const acc = accumulator(prim, t);
  const uniforms: UniformSpec[] = [...base.uniforms];
  let body: string;
  if (red.length === 0) body = `${t} v = read0(kp0);\n  ${acc.step}`;
  else {
    uniforms.push({ name: "r_dims", type: "int", value: red.map((r) => r.dim) });
    uniforms.push({ name: "r_st", type: "int", value: red.map((r) => r.stride) });
    const open = red.map(
      (_, k) =>
        `for (int i${k} = 0; i${k} < r_dims[${k}]; i${k}++) { int o${k} = ${k === 0 ? "kp0" : `o${k - 1}`} + i${k} * r_st[${k}];`,
    );
    body = `${open.join("\n  ")}\n    ${t} v = read0(o${red.length - 1});\n    ${acc.step}\n  ${"}".repeat(red.length)}`;
  }
  const source = `${t} compute(int idx) {\n  ${base.code}\n  ${acc.init}\n  ${body}\n  return acc;\n}`;
  return g.run({ inputs: [x], uniforms, outDType: dtype, source }, outSize);
}

/** [outer, k] → [outer, ⌈k / window⌉]: each output folds one window of a contiguous row. */
function reduceWindows(
  g: GPGPU,
  prim: ReducePrim,
  x: GLBuffer,
  dtype: DType,
  outer: number,
  k: number,
  window: number,
): GLBuffer {
  const t = glType(dtype);
  const acc = accumulator(prim, t);
  const parts = Math.ceil(k / window);
  const source = `${t} compute(int idx) {
  int row = idx / u_parts;
  int start = (idx - row * u_parts) * u_window;
  int end = min(start + u_window, u_k);
  int base = row * u_k;
  ${acc.init}
  for (int j = start; j < end; j++) { ${t} v = read0(base + j); ${acc.step} }
  return acc;
}`;
  const uniforms: UniformSpec[] = [
    { name: "u_parts", type: "int", value: parts },
    { name: "u_window", type: "int", value: window },
    { name: "u_k", type: "int", value: k },
  ];
  return g.run({ inputs: [x], uniforms, outDType: dtype, source }, outer * parts);
}

function reduceKernel<P extends ReducePrim>(g: GPGPU, prim: P): Kernel<P, GLBuffer> {
  return (inputs, { axes }, out) => {
    const [x] = inputs;
    const outSize = sizeOf(out.shape);
    const k = axes.reduce((n, a) => n * x.shape[a], 1);
    if (k <= SPLIT || outSize === 0) return reduceOnePass(g, prim, x.buffer, x.dtype, x.shape, axes, outSize);
    // Long reductions: reduced axes last (one transpose if needed), then passes over windows.
    const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
    const perm = [...kept, ...axes];
    const temps: GLBuffer[] = [];
    let cur = x.buffer;
    const moved = perm.filter((p) => x.shape[p] !== 1);
    if (moved.some((p, i) => i > 0 && p < moved[i - 1])) {
      const strides = stridesOf(x.shape);
      cur = stridedCopy(
        g,
        cur,
        x.dtype,
        perm.map((p) => x.shape[p]),
        perm.map((p) => strides[p]),
        0,
      );
      temps.push(cur);
    }
    let len = k;
    while (len > 1) {
      const window = len > SPLIT ? WINDOW : len;
      cur = reduceWindows(g, prim, cur, x.dtype, outSize, len, window);
      temps.push(cur);
      len = Math.ceil(len / window);
    }
    for (const t of temps) if (t !== cur) g.free(t);
    return cur;
  };
}

/** argmax/argmin along one axis: the first extreme, and NaN counts as the extreme. */
function argKernel<P extends "argmax" | "argmin">(g: GPGPU, prim: P): Kernel<P, GLBuffer> {
  return (inputs, { axis }, out) => {
    const [x] = inputs;
    const n = x.shape[axis];
    const inner = sizeOf(x.shape.slice(axis + 1));
    const t = glType(x.dtype);
    const cmp = prim === "argmax" ? ">" : "<";
    const nanCheck = t === "float" ? "if (ax_isnan(v)) return j;" : "";
    const source = `int compute(int idx) {
  int o = idx / u_inner;
  int i = idx - o * u_inner;
  int base = o * u_n * u_inner + i;
  ${t} best = read0(base);
  ${t === "float" ? "if (ax_isnan(best)) return 0;" : ""}
  int arg = 0;
  for (int j = 1; j < u_n; j++) {
    ${t} v = read0(base + j * u_inner);
    ${nanCheck}
    if (v ${cmp} best) { best = v; arg = j; }
  }
  return arg;
}`;
    const uniforms: UniformSpec[] = [
      { name: "u_n", type: "int", value: n },
      { name: "u_inner", type: "int", value: inner },
    ];
    return g.run({ inputs: [x.buffer], uniforms, outDType: "int32", source }, sizeOf(out.shape));
  };
}

export function reduceKernels(g: GPGPU): Kernels<ReducePrim | "argmax" | "argmin"> {
  return {
    sum: reduceKernel(g, "sum"),
    max: reduceKernel(g, "max"),
    min: reduceKernel(g, "min"),
    argmax: argKernel(g, "argmax"),
    argmin: argKernel(g, "argmin"),
  };
}
