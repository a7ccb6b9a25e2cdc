import { describe, expect, it } from "vitest";
import { expectWellFormedReport, runToy } from "../lib/test-helpers.ts";
import { study } from "./study.ts";
import { unitSpread } from "./units.ts";

describe("study 02: symmetry", () => {
  it("unitSpread finds the largest pairwise difference and groups equal units", () => {
    const a = Float64Array.from([1, 0]);
    const b = Float64Array.from([0, 1]);
    const s = unitSpread([a, a.slice(), b]);
    expect(s.maxPairwiseDifference).toBeCloseTo(Math.SQRT2, 12);
    expect(s.distinctUnits).toBe(2);
    expect(s.meanNorm).toBeCloseTo(1, 12);
  });

  it("zero weights keep every hidden unit identical through training; random weights do not", async () => {
    const { result, files } = await runToy(study);
    expectWellFormedReport(study, result, files);
    const [zeros, random] = result.data.runs;
    expect(zeros.init).toBe("zeros");
    for (const layer of zeros.layers) {
      for (const u of layer) {
        expect(u.maxPairwiseDifference).toBeLessThanOrEqual(1e-6 * Math.max(u.meanNorm, 1e-12));
        expect(u.distinctUnits).toBe(1);
      }
      // The weights did train: they moved away from zero, in lockstep.
      expect(layer[layer.length - 1].meanNorm).toBeGreaterThan(1e-3);
    }
    for (const layer of random.layers) {
      const end = layer[layer.length - 1];
      expect(end.distinctUnits).toBe(result.data.hidden);
      expect(end.maxPairwiseDifference).toBeGreaterThan(0.1 * end.meanNorm);
    }
    expect(random.testAccuracy).toBeGreaterThan(zeros.testAccuracy + 0.2);
  });
});
