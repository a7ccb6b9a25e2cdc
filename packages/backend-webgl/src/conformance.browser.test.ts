import { conformanceSuite } from "@axon/core/testing";
import { afterAll, expect } from "vitest";
import { type WebGLBackend, createWebGLBackend } from "./index.ts";

// float32 math on the GPU: exp, log, sin, cos, erf and friends are within a few ulps (see
// numerics.browser.test.ts), and sums/matmuls accumulate in float32 in their own order.
const tolerance = { float32: { atol: 1e-5, rtol: 1e-4 } };

let withHost: WebGLBackend | undefined;
let gpuOnly: WebGLBackend | undefined;

// As users get it: the suite's many small tensors run on the host kernels (host evaluation), the
// larger ones on the GPU.
conformanceSuite({
  name: "webgl",
  factory: () => {
    withHost = createWebGLBackend();
    return withHost;
  },
  tolerance,
});

// Host evaluation off: every primitive, however small, runs on the GPU kernels.
conformanceSuite({
  name: "webgl-gpu",
  factory: () => {
    gpuOnly = createWebGLBackend({ hostEvalMax: 0 });
    return gpuOnly;
  },
  tolerance,
});

afterAll(() => {
  // Both paths were really taken: the first suite ran primitives on the host, the second never did.
  expect(withHost?.gpgpu.stats.hostRuns).toBeGreaterThan(1000);
  expect(withHost?.gpgpu.stats.draws).toBeGreaterThan(100);
  expect(gpuOnly?.gpgpu.stats.hostRuns).toBe(0);
  expect(gpuOnly?.gpgpu.stats.draws).toBeGreaterThan(1000);
  console.log(
    `host evaluation: ${withHost?.gpgpu.stats.hostRuns} primitives on the host, ${withHost?.gpgpu.stats.draws} draws; GPU only: ${gpuOnly?.gpgpu.stats.draws} draws`,
  );
});
