import { describe, expect, it } from "vitest";
import { expectWellFormedReport, runToy } from "../lib/test-helpers.ts";
import { study } from "./study.ts";

describe("study 08: input normalization", () => {
  it("standardized inputs reach the target loss in fewer steps than raw pixels, each at its best learning rate", async () => {
    const { result, files } = await runToy(study);
    expectWellFormedReport(study, result, files);
    const { best, runs } = result.data;
    const raw = best.find((r) => r.scaling === "raw")!;
    const standardized = best.find((r) => r.scaling === "standardized")!;
    expect(Number.isFinite(standardized.stepsToTarget)).toBe(true);
    expect(standardized.stepsToTarget).toBeLessThan(raw.stepsToTarget);
    // Raw pixels need a far smaller learning rate: within a factor 100 of the standardized best they never get there.
    for (const r of runs.filter((r) => r.scaling === "raw" && r.lr >= standardized.lr / 100))
      expect(Number.isFinite(r.stepsToTarget)).toBe(false);
  });
});
