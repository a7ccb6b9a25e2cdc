import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/src/**/*.test.ts", "examples/**/*.test.ts"],
    // The memory tests call gc() to show that unreachable tensors are released.
    execArgv: ["--expose-gc"],
    testTimeout: 60_000,
  },
});
