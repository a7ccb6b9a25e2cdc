import { describe, expect, it } from "vitest";
import { t, useCpuBackend } from "./test-helpers.ts";
import { flattenTree } from "./tree.ts";

useCpuBackend();

describe("trees", () => {
  it("flatten in a fixed order with paths, and rebuild the same structure", () => {
    const a = t(1);
    const b = t(2);
    const c = t(3);
    const tree = { x: [a, { y: b }], m: new Map([["k", c]]), s: "static", n: null };
    const flat = flattenTree(tree);
    expect(flat.leaves).toEqual([a, b, c]);
    expect(flat.paths).toEqual([".x[0]", ".x[1].y", ".m.get(k)"]);
    const rebuilt = flat.rebuild([1, 2, 3]) as {
      x: [number, { y: number }];
      m: Map<string, number>;
      s: string;
      n: null;
    };
    expect(rebuilt.x).toEqual([1, { y: 2 }]);
    expect(rebuilt.m.get("k")).toBe(3);
    expect(rebuilt.s).toBe("static");
    expect(flat.rebuild([1, 2, 3], () => null)).toMatchObject({ s: null, n: null });
  });

  it("treat cells (objects with a tensor value) as leaves only when asked", () => {
    class Param {
      constructor(public value = t(5)) {}
    }
    const p = new Param();
    expect(flattenTree({ p }).leaves).toEqual([]);
    expect(flattenTree({ p }, { cells: true }).leaves).toEqual([p.value]);
  });

  it("refuse a structure that contains itself", () => {
    const loop: unknown[] = [];
    loop.push(loop);
    expect(() => flattenTree(loop)).toThrow(/refers to itself/);
  });
});
