import { conformanceSuite } from "@axon/core/testing";
import { createWebGLBackend } from "./index.ts";

// float32 math on the GPU: exp, log, sin, cos, erf and friends are within a few ulps (see
// numerics.browser.test.ts), and sums/matmuls accumulate in float32 in their own order.
conformanceSuite({
  name: "webgl",
  factory: createWebGLBackend,
  tolerance: {
    float32: { atol: 1e-5, rtol: 1e-4 },
  },
});
