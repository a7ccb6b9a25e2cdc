import { describe, expect, it } from "vitest";
import { gemmWorkspaceBytes } from "./gemm.ts";
import { GEMM_BLOCKS, WasmRuntime } from "./runtime.ts";

describe("sgemm", () => {
  // Regression: the workspace was sized for min(nc, n) columns of packed B while the kernel was given
  // nc = 4096 and put its edge tile after kc·4096 columns, about 4 MiB past the end of the block, in
  // whatever other tensor lived there (models trained one after another diverged or trapped).
  it("writes nothing outside its output and workspace blocks (edge tiles, n < nc)", () => {
    const rt = new WasmRuntime({ shared: false, fma: false, threads: 1 });
    const heap = rt.heap;
    for (const [m, n, k] of [
      [5, 10, 7],
      [64, 71, 784],
      [128, 10, 64],
    ]) {
      const a = heap.alloc(4 * m * k);
      const b = heap.alloc(4 * k * n);
      const c = heap.alloc(4 * m * n);
      heap.f32(a, m * k).forEach((_, i, v) => {
        v[i] = ((i * 7) % 13) - 6;
      });
      heap.f32(b, k * n).forEach((_, i, v) => {
        v[i] = ((i * 5) % 11) - 5;
      });
      // The workspace reuses this block; the sentinel follows it.
      const { mc, kc, nc } = GEMM_BLOCKS;
      const pre = heap.alloc(gemmWorkspaceBytes(rt.gemmDescription, mc, kc, Math.min(nc, n)));
      heap.free(pre);
      const sentinelLength = (8 << 20) / 4;
      const sentinel = heap.alloc(4 * sentinelLength);
      heap.f32(sentinel, sentinelLength).fill(12345);
      rt.sgemm(m, n, k, k, 1, n, 1, n, [a, b, c]);
      const s = heap.f32(sentinel, sentinelLength);
      let bad = 0;
      for (let i = 0; i < sentinelLength; i++) if (s[i] !== 12345) bad++;
      expect(bad).toBe(0);
      const av = heap.f32(a, m * k);
      const bv = heap.f32(b, k * n);
      const cv = heap.f32(c, m * n);
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) {
          let sum = 0;
          for (let p = 0; p < k; p++) sum += av[i * k + p] * bv[p * n + j];
          expect(cv[i * n + j]).toBe(sum);
        }
      for (const p of [a, b, c, sentinel]) heap.free(p);
    }
  });
});
