import { COMPARE_PRIMS, DTYPES, type DType } from "@axon/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CpuBackend } from "../backend.ts";
import { broadcastShapesArb } from "../testUtil.ts";
import {
  FAST_RUNS,
  type Operand,
  broadcastOf,
  expectSame,
  runDirect,
  sizeOfShape,
  valuesFor,
} from "./testing.ts";

// Comparisons, logical ops, where and cast: the WebAssembly kernels against the JavaScript reference.
const fast = new CpuBackend({ threads: 1 });
const ref = new CpuBackend({ simd: false });

const operand = (dtype: DType, shape: number[], seed: number): Operand => ({
  values: valuesFor(dtype, seed, sizeOfShape(shape)),
  shape,
  dtype,
});

/** Pairs of shapes whose rows are long enough for the vector blocks and their tails. */
const LONG: [number[], number[]][] = [
  [[0], [0]],
  [[1], [1]],
  [[17], [17]],
  [[1029], []],
  [[], [4097]],
  [[3, 37], [37]],
  [
    [5, 1],
    [5, 33],
  ],
  [
    [2, 1, 19],
    [4, 1],
  ],
  [
    [7, 1],
    [1, 16],
  ],
  [
    [2, 3, 1, 5],
    [3, 4, 1],
  ],
];

function check(
  prim: string,
  inputs: Operand[],
  outShape: number[],
  outDType: DType,
  attrs: object = {},
): void {
  const out = { shape: outShape, dtype: outDType };
  const what = `${prim} ${inputs.map((x) => `${x.dtype}[${x.shape}]`).join(" ")}`;
  const got = runDirect(fast, prim as "equal", inputs, attrs as never, out);
  const want = runDirect(ref, prim as "equal", inputs, attrs as never, out);
  expectSame(got, want, what);
}

describe("WebAssembly comparisons", () => {
  it("are bit-identical to the reference under random broadcasting, in every dtype (NaN, ±∞, −0)", () => {
    fc.assert(
      fc.property(
        broadcastShapesArb(2, 4, 5),
        fc.constantFrom(...COMPARE_PRIMS),
        fc.constantFrom(...DTYPES),
        fc.integer({ min: 0, max: 1 << 30 }),
        ([sa, sb], prim, dtype, seed) => {
          const a = operand(dtype, sa, seed);
          const b = operand(dtype, sb, seed + 1);
          check(prim, [a, b], broadcastOf([sa, sb]), "bool");
        },
      ),
      { numRuns: FAST_RUNS * 4 },
    );
  });

  it("long rows, scalars and empty tensors: vector blocks of 16 and their tails", () => {
    for (const prim of COMPARE_PRIMS)
      for (const dtype of DTYPES)
        LONG.forEach(([sa, sb], i) => {
          const out = broadcastOf([sa, sb]);
          check(prim, [operand(dtype, sa, i), operand(dtype, sb, i + 50)], out, "bool");
          check(prim, [operand(dtype, sb, i + 9), operand(dtype, sa, i + 3)], out, "bool");
        });
  });

  it("NaN compares false except in notEqual, and −0 equals +0", () => {
    const a: Operand = { values: [Number.NaN, 0, -0, 1, Number.NaN], shape: [5], dtype: "float32" };
    const b: Operand = { values: [Number.NaN, -0, 0, Number.NaN, 1], shape: [5], dtype: "float32" };
    const out = { shape: [5], dtype: "bool" as const };
    expect(runDirect(fast, "equal", [a, b], {}, out)).toEqual([0, 1, 1, 0, 0]);
    expect(runDirect(fast, "notEqual", [a, b], {}, out)).toEqual([1, 0, 0, 1, 1]);
    expect(runDirect(fast, "lessEqual", [a, b], {}, out)).toEqual([0, 1, 1, 0, 0]);
    expect(runDirect(fast, "greater", [a, b], {}, out)).toEqual([0, 0, 0, 0, 0]);
  });

  it("logicalAnd, logicalOr and logicalNot on bool", () => {
    fc.assert(
      fc.property(
        broadcastShapesArb(2, 4, 6),
        fc.constantFrom("logicalAnd", "logicalOr"),
        fc.integer({ min: 0, max: 1 << 30 }),
        ([sa, sb], prim, seed) => {
          check(
            prim,
            [operand("bool", sa, seed), operand("bool", sb, seed + 1)],
            broadcastOf([sa, sb]),
            "bool",
          );
          check("logicalNot", [operand("bool", sa, seed)], sa, "bool");
        },
      ),
      { numRuns: FAST_RUNS * 2 },
    );
    for (const [sa, sb] of LONG)
      check("logicalAnd", [operand("bool", sa, 1), operand("bool", sb, 2)], broadcastOf([sa, sb]), "bool");
  });
});

describe("WebAssembly where", () => {
  it("is bit-identical to the reference under random broadcasting of all three operands", () => {
    fc.assert(
      fc.property(
        broadcastShapesArb(3, 4, 5),
        fc.constantFrom(...DTYPES),
        fc.integer({ min: 0, max: 1 << 30 }),
        ([sc, sa, sb], dtype, seed) => {
          const inputs = [
            operand("bool", sc, seed),
            operand(dtype, sa, seed + 1),
            operand(dtype, sb, seed + 2),
          ];
          check("where", inputs, broadcastOf([sc, sa, sb]), dtype);
        },
      ),
      { numRuns: FAST_RUNS * 4 },
    );
  });

  it("long rows with each operand broadcast in turn", () => {
    for (const dtype of DTYPES)
      LONG.forEach(([s1, s2], i) => {
        const out = broadcastOf([s1, s2]);
        for (const [sc, sa, sb] of [
          [s1, s2, s1],
          [s2, s1, []],
          [out, s1, s2],
          [[], s2, s1],
        ])
          check(
            "where",
            [operand("bool", sc, i), operand(dtype, sa, i + 1), operand(dtype, sb, i + 2)],
            out,
            dtype,
          );
      });
  });
});

describe("WebAssembly cast", () => {
  const LENGTHS = [0, 1, 3, 4, 5, 15, 16, 17, 33, 1023, 1025];
  it.each(DTYPES.flatMap((from) => DTYPES.map((to) => [from, to] as const)))(
    "%s → %s is bit-identical to the reference (NaN, ±∞, −0, saturation)",
    (from, to) => {
      for (const n of LENGTHS) {
        const x: Operand = { values: castInputs(from, n), shape: [n], dtype: from };
        check("cast", [x], [n], to, { dtype: to });
      }
    },
  );
});

/** Values for a cast from `from`: specials plus, for floats, values past the int32 range and ties. */
function castInputs(from: DType, n: number): number[] {
  const base = valuesFor(from, n + 11, n);
  if (from !== "float32" && from !== "float64") return base;
  const edge = [2147483647.5, 2147483648, -2147483649, 4e9, -4e9, 2.5, -2.5, 0.9999, -0.9999, 16777217];
  return base.map((v, i) => (i % 4 === 1 ? edge[i % edge.length] : v));
}
