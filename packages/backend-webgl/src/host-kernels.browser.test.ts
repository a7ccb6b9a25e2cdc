import {
  BINARY_PRIMS,
  COMPARE_PRIMS,
  type DType,
  LOGICAL_PRIMS,
  type PrimAttrs,
  type PrimName,
  type TypedArray,
  UNARY_PRIMS,
  runPrimitive,
  setBackend,
  tidy,
} from "@axon/core";
import { beforeAll, describe, expect, it } from "vitest";
import type { WebGLBackend } from "./index.ts";
import { t, useWebGL, useWebGLGpuOnly } from "./test/setup.ts";

// Every primitive with a host kernel, on small inputs full of special values, run twice: on the
// host (the shared backend) and by the GPU kernels (a backend with hostEvalMax 0). Float32 results
// must agree within the backend's tolerance table (atol 1e-5, rtol 1e-4) with NaN and infinities
// exactly in the same places; int32 and bool results must be identical.

const NAN = Number.NaN;
const INF = Number.POSITIVE_INFINITY;

/** 48 float32 values: specials, subnormals (arithmetic treats them as zero on both sides), ordinary numbers. */
const FLOATS = [
  NAN,
  INF,
  -INF,
  0,
  -0,
  1e-40,
  -1e-40,
  1.1754943508222875e-38,
  1,
  -1,
  0.5,
  -0.5,
  1.5,
  -2.5,
  2.5,
  3,
  -3,
  0.1,
  -0.1,
  1e-7,
  1e-30,
  -1e30,
  88.5,
  -88.5,
  100,
  -100,
  -104,
  20,
  -20,
  9.5,
  1e6,
  -1e6,
  16777217,
  3.25,
  -2.75,
  0.7,
  4.2,
  -7.9,
  1e-3,
  12.25,
  -0.999,
  64,
  2,
  -2,
  7,
  0.25,
  1e10,
  -1e-20,
];

/** sin and cos reduce their argument in float32 on the GPU: accurate for |x| ≤ 100 (numerics test range). */
const TRIG = FLOATS.filter((x) => !(Math.abs(x) > 100) || !Number.isFinite(x));

const INTS = [
  0, 1, -1, 2147483647, -2147483648, 7, -7, 65536, 3, -3, 123456789, -5, 5, 2, -2, 0, 100, -100, 46341,
  16777217, -16777217, 9, -9, 1000,
];

const BOOLS = [1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1];

/** Pairs that the elementwise rotation below would not meet: exponent gaps, divisions by zero, pow's cases. */
const PAIRS: readonly (readonly [number, number])[] = [
  [1e30, 1e-30],
  [5, 3],
  [-5, 3],
  [5, -3],
  [5.5, 2],
  [1e10, 3],
  [3, 0],
  [-8, 1 / 3],
  [-2, 3],
  [0, -1],
  [-0, -3],
  [NAN, 0],
  [1, INF],
  [2, 0.5],
  [INF, 2],
  [-INF, 3],
  [-INF, -2],
  [7, 1e-37],
  [1e-40, 2],
  [2, 1e-40],
  [0, 0],
  [INF, INF],
  [-1, INF],
  [1e-20, 1e-20],
  [3e38, 10],
  [-3e38, 10],
  [1e38, 1e-5],
  [6, -INF],
  [-6, INF],
  [0.5, -104],
];

/** `xs` rotated by k: a different partner for every element. */
const rotate = <T>(xs: readonly T[], k: number) => xs.map((_, i) => xs[(i + k) % xs.length]);

interface Input {
  readonly values: readonly number[];
  readonly shape: readonly number[];
  readonly dtype: DType;
}

interface Case {
  readonly prim: PrimName;
  readonly inputs: readonly Input[];
  readonly attrs?: object;
  readonly label: string;
}

