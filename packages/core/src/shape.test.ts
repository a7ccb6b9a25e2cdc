import { describe, expect, it } from "vitest";
import { ShapeError, ValueError } from "./errors.ts";
import {
  broadcastShapes,
  broadcastedAxes,
  checkShape,
  normalizeAxes,
  normalizeAxis,
  shapesEqual,
  sizeOf,
  stridesOf,
} from "./shape.ts";

describe("sizeOf, stridesOf, shapesEqual", () => {
  it("computes sizes and row-major strides", () => {
    expect(sizeOf([])).toBe(1);
    expect(sizeOf([2, 3, 4])).toBe(24);
    expect(sizeOf([2, 0, 4])).toBe(0);
    expect(stridesOf([])).toEqual([]);
    expect(stridesOf([2, 3, 4])).toEqual([12, 4, 1]);
    expect(stridesOf([5])).toEqual([1]);
    expect(stridesOf([2, 0, 3])).toEqual([0, 3, 1]);
  });

  it("compares shapes", () => {
    expect(shapesEqual([], [])).toBe(true);
    expect(shapesEqual([2, 3], [2, 3])).toBe(true);
    expect(shapesEqual([2, 3], [3, 2])).toBe(false);
    expect(shapesEqual([1, 3], [3])).toBe(false);
  });

  it("checkShape accepts non-negative integers only", () => {
    expect(() => checkShape("op", "shape", [0, 2, 1])).not.toThrow();
    expect(() => checkShape("op", "shape", [2, -1])).toThrow(ShapeError);
    expect(() => checkShape("op", "shape", [2, -1])).toThrow(
      /^op: shape must hold non-negative integers, got \[2,-1\]/,
    );
    expect(() => checkShape("op", "shape", [1.5])).toThrow(/^op: shape must hold non-negative integers/);
    expect(() => checkShape("op", "shape", [Number.NaN])).toThrow(ShapeError);
    expect(() => checkShape("op", "dims", 3 as unknown as number[])).toThrow(
      /^op: dims must be an array of dimensions, got 3/,
    );
  });
});

describe("broadcastShapes", () => {
  const cases: [number[][], number[]][] = [
    [[], []],
    [[[]], []],
    [[[], []], []],
    [[[3], []], [3]],
    [
      [[], [2, 3]],
      [2, 3],
    ],
    [
      [
        [2, 1, 3],
        [4, 1],
      ],
      [2, 4, 3],
    ],
    [[[1], [5]], [5]],
    [[[5], [1]], [5]],
    [[[0], [1]], [0]],
    [
      [
        [1, 3],
        [0, 1],
      ],
      [0, 3],
    ],
    [
      [[3, 1], [0]],
      [3, 0],
    ],
    [
      [
        [2, 1, 1],
        [1, 3, 1],
        [1, 1, 4],
      ],
      [2, 3, 4],
    ],
    [
      [
        [1, 2, 1, 2, 1, 2],
        [2, 1, 2, 1, 2, 1],
      ],
      [2, 2, 2, 2, 2, 2],
    ],
  ];
  it.each(cases)("%j → %j", (shapes, expected) => {
    expect(broadcastShapes("op", ...shapes)).toEqual(expected);
  });

  it("names the op and every shape when they do not broadcast", () => {
    expect(() => broadcastShapes("add", [2, 3], [4])).toThrow(ShapeError);
    expect(() => broadcastShapes("add", [2, 3], [4])).toThrow(
      /^add: shapes \[2,3\] and \[4\] cannot be broadcast together$/,
    );
    expect(() => broadcastShapes("where", [2], [2], [3])).toThrow(
      /^where: shapes \[2\] and \[2\] and \[3\] cannot be broadcast together$/,
    );
    expect(() => broadcastShapes("add", [0], [2])).toThrow(
      /^add: shapes \[0\] and \[2\] cannot be broadcast together/,
    );
  });

  it("is commutative", () => {
    expect(broadcastShapes("op", [4, 1], [2, 1, 3])).toEqual(broadcastShapes("op", [2, 1, 3], [4, 1]));
  });
});

