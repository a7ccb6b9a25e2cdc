import { describe, expect, it } from "vitest";
import { run, tensor, useCpuBackend, values } from "../testUtil.ts";

useCpuBackend();

describe("cast", () => {
  it("float → int32 truncates toward zero, maps NaN to 0 and saturates", () => {
    const x = [
      1.9,
      -1.9,
      0.5,
      -0.5,
      Number.NaN,
      3e9,
      -3e9,
      Infinity,
      -Infinity,
      2147483647.5,
      -2147483648.7,
      2147483646,
    ];
    const expected = [
      1, -1, 0, 0, 0, 2147483647, -2147483648, 2147483647, -2147483648, 2147483647, -2147483648, 2147483646,
    ];
    expect(values(run("cast", [tensor(x, [x.length], "float64")], { dtype: "int32" }))).toEqual(expected);
    const x32 = [2.5, -2.5, 3e9, Number.NaN];
    expect(values(run("cast", [tensor(x32, [4], "float32")], { dtype: "int32" }))).toEqual([
      2, -2, 2147483647, 0,
    ]);
  });

  it("anything → bool is x ≠ 0, with NaN true", () => {
    expect(
      values(run("cast", [tensor([0, -0, Number.NaN, 0.1, -3, Infinity], [6])], { dtype: "bool" })),
    ).toEqual([0, 0, 1, 1, 1, 1]);
    expect(values(run("cast", [tensor([0, 5, -1], [3], "int32")], { dtype: "bool" }))).toEqual([0, 1, 1]);
    expect(values(run("cast", [tensor([0, 1], [2], "bool")], { dtype: "bool" }))).toEqual([0, 1]);
  });

  it("bool → numbers gives 0/1", () => {
    const b = tensor([1, 0, 1], [3], "bool");
    for (const dtype of ["float32", "float64", "int32"] as const) {
      const y = run("cast", [b], { dtype });
      expect(y.dtype).toBe(dtype);
      expect(values(y)).toEqual([1, 0, 1]);
    }
  });

  it("rounds once into float32", () => {
    expect(values(run("cast", [tensor([0.1, 1e40, -1e-50], [3])], { dtype: "float32" }))).toEqual([
      Math.fround(0.1),
      Infinity,
      -0,
    ]);
    expect(
      values(run("cast", [tensor([16777217, -2147483648], [2], "int32")], { dtype: "float32" })),
    ).toEqual([16777216, -2147483648]);
    expect(values(run("cast", [tensor([16777217], [1], "int32")], { dtype: "float64" }))).toEqual([16777217]);
    expect(values(run("cast", [tensor([0.1], [1], "float32")], { dtype: "float64" }))).toEqual([
      Math.fround(0.1),
    ]);
  });

  it("works on scalars and empty tensors", () => {
    expect(values(run("cast", [tensor([-7.9], [])], { dtype: "int32" }))).toEqual([-7]);
    expect(run("cast", [tensor([], [3, 0])], { dtype: "bool" }).shape).toEqual([3, 0]);
  });
});