const vec = (values: readonly number[], dtype: DType = "float32"): Input => ({
  values,
  shape: [values.length],
  dtype,
});
const arr = (values: readonly number[], shape: readonly number[], dtype: DType = "float32"): Input => ({
  values,
  shape,
  dtype,
});
const iota = (n: number, f = (i: number) => i) => Array.from({ length: n }, (_, i) => f(i));

function elementwiseCases(): Case[] {
  const cases: Case[] = [];
  for (const prim of UNARY_PRIMS) {
    if (prim === "logicalNot") {
      cases.push({ prim, inputs: [vec(BOOLS, "bool")], label: "bool" });
      continue;
    }
    cases.push({ prim, inputs: [vec(prim === "sin" || prim === "cos" ? TRIG : FLOATS)], label: "float32" });
    if (prim === "neg" || prim === "abs" || prim === "sign")
      cases.push({ prim, inputs: [vec(INTS, "int32")], label: "int32" });
  }
  for (const prim of [...BINARY_PRIMS, ...COMPARE_PRIMS]) {
    for (const k of [1, 7, 23])
      cases.push({ prim, inputs: [vec(FLOATS), vec(rotate(FLOATS, k))], label: `float32, rotation ${k}` });
    cases.push({
      prim,
      inputs: [vec(PAIRS.map((p) => p[0])), vec(PAIRS.map((p) => p[1]))],
      label: "float32 pairs",
    });
    cases.push({
      prim,
      inputs: [arr(FLOATS.slice(8, 14), [6, 1]), arr(FLOATS.slice(20, 28), [1, 8])],
      label: "float32 broadcast [6,1] with [1,8]",
    });
    if (prim !== "div" && prim !== "pow") {
      for (const k of [1, 5])
        cases.push({
          prim,
          inputs: [vec(INTS, "int32"), vec(rotate(INTS, k), "int32")],
          label: `int32, rotation ${k}`,
        });
    }
  }
  for (const prim of ["equal", "notEqual"] as const)
    cases.push({ prim, inputs: [vec(BOOLS, "bool"), vec(rotate(BOOLS, 3), "bool")], label: "bool" });
  for (const prim of LOGICAL_PRIMS) {
    cases.push({ prim, inputs: [vec(BOOLS, "bool"), vec(rotate(BOOLS, 5), "bool")], label: "bool" });
    cases.push({
      prim,
      inputs: [arr([1, 0, 1], [3, 1], "bool"), arr([0, 1], [1, 2], "bool")],
      label: "broadcast",
    });
  }
  cases.push({
    prim: "where",
    inputs: [arr([1, 0, 1, 0], [4, 1], "bool"), arr(FLOATS.slice(0, 12), [4, 3]), arr([9, -9, 0.5], [3])],
    label: "float32, broadcast",
  });
  cases.push({
    prim: "where",
    inputs: [vec(BOOLS, "bool"), vec(INTS.slice(0, 12), "int32"), arr([-1], [], "int32")],
    label: "int32, scalar y",
  });
  const dtypes: Record<DType, readonly number[]> = { float32: FLOATS, int32: INTS, bool: BOOLS, float64: [] };
  for (const from of ["float32", "int32", "bool"] as const)
    for (const to of ["float32", "int32", "bool"] as const)
      if (from !== to)
        cases.push({
          prim: "cast",
          inputs: [vec(dtypes[from], from)],
          attrs: { dtype: to },
          label: `${from} → ${to}`,
        });
  cases.push({
    prim: "cast",
    inputs: [vec([3e9, -3e9, 2147483520, -2.7, 2.7, -0.5])],
    attrs: { dtype: "int32" },
    label: "saturating",
  });
  return cases;
}

