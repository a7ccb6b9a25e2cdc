import { describe, expect, it } from "vitest";
import { formatTensor } from "./format.ts";

const f32 = (v: number[]) => Float32Array.from(v);

describe("formatTensor", () => {
  it("aligns a float matrix on the decimal point, NumPy style", () => {
    expect(formatTensor(f32([1, 2.5, 3, 4]), [2, 2], "float32")).toBe(
      ["Tensor([[1. , 2.5],", "        [3. , 4. ]], shape=[2,2], dtype=float32)"].join("\n"),
    );
  });

  it("keeps at most `precision` decimals and right-aligns signs", () => {
    expect(formatTensor(f32([-1 / 3, 10.5, 2]), [3], "float32")).toBe(
      "Tensor([-0.3333, 10.5   ,  2.    ], shape=[3], dtype=float32)",
    );
    expect(formatTensor(Float64Array.from([Math.PI]), [1], "float64", { precision: 2 })).toBe(
      "Tensor([3.14], shape=[1], dtype=float64)",
    );
  });

  it("prints scalars without brackets", () => {
    expect(formatTensor(f32([1.5]), [], "float32")).toBe("Tensor(1.5, shape=[], dtype=float32)");
    expect(formatTensor(Int32Array.from([-7]), [], "int32")).toBe("Tensor(-7, shape=[], dtype=int32)");
    expect(formatTensor(Uint8Array.from([1]), [], "bool")).toBe("Tensor(true, shape=[], dtype=bool)");
  });

  it("prints ints plain and separates 2-D blocks with a blank line", () => {
    expect(formatTensor(Int32Array.from([1, -20, 300, 4, 5, 6, 7, 8]), [2, 2, 2], "int32")).toBe(
      [
        "Tensor([[[  1, -20],",
        "         [300,   4]],",
        "",
        "        [[  5,   6],",
        "         [  7,   8]]], shape=[2,2,2], dtype=int32)",
      ].join("\n"),
    );
  });

  it("prints bools as true/false", () => {
    expect(formatTensor(Uint8Array.from([1, 0, 1]), [3], "bool")).toBe(
      "Tensor([ true, false,  true], shape=[3], dtype=bool)",
    );
  });

  it("switches to scientific notation for wide or extreme magnitudes, and prints nan/inf", () => {
    expect(
      formatTensor(Float64Array.from([1e-5, 1, Number.NaN, Number.NEGATIVE_INFINITY]), [4], "float64"),
    ).toBe("Tensor([1.e-05, 1.e+00,    nan,   -inf], shape=[4], dtype=float64)");
    expect(formatTensor(f32([1.5e9, 2]), [2], "float32")).toBe(
      "Tensor([1.5e+09, 2.0e+00], shape=[2], dtype=float32)",
    );
    expect(formatTensor(f32([0.001, 5]), [2], "float32")).toBe(
      "Tensor([1.e-03, 5.e+00], shape=[2], dtype=float32)",
    );
    expect(formatTensor(f32([0, 0.5, Number.POSITIVE_INFINITY]), [3], "float32")).toBe(
      "Tensor([0. , 0.5, inf], shape=[3], dtype=float32)",
    );
  });

  it("abbreviates tensors over 1000 elements with 3 items at each edge", () => {
    const v = Float32Array.from({ length: 1001 }, (_, i) => i);
    expect(formatTensor(v, [1001], "float32")).toBe(
      "Tensor([   0.,    1.,    2., ...,  998.,  999., 1000.], shape=[1001], dtype=float32)",
    );
    const m = Int32Array.from({ length: 2000 }, (_, i) => i);
    expect(formatTensor(m, [40, 50], "int32")).toBe(
      [
        "Tensor([[   0,    1,    2, ...,   47,   48,   49],",
        "        [  50,   51,   52, ...,   97,   98,   99],",
        "        [ 100,  101,  102, ...,  147,  148,  149],",
        "        ...,",
        "        [1850, 1851, 1852, ..., 1897, 1898, 1899],",
        "        [1900, 1901, 1902, ..., 1947, 1948, 1949],",
        "        [1950, 1951, 1952, ..., 1997, 1998, 1999]], shape=[40,50], dtype=int32)",
      ].join("\n"),
    );
    // At the threshold nothing is abbreviated; a short axis of a large tensor is shown whole.
    expect(formatTensor(new Int32Array(1000), [1000], "int32")).not.toContain("...");
    expect(formatTensor(new Int32Array(2000), [2, 1000], "int32").split("\n")).toHaveLength(2);
  });

  it("honours threshold and edgeItems", () => {
    expect(formatTensor(Int32Array.from([1, 2, 3, 4, 5]), [5], "int32", { threshold: 4, edgeItems: 1 })).toBe(
      "Tensor([1, ..., 5], shape=[5], dtype=int32)",
    );
  });

  it("wraps long rows under the opening bracket", () => {
    const text = formatTensor(
      Int32Array.from({ length: 40 }, (_, i) => i * 1000),
      [40],
      "int32",
    );
    const lines = text.split("\n");
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines.slice(0, -1)) expect(line.length).toBeLessThanOrEqual(75);
    for (const line of lines.slice(1)) expect(line.startsWith("        ")).toBe(true);
    expect(text.replace(/\s+/g, " ")).toContain("38000, 39000], shape=[40]");
  });

  it("prints empty tensors as []", () => {
    expect(formatTensor(new Float32Array(0), [2, 0], "float32")).toBe(
      "Tensor([], shape=[2,0], dtype=float32)",
    );
    expect(formatTensor(new Int32Array(0), [0], "int32")).toBe("Tensor([], shape=[0], dtype=int32)");
  });
});
