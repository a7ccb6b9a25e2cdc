import { describe, expect, it } from "vitest";
import { expectWellFormedReport, runToy } from "../lib/test-helpers.ts";
import { accuracyGap, lossGap, study } from "./study.ts";

describe("study 07: regularization", () => {
  it("the unregularized gap grows; L2 keeps it smaller, dropout does early on", async () => {
    const { result, files } = await runToy(study);
    expectWellFormedReport(study, result, files);
    const [none, l2, dropout] = result.data.runs;
    expect([none.name, l2.name, dropout.name]).toEqual(["no regularization", "L2 λ = 0.01", "dropout 0.5"]);
    // The training set is memorized, and the validation loss climbs back up from its lowest point.
    expect(none.trainAccuracy.at(-1)).toBe(1);
    const lowest = Math.min(...none.validationLoss);
    const lowestAt = none.validationLoss.indexOf(lowest);
    expect(lowestAt).toBeLessThan(none.validationLoss.length - 1);
    expect(none.validationLoss.at(-1)!).toBeGreaterThan(lowest);
    expect(lossGap(none).at(-1)!).toBeGreaterThan(lossGap(none)[lowestAt]);
    // L2 ends with a smaller loss gap; dropout's gap is smaller over the first half of training.
    expect(lossGap(l2).at(-1)!).toBeLessThan(lossGap(none).at(-1)!);
    const half = Math.floor(none.trainLoss.length / 2);
    const meanOf = (xs: number[]) => xs.slice(0, half).reduce((a, b) => a + b, 0) / half;
    expect(meanOf(lossGap(dropout))).toBeLessThan(meanOf(lossGap(none)));
    for (const r of result.data.runs)
      for (const g of accuracyGap(r)) expect(Math.abs(g)).toBeLessThanOrEqual(1);
  }, 60_000);
});
