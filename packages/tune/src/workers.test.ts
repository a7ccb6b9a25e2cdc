import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { quadratic } from "./fixtures/objectives.ts";
import { readLog } from "./log.ts";
import { formatTable } from "./report.ts";
import { gridSearch } from "./grid-search.ts";
import { randomSearch } from "./random-search.ts";
import { choice, logIntUniform, logUniform, oneMinusLogUniform } from "./spaces.ts";
import { objectivesJs, objectivesTs, outcome, useTempDir } from "./test-helpers.ts";
import { ObjectiveLoadError } from "./workers.ts";

const space = {
  lr: logUniform(1e-4, 1),
  beta: oneMinusLogUniform(0.9, 0.999),
  units: logIntUniform(8, 512),
  act: choice(["relu", "tanh"]),
};

const tempDir = useTempDir();

describe("worker threads (concurrency > 1)", () => {
  it("concurrency 2 on worker threads gives the same results as 1 in this thread", async () => {
    const one = await randomSearch({ space, trials: 12, seed: 4, objective: quadratic });
    const two = await randomSearch({
      space,
      trials: 12,
      seed: 4,
      concurrency: 2,
      objective: { module: objectivesTs, export: "slowQuadratic" },
    });
    expect(outcome(two)).toEqual(outcome(one));
    expect(formatTable(two)).toBe(formatTable(one));
  });

  it("the trials leave the main thread and use both workers", async () => {
    const r = await randomSearch({
      space: { x: logUniform(1, 10) },
      trials: 8,
      concurrency: 2,
      objective: { module: objectivesTs, export: "whichThread" },
    });
    const threads = new Set(r.trials.map((t) => t.metrics.thread));
    expect(threads.has(0)).toBe(false);
    expect(threads.size).toBe(2);
    expect(r.trials.map((t) => t.value)).toEqual([...Array(8).keys()]);
  });

  it("loads plain .js modules, and takes absolute paths", async () => {
    const one = await randomSearch({
      space: { lr: space.lr },
      trials: 6,
      objective: (c, ctx) => quadratic(c, ctx),
    });
    const js = await randomSearch({
      space: { lr: space.lr },
      trials: 6,
      concurrency: 3,
      objective: { module: fileURLToPath(objectivesJs), export: "quadratic" },
    });
    expect(js.trials.map((t) => t.metrics)).toEqual(one.trials.map((t) => t.metrics));
  });

  it("records failures from workers; a worker that dies fails its trial and is replaced", async () => {
    const r = await randomSearch({
      space: { lr: logUniform(1e-4, 1) },
      trials: 10,
      seed: 2,
      concurrency: 2,
      objective: { module: objectivesTs, export: "flaky" },
    });
    const inline = await randomSearch({
      space: { lr: logUniform(1e-4, 1) },
      trials: 10,
      seed: 2,
      objective: { module: objectivesTs, export: "flaky" },
    });
    expect(outcome(r)).toEqual(outcome(inline));

    const crash = await randomSearch({
      space: { x: logUniform(1, 10) },
      trials: 5,
      concurrency: 2,
      objective: { module: objectivesTs, export: "crashes" },
    });
    expect(crash.trials.map((t) => t.status)).toEqual(["ok", "failed", "ok", "ok", "ok"]);
    expect(crash.trials[1].error).toMatch(/worker thread died during the trial: it exited with code 3/);
  });

  it("a module that cannot be loaded stops the search with a clear error", async () => {
    const opts = { space, trials: 4, concurrency: 2 };
    await expect(
      randomSearch({ ...opts, objective: { module: objectivesTs, export: "notAFunction" } }),
    ).rejects.toThrow(ObjectiveLoadError);
    await expect(
      randomSearch({ ...opts, objective: { module: objectivesTs, export: "notAFunction" } }),
    ).rejects.toThrow(/must export a function "notAFunction", got number/);
    await expect(
      randomSearch({ ...opts, objective: { module: new URL("./fixtures/missing.ts", objectivesTs) } }),
    ).rejects.toThrow(/cannot load the objective module .*missing\.ts/);
    // in this thread too
    await expect(
      randomSearch({ ...opts, concurrency: 1, objective: { module: objectivesTs, export: "nope" } }),
    ).rejects.toThrow(/must export a function "nope", got undefined/);
  });

  it("resume, successive halving and grid search work the same on workers", async () => {
    const log = join(tempDir(), "search.jsonl");
    const objective = { module: objectivesTs, export: "quadratic" };
    await randomSearch({ space, trials: 5, seed: 8, concurrency: 2, objective, log });
    const r = await randomSearch({ space, trials: 9, seed: 8, concurrency: 2, objective, log, halving: {} });
    const inline = await randomSearch({ space, trials: 9, seed: 8, objective: quadratic, halving: {} });
    expect(outcome(r)).toEqual(outcome(inline));
    expect(r.resumed).toBe(5);
    expect(readLog(log).filter((x) => x.status !== "stopped")).toHaveLength(5 + 4 + 3 + 1);

    const g2 = await gridSearch({
      space: { lr: space.lr, act: space.act },
      pointsPerAxis: 3,
      concurrency: 2,
      objective,
    });
    const g1 = await gridSearch({
      space: { lr: space.lr, act: space.act },
      pointsPerAxis: 3,
      objective: quadratic,
    });
    expect(outcome(g2)).toEqual(outcome(g1));
  });
});
