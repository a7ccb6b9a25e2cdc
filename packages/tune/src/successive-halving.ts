import { ValueError } from "@axon/core";
import type { HalvingOptions } from "./types.ts";

/**
 * Successive halving (Jamieson & Talwalkar 2016; the inner loop of Hyperband): every trial runs
 * with a small budget, the best 1/eta of them run again with eta times the budget, and so on — so
 * bad configurations stop early and the budget goes to the promising ones. A rung ends before the
 * next one starts, so the outcome depends only on the metrics, not on which trial finished first.
 */

const positive = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v) && v > 0;

/** The budgets of the rungs: minBudget·eta^k for k = 0, 1, …. */
export function halvingBudgets(who: string, halving: HalvingOptions, trials: number): number[] {
  if (halving === null || typeof halving !== "object")
    throw new ValueError(
      `${who}: halving must be an object { minBudget?, eta?, maxBudget? }, got ${String(halving)}`,
    );
  const { minBudget = 1, eta = 3, maxBudget } = halving;
  if (!positive(minBudget))
    throw new ValueError(`${who}: halving.minBudget must be a positive number, got ${String(minBudget)}`);
  if (typeof eta !== "number" || !Number.isFinite(eta) || !(eta > 1))
    throw new ValueError(`${who}: halving.eta must be a number above 1, got ${String(eta)}`);
  let rungs: number;
  if (maxBudget === undefined) rungs = Math.floor(Math.log(trials) / Math.log(eta) + 1e-9) + 1;
  else {
    if (!positive(maxBudget) || maxBudget < minBudget)
      throw new ValueError(
        `${who}: halving.maxBudget must be a number at least minBudget (${minBudget}), got ${String(maxBudget)}`,
      );
    rungs = Math.floor(Math.log(maxBudget / minBudget) / Math.log(eta) + 1e-9) + 1;
  }
  return Array.from({ length: rungs }, (_, k) => minBudget * eta ** k);
}

/** How many of a rung's `n` trials go on to the next one: ⌊n/eta⌋, at least 1. */
export function promotedCount(n: number, eta: number): number {
  return Math.max(1, Math.floor(n / eta + 1e-9));
}

/**
 * The trials that go on: the `count` best of those that finished the rung (failed ones never do),
 * ties broken by the lower trial index.
 */
export function promote(
  finished: readonly { trial: number; value: number }[],
  count: number,
  mode: "min" | "max",
): number[] {
  const sign = mode === "min" ? 1 : -1;
  return [...finished]
    .filter((f) => Number.isFinite(f.value))
    .sort((a, b) => sign * (a.value - b.value) || a.trial - b.trial)
    .slice(0, count)
    .map((f) => f.trial);
}
