import { poolOutShape } from "@axon/core";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CpuBackend } from "../backend.ts";
import { FAST_RUNS, type Operand, randomArray, runDirect, valuesFor } from "./testing.ts";

// One thread, and two and three threads that split every kernel, however small (minParallelWork 0).
const one = new CpuBackend({ threads: 1 });
const two = new CpuBackend({ threads: 2, minParallelWork: 0 });
const three = new CpuBackend({ threads: 3, minParallelWork: 0 });

beforeAll(async () => {
  await two.ready();
  await three.ready();
});

afterAll(() => {
  two.dispose();
  three.dispose();
});

/** Bitwise equality (NaN payloads aside). */
function identical(a: number[], b: number[], what: string): void {
  expect(a.length, what).toBe(b.length);
  for (let i = 0; i < a.length; i++)
    if (!Object.is(a[i], b[i]) && !(Number.isNaN(a[i]) && Number.isNaN(b[i])))
      expect.fail(`${what}: element ${i} is ${b[i]} on more threads, ${a[i]} on one`);
}

function everywhere(run: (b: CpuBackend) => number[], what: string): void {
  const base = run(one);
  identical(base, run(two), `${what} (2 threads)`);
  identical(base, run(three), `${what} (3 threads)`);
}

const f32 = (values: ArrayLike<number>, shape: number[]): Operand => ({ values, shape, dtype: "float32" });
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

