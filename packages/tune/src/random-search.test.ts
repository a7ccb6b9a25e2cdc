import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ValueError } from "@axon/core";
import { describe, expect, it } from "vitest";
import { flaky, quadratic } from "./fixtures/objectives.ts";
import { readLog } from "./log.ts";
import { formatTable } from "./report.ts";
import { randomSearch } from "./random-search.ts";
import { choice, logIntUniform, logUniform, oneMinusLogUniform, sampleConfigs } from "./spaces.ts";
import { outcome, useTempDir } from "./test-helpers.ts";
import type { TrialContext } from "./types.ts";

const space = {
  lr: logUniform(1e-4, 1),
  beta: oneMinusLogUniform(0.9, 0.999),
  units: logIntUniform(8, 512),
  act: choice(["relu", "tanh"]),
};

/** quadratic, counting its calls. */
function counted() {
  const calls: number[] = [];
  const objective = (config: Parameters<typeof quadratic>[0], ctx: TrialContext) => {
    calls.push(ctx.trial);
    return quadratic(config, ctx);
  };
  return { calls, objective };
}

const tempDir = useTempDir();

describe("randomSearch", () => {
  it("evaluates the seed's configurations and names the best", async () => {
    const r = await randomSearch({ space, trials: 12, seed: 3, objective: quadratic });
    expect(r.trials.map((t) => t.trial)).toEqual([...Array(12).keys()]);
    expect(r.trials.map((t) => t.config)).toEqual(sampleConfigs(space, 3, 12));
    const best = Math.min(...r.trials.map((t) => t.value));
    expect(r.best?.value).toBe(best);
    expect(r.best?.metrics.loss).toBe(best);
    for (const t of r.trials) {
      expect(t.status).toBe("ok");
      expect(t.value).toBe(quadratic(t.config, { budget: 1 } as TrialContext).loss);
      expect(t.budget).toBe(1);
    }
    expect(r.evaluated).toBe(12);
    expect(r.resumed).toBe(0);
  });

  it("is reproducible with a seed", async () => {
    const a = await randomSearch({ space, trials: 8, seed: 11, objective: quadratic });
    const b = await randomSearch({ space, trials: 8, seed: 11, objective: quadratic });
    expect(outcome(b)).toEqual(outcome(a));
    expect(formatTable(b)).toBe(formatTable(a));
    const c = await randomSearch({ space, trials: 8, seed: 12, objective: quadratic });
    expect(c.trials.map((t) => t.config)).not.toEqual(a.trials.map((t) => t.config));
  });

  it("mode 'max' ranks by the largest value", async () => {
    const r = await randomSearch({
      space,
      trials: 10,
      seed: 1,
      objective: quadratic,
      metric: "accuracy",
      mode: "max",
    });
    expect(r.best?.value).toBe(Math.max(...r.trials.map((t) => t.metrics.accuracy)));
  });

  it("gives each trial its budget, seed and an abort signal; accepts async objectives and plain numbers", async () => {
    const seen: TrialContext[] = [];
    const r = await randomSearch({
      space: { lr: logUniform(1e-3, 1) },
      trials: 3,
      budget: 5,
      objective: async (c, ctx) => {
        seen.push(ctx);
        await new Promise((resolve) => setTimeout(resolve, 1));
        return c.lr;
      },
    });
    expect(seen.map((c) => [c.trial, c.budget, c.rung])).toEqual([
      [0, 5, 0],
      [1, 5, 0],
      [2, 5, 0],
    ]);
    expect(seen.every((c) => c.signal instanceof AbortSignal && Number.isInteger(c.seed))).toBe(true);
    expect(r.trials.map((t) => t.metrics)).toEqual(r.trials.map((t) => ({ loss: t.config.lr })));
  });

  it("records failed trials (a throw, a NaN metric) with their error and goes on", async () => {
    const r = await randomSearch({
      space: { lr: logUniform(1e-4, 1) },
      trials: 30,
      seed: 2,
      objective: flaky,
    });
    expect(r.trials).toHaveLength(30);
    const thrown = r.trials.filter((t) => t.config.lr > 0.1);
    const nan = r.trials.filter((t) => t.config.lr < 1e-3);
    const fine = r.trials.filter((t) => t.config.lr >= 1e-3 && t.config.lr <= 0.1);
    expect(thrown.length).toBeGreaterThan(0);
    expect(nan.length).toBeGreaterThan(0);
    expect(fine.length).toBeGreaterThan(0);
    for (const t of thrown) {
      expect(t.status).toBe("failed");
      expect(t.error).toBe(`RangeError: diverged at lr ${t.config.lr}`);
      expect(t.metrics).toEqual({});
    }
    for (const t of nan) {
      expect(t.status).toBe("failed");
      expect(t.error).toBe('metric "loss" is NaN');
      expect(t.metrics.loss).toBeNaN();
    }
    for (const t of fine) expect(t.status).toBe("ok");
    expect(r.best?.status).toBe("ok");
    const table = formatTable(r);
    expect(table).toContain("diverged at lr");
    // failed trials come last, without a rank
    const lines = table.split("\n").slice(2);
    expect(lines.slice(-thrown.length - nan.length).every((l) => /^\s*-\s/.test(l))).toBe(true);
  });

  it("a missing metric, infinity or a result that is not metrics fails the trial", async () => {
    const results: unknown[] = [{ acc: 1 }, { loss: Number.POSITIVE_INFINITY }, "0.5", { loss: "x" }, null];
    const r = await randomSearch({
      space: { lr: logUniform(1e-3, 1) },
      trials: results.length,
      objective: (_c, ctx) => results[ctx.trial] as number,
    });
    expect(r.trials.map((t) => t.error)).toEqual([
      'metric "loss" is missing from the objective\'s result (it has acc)',
      'metric "loss" is Infinity',
      "the objective must return metrics { [name]: number }, got string",
      'metric "loss" must be a number, got string',
      "the objective must return metrics { [name]: number }, got null",
    ]);
    expect(r.best).toBeUndefined();
  });

  it("checks its options", async () => {
    const base = { space, trials: 2, objective: quadratic };
    await expect(randomSearch({ ...base, trials: 0 })).rejects.toThrow(
      "randomSearch: trials must be a positive integer, got 0",
    );
    await expect(randomSearch({ ...base, seed: 1.5 })).rejects.toThrow(
      "randomSearch: seed must be a non-negative integer below 2^53, got 1.5",
    );
    await expect(randomSearch({ ...base, mode: "best" as never })).rejects.toThrow(
      'randomSearch: mode must be "min" or "max", got "best"',
    );
    await expect(randomSearch({ ...base, concurrency: 0 })).rejects.toThrow(
      "randomSearch: concurrency must be a positive integer, got 0",
    );
    await expect(randomSearch({ ...base, concurrency: 2 })).rejects.toThrow(
      /randomSearch: with concurrency 2 trials run on worker threads, so the objective must be a module export .* got a function/,
    );
    await expect(randomSearch({ ...base, objective: { module: "./objective.ts" } })).rejects.toThrow(
      /objective.module must be a file URL .* or an absolute path, got "\.\/objective\.ts"/,
    );
    await expect(randomSearch({ ...base, space: {} } as never)).rejects.toThrow(ValueError);
    await expect(randomSearch({ ...base, halving: { eta: 1 } })).rejects.toThrow(
      "randomSearch: halving.eta must be a number above 1, got 1",
    );
  });
});

