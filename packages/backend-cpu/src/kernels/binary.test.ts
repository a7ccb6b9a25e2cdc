import { type BinaryPrim, type DType, broadcastShapes, sizeOf } from "@axon/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  NUM_RUNS,
  broadcastRead,
  broadcastShapesArb,
  expectClose,
  randomValues,
  run,
  seedArb,
  tensor,
  unravel,
  useCpuBackend,
  values,
} from "../testUtil.ts";

useCpuBackend();

const floorMod = (a: number, b: number) => a - Math.floor(a / b) * b;

const FLOAT_REF: Record<BinaryPrim, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: (a, b) => a ** b,
  maximum: Math.max,
  minimum: Math.min,
  mod: (a, b) => (a % b === 0 ? 0 : floorMod(a, b)),
};

function reference(
  prim: BinaryPrim,
  a: number[],
  as: number[],
  b: number[],
  bs: number[],
  out: number[],
): number[] {
  return Array.from({ length: sizeOf(out) }, (_, i) => {
    const idx = unravel(i, out);
    return FLOAT_REF[prim](broadcastRead(a, as, idx), broadcastRead(b, bs, idx));
  });
}

describe("binary kernels", () => {
  const prims: BinaryPrim[] = ["add", "sub", "mul", "div", "pow", "maximum", "minimum", "mod"];
  it.each(prims)("%s broadcasts like NumPy (float64, float32)", (prim) => {
    fc.assert(
      fc.property(
        broadcastShapesArb(2),
        seedArb,
        fc.constantFrom<DType>("float64", "float32"),
        ([as, bs], seed, dtype) => {
          const round = dtype === "float32" ? Math.fround : (x: number) => x;
          // pow with a negative base and fractional exponent is NaN; keep bases positive to compare numbers.
          const a = randomValues(seed, sizeOf(as)).map((v) => round(prim === "pow" ? Math.abs(v) + 0.1 : v));
          const b = randomValues(seed + 1, sizeOf(bs)).map(round);
          const out = broadcastShapes("test", as, bs);
          const y = run(prim, [tensor(a, as, dtype), tensor(b, bs, dtype)], {});
          expect(y.shape).toEqual(out);
          const expected = reference(prim, a, as, b, bs, out).map(round);
          // The reference mod a − ⌊a/b⌋·b rounds differently from the exact fmod the kernel starts from.
          if (prim === "mod") expectClose(values(y), expected, dtype === "float32" ? 1e-6 : 1e-14);
          else expect(values(y)).toEqual(expected);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it.each(["add", "sub", "mul", "maximum", "minimum", "mod"] as const)("%s broadcasts on int32", (prim) => {
    fc.assert(
      fc.property(broadcastShapesArb(2), seedArb, ([as, bs], seed) => {
        const a = randomValues(seed, sizeOf(as), true);
        const b = randomValues(seed + 1, sizeOf(bs), true).map((v) => (prim === "mod" && v === 0 ? 3 : v));
        const y = run(prim, [tensor(a, as, "int32"), tensor(b, bs, "int32")], {});
        expect(values(y)).toEqual(reference(prim, a, as, b, bs, y.shape as number[]).map((v) => v | 0));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("mod is floor-mod: the result has the divisor's sign", () => {
    const a = [7, -7, 7, -7, 5.5, -5.5, 0, 6, 1];
    const b = [3, 3, -3, -3, 2, 2, 5, 3, 0];
    const y = values(run("mod", [tensor(a, [9]), tensor(b, [9])], {}));
    expect(y.slice(0, 8)).toEqual([1, 2, -2, -1, 1.5, 0.5, 0, 0]);
    expect(y[8]).toBeNaN();
    const yi = values(
      run(
        "mod",
        [tensor([7, -7, 7, -7, 7, -2147483648], [6], "int32"), tensor([3, 3, -3, -3, 0, -1], [6], "int32")],
        {},
      ),
    );
    expect(yi).toEqual([1, 2, -2, -1, 0, 0]);
  });

  it("maximum and minimum propagate NaN from either side", () => {
    const a = tensor([Number.NaN, 1, Number.NaN], [3]);
    const b = tensor([1, Number.NaN, Number.NaN], [3]);
    expect(values(run("maximum", [a, b], {})).every(Number.isNaN)).toBe(true);
    expect(values(run("minimum", [a, b], {})).every(Number.isNaN)).toBe(true);
  });

  it("int32 results wrap", () => {
    const big = tensor([2147483647, 65536, -2147483648], [3], "int32");
    expect(values(run("add", [big, tensor([1], [], "int32")], {}))).toEqual([
      -2147483648, 65537, -2147483647,
    ]);
    expect(values(run("mul", [big, tensor([65536], [1], "int32")], {}))).toEqual([-65536, 0, 0]);
    expect(values(run("sub", [tensor([-2147483648], [], "int32"), tensor([1], [], "int32")], {}))).toEqual([
      2147483647,
    ]);
  });

  it("pow follows C99 on the special cases", () => {
    const y = values(
      run(
        "pow",
        [tensor([1, Number.NaN, -1, 2, -8, 0], [6]), tensor([Number.NaN, 0, Infinity, 0.5, 1 / 3, -1], [6])],
        {},
      ),
    );
    expect(y.slice(0, 4)).toEqual([1, 1, 1, Math.SQRT2]);
    expect(y[4]).toBeNaN();
    expect(y[5]).toBe(Infinity);
  });

  it("float32 rounds the double result once", () => {
    const y = values(run("add", [tensor([0.1], [1], "float32"), tensor([0.2], [1], "float32")], {}));
    expect(y[0]).toBe(Math.fround(Math.fround(0.1) + Math.fround(0.2)));
    const d = values(run("div", [tensor([1], [], "float32"), tensor([3], [], "float32")], {}));
    expect(d[0]).toBe(Math.fround(1 / 3));
  });

  it("handles scalars, empty shapes and broadcasting against size 0", () => {
    expect(values(run("add", [tensor([2], []), tensor([3], [])], {}))).toEqual([5]);
    const e = run("mul", [tensor([], [0, 3]), tensor([1, 2, 3], [3])], {});
    expect(e.shape).toEqual([0, 3]);
    const f = run("sub", [tensor([], [2, 0]), tensor([1], [1, 1])], {});
    expect(f.shape).toEqual([2, 0]);
    expect(values(f)).toEqual([]);
  });
});
