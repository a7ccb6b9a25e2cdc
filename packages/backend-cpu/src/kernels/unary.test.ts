import { describe, expect, it } from "vitest";
import { run, tensor, useCpuBackend, values } from "../testUtil.ts";
import type { UnaryPrim } from "@axon/core";

useCpuBackend();

const EDGE = [
  0,
  -0,
  0.5,
  -0.5,
  1,
  -1,
  2.5,
  -2.5,
  3.7,
  -3.7,
  1e-300,
  1e300,
  -1e300,
  Infinity,
  -Infinity,
  Number.NaN,
];

const MATH: [UnaryPrim, (x: number) => number][] = [
  ["neg", (x) => -x],
  ["abs", Math.abs],
  ["exp", Math.exp],
  ["log", Math.log],
  ["log1p", Math.log1p],
  ["expm1", Math.expm1],
  ["sqrt", Math.sqrt],
  ["rsqrt", (x) => 1 / Math.sqrt(x)],
  ["reciprocal", (x) => 1 / x],
  ["sin", Math.sin],
  ["cos", Math.cos],
  ["tanh", Math.tanh],
  ["floor", Math.floor],
  ["ceil", Math.ceil],
];

describe("unary kernels", () => {
  it.each(MATH)("%s matches Math in float64 and rounds once in float32", (prim, f) => {
    const y64 = values(run(prim, [tensor(EDGE, [EDGE.length], "float64")], {}));
    for (let i = 0; i < EDGE.length; i++) {
      const e = f(EDGE[i]);
      expect(Object.is(y64[i], e) || (Number.isNaN(y64[i]) && Number.isNaN(e)), `${prim}(${EDGE[i]})`).toBe(
        true,
      );
    }
    const x32 = EDGE.map(Math.fround);
    const y32 = values(run(prim, [tensor(x32, [2, 8], "float32")], {}));
    for (let i = 0; i < x32.length; i++) expect(y32[i]).toBe(Math.fround(f(x32[i])));
  });

  it("sign: sign(±0) = 0, sign(NaN) = NaN, int32 too", () => {
    expect(values(run("sign", [tensor([-2, -0, 0, 3, Number.NaN, -Infinity], [6])], {}))).toEqual([
      -1,
      0,
      0,
      1,
      Number.NaN,
      -1,
    ]);
    expect(values(run("sign", [tensor([-7, 0, 9], [3], "int32")], {}))).toEqual([-1, 0, 1]);
  });

  it("round is half-to-even", () => {
    const x = [0.5, 1.5, 2.5, 3.5, -0.5, -1.5, -2.5, 2.4, 2.6, -2.6, 0.49999999999999994, 4503599627370495.5];
    const y = values(run("round", [tensor(x, [x.length])], {}));
    expect(y).toEqual([0, 2, 2, 4, -0, -2, -2, 2, 3, -3, 0, 4503599627370496]);
    expect(values(run("round", [tensor([Number.NaN, Infinity], [2], "float32")], {}))).toEqual([
      Number.NaN,
      Infinity,
    ]);
  });

  it("sigmoid never overflows and is accurate in both tails", () => {
    const x = [-1000, -750, -30, -1, 0, 1, 30, 750, 1000, Number.NaN];
    const y = values(run("sigmoid", [tensor(x, [x.length])], {}));
    expect(y.slice(0, 9).every(Number.isFinite)).toBe(true);
    expect(y[0]).toBe(0);
    expect(y[2]).toBeCloseTo(Math.exp(-30) / (1 + Math.exp(-30)), 25);
    expect(y[4]).toBe(0.5);
    expect(y[5]).toBeCloseTo(1 / (1 + Math.exp(-1)), 15);
    expect(y[3] + y[5]).toBeCloseTo(1, 15);
    expect(y[8]).toBe(1);
    expect(y[9]).toBeNaN();
  });

  it("int32 neg and abs wrap like int32", () => {
    const x = tensor([-2147483648, 2147483647, -5, 0], [4], "int32");
    expect(values(run("neg", [x], {}))).toEqual([-2147483648, -2147483647, 5, 0]);
    expect(values(run("abs", [x], {}))).toEqual([-2147483648, 2147483647, 5, 0]);
  });

  it("logicalNot flips bools", () => {
    expect(values(run("logicalNot", [tensor([0, 1, 1, 0], [2, 2], "bool")], {}))).toEqual([1, 0, 0, 1]);
  });

  it("keeps the shape of scalars and empty tensors", () => {
    const s = run("exp", [tensor([0], [])], {});
    expect(s.shape).toEqual([]);
    expect(values(s)).toEqual([1]);
    const e = run("tanh", [tensor([], [0, 3], "float32")], {});
    expect(e.shape).toEqual([0, 3]);
    expect(values(e)).toEqual([]);
  });
});
