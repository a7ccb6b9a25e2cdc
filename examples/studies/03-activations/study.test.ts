import { describe, expect, it } from "vitest";
import { expectWellFormedReport, runToy } from "../lib/test-helpers.ts";
import { study } from "./study.ts";

describe("study 03: activations", () => {
  it("sigmoid trails at a small budget; dead ReLU units stay dead while leaky ones keep a gradient", async () => {
    const { result, files } = await runToy(study);
    expectWellFormedReport(study, result, files);
    const { activations, deadUnits } = result.data;
    expect(activations.map((a) => a.name)).toEqual([
      "sigmoid",
      "tanh",
      "ReLU",
      "leaky ReLU 0.01",
      "leaky ReLU 0.2",
      "PReLU",
      "RReLU",
      "ELU",
      "SELU",
    ]);
    const final = activations.map((a) => a.testAccuracy.at(-1)!);
    // Every activation learns (chance is 0.1), and sigmoid is the slowest at this budget.
    for (const acc of final) expect(acc).toBeGreaterThan(0.4);
    expect(Math.min(...final)).toBe(final[0]);
    expect(Math.min(...final.slice(1)) - final[0]).toBeGreaterThan(0.05);

    const [relu, leaky001, leaky02] = deadUnits;
    expect(relu.alpha).toBe(0);
    // The large rate kills ReLU units; none of them ever returns, since their gradient is exactly zero.
    expect(relu.deadAtSwitch).toBeGreaterThan(0);
    expect(relu.recovered).toBe(0);
    expect(relu.deadAtEnd).toBeGreaterThanOrEqual(relu.deadAtSwitch);
    expect(relu.deadUnitGradient).toBe(0);
    // Leaky units in the same state still get a gradient, larger for the larger slope.
    expect(leaky001.deadUnitGradient).toBeGreaterThan(0);
    expect(leaky02.deadUnitGradient).toBeGreaterThan(leaky001.deadUnitGradient);
    expect(leaky02.deadAtSwitch).toBeLessThan(relu.deadAtSwitch);
    for (const r of deadUnits) expect(r.deadFraction.every((f) => f >= 0 && f <= 1)).toBe(true);
  }, 60_000);
});
