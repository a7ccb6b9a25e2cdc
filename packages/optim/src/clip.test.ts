import { type Tensor, tensor } from "@axon/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { clipByGlobalNorm, clipByValue, globalNorm } from "./clip.ts";
import { NUM_RUNS, expectClose, useCpuBackend, values } from "./test-helpers.ts";

const t = (v: number[], dtype: "float32" | "float64" = "float64"): Tensor => tensor(v, [v.length], dtype);

describe("gradient clipping", () => {
  useCpuBackend();

  it("clipByValue clips every tensor of a tree and keeps null leaves", () => {
    const out = clipByValue({ a: t([-3, 0.5, 2]), b: [t([10]), null] }, -1, 1);
    expect(values(out.a)).toEqual([-1, 0.5, 1]);
    expect(values(out.b[0] as Tensor)).toEqual([1]);
    expect(out.b[1]).toBeNull();
    expect(() => clipByValue([t([1])], 1, -1)).toThrow("clipByValue: lo must be <= hi, got lo 1 and hi -1");
  });

  it("globalNorm is the norm of all the tensors put end to end", () => {
    expect(values(globalNorm([t([3]), { b: t([0, 4]) }]))).toEqual([5]);
    expect(values(globalNorm([]))).toEqual([0]);
    expect(globalNorm([t([3], "float32"), t([4])]).dtype).toBe("float64");
  });

  it("clipByGlobalNorm scales the whole tree to maxNorm and reports the norm before", () => {
    const { grads, norm } = clipByGlobalNorm([t([3, 0]), t([4], "float32"), null], 1);
    expect(values(norm)).toEqual([5]);
    expectClose(values(grads[0] as Tensor), [0.6, 0], 1e-15);
    expectClose(values(grads[1] as Tensor), [0.8], 1e-7);
    expect((grads[1] as Tensor).dtype).toBe("float32");
    expect(grads[2]).toBeNull();
  });

  it("clipByGlobalNorm leaves a tree within maxNorm exactly as it is", () => {
    const { grads } = clipByGlobalNorm({ w: t([0.1, -0.2]) }, 1);
    expect(values(grads.w)).toEqual([0.1, -0.2]);
    expect(values(clipByGlobalNorm([t([0, 0])], 1).grads[0])).toEqual([0, 0]);
  });

  it("clipByGlobalNorm preserves direction: the result is a positive multiple of the input with norm min(‖g‖, maxNorm)", () => {
    const vec = (n: number) =>
      fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: n, maxLength: n });
    fc.assert(
      fc.property(vec(3), vec(2), fc.double({ min: 0.01, max: 50, noNaN: true }), (a, b, maxNorm) => {
        const { grads, norm } = clipByGlobalNorm([t(a), t(b)], maxNorm);
        const before = [...a, ...b];
        const after = [...values(grads[0]), ...values(grads[1])];
        const n = Math.hypot(...before);
        expectClose(values(norm), [n], 1e-12);
        const scale = n > maxNorm ? maxNorm / n : 1;
        expectClose(
          after,
          before.map((v) => v * scale),
          1e-12,
        );
        expectClose([Math.hypot(...after)], [Math.min(n, maxNorm)], 1e-12);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("a non-finite norm makes every gradient NaN rather than silently zeroing part of them", () => {
    const { grads, norm } = clipByGlobalNorm([t([Number.POSITIVE_INFINITY, 1])], 1);
    expect(values(norm)).toEqual([Number.POSITIVE_INFINITY]);
    expect(values(grads[0]).every(Number.isNaN)).toBe(true);
    expect(() => clipByGlobalNorm([t([1])], 0)).toThrow(
      "clipByGlobalNorm: maxNorm must be a positive finite number, got 0",
    );
  });
});
