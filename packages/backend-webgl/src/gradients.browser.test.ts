import { gradCheck, grad } from "@axon/autograd";
import { gradientSuite } from "@axon/autograd/testing";
import { DTypeError, type Tensor, getBackend, sum, tanh, tidy } from "@axon/core";
import { beforeAll, describe, expect, it } from "vitest";
import { t, useWebGL, useWebGLGpuOnly } from "./test/setup.ts";

// Autograd runs on any backend: every differentiable primitive and composite op of core passes
// gradCheck on WebGL, in float32 (the only float dtype here), with the same generators as on the
// CPU and gradCheck's float32 defaults (eps 1e-3, rtol 1e-2, atol 1e-4).

/**
 * WebGL's tolerance table: gradCheck options by case name, over the float32 defaults. Empty: every
 * case passes with the defaults (checked with 400 runs per case). A case that needs more goes here,
 * never into a skip.
 */
const TOLERANCE = {};

describe("host evaluation on (small tensors on the host kernels)", () => {
  beforeAll(async () => {
    await useWebGL();
  });
  gradientSuite({ name: "webgl", dtypes: ["float32"], tolerance: { float32: TOLERANCE } });
});

describe("host evaluation off (every primitive on the GPU kernels)", () => {
  beforeAll(async () => {
    await useWebGLGpuOnly();
  });
  gradientSuite({ name: "webgl-gpu", dtypes: ["float32"], tolerance: { float32: TOLERANCE } });
});

describe("gradCheck on a backend without float64", () => {
  beforeAll(async () => {
    await useWebGL();
  });

  it("falls back to float32 and passes", () =>
    tidy(() => {
      expect(getBackend().name).toBe("webgl");
      expect(getBackend().dtypes).not.toContain("float64");
      const x = t([0.3, -1.2, 2], [3]);
      const r = gradCheck((v) => sum(tanh(v)), [x]);
      expect(r.dtype).toBe("float32");
      expect(r.ok).toBe(true);
      expect(r.relativeDifference).toBeLessThan(r.rtol);
      const g = grad((v: Tensor) => sum(tanh(v)))(x).dataSync();
      [0.3, -1.2, 2].forEach((v, i) => {
        expect(g[i]).toBeCloseTo(1 - Math.tanh(v) ** 2, 5);
      });
    }));

  it("asking for float64 says to pass float32", () =>
    tidy(() => {
      const x = t([1, 2], [2]);
      expect(() => gradCheck((v) => sum(v), [x], { dtype: "float64" })).toThrow(DTypeError);
      expect(() => gradCheck((v) => sum(v), [x], { dtype: "float64" })).toThrow(/pass dtype: 'float32'/);
    }));
});
