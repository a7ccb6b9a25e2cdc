import * as ax from "@axon/core";
import { describe, expect, it } from "vitest";
import { derivedKey, shuffledIndices } from "./shuffle.ts";
import { useCpuBackend } from "./test-helpers.ts";

useCpuBackend();

describe("shuffledIndices", () => {
  it("is core's randomPermutation for the same key, computed on the host", () => {
    for (const n of [0, 1, 2, 17, 1000]) {
      const key = derivedKey(123, n, 0, "test");
      expect(Array.from(shuffledIndices(n, key))).toEqual(
        Array.from(ax.randomPermutation(n, { key }).dataSync()),
      );
    }
  });

  it("derives different keys for different indices, streams and seeds", () => {
    const keys = [
      derivedKey(1, 0, 0, "t"),
      derivedKey(1, 1, 0, "t"),
      derivedKey(1, 0, 1, "t"),
      derivedKey(2, 0, 0, "t"),
    ];
    expect(new Set(keys.map((k) => k.join())).size).toBe(4);
    expect(derivedKey(1, 0, 0, "t")).toEqual(keys[0]);
    expect(() => derivedKey(-1, 0, 0, "op")).toThrow(/op: seed must be a non-negative integer/);
  });
});
