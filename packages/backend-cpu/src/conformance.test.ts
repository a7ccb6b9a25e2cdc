import { conformanceSuite } from "@axon/core/testing";
import { CpuBackend } from "./index.ts";

conformanceSuite({ name: "cpu-conformance", factory: () => new CpuBackend() });
