import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CpuBackend } from "../backend.ts";
import { broadcastShapesArb } from "../testUtil.ts";
import type { Expr } from "../wasm/elementwise.ts";
import { FAST_RUNS, type Operand, randomArray, runDirect } from "./testing.ts";

const fast = new CpuBackend();
const ref = new CpuBackend({ simd: false });

const SPECIAL = [
  0,
  -0,
  1,
  -1,
  0.5,
  -0.5,
  2.5,
  -2.5,
  1e-40,
  -1e-40,
  3e38,
  -3e38,
  Infinity,
  -Infinity,
  Number.NaN,
];

/** Random values with specials sprinkled in. */
function values(seed: number, n: number, lo = -10, hi = 10): Float32Array {
  const v = randomArray(seed, n, lo, hi);
  const pick = randomArray(seed + 99, n, 0, 1);
  for (let i = 0; i < n; i++) if (pick[i] < 0.1) v[i] = SPECIAL[Math.floor(pick[i] * 10 * SPECIAL.length)];
  return v;
}

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

function same(got: number[], want: number[], what: string): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < got.length; i++)
    if (!Object.is(got[i], want[i]) && !(Number.isNaN(got[i]) && Number.isNaN(want[i])))
      expect.fail(`${what}: element ${i} is ${got[i]}, reference ${want[i]}`);
}

const EXACT_UNARY = ["neg", "abs", "sqrt", "floor", "ceil", "round", "reciprocal"] as const;
const BINARY = ["add", "sub", "mul", "div", "maximum", "minimum"] as const;
const LENGTHS = [0, 1, 3, 4, 5, 7, 8, 15, 16, 17, 63, 1023, 1025];

describe("WebAssembly elementwise kernels (float32)", () => {
  it.each(EXACT_UNARY)(
    "%s is bit-identical to the reference at every length (vector body and tail)",
    (prim) => {
      for (const n of LENGTHS) {
        const x: Operand = { values: values(n, n), shape: [n], dtype: "float32" };
        const out = { shape: [n], dtype: "float32" as const };
        same(runDirect(fast, prim, [x], {}, out), runDirect(ref, prim, [x], {}, out), `${prim}[${n}]`);
      }
    },
  );

  it("rsqrt is within one ulp of the reference (float32 sqrt then divide)", () => {
    const n = 1000;
    const x: Operand = { values: randomArray(5, n, 1e-3, 1e3), shape: [n], dtype: "float32" };
    const out = { shape: [n], dtype: "float32" as const };
    const got = runDirect(fast, "rsqrt", [x], {}, out);
    const want = runDirect(ref, "rsqrt", [x], {}, out);
    for (let i = 0; i < n; i++)
      expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(2 ** -23 * Math.abs(want[i]));
  });

  it("binary kernels are bit-identical to the reference under random broadcasting", () => {
    fc.assert(
      fc.property(
        broadcastShapesArb(2, 4, 5),
        fc.constantFrom(...BINARY),
        fc.integer({ min: 0, max: 1 << 30 }),
        ([sa, sb], prim, seed) => {
          const rank = Math.max(sa.length, sb.length);
          const outShape = Array.from({ length: rank }, (_, i) => {
            const da = sa[i - (rank - sa.length)] ?? 1;
            const db = sb[i - (rank - sb.length)] ?? 1;
            return da === 1 ? db : da;
          });
          const a: Operand = { values: values(seed, size(sa)), shape: sa, dtype: "float32" };
          const b: Operand = { values: values(seed + 1, size(sb)), shape: sb, dtype: "float32" };
          const out = { shape: outShape, dtype: "float32" as const };
          same(runDirect(fast, prim, [a, b], {}, out), runDirect(ref, prim, [a, b], {}, out), prim);
        },
      ),
      { numRuns: FAST_RUNS * 3 },
    );
  });

  it("binary kernels: long rows with a broadcast operand on either side", () => {
    for (const prim of BINARY) {
      for (const [sa, sb] of [
        [[3, 1023], [1023]],
        [[1], [2, 17]],
        [
          [5, 1],
          [5, 33],
        ],
        [
          [2, 3, 1, 9],
          [4, 1],
        ],
      ] as [number[], number[]][]) {
        const rank = Math.max(sa.length, sb.length);
        const outShape = Array.from({ length: rank }, (_, i) =>
          Math.max(sa[i - (rank - sa.length)] ?? 1, sb[i - (rank - sb.length)] ?? 1),
        );
        const a: Operand = { values: values(1, size(sa)), shape: sa, dtype: "float32" };
        const b: Operand = { values: values(2, size(sb)), shape: sb, dtype: "float32" };
        const out = { shape: outShape, dtype: "float32" as const };
        same(
          runDirect(fast, prim, [b, a], {}, out),
          runDirect(ref, prim, [b, a], {}, out),
          `${prim} ${sa} ${sb}`,
        );
        same(
          runDirect(fast, prim, [a, b], {}, out),
          runDirect(ref, prim, [a, b], {}, out),
          `${prim} ${sb} ${sa}`,
        );
      }
    }
  });

  it("a fused expression from the generator matches the same expression in JavaScript", () => {
    const rt = fast.runtime!;
    // relu(a·b + 1) where b ≠ 0, else −a² — constants, select, nested unary and binary nodes.
    const expr: Expr = {
      op: "select",
      cond: { op: "input", index: 1 },
      a: {
        op: "unary",
        fn: "relu",
        x: {
          op: "binary",
          fn: "add",
          a: { op: "binary", fn: "mul", a: { op: "input", index: 0 }, b: { op: "input", index: 1 } },
          b: { op: "const", value: 1 },
        },
      },
      b: { op: "unary", fn: "neg", x: { op: "unary", fn: "square", x: { op: "input", index: 0 } } },
    };
    const k = rt.elementwise({ expr, inputs: ["contiguous", "broadcast"] });
    const rows = 3;
    const cols = 11;
    const a = rt.newBuffer("float32", rows * cols);
    const b = rt.newBuffer("float32", rows);
    const y = rt.newBuffer("float32", rows * cols);
    a.data.set(randomArray(3, rows * cols, -2, 2));
    b.data.set([0, 0.5, -3]);
    // One outer axis (the rows): a steps a row of 4·cols bytes, b one float; one odometer digit.
    const table = rt.heap.alloc(16);
    rt.heap.i32(table, 3).set([rows, 4 * cols, 4]);
    k.fn(y.ptr, cols, 1, table, table + 12, 0, rows, 0, cols, a.ptr, b.ptr);
    rt.heap.free(table);
    const f = Math.fround;
    for (let r = 0; r < rows; r++)
      for (let j = 0; j < cols; j++) {
        const x = a.data[r * cols + j];
        const s = b.data[r];
        const want = s !== 0 ? Math.max(f(f(x * s) + 1), 0) : -f(x * x);
        expect(y.data[r * cols + j]).toBe(want);
      }
    for (const buf of [a, b, y]) buf.release();
  });
});

