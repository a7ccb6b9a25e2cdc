import { describe, expect, it } from "vitest";
import { expectWellFormedReport, runToy } from "../lib/test-helpers.ts";
import { study } from "./study.ts";

describe("study 06: learning-rate decay", () => {
  it("decay rescues a too-large rate; from a workable one the constant rate trains fastest", async () => {
    const { result, files } = await runToy(study);
    expectWellFormedReport(study, result, files);
    const [tooLarge, workable] = result.data.settings;
    expect(tooLarge.initialRate).toBeGreaterThan(workable.initialRate);
    for (const { runs } of result.data.settings) {
      expect(runs.map((r) => r.name)[0]).toBe("constant");
      // The rate the optimizer used each epoch is the schedule's formula, starting at α₀.
      for (const r of runs) {
        expect(r.lr.length).toBe(r.expected.length);
        for (const [e, lr] of r.lr.entries()) expect(lr).toBeCloseTo(r.expected[e], 6);
        expect(r.lr[0]).toBeCloseTo(runs[0].lr[0], 6);
        for (let e = 1; e < r.lr.length; e++) expect(r.lr[e]).toBeLessThanOrEqual(r.lr[e - 1]);
      }
    }
    const last = (xs: number[]) => xs.at(-1)!;
    // Too large: the constant rate ends with a higher training loss than every decayed schedule.
    const [constant, ...decayed] = tooLarge.runs;
    for (const r of decayed) expect(last(r.trainLoss)).toBeLessThan(last(constant.trainLoss));
    // Workable: the constant rate ends lowest, the fastest decay (1/(1 + epoch)) highest.
    const finals = workable.runs.map((r) => last(r.trainLoss));
    expect(Math.min(...finals)).toBe(finals[0]);
    expect(Math.max(...finals)).toBe(finals[1]);
  }, 60_000);
});