describe("normalizeAxis", () => {
  it("maps negative axes into range", () => {
    expect(normalizeAxis("op", 0, 3)).toBe(0);
    expect(normalizeAxis("op", 2, 3)).toBe(2);
    expect(normalizeAxis("op", -1, 3)).toBe(2);
    expect(normalizeAxis("op", -3, 3)).toBe(0);
  });

  it("refuses axes out of range with a ShapeError and non-integers with a ValueError", () => {
    expect(() => normalizeAxis("sum", 3, 3)).toThrow(ShapeError);
    expect(() => normalizeAxis("sum", 3, 3)).toThrow(
      /^sum: axis 3 is out of range for a tensor of rank 3 \(expected -3..2\)$/,
    );
    expect(() => normalizeAxis("sum", -4, 3)).toThrow(/^sum: axis -4 is out of range for a tensor of rank 3/);
    expect(() => normalizeAxis("sum", 0, 0)).toThrow(
      /^sum: axis 0 is out of range for a tensor of rank 0 \(expected 0..-1\)/,
    );
    expect(() => normalizeAxis("concat", 1.5, 3)).toThrow(ValueError);
    expect(() => normalizeAxis("concat", 1.5, 3)).toThrow(/^concat: axis must be an integer, got 1.5$/);
    expect(() => normalizeAxis("gather", Number.NaN, 3, "dim")).toThrow(
      /^gather: dim must be an integer, got NaN/,
    );
    expect(() => normalizeAxis("gather", 5, 3, "dim")).toThrow(/^gather: dim 5 is out of range/);
  });
});

describe("normalizeAxes", () => {
  it("normalizes, sorts and defaults to every axis", () => {
    expect(normalizeAxes("op", undefined, 3)).toEqual([0, 1, 2]);
    expect(normalizeAxes("op", null, 2)).toEqual([0, 1]);
    expect(normalizeAxes("op", undefined, 0)).toEqual([]);
    expect(normalizeAxes("op", 1, 3)).toEqual([1]);
    expect(normalizeAxes("op", -1, 3)).toEqual([2]);
    expect(normalizeAxes("op", [2, 0], 3)).toEqual([0, 2]);
    expect(normalizeAxes("op", [-1, 0], 3)).toEqual([0, 2]);
    expect(normalizeAxes("op", [], 3)).toEqual([]);
  });

  it("refuses repeated axes (also through negatives) and axes out of range", () => {
    expect(() => normalizeAxes("sum", [1, 1], 3)).toThrow(ShapeError);
    expect(() => normalizeAxes("sum", [1, 1], 3)).toThrow(/^sum: axes \[1,1\] repeat an axis$/);
    expect(() => normalizeAxes("sum", [2, -1], 3)).toThrow(/^sum: axes \[2,-1\] repeat an axis$/);
    expect(() => normalizeAxes("max", [0, 3], 3)).toThrow(
      /^max: axis 3 is out of range for a tensor of rank 3/,
    );
    expect(() => normalizeAxes("max", 0.5, 3)).toThrow(ValueError);
  });
});

describe("broadcastedAxes", () => {
  const cases: [number[], number[], number[]][] = [
    [[2, 3], [2, 3], []],
    [[3], [2, 3], [0]],
    [[], [2, 3], [0, 1]],
    [[1, 3], [2, 3], [0]],
    [[2, 1], [2, 3], [1]],
    [[1, 1], [1, 1], []],
    [
      [4, 1],
      [2, 4, 3],
      [0, 2],
    ],
    [[1, 0], [3, 1, 0], [0]],
  ];
  it.each(cases)("%j broadcast to %j expanded axes %j", (inShape, outShape, expected) => {
    expect(broadcastedAxes(inShape, outShape)).toEqual(expected);
  });
});
