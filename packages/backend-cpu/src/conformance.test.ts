import { conformanceSuite } from "@axon/core/testing";
import { CpuBackend } from "./index.ts";

// Every code path: the WebAssembly kernels on one thread (with fused multiply-add where the engine
// has it, and without), on two threads that split every kernel however small, and the JavaScript
// reference kernels alone.
conformanceSuite({ name: "cpu-conformance", factory: () => new CpuBackend({ threads: 1 }) });
conformanceSuite({
  name: "cpu-conformance-nofma",
  factory: () => new CpuBackend({ threads: 1, relaxedSimd: false }),
});
conformanceSuite({
  name: "cpu-conformance-2threads",
  factory: async () => {
    const b = new CpuBackend({ threads: 2, minParallelWork: 0 });
    await b.ready();
    return b;
  },
});
conformanceSuite({ name: "cpu-conformance-js", factory: () => new CpuBackend({ simd: false }) });
