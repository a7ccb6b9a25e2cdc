import { describe, expect, it } from "vitest";
import { expectWellFormedReport, runToy } from "../lib/test-helpers.ts";
import { study } from "./study.ts";

describe("study 10: random against grid search", () => {
  it("random search tries n learning rates where the grid tries √n, and its best is as good", async () => {
    const { result, files } = await runToy(study);
    expectWellFormedReport(study, result, files);
    const [grid, random] = result.data.searches;
    const n = grid.trials.length;
    expect(random.trials.length).toBe(n);
    const side = Math.round(Math.sqrt(n));
    expect(side * side).toBe(n);
    expect(grid.distinctLr).toBe(side);
    expect(grid.distinctHidden).toBe(side);
    expect(random.distinctLr).toBe(n);
    // The premise: on the grid, the learning rate moves the loss far more than the width does.
    expect(result.data.lrEffect).toBeGreaterThan(3 * result.data.hiddenEffect);
    // Random search's best is at least as good as the grid's, and its best-so-far never rises.
    expect(random.best.loss).toBeLessThanOrEqual(grid.best.loss);
    for (const r of [grid, random]) {
      expect(r.bestSoFar.at(-1)).toBe(r.best.loss);
      for (let i = 1; i < r.bestSoFar.length; i++)
        expect(r.bestSoFar[i]).toBeLessThanOrEqual(r.bestSoFar[i - 1]);
    }
  }, 60_000);
});
