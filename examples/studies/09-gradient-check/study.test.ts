import { describe, expect, it } from "vitest";
import { expectWellFormedReport, runToy } from "../lib/test-helpers.ts";
import { study } from "./study.ts";

describe("study 09: gradient checking", () => {
  it("passes a correct network, catches the broken sigmoid rule, and traces a V against ε", async () => {
    const { result, files } = await runToy(study);
    expectWellFormedReport(study, result, files);
    const { names, checks, sweeps } = result.data;
    const [builtIn, custom, broken] = checks;
    expect(builtIn.ok).toBe(true);
    expect(custom.ok).toBe(true);
    expect(builtIn.relativeDifference).toBeLessThan(1e-6);
    expect(broken.ok).toBe(false);
    expect(broken.relativeDifference).toBeGreaterThan(1e-2);
    // The wrong rule sits in the hidden layer: the last layer's parameters still check out.
    const last = names.length - 2;
    expect(names.slice(last)).toEqual(["W2", "b2"]);
    for (let i = 0; i < names.length; i++) {
      if (i < last) expect(broken.perTensor[i]).toBeGreaterThan(1e-2);
      else expect(broken.perTensor[i]).toBeLessThan(1e-6);
    }
    // Against ε: the float64 curve is lowest inside the range and rises on both sides (a V);
    // float32's bottom sits at a larger ε; the broken rule stays large at every ε.
    const bottom = (ys: number[]) => {
      const finite = ys.filter(Number.isFinite);
      return ys.indexOf(Math.min(...finite));
    };
    const [f64, f32, broken64] = sweeps;
    expect([f64.dtype, f32.dtype, broken64.rule]).toEqual(["float64", "float32", "broken"]);
    const b64 = bottom(f64.relativeDifference);
    expect(b64).toBeGreaterThan(0);
    expect(b64).toBeLessThan(f64.eps.length - 1);
    expect(f64.relativeDifference[0]).toBeGreaterThan(100 * f64.relativeDifference[b64]);
    expect(f64.relativeDifference.at(-1)!).toBeGreaterThan(100 * f64.relativeDifference[b64]);
    expect(f32.eps[bottom(f32.relativeDifference)]).toBeGreaterThan(f64.eps[b64]);
    expect(f32.relativeDifference[bottom(f32.relativeDifference)]).toBeGreaterThan(
      f64.relativeDifference[b64],
    );
    for (const v of broken64.relativeDifference) expect(v).toBeGreaterThan(1e-2);
  }, 60_000);
});
