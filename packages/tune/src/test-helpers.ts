import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import type { SearchResult } from "./types.ts";

/** A fresh temporary directory per test, removed after it. */
export function useTempDir(): () => string {
  let dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    dirs = [];
  });
  return () => {
    const d = mkdtempSync(join(tmpdir(), "axon-tune-"));
    dirs.push(d);
    return d;
  };
}

/** A result without its timings and bookkeeping counts: what must not depend on how the search ran. */
export function outcome<C>(r: SearchResult<C>) {
  return {
    ...r,
    evaluated: undefined,
    resumed: undefined,
    trials: r.trials.map((t) => ({
      ...t,
      durationMs: undefined,
      evaluations: t.evaluations.map((e) => ({ ...e, durationMs: undefined })),
    })),
    best: r.best?.trial,
  };
}

/**
 * Pearson's χ² statistic of observed counts against expected ones, and its critical value at
 * p = 0.001 (Wilson–Hilferty): a correct sampler exceeds it once in a thousand seeds.
 */
export function chiSquare(observed: number[], expected: number[]): { stat: number; critical: number } {
  let stat = 0;
  for (let i = 0; i < observed.length; i++) stat += (observed[i] - expected[i]) ** 2 / expected[i];
  const df = observed.length - 1;
  const z = 3.09;
  const critical = df * (1 - 2 / (9 * df) + z * Math.sqrt(2 / (9 * df))) ** 3;
  return { stat, critical };
}

export const objectivesTs = new URL("./fixtures/objectives.ts", import.meta.url).href;
export const objectivesJs = new URL("./fixtures/objectives.js", import.meta.url).href;
