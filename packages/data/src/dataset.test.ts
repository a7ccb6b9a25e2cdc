import { describe, expect, it } from "vitest";
import { classCounts, makeDataset, rowSizes, subset, withFeatureShape } from "./dataset.ts";
import { numberedDataset } from "./test-helpers.ts";

describe("makeDataset and its helpers", () => {
  it("fills in the shapes and checks them against the arrays", () => {
    const d = makeDataset({ x: new Float32Array(12), y: new Int32Array(3) });
    expect(d.shape).toEqual([3, 4]);
    expect(d.labelShape).toEqual([3]);
    expect(rowSizes(d)).toEqual({ features: 4, labels: 1 });
    expect(() => makeDataset({ x: new Float32Array(12), y: new Int32Array(3), shape: [3, 5] })).toThrow(
      /x has 12 elements, which does not fit the shape \[3,5\]/,
    );
    expect(() => makeDataset({ x: new Float32Array(12), y: new Int32Array(4), shape: [3, 4] })).toThrow(
      /y has 4 elements/,
    );
    expect(() => makeDataset({ x: new Float32Array(12), y: new Int32Array(5) })).toThrow(
      /not a whole number of rows for 5 examples/,
    );
    expect(() => makeDataset({ x: [1, 2] as never, y: new Int32Array(2) })).toThrow(
      /x must be a Float32Array/,
    );
    expect(() => makeDataset({ x: new Float32Array(2), y: Int32Array.from([0, 3]), numClasses: 3 })).toThrow(
      /label 1 is 3, outside \[0, 3\)/,
    );
    expect(() =>
      makeDataset({ x: new Float32Array(2), y: new Int32Array(2), numClasses: 2, classNames: ["a"] }),
    ).toThrow(/1 class names for 2 classes/);
  });

  it("subset copies the rows asked for, in that order", () => {
    const d = numberedDataset(5, 2, 5);
    const s = subset(d, [4, 0, 4]);
    expect(s.shape).toEqual([3, 2]);
    expect(Array.from(s.x)).toEqual([4000, 4001, 0, 1, 4000, 4001]);
    expect(Array.from(s.y)).toEqual([4, 0, 4]);
    expect(() => subset(d, [5])).toThrow(/index 0 is 5, outside the 5 examples/);
  });

  it("withFeatureShape reshapes without copying; classCounts counts labels", () => {
    const d = numberedDataset(6, 4, 3);
    const r = withFeatureShape(d, [2, 2, 1]);
    expect(r.shape).toEqual([6, 2, 2, 1]);
    expect(r.x).toBe(d.x);
    expect(() => withFeatureShape(d, [3])).toThrow(/has 4 elements, featureShape \[3\] has 3/);
    expect(classCounts(d)).toEqual([2, 2, 2]);
  });
});
