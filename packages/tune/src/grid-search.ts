import { ValueError, keyFromSeed } from "@axon/core";
import { runSearch } from "./search.ts";
import {
  type ConfigOf,
  type SearchSpace,
  Space,
  type Value,
  checkSearchSpace,
  gridConfigs,
} from "./spaces.ts";
import type { SearchOptions, SearchResult } from "./types.ts";

export interface GridSearchOptions<S extends SearchSpace> extends SearchOptions<ConfigOf<S>> {
  space: S;
  /** Grid points per hyperparameter: one number for all, or one per name (choices give all their values). */
  pointsPerAxis?: number | { [K in keyof S]?: number };
  /** Explicit values for some hyperparameters, used instead of their space's grid. */
  grid?: { [K in keyof S]?: readonly ConfigOf<S>[K][] };
  /** Seeds the trials' own randomness (`context.seed`), default 0. */
  seed?: number;
}

/**
 * The values of each axis of a grid search: the explicit `grid` list, else the space's
 * `grid(points)` (log-spaced for log spaces; every value of a choice), else the constant.
 */
export function gridAxes(
  space: SearchSpace,
  pointsPerAxis?: number | Record<string, number | undefined>,
  grid?: Record<string, readonly Value[] | undefined>,
  who = "gridAxes",
): Record<string, Value[]> {
  checkSearchSpace(who, space);
  const axes: Record<string, Value[]> = {};
  for (const [name, s] of Object.entries(space)) {
    const explicit = grid?.[name];
    if (explicit !== undefined) {
      if (!Array.isArray(explicit) || explicit.length === 0)
        throw new ValueError(
          `${who}: grid.${name} must be a non-empty array, got ${JSON.stringify(explicit)}`,
        );
      axes[name] = [...explicit];
    } else if (s instanceof Space) {
      const points = typeof pointsPerAxis === "number" ? pointsPerAxis : pointsPerAxis?.[name];
      if (points === undefined) {
        if (s.kind !== "choice")
          throw new ValueError(
            `${who}: pointsPerAxis is needed for ${name} (${s}), got ${JSON.stringify(pointsPerAxis)}`,
          );
        axes[name] = s.grid(1);
      } else axes[name] = s.grid(points);
    } else axes[name] = [s];
  }
  if (grid)
    for (const name of Object.keys(grid))
      if (!(name in space))
        throw new ValueError(
          `${who}: grid.${name} is not a hyperparameter of the space (${Object.keys(space).join(", ")})`,
        );
  return axes;
}

/**
 * Grid search: every combination of the axes' values (the first hyperparameter varies slowest),
 * evaluated like random search's trials — same log, resume, concurrency and halving.
 */
export async function gridSearch<S extends SearchSpace>(
  options: GridSearchOptions<S>,
): Promise<SearchResult<ConfigOf<S>>> {
  const who = "gridSearch";
  if (options === null || typeof options !== "object")
    throw new ValueError(`${who}: options must be an object, got ${String(options)}`);
  const { seed = 0 } = options;
  keyFromSeed(seed, who);
  const axes = gridAxes(
    options.space,
    options.pointsPerAxis as number | Record<string, number | undefined> | undefined,
    options.grid as Record<string, readonly Value[] | undefined> | undefined,
    who,
  );
  return runSearch<ConfigOf<S>>(who, options.space, gridConfigs(axes), seed, options);
}
