import * as ax from "@axon/axon";
import { describe, expect, it } from "vitest";
import { expectWellFormedReport, runToy } from "../lib/test-helpers.ts";
import { bowl, bowlPath } from "./bowl.ts";
import { study } from "./study.ts";
import { uncorrectedAdam, uncorrectedStepRatio } from "./uncorrected-adam.ts";

describe("study 05: optimizers", () => {
  it("the uncorrected Adam rule's first step is lr·(1−β₁)/√(1−β₂) per coordinate, the corrected one lr", () => {
    const lr = 0.01;
    const [corrected] = [bowlPath(new ax.optim.Adam({ lr }), 20, [1, 1], 1)];
    const uncorrected = bowlPath(uncorrectedAdam({ lr }), 20, [1, 1], 1);
    expect(1 - corrected.points[1][0]).toBeCloseTo(lr, 6);
    expect(1 - uncorrected.points[1][0]).toBeCloseTo(lr * uncorrectedStepRatio(1), 5);
    expect(uncorrectedStepRatio(1)).toBeCloseTo(0.1 / Math.sqrt(0.001), 12);
  });

  it("RMSProp beats plain SGD on the elongated bowl; all optimizers learn the network; uncorrected Adam starts with larger steps", async () => {
    const { result, files } = await runToy(study);
    expectWellFormedReport(study, result, files);
    const { bowl: runs, kappa, networkBest, biasCorrection } = result.data;
    const start = bowl(kappa)(...runs[0].points[0]);
    const end = (name: string) => runs.find((r) => r.optimizer === name)!.values.at(-1)!;
    for (const r of runs) expect(end(r.optimizer)).toBeLessThan(start * 1e-2);
    expect(end("RMSProp")).toBeLessThan(end("SGD"));
    // SGD can only be stable below 2/κ, the limit set by the steep direction.
    expect(runs.find((r) => r.optimizer === "SGD")!.lr).toBeLessThan(2 / kappa);
    for (const r of networkBest) expect(r.finalLoss).toBeLessThan(0.5 * r.losses[0]);
    const [corrected, uncorrected] = biasCorrection;
    expect(uncorrected.updateNorms[0] / corrected.updateNorms[0]).toBeCloseTo(uncorrectedStepRatio(1), 1);
    const early = (r: (typeof biasCorrection)[number]) => r.updateNorms.slice(0, 20).reduce((a, b) => a + b);
    expect(early(uncorrected)).toBeGreaterThan(1.5 * early(corrected));
  });
});
