import { sizeOf } from "@axon/core";
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

describe("where", () => {
  it("broadcasts condition, x and y together", () => {
    fc.assert(
      fc.property(broadcastShapesArb(3), seedArb, ([cs, as, bs], seed) => {
        const c = randomValues(seed, sizeOf(cs), true).map((v) => (v > 0 ? 1 : 0));
        const a = randomValues(seed + 1, sizeOf(as));
        const b = randomValues(seed + 2, sizeOf(bs));
        const y = run("where", [tensor(c, cs, "bool"), tensor(a, as), tensor(b, bs)], {});
        const expected = Array.from({ length: y.size }, (_, i) => {
          const idx = unravel(i, y.shape);
          return broadcastRead(c, cs, idx) ? broadcastRead(a, as, idx) : broadcastRead(b, bs, idx);
        });
        expect(values(y)).toEqual(expected);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("keeps the dtype of x and y", () => {
    const y = run(
      "where",
      [tensor([1, 0], [2], "bool"), tensor([5], [], "int32"), tensor([7, 8], [2], "int32")],
      {},
    );
    expect(y.dtype).toBe("int32");
    expect(values(y)).toEqual([5, 8]);
    const s = run("where", [tensor([0], [], "bool"), tensor([1], []), tensor([2], [])], {});
    expect(s.shape).toEqual([]);
    expect(values(s)).toEqual([2]);
  });
});