describe("WebAssembly reductions (float32)", () => {
  const arb = fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 4 }).chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      axes: fc.subarray(shape.map((_, i) => i)),
      seed: fc.integer({ min: 0, max: 1 << 30 }),
      prim: fc.constantFrom("sum", "max", "min" as const),
    }),
  );

  function check(
    shape: number[],
    axes: number[],
    seed: number,
    prim: "sum" | "max" | "min",
    specials = true,
  ) {
    const outShape = shape.filter((_, i) => !axes.includes(i));
    const x: Operand = {
      values: specials ? values(seed, size(shape)) : randomArray(seed, size(shape)),
      shape,
      dtype: "float32",
    };
    const out = { shape: outShape, dtype: "float32" as const };
    const got = runDirect(fast, prim, [x], { axes }, out);
    const want = runDirect(ref, prim, [x], { axes }, out);
    if (prim !== "sum") return same(got, want, `${prim} ${shape} ${axes}`);
    const scale = runDirect(ref, "sum", [{ ...x, values: Array.from(x.values, Math.abs) }], { axes }, out);
    for (let i = 0; i < got.length; i++) {
      if (Number.isNaN(want[i]) || !Number.isFinite(want[i])) {
        expect(Object.is(got[i], want[i]) || (Number.isNaN(got[i]) && Number.isNaN(want[i]))).toBe(true);
        continue;
      }
      // float64 accumulation in a different order, one rounding: at most one ulp of the result plus
      // the double-precision order error.
      expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(2 ** -23 * Math.abs(want[i]) + 1e-15 * scale[i]);
    }
  }

  it("match the reference on random shapes and axes (with NaN and ±∞)", () => {
    fc.assert(
      fc.property(arb, ({ shape, axes, seed, prim }) => check(shape, axes, seed, prim)),
      { numRuns: FAST_RUNS * 3 },
    );
  });

  it("rows and columns past the vector blocks", () => {
    for (const prim of ["sum", "max", "min"] as const) {
      for (const n of [1, 3, 5, 7, 15, 16, 17, 1023]) {
        check([3, n], [1], n, prim, false);
        check([n, 3], [0], n, prim, false);
        check([2, n, 19], [1], n, prim, false);
        check([n], [0], n, prim, false);
        check([5, 2, n], [0, 1], n, prim, false);
      }
    }
  });
});
