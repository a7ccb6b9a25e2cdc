import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { quadratic } from "./fixtures/objectives.ts";
import { readLog } from "./log.ts";
import { formatTable } from "./report.ts";
import { randomSearch } from "./random-search.ts";
import { choice, logIntUniform, logUniform, oneMinusLogUniform } from "./spaces.ts";
import { halvingBudgets, promote, promotedCount } from "./successive-halving.ts";
import { useTempDir } from "./test-helpers.ts";
import type { TrialContext } from "./types.ts";

const space = {
  lr: logUniform(1e-4, 1),
  beta: oneMinusLogUniform(0.9, 0.999),
  units: logIntUniform(8, 512),
  act: choice(["relu", "tanh"]),
};

const tempDir = useTempDir();

describe("successive halving", () => {
  it("plans rungs of budget minBudget·eta^k", () => {
    expect(halvingBudgets("t", {}, 27)).toEqual([1, 3, 9, 27]);
    expect(halvingBudgets("t", {}, 26)).toEqual([1, 3, 9]);
    expect(halvingBudgets("t", { eta: 2, minBudget: 0.5 }, 8)).toEqual([0.5, 1, 2, 4]);
    expect(halvingBudgets("t", { minBudget: 2, maxBudget: 20 }, 100)).toEqual([2, 6, 18]);
    expect(halvingBudgets("t", {}, 1)).toEqual([1]);
    expect(() => halvingBudgets("t", { minBudget: 0 }, 9)).toThrow(
      "t: halving.minBudget must be a positive number, got 0",
    );
    expect(() => halvingBudgets("t", { minBudget: 2, maxBudget: 1 }, 9)).toThrow(
      "t: halving.maxBudget must be a number at least minBudget (2), got 1",
    );
    expect(promotedCount(27, 3)).toBe(9);
    expect(promotedCount(10, 3)).toBe(3);
    expect(promotedCount(2, 3)).toBe(1);
    expect(
      promote(
        [
          { trial: 0, value: 3 },
          { trial: 1, value: 1 },
          { trial: 2, value: 2 },
          { trial: 3, value: 1 },
        ],
        2,
        "min",
      ),
    ).toEqual([1, 3]);
  });

  it("keeps the best 1/eta of each rung and gives them eta times the budget", async () => {
    const calls: [number, number][] = [];
    const r = await randomSearch({
      space,
      trials: 27,
      seed: 6,
      halving: { eta: 3 },
      objective: (c, ctx) => {
        calls.push([ctx.trial, ctx.budget]);
        return quadratic(c, ctx);
      },
    });
    expect(r.budgets).toEqual([1, 3, 9, 27]);
    // 27 trials at budget 1, 9 at 3, 3 at 9, 1 at 27
    const perBudget = (b: number) => calls.filter(([, x]) => x === b).map(([t]) => t);
    expect([1, 3, 9, 27].map((b) => perBudget(b).length)).toEqual([27, 9, 3, 1]);
    // each rung's trials are the best of the previous rung
    const lossAt = (t: number, b: number) =>
      quadratic(r.trials[t].config, { budget: b } as TrialContext).loss;
    for (const [prev, next] of [
      [1, 3],
      [3, 9],
      [9, 27],
    ]) {
      const ranked = perBudget(prev).sort((a, b) => lossAt(a, prev) - lossAt(b, prev));
      expect(perBudget(next).sort((a, b) => a - b)).toEqual(
        ranked.slice(0, perBudget(next).length).sort((a, b) => a - b),
      );
    }
    // the one that got the whole budget is the best of all 27 (this objective ranks the same at every budget)
    const bestAtStart = perBudget(1).sort((a, b) => lossAt(a, 1) - lossAt(b, 1))[0];
    expect(r.best?.trial).toBe(bestAtStart);
    expect(r.best?.budget).toBe(27);
    expect(r.best?.status).toBe("ok");
    expect(r.best?.evaluations.map((e) => e.budget)).toEqual([1, 3, 9, 27]);
    // the others are recorded as stopped, with the metrics of their last budget
    const stopped = r.trials.filter((t) => t.status === "stopped");
    expect(stopped).toHaveLength(26);
    for (const t of stopped) expect(t.value).toBe(lossAt(t.trial, t.budget));
    expect(r.trials.filter((t) => t.budget === 9)).toHaveLength(2);
    // the table lists the trials with the largest budget first
    const table = formatTable(r, { limit: 4 });
    expect(table).toContain("budget");
    expect(table.split("\n")[2]).toMatch(new RegExp(`^\\s+1\\s+${r.best?.trial}\\s.*\\s27\\s+ok$`));
  });

  it("failed trials are never promoted; maxBudget limits the rungs; mode max", async () => {
    const r = await randomSearch({
      space: { lr: logUniform(1e-4, 1) },
      trials: 12,
      seed: 2,
      metric: "accuracy",
      mode: "max",
      halving: { eta: 2, maxBudget: 4 },
      objective: (c, ctx) =>
        c.lr > 0.02 ? { accuracy: Number.NaN } : { accuracy: 1 / (1 + quadratic(c, ctx).loss) },
    });
    expect(r.budgets).toEqual([1, 2, 4]);
    for (const t of r.trials) {
      if (t.config.lr > 0.02) {
        expect(t.status).toBe("failed");
        expect(t.evaluations).toHaveLength(1);
      }
    }
    expect(r.trials.filter((t) => t.budget === 4)).toHaveLength(3);
    expect(r.best?.value).toBe(Math.max(...r.trials.filter((t) => t.budget === 4).map((t) => t.value)));
  });

  it("logs every evaluation and the stopped trials; resumes without repeating any", async () => {
    const log = join(tempDir(), "sh.jsonl");
    const opts = { space, trials: 9, seed: 1, halving: { eta: 3 }, log };
    const first = await randomSearch({ ...opts, objective: quadratic });
    const records = readLog(log);
    expect(records.filter((x) => x.status === "ok")).toHaveLength(9 + 3 + 1);
    expect(records.filter((x) => x.status === "stopped")).toHaveLength(8);
    const calls: number[] = [];
    const again = await randomSearch({
      ...opts,
      objective: (c, ctx) => {
        calls.push(ctx.trial);
        return quadratic(c, ctx);
      },
    });
    expect(calls).toEqual([]);
    expect(formatTable(again)).toBe(formatTable(first));
    expect(readLog(log)).toHaveLength(records.length);
  });
});