function reductionCases(): Case[] {
  const cases: Case[] = [];
  const x = arr(
    iota(48, (i) => Math.sin(i * 1.7) * 10 ** ((i % 5) - 2)),
    [4, 4, 3],
  );
  const withNaN = arr(
    x.values.map((v, i) => (i === 17 ? NAN : v)),
    [4, 4, 3],
  );
  const ints = arr(
    iota(48, (i) => ((i * 7919) % 97) - 48 + (i === 5 ? 2147483600 : 0)),
    [4, 4, 3],
    "int32",
  );
  for (const axes of [[0], [1], [2], [0, 2], [0, 1, 2], []]) {
    for (const prim of ["sum", "max", "min"] as const) {
      cases.push({ prim, inputs: [x], attrs: { axes }, label: `float32 axes [${axes}]` });
      cases.push({ prim, inputs: [ints], attrs: { axes }, label: `int32 axes [${axes}]` });
      if (prim !== "sum")
        cases.push({ prim, inputs: [withNaN], attrs: { axes }, label: `NaN, axes [${axes}]` });
    }
  }
  cases.push({
    prim: "sum",
    inputs: [vec([1, ...Array<number>(40).fill(1e-8)])],
    attrs: { axes: [0] },
    label: "compensated",
  });
  cases.push({
    prim: "sum",
    inputs: [vec([3e38, 3e38, -1, 1])],
    attrs: { axes: [0] },
    label: "overflow to Inf",
  });
  cases.push({ prim: "sum", inputs: [arr([], [0, 3])], attrs: { axes: [0] }, label: "empty" });
  for (const prim of ["argmax", "argmin"] as const) {
    for (const axis of [0, 1, 2]) {
      cases.push({ prim, inputs: [x], attrs: { axis }, label: `float32 axis ${axis}` });
      cases.push({ prim, inputs: [withNaN], attrs: { axis }, label: `NaN, axis ${axis}` });
      cases.push({ prim, inputs: [ints], attrs: { axis }, label: `int32 axis ${axis}` });
    }
    cases.push({ prim, inputs: [vec([2, 5, 5, -1, 5])], attrs: { axis: 0 }, label: "ties" });
  }
  return cases;
}

function movementCases(): Case[] {
  const x = arr(
    iota(24, (i) => i - 0.5),
    [2, 3, 4],
  );
  const xi = arr(
    iota(24, (i) => i * 1000 - 7),
    [2, 3, 4],
    "int32",
  );
  const cases: Case[] = [];
  for (const input of [x, xi]) {
    cases.push({ prim: "transpose", inputs: [input], attrs: { perm: [2, 0, 1] }, label: input.dtype });
    cases.push({ prim: "transpose", inputs: [input], attrs: { perm: [1, 2, 0] }, label: input.dtype });
    cases.push({
      prim: "slice",
      inputs: [input],
      attrs: { begin: [1, 1, 1], size: [1, 2, 3] },
      label: input.dtype,
    });
    cases.push({
      prim: "pad",
      inputs: [input],
      attrs: {
        paddings: [
          [0, 1],
          [1, 0],
          [0, 1],
        ],
        value: 2.5,
      },
      label: `${input.dtype} (value 2.5)`,
    });
    cases.push({ prim: "concat", inputs: [input, input], attrs: { axis: 1 }, label: input.dtype });
  }
  cases.push({
    prim: "broadcastTo",
    inputs: [arr([1, 2, 3], [3, 1])],
    attrs: { shape: [2, 3, 5] },
    label: "float32",
  });
  cases.push({
    prim: "broadcastTo",
    inputs: [arr([1, 0], [2], "bool")],
    attrs: { shape: [4, 2] },
    label: "bool",
  });
  cases.push({
    prim: "concat",
    inputs: [arr([1, 2], [1, 2]), arr([], [0, 2]), arr([3, 4, 5, 6], [2, 2]), arr([7, 8], [1, 2])],
    attrs: { axis: 0 },
    label: "with an empty part",
  });
  return cases;
}

