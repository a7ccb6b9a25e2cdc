import { ValueError, keyFromSeed } from "@axon/core";
import { runSearch } from "./search.ts";
import { type ConfigOf, type SearchSpace, checkSearchSpace, sampleConfigs } from "./spaces.ts";
import type { SearchOptions, SearchResult } from "./types.ts";

export interface RandomSearchOptions<S extends SearchSpace> extends SearchOptions<ConfigOf<S>> {
  space: S;
  /** How many configurations to draw. */
  trials: number;
  /** Trial i's configuration depends only on (seed, i) (default 0). */
  seed?: number;
}

/**
 * Random search (Bergstra & Bengio 2012): `trials` configurations drawn from the space with a
 * seeded Philox stream, each evaluated by the objective; the result lists every trial by index
 * and names the best one.
 */
export async function randomSearch<S extends SearchSpace>(
  options: RandomSearchOptions<S>,
): Promise<SearchResult<ConfigOf<S>>> {
  const who = "randomSearch";
  if (options === null || typeof options !== "object")
    throw new ValueError(`${who}: options must be an object, got ${String(options)}`);
  checkSearchSpace(who, options.space);
  const { trials, seed = 0 } = options;
  if (!Number.isSafeInteger(trials) || trials < 1)
    throw new ValueError(`${who}: trials must be a positive integer, got ${String(trials)}`);
  keyFromSeed(seed, who);
  const configs = sampleConfigs(options.space, seed, trials);
  return runSearch<ConfigOf<S>>(who, options.space, configs, seed, options);
}
