import { moments, tensor, zeros } from "@axon/core";
import { describe, expect, it } from "vitest";
import { constant } from "../init/basic.ts";
import { expectClose, expectGradOk, gradCheckLayer, spread, useCpuBackend } from "../test-helpers.ts";
import { LayerNorm } from "./layer-norm.ts";

describe("LayerNorm", () => {
  useCpuBackend();

  it("normalizes each example over its last axes", () => {
    const ln = new LayerNorm(4, { epsilon: 1e-6 });
    const y = ln.call(
      tensor([
        [1, 2, 3, 4],
        [10, 10, 20, 20],
      ]),
    );
    const m = moments(y, 1);
    expectClose(m.mean, [0, 0], 1e-5);
    expectClose(m.variance, [1, 1], 1e-4);
    const ln2 = new LayerNorm([2, 3]);
    expect(ln2.gamma!.shape).toEqual([2, 3]);
    expect(ln2.call(zeros([5, 2, 3])).shape).toEqual([5, 2, 3]);
    expect(() => ln2.call(zeros([5, 3, 2]))).toThrow(
      "LayerNorm: x must end in [2,3] after a batch axis, got shape [5,3,2]",
    );
  });

  it("passes gradCheck in both modes", () => {
    for (const mode of ["train", "eval"] as const) {
      const make = () =>
        new LayerNorm(3, { gammaInitializer: constant(1.3), betaInitializer: constant(-0.4) });
      expectGradOk(gradCheckLayer(make, spread([2, 2, 3]), mode));
      expectGradOk(
        gradCheckLayer(() => new LayerNorm([2, 3], { center: false }), spread([2, 2, 3], 2), mode),
      );
    }
  });
});
