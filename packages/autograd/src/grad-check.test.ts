import * as ax from "@axon/core";
import { describe, expect, it } from "vitest";
import { customGrad } from "./custom-grad.ts";
import { gradCheck } from "./grad-check.ts";
import { t, useCpuBackend } from "./test-helpers.ts";

useCpuBackend();

/** x² with a deliberately wrong backward at one element. */
const buggySquare = customGrad((x: ax.Tensor) => ({
  value: ax.square(x),
  grad: (dy, { inputs: [v] }) => [ax.mul(ax.mul(dy, v), t([2, 2, 2.5, 2], [2, 2], v.dtype))],
}));

describe("gradCheck", () => {
  it("passes a right gradient in float64 by default, reporting the relative difference", () => {
    const r = gradCheck((x) => ax.sum(ax.exp(x)), [t([0.1, 0.5, -1], [3])]);
    expect(r.ok).toBe(true);
    expect(r.dtype).toBe("float64");
    expect(r.mode).toBe("full");
    expect(r.relativeDifference).toBeLessThan(1e-8);
    expect(r.analytic[0]!.length).toBe(3);
  });

  it("finds a wrong gradient and names the worst element by input and index", () => {
    const x = t([1, -2, 3, 0.5], [2, 2]);
    const r = gradCheck((v) => buggySquare(v), [x]);
    expect(r.ok).toBe(false);
    expect(r.relativeDifference).toBeGreaterThan(1e-2);
    expect(r.worst).toMatchObject({ input: 0, index: [1, 0] });
    expect(r.worst!.analytic / r.worst!.numeric).toBeCloseTo(1.25, 6);
  });

  it("checks vᵀJu in projection mode, and finds the wrong gradient there too", () => {
    const x = t([1, -2, 3, 0.5], [2, 2]);
    const good = gradCheck((v) => ax.square(v), [x], { mode: "projection" });
    expect(good.ok).toBe(true);
    expect(good.relativeDifference).toBeLessThan(1e-6);
    const bad = gradCheck((v) => buggySquare(v), [x], { mode: "projection", projections: 4 });
    expect(bad.ok).toBe(false);
  });

  it("fails, never passes, when the step is below the dtype's resolution and nothing moves", () => {
    const x = t([1, -2, 3, 0.5], [2, 2]);
    for (const mode of ["full", "projection"] as const) {
      const r = gradCheck((v) => ax.sum(ax.square(v)), [x], { mode, eps: 1e-12, dtype: "float32" });
      expect(r.ok, mode).toBe(false);
      expect(r.relativeDifference, mode).toBeNaN();
    }
  });

  it("runs in float32 with a float32 tolerance", () => {
    const r = gradCheck((x) => ax.sum(ax.tanh(ax.matmul(x, x))), [t([0.1, 0.5, -1, 0.3], [2, 2])], {
      dtype: "float32",
    });
    expect(r.dtype).toBe("float32");
    expect(r.ok).toBe(true);
    expect(r.relativeDifference).toBeLessThan(1e-2);
  });

  it("passes integer inputs through as constants and handles tree outputs", () => {
    const x = t([1, 2, 3], [3]);
    const idx = t([2, 0, 2], [3], "int32");
    const r = gradCheck(
      (v, i) => ({ g: ax.gather(v, i), s: ax.sum(ax.square(v)) }) as unknown as ax.Tensor,
      [x, idx],
    );
    expect(r.ok).toBe(true);
    expect(r.analytic[1]).toBeNull();
  });

  it("refuses bad options", () => {
    expect(() => gradCheck((v) => v, [t(1)], { eps: 0 })).toThrow(/eps must be positive/);
    expect(() => gradCheck((v) => v, [t(1, [], "int32")])).toThrow(/no float input/);
  });
});
