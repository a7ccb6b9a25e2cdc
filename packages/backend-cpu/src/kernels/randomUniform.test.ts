import { philoxUniform } from "@axon/core";
import { describe, expect, it } from "vitest";
import { run, useCpuBackend, values } from "../testUtil.ts";

useCpuBackend();

describe("randomUniform", () => {
  it("fills with philoxUniform, identically in float32 and float64", () => {
    const key = [12345, 678] as const;
    const expected = new Float64Array(2 * 3 * 5);
    philoxUniform(key, expected.length, expected);
    const y64 = run("randomUniform", [], { shape: [2, 3, 5], dtype: "float64", key });
    const y32 = run("randomUniform", [], { shape: [2, 3, 5], dtype: "float32", key });
    expect(y64.shape).toEqual([2, 3, 5]);
    expect(values(y64)).toEqual(Array.from(expected));
    expect(values(y32)).toEqual(Array.from(expected));
    expect(values(y64).every((v) => v >= 0 && v < 1)).toBe(true);
  });

  it("depends on the key and handles scalar and empty shapes", () => {
    const a = values(run("randomUniform", [], { shape: [4], dtype: "float32", key: [1, 2] }));
    const b = values(run("randomUniform", [], { shape: [4], dtype: "float32", key: [1, 3] }));
    expect(a).not.toEqual(b);
    expect(run("randomUniform", [], { shape: [], dtype: "float64", key: [0, 0] }).size).toBe(1);
    expect(values(run("randomUniform", [], { shape: [0, 2], dtype: "float64", key: [0, 0] }))).toEqual([]);
  });
});