describe("the log and resuming", () => {
  it("writes one JSON line per finished trial, with config, metrics, status, error and duration", async () => {
    const log = join(tempDir(), "runs", "search.jsonl");
    const r = await randomSearch({
      space: { lr: logUniform(1e-4, 1) },
      trials: 10,
      seed: 2,
      objective: flaky,
      log,
    });
    const lines = readFileSync(log, "utf8").trimEnd().split("\n");
    expect(lines).toHaveLength(10);
    const first = JSON.parse(lines[0]);
    expect(Object.keys(first)).toEqual([
      "trial",
      "rung",
      "budget",
      "config",
      "status",
      "metrics",
      "error",
      "durationMs",
      "finishedAt",
    ]);
    const records = readLog(log);
    expect(records.map((x) => x.trial)).toEqual([...Array(10).keys()]);
    expect(records.map((x) => x.status)).toEqual(r.trials.map((t) => t.status));
    expect(records.map((x) => x.error)).toEqual(r.trials.map((t) => t.error));
    // a NaN metric is written as "NaN" and read back as NaN
    const nan = r.trials.find((t) => t.error === 'metric "loss" is NaN');
    if (nan) {
      expect(lines[nan.trial]).toContain('"loss":"NaN"');
      expect(records[nan.trial].metrics.loss).toBeNaN();
    }
  });

  it("resumes after an interruption without repeating finished trials", async () => {
    const log = join(tempDir(), "search.jsonl");
    // an uninterrupted search, for comparison
    const whole = await randomSearch({ space, trials: 10, seed: 5, objective: quadratic });

    // the first 5 trials, then the search stops
    const first = counted();
    await randomSearch({ space, trials: 5, seed: 5, objective: first.objective, log });
    expect(first.calls).toEqual([0, 1, 2, 3, 4]);

    // run again with 10: only the 5 new trials run, and the result is the uninterrupted one
    const second = counted();
    const resumed = await randomSearch({ space, trials: 10, seed: 5, objective: second.objective, log });
    expect(second.calls).toEqual([5, 6, 7, 8, 9]);
    expect(resumed.resumed).toBe(5);
    expect(resumed.evaluated).toBe(5);
    expect(outcome(resumed)).toEqual(outcome(whole));
    expect(formatTable(resumed)).toBe(formatTable(whole));
    expect(readLog(log)).toHaveLength(10);

    // once more: nothing runs
    const third = counted();
    const again = await randomSearch({ space, trials: 10, seed: 5, objective: third.objective, log });
    expect(third.calls).toEqual([]);
    expect(formatTable(again)).toBe(formatTable(whole));
  });

  it("resumes after an abort in the middle of a search", async () => {
    const log = join(tempDir(), "search.jsonl");
    const controller = new AbortController();
    const first = counted();
    await expect(
      randomSearch({
        space,
        trials: 10,
        seed: 5,
        log,
        signal: controller.signal,
        objective: first.objective,
        onTrial: (e) => {
          if (e.trial === 3) controller.abort(new Error("stopped by the user"));
        },
      }),
    ).rejects.toThrow("stopped by the user");
    expect(first.calls).toEqual([0, 1, 2, 3]);
    expect(readLog(log)).toHaveLength(4);

    const second = counted();
    const r = await randomSearch({ space, trials: 10, seed: 5, log, objective: second.objective });
    expect(second.calls).toEqual([4, 5, 6, 7, 8, 9]);
    const whole = await randomSearch({ space, trials: 10, seed: 5, objective: quadratic });
    expect(formatTable(r)).toBe(formatTable(whole));
  });

  it("an aborted signal runs nothing", async () => {
    const c = counted();
    const signal = AbortSignal.abort(new Error("no time left"));
    await expect(randomSearch({ space, trials: 3, objective: c.objective, signal })).rejects.toThrow(
      "no time left",
    );
    expect(c.calls).toEqual([]);
  });

  it("an objective interrupted by the abort is not recorded: it runs again on resume", async () => {
    const log = join(tempDir(), "search.jsonl");
    const controller = new AbortController();
    await expect(
      randomSearch({
        space,
        trials: 4,
        log,
        signal: controller.signal,
        objective: async (c, ctx) => {
          if (ctx.trial < 2) return quadratic(c, ctx);
          controller.abort();
          if (ctx.signal.aborted) throw new Error("training interrupted");
          return quadratic(c, ctx);
        },
      }),
    ).rejects.toThrow();
    expect(readLog(log).map((r) => r.trial)).toEqual([0, 1]);
  });

  it("a line cut short by a crash is ignored and its trial runs again", async () => {
    const log = join(tempDir(), "search.jsonl");
    await randomSearch({ space, trials: 3, seed: 1, objective: quadratic, log });
    appendFileSync(log, '{"trial":3,"rung":0,"budget":1,"config":{"lr":0.0');
    const c = counted();
    const r = await randomSearch({ space, trials: 5, seed: 1, objective: c.objective, log });
    expect(c.calls).toEqual([3, 4]);
    expect(r.trials.every((t) => t.status === "ok")).toBe(true);
    expect(readLog(log).map((x) => x.trial)).toEqual([0, 1, 2, 3, 4]);
  });

  it("lines of another search (another seed or space) are not reused", async () => {
    const log = join(tempDir(), "search.jsonl");
    await randomSearch({ space, trials: 3, seed: 1, objective: quadratic, log });
    const c = counted();
    await randomSearch({ space, trials: 3, seed: 2, objective: c.objective, log });
    expect(c.calls).toEqual([0, 1, 2]);
    const d = counted();
    await randomSearch({ space: { ...space, units: 64 }, trials: 3, seed: 1, objective: d.objective, log });
    expect(d.calls).toEqual([0, 1, 2]);
  });

  it("failed trials are not retried unless asked; resume: false starts afresh", async () => {
    const log = join(tempDir(), "search.jsonl");
    const sp = { lr: logUniform(1e-4, 1) };
    const r = await randomSearch({ space: sp, trials: 10, seed: 2, objective: flaky, log });
    const failed = r.trials.filter((t) => t.status === "failed").map((t) => t.trial);
    expect(failed.length).toBeGreaterThan(0);

    const calls: number[] = [];
    const tracked = (c: { lr: number }, ctx: TrialContext) => {
      calls.push(ctx.trial);
      return flaky(c, ctx);
    };
    await randomSearch({ space: sp, trials: 10, seed: 2, objective: tracked, log });
    expect(calls).toEqual([]);
    await randomSearch({ space: sp, trials: 10, seed: 2, objective: tracked, log, retryFailed: true });
    expect(calls).toEqual(failed);

    calls.length = 0;
    await randomSearch({ space: sp, trials: 4, seed: 2, objective: tracked, log, resume: false });
    expect(calls).toEqual([0, 1, 2, 3]);
    expect(readLog(log)).toHaveLength(4);
  });

  it("takes a file URL for the log", async () => {
    const dir = tempDir();
    const url = new URL(`file://${dir}/search.jsonl`);
    await randomSearch({ space, trials: 2, objective: quadratic, log: url });
    expect(existsSync(join(dir, "search.jsonl"))).toBe(true);
    writeFileSync(join(dir, "other.jsonl"), "");
    await randomSearch({ space, trials: 2, objective: quadratic, log: url.href });
    expect(readLog(url)).toHaveLength(2);
  });
});