describe("worker pool", () => {
  it("runs on the threads asked for, and setNumThreads changes them", () => {
    expect(two.numThreads).toBe(2);
    expect(three.numThreads).toBe(3);
    expect(two.info()).toMatchObject({ threads: 2 });
    const b = new CpuBackend({ threads: 2 });
    b.setNumThreads(1);
    expect(b.numThreads).toBe(1);
    b.setNumThreads(2);
    expect(b.numThreads).toBe(2);
    b.dispose();
    expect(b.numThreads).toBe(1);
  });

  it("matmul gives the same bits on 1, 2 and 3 threads (layouts, awkward sizes, batches)", () => {
    const cases: [number[], number[], boolean, boolean][] = [
      [[1023, 5], [5, 7], false, false],
      [[7, 300], [300, 1023], false, false],
      [[33, 65], [17, 65], false, true],
      [[65, 33], [65, 17], true, false],
      [[3, 5], [7, 3], true, true],
      [[4, 9, 31], [31, 40], false, false],
      [[5, 31, 9], [5, 17, 31], true, true],
      [[2, 1, 6, 5], [3, 5, 6], false, false],
      [[1, 1], [1, 1], false, false],
    ];
    cases.forEach(([as, bs, ta, tb], i) => {
      const a = f32(randomArray(i, size(as)), as);
      const b = f32(randomArray(i + 50, size(bs)), bs);
      const m = ta ? as[as.length - 1] : as[as.length - 2];
      const n = tb ? bs[bs.length - 2] : bs[bs.length - 1];
      const batchA = as.slice(0, -2);
      const batchB = bs.slice(0, -2);
      const rank = Math.max(batchA.length, batchB.length);
      const batch = Array.from({ length: rank }, (_, d) =>
        Math.max(batchA[d - (rank - batchA.length)] ?? 1, batchB[d - (rank - batchB.length)] ?? 1),
      );
      const out = { shape: [...batch, m, n], dtype: "float32" as const };
      everywhere(
        (be) => runDirect(be, "matmul", [a, b], { transposeA: ta, transposeB: tb }, out),
        `matmul ${i}`,
      );
    });
  });

  it("random matmuls give the same bits on 1 and 2 threads", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 70 }),
        fc.integer({ min: 1, max: 70 }),
        fc.integer({ min: 1, max: 70 }),
        fc.integer({ min: 1, max: 3 }),
        fc.boolean(),
        fc.boolean(),
        (m, k, n, batch, ta, tb) => {
          const a = f32(randomArray(m * k, batch * m * k), [batch, ...(ta ? [k, m] : [m, k])]);
          const b = f32(randomArray(n * k, batch * k * n), [batch, ...(tb ? [n, k] : [k, n])]);
          const out = { shape: [batch, m, n], dtype: "float32" as const };
          const attrs = { transposeA: ta, transposeB: tb };
          identical(
            runDirect(one, "matmul", [a, b], attrs, out),
            runDirect(two, "matmul", [a, b], attrs, out),
            "matmul",
          );
        },
      ),
      { numRuns: FAST_RUNS },
    );
  });

  it("conv2d and its backprops give the same bits", () => {
    const xs = [2, 9, 7, 5];
    const fs = [3, 3, 5, 6];
    const ys = [2, 9, 7, 6];
    const attrs = {
      strides: [1, 1] as [number, number],
      dilations: [1, 1] as [number, number],
      padding: [
        [1, 1],
        [1, 1],
      ] as [[number, number], [number, number]],
    };
    const x = f32(randomArray(1, size(xs)), xs);
    const f = f32(randomArray(2, size(fs)), fs);
    const dy = f32(randomArray(3, size(ys)), ys);
    const t = "float32" as const;
    everywhere((b) => runDirect(b, "conv2d", [x, f], attrs, { shape: ys, dtype: t }), "conv2d");
    everywhere(
      (b) =>
        runDirect(b, "conv2dBackpropInput", [dy, f], { ...attrs, inputShape: xs }, { shape: xs, dtype: t }),
      "conv2dBackpropInput",
    );
    everywhere(
      (b) =>
        runDirect(b, "conv2dBackpropFilter", [x, dy], { ...attrs, filterShape: fs }, { shape: fs, dtype: t }),
      "conv2dBackpropFilter",
    );
  });

  it("elementwise kernels and reductions give the same bits at awkward sizes", () => {
    for (const n of [1, 3, 5, 7, 17, 33, 1023, 4099]) {
      const x = f32(randomArray(n, n, -20, 20), [n]);
      const out = { shape: [n], dtype: "float32" as const };
      for (const prim of ["exp", "log", "tanh", "sigmoid", "erf", "sqrt", "neg"] as const)
        everywhere((b) => runDirect(b, prim, [x], {}, out), `${prim}[${n}]`);
      const y = f32(randomArray(n + 1, n), [n]);
      everywhere((b) => runDirect(b, "add", [x, y], {}, out), `add[${n}]`);
      const rows = f32(randomArray(n + 2, 3 * n), [3, n]);
      const bias = f32(randomArray(n + 3, n), [n]);
      everywhere(
        (b) => runDirect(b, "mul", [rows, bias], {}, { shape: [3, n], dtype: "float32" }),
        `mul[3,${n}]`,
      );
      for (const prim of ["sum", "max", "min"] as const) {
        everywhere(
          (b) => runDirect(b, prim, [rows], { axes: [1] }, { shape: [3], dtype: "float32" }),
          `${prim} rows`,
        );
        everywhere(
          (b) => runDirect(b, prim, [rows], { axes: [0] }, { shape: [n], dtype: "float32" }),
          `${prim} cols`,
        );
      }
    }
  });

  it("comparisons, where, cast, transpose and broadcastTo give the same bits (rows, column blocks, outer axes)", () => {
    const bool = (shape: number[], seed: number): Operand => ({
      values: valuesFor("bool", seed, size(shape)),
      shape,
      dtype: "bool",
    });
    for (const [rows, cols] of [
      [1, 4099],
      [3, 1023],
      [37, 5],
      [1000, 17],
    ]) {
      const full = [rows, cols];
      const a = f32(valuesFor("float32", rows, rows * cols), full);
      const row = f32(valuesFor("float32", cols, cols), [cols]);
      const b = { shape: full, dtype: "bool" as const };
      for (const prim of ["less", "equal", "notEqual"] as const) {
        everywhere((be) => runDirect(be, prim, [a, row], {}, b), `${prim} [${full}]`);
        everywhere((be) => runDirect(be, prim, [row, a], {}, b), `${prim} [${cols}] [${full}]`);
      }
      const out = { shape: full, dtype: "float32" as const };
      everywhere((be) => runDirect(be, "where", [bool(full, 5), a, row], {}, out), `where [${full}]`);
      everywhere((be) => runDirect(be, "where", [bool([cols], 6), row, a], {}, out), `where [${cols}]`);
      everywhere(
        (be) => runDirect(be, "cast", [bool(full, 7)], { dtype: "float32" }, out),
        `cast bool → float32 [${full}]`,
      );
      everywhere(
        (be) => runDirect(be, "cast", [a], { dtype: "int32" }, { shape: full, dtype: "int32" }),
        `cast float32 → int32 [${full}]`,
      );
      everywhere(
        (be) => runDirect(be, "transpose", [a], { perm: [1, 0] }, { shape: [cols, rows], dtype: "float32" }),
        `transpose [${full}]`,
      );
      everywhere(
        (be) => runDirect(be, "broadcastTo", [row], { shape: full }, out),
        `broadcastTo [${cols}] → [${full}]`,
      );
    }
    const x = f32(valuesFor("float32", 9, 4 * 33 * 35), [4, 33, 35]);
    for (const perm of [
      [0, 2, 1],
      [2, 0, 1],
      [1, 0, 2],
    ])
      everywhere(
        (be) =>
          runDirect(be, "transpose", [x], { perm }, { shape: perm.map((p) => x.shape[p]), dtype: "float32" }),
        `transpose [4,33,35] by [${perm}]`,
      );
  });

  it("randomUniform gives the same numbers (groups of 16 split, a partial group last)", () => {
    for (const n of [16, 17, 4099, 65557])
      for (const dtype of ["float32", "float64"] as const)
        everywhere(
          (b) => runDirect(b, "randomUniform", [], { shape: [n], dtype, key: [3, n] }, { shape: [n], dtype }),
          `randomUniform ${dtype} [${n}]`,
        );
  });

  it("pooling and its backward give the same bits (images, rows, overlapping windows)", () => {
    const cases: [number[], number, number, number][] = [
      [[3, 9, 8, 5], 2, 2, 0],
      [[1, 17, 9, 6], 3, 1, 1],
      [[3, 9, 8, 4], 3, 2, 1],
      [[1, 12, 7, 3], 2, 3, 0],
    ];
    for (const [xs, f, s, p] of cases) {
      const attrs = {
        filterSize: [f, f] as [number, number],
        strides: [s, s] as [number, number],
        padding: [
          [p, p],
          [p, p],
        ] as [[number, number], [number, number]],
      };
      const ys = poolOutShape("test", xs, attrs);
      const x = f32(valuesFor("float32", f, size(xs)), xs);
      const dy = f32(valuesFor("float32", s, size(ys)), ys);
      const t = "float32" as const;
      everywhere(
        (b) => runDirect(b, "maxPool", [x], attrs, { shape: ys, dtype: t }),
        `maxPool ${xs} ${f}/${s}`,
      );
      everywhere(
        (b) => runDirect(b, "avgPool", [x], attrs, { shape: ys, dtype: t }),
        `avgPool ${xs} ${f}/${s}`,
      );
      everywhere(
        (b) => runDirect(b, "maxPoolBackward", [dy, x], attrs, { shape: xs, dtype: t }),
        `maxPoolBackward ${xs} ${f}/${s}`,
      );
      everywhere(
        (b) => runDirect(b, "avgPoolBackward", [dy], { ...attrs, inputShape: xs }, { shape: xs, dtype: t }),
        `avgPoolBackward ${xs} ${f}/${s}`,
      );
    }
  });
});
