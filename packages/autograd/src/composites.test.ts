import { useCpuBackend } from "./test-helpers.ts";
import { gradientSuite } from "./testing/index.ts";

// Core's composite ops are plain compositions of primitives; their gradients come from the
// primitives' rules. Each is checked the same way as a primitive (the generators are in
// `./testing/composites.ts`, shared with every backend).

useCpuBackend();

gradientSuite({ name: "cpu", dtypes: ["float64", "float32"], groups: ["composites"] });
