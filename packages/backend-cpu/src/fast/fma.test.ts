import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * Node 20 has relaxed SIMD only behind a flag, so the fused multiply-add GEMM is checked in a child
 * process that has it (see fma.check.ts).
 */
describe("relaxed-SIMD (FMA) GEMM", () => {
  it("matches the reference and gives the same bits on two threads, where the engine offers FMA", () => {
    const script = fileURLToPath(new URL("./fma.check.ts", import.meta.url));
    const r = spawnSync(process.execPath, ["--experimental-wasm-relaxed-simd", "--import", "tsx", script], {
      encoding: "utf8",
      timeout: 60_000,
    });
    if (r.error) throw r.error;
    const last = r.stdout.trim().split("\n").pop() ?? "";
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(JSON.parse(last)).toEqual({ relaxedSimd: true, failures: [] });
  });
});
