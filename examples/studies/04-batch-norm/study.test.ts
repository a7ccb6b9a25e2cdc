import { describe, expect, it } from "vitest";
import { expectWellFormedReport, runToy } from "../lib/test-helpers.ts";
import { study } from "./study.ts";

const CHANCE = Math.log(10);

describe("study 04: batch normalization", () => {
  it("a deep sigmoid network stalls without batch norm and trains with it; running statistics catch up with batch statistics", async () => {
    const { result, files } = await runToy(study);
    expectWellFormedReport(study, result, files);
    const { best } = result.data;
    for (const mode of ["dense", "conv"] as const) {
      const without = best.find((r) => r.mode === mode && !r.batchNorm)!;
      const withBn = best.find((r) => r.mode === mode && r.batchNorm)!;
      // Without: stuck near the loss of a uniform guess; with: well below it.
      expect(without.finalLoss).toBeGreaterThan(0.9 * CHANCE);
      expect(withBn.finalLoss).toBeLessThan(0.75 * CHANCE);
      expect(withBn.finalLoss).toBeLessThan(without.finalLoss - 0.5);
    }
    const dense = best.find((r) => r.mode === "dense" && r.batchNorm)!;
    const end = dense.checks[dense.checks.length - 1];
    // After training the network is accurate with its own batch statistics…
    expect(end.largeBatch.accuracy).toBeGreaterThan(0.6);
    // …and the running statistics, which started at 0 and 1, give a loss closer to it than at the first step.
    const first = dense.checks[0];
    const gap = (c: typeof end) => Math.abs(c.running.loss - c.largeBatch.loss);
    expect(end.running.accuracy).toBeGreaterThan(first.running.accuracy);
    expect(gap(end) / end.largeBatch.loss).toBeLessThan(1);
  });
});
