import { describe, expect, it } from "vitest";
import { CpuBackend } from "../backend.ts";
import { expectSame, runDirect } from "./testing.ts";

// randomUniform in WebAssembly against core's Philox in JavaScript (the reference kernel).
const fast = new CpuBackend({ threads: 1 });
const ref = new CpuBackend({ simd: false });

describe("WebAssembly randomUniform", () => {
  const keys: [number, number][] = [
    [0, 0],
    [1, 2],
    [0xffffffff, 0x80000000],
    [0x12345678, 0x9abcdef0],
  ];
  it.each(["float32", "float64"] as const)(
    "%s is bit-identical to the reference at every length and key",
    (dtype) => {
      for (const key of keys)
        for (const n of [0, 1, 3, 4, 15, 16, 17, 31, 32, 33, 100, 1023, 4097]) {
          const attrs = { shape: [n], dtype, key };
          const out = { shape: [n], dtype };
          expectSame(
            runDirect(fast, "randomUniform", [], attrs, out),
            runDirect(ref, "randomUniform", [], attrs, out),
            `randomUniform ${dtype} [${n}] key ${key}`,
          );
        }
    },
  );

  it("stays in [0, 1) with 2⁻²⁴ steps", () => {
    const v = runDirect(
      fast,
      "randomUniform",
      [],
      { shape: [4096], dtype: "float32", key: [7, 9] },
      {
        shape: [4096],
        dtype: "float32",
      },
    );
    for (const x of v) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      expect(Number.isInteger(x * 2 ** 24)).toBe(true);
    }
  });
});