function matmulCases(): Case[] {
  const cases: Case[] = [];
  const values = (n: number, s: number) => iota(n, (i) => Math.cos(i * s) * 3);
  for (const transposeA of [false, true])
    for (const transposeB of [false, true]) {
      const a = transposeA ? arr(values(24, 0.7), [2, 4, 3]) : arr(values(24, 0.7), [2, 3, 4]);
      const b = transposeB ? arr(values(20, 1.3), [5, 4]) : arr(values(20, 1.3), [4, 5]);
      cases.push({
        prim: "matmul",
        inputs: [a, b],
        attrs: { transposeA, transposeB },
        label: `tA ${transposeA} tB ${transposeB}`,
      });
    }
  cases.push({
    prim: "matmul",
    inputs: [
      arr(
        iota(6, (i) => i * 100000 - 3),
        [2, 3],
        "int32",
      ),
      arr(
        iota(12, (i) => i * 77777 + 1),
        [3, 4],
        "int32",
      ),
    ],
    attrs: { transposeA: false, transposeB: false },
    label: "int32 wrapping",
  });
  cases.push({
    prim: "matmul",
    inputs: [arr([1, NAN, 2, INF], [2, 2]), arr([1, 0, 0, 1], [2, 2])],
    attrs: { transposeA: false, transposeB: false },
    label: "NaN and Inf",
  });
  return cases;
}

let host: WebGLBackend;
let gpu: WebGLBackend;

beforeAll(async () => {
  gpu = await useWebGLGpuOnly();
  host = await useWebGL();
});

/** Runs a case on the active backend: its result and how the backend's counters moved. */
interface Result {
  readonly values: number[];
  readonly dtype: DType;
  readonly draws: number;
  readonly hostRuns: number;
}

function runCase(b: WebGLBackend, c: Case): Result {
  const { draws, hostRuns } = b.gpgpu.stats;
  const { values, dtype } = tidy(() => {
    const inputs = c.inputs.map((x) => t(x.values, x.shape, x.dtype));
    const out = runPrimitive(c.prim, inputs, (c.attrs ?? {}) as PrimAttrs[PrimName]);
    return { values: Array.from(out.dataSync() as TypedArray), dtype: out.dtype };
  });
  return { values, dtype, draws: b.gpgpu.stats.draws - draws, hostRuns: b.gpgpu.stats.hostRuns - hostRuns };
}

function expectAgree(c: Case, hostValues: number[], gpuValues: number[], outFloat: boolean): void {
  expect(hostValues.length).toBe(gpuValues.length);
  gpuValues.forEach((g, i) => {
    const h = hostValues[i];
    const at = `${c.prim} (${c.label}) element ${i}: host ${h}, GPU ${g}`;
    if (!outFloat) expect(h, at).toBe(g);
    else if (Number.isNaN(g) || !Number.isFinite(g)) expect(h, at).toBe(g);
    else expect(Math.abs(h - g), at).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(g));
  });
}

const GROUPS: Record<string, () => Case[]> = {
  "elementwise, where and cast": elementwiseCases,
  reductions: reductionCases,
  movement: movementCases,
  matmul: matmulCases,
};

describe("host kernels give the GPU kernels' results", () => {
  for (const [group, make] of Object.entries(GROUPS)) {
    it(group, async () => {
      const cases = make();
      const results: Result[] = [];
      await setBackend("webgl");
      for (const c of cases) results.push(runCase(host, c));
      await setBackend("webgl-gpu");
      cases.forEach((c, k) => {
        const onHost = results[k];
        expect(onHost, `${c.prim} (${c.label}) on the host`).toMatchObject({ draws: 0, hostRuns: 1 });
        const onGpu = runCase(gpu, c);
        expect(onGpu.hostRuns, `${c.prim} (${c.label}) on the GPU`).toBe(0);
        if (onGpu.values.length > 0)
          expect(onGpu.draws, `${c.prim} (${c.label}) on the GPU`).toBeGreaterThan(0);
        expect(onHost.dtype).toBe(onGpu.dtype);
        expectAgree(c, onHost.values, onGpu.values, onGpu.dtype === "float32");
      });
      await setBackend("webgl");
    });
  }
});
