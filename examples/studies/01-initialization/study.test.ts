import { describe, expect, it } from "vitest";
import { expectWellFormedReport, runToy } from "../lib/test-helpers.ts";
import { study } from "./study.ts";

describe("study 01: vanishing and exploding signals at initialization", () => {
  it("shows geometric growth and decay for mismatched scales and steady signals for matched pairings", async () => {
    const { result, files } = await runToy(study);
    expectWellFormedReport(study, result, files);
    const { depth, pairings, sweep } = result.data;
    const layersOf = (name: string) => pairings.find((p) => p.name === name)!.layers;
    const first = (name: string) => layersOf(name)[0];
    const last = (name: string) => layersOf(name)[depth - 1];
    const backwardRatio = (name: string) => first(name).backwardNorm / last(name).backwardNorm;

    // W = c·I multiplies the signal by exactly c per layer: the variance by c² forward, the backward signal by c.
    for (const c of [1.5, 0.5]) {
      const name = `linear, ${c}·I`;
      const expected = c ** (2 * (depth - 1));
      expect(Math.log(last(name).variance / first(name).variance) / Math.log(expected)).toBeCloseTo(1, 3);
      expect(Math.log(backwardRatio(name)) / Math.log(c ** (depth - 1))).toBeCloseTo(1, 3);
    }
    // Sigmoid with N(0, 1) weights on narrow layers: the backward signal vanishes toward the input.
    expect(backwardRatio("sigmoid, N(0, 1)")).toBeLessThan(0.05);
    // The matched pairings keep it within a small factor over the whole depth.
    for (const name of ["tanh, Glorot", "ReLU, He", "SELU, LeCun"]) {
      expect(backwardRatio(name)).toBeGreaterThan(0.1);
      expect(backwardRatio(name)).toBeLessThan(10);
    }
    // tanh with Glorot: the activation variance shrinks, but slowly (not geometrically fast).
    const tanhShrink = first("tanh, Glorot").variance / last("tanh, Glorot").variance;
    expect(tanhShrink).toBeGreaterThan(3);
    expect(tanhShrink).toBeLessThan(100);
    // ReLU with He: the activations neither vanish nor explode.
    for (const l of layersOf("ReLU, He")) {
      expect(l.variance).toBeGreaterThan(0.01);
      expect(l.variance).toBeLessThan(10);
    }
    // SELU with LeCun normal is self-normalizing: mean ≈ 0 and variance ≈ 1 at every depth.
    for (const l of layersOf("SELU, LeCun")) {
      expect(Math.abs(l.mean)).toBeLessThan(0.25);
      expect(l.variance).toBeGreaterThan(0.6);
      expect(l.variance).toBeLessThan(1.6);
    }
    // Across widths the sigmoid chain goes from vanishing (χ < 1) to exploding (χ > 1), as the gain predicts.
    for (const e of sweep) expect(e.firstOverLast < 1).toBe(e.gain < 1);
    expect(sweep[0].firstOverLast).toBeLessThan(1e-2);
    expect(sweep[sweep.length - 1].firstOverLast).toBeGreaterThan(10);
  });
});
