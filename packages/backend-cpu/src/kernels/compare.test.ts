import { type ComparePrim, sizeOf } from "@axon/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  NUM_RUNS,
  broadcastRead,
  broadcastShapesArb,
  randomValues,
  run,
  seedArb,
  tensor,
  unravel,
  useCpuBackend,
  values,
} from "../testUtil.ts";

useCpuBackend();

const REF: Record<ComparePrim, (a: number, b: number) => boolean> = {
  equal: (a, b) => a === b,
  notEqual: (a, b) => a !== b,
  less: (a, b) => a < b,
  lessEqual: (a, b) => a <= b,
  greater: (a, b) => a > b,
  greaterEqual: (a, b) => a >= b,
};

describe("comparison and logical kernels", () => {
  it.each(Object.keys(REF) as ComparePrim[])("%s broadcasts and returns bool", (prim) => {
    fc.assert(
      fc.property(broadcastShapesArb(2), seedArb, ([as, bs], seed) => {
        // Small integers make ties (equal, lessEqual) frequent.
        const a = randomValues(seed, sizeOf(as), true);
        const b = randomValues(seed + 1, sizeOf(bs), true);
        const y = run(prim, [tensor(a, as, "int32"), tensor(b, bs, "int32")], {});
        expect(y.dtype).toBe("bool");
        const expected = Array.from({ length: y.size }, (_, i) => {
          const idx = unravel(i, y.shape);
          return REF[prim](broadcastRead(a, as, idx), broadcastRead(b, bs, idx)) ? 1 : 0;
        });
        expect(values(y)).toEqual(expected);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("NaN compares false except with notEqual", () => {
    const a = tensor([Number.NaN, Number.NaN, 1], [3], "float32");
    const b = tensor([Number.NaN, 1, Number.NaN], [3], "float32");
    for (const prim of ["equal", "less", "lessEqual", "greater", "greaterEqual"] as const) {
      expect(values(run(prim, [a, b], {})), prim).toEqual([0, 0, 0]);
    }
    expect(values(run("notEqual", [a, b], {}))).toEqual([1, 1, 1]);
  });

  it("compares bools and treats -0 as 0", () => {
    expect(values(run("equal", [tensor([0, 1], [2], "bool"), tensor([0, 0], [2], "bool")], {}))).toEqual([
      1, 0,
    ]);
    expect(values(run("equal", [tensor([-0], [1]), tensor([0], [1])], {}))).toEqual([1]);
  });

  it("logicalAnd and logicalOr broadcast on bools", () => {
    const a = tensor([0, 1], [2, 1], "bool");
    const b = tensor([0, 1, 1], [3], "bool");
    expect(values(run("logicalAnd", [a, b], {}))).toEqual([0, 0, 0, 0, 1, 1]);
    expect(values(run("logicalOr", [a, b], {}))).toEqual([0, 1, 1, 1, 1, 1]);
  });
});
