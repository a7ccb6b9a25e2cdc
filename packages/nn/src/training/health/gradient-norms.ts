import type { Parameter } from "@axon/core";
import { ValueError } from "@axon/core";
import type { Module } from "../../module.ts";
import type { TrainingContext } from "../callbacks.ts";

// What GradientNormMonitor and HealthMonitor share: parameters grouped by layer, and the per-layer
// gradient-norm log of the history (which only one of them may write in a run).

/** "0.kernel" → "0"; "blocks.1.dense.kernel" → "blocks.1.dense"; "w" → "" (the model itself). */
export const layerOf = (parameterName: string) =>
  parameterName.slice(0, Math.max(0, parameterName.lastIndexOf(".")));

/** A layer's label in messages and charts: "0 (Dense)", "(model) (MyNet)". */
export const layerLabel = (name: string, type: string) => `${name || "(model)"} (${type})`;

/** The trainable parameters of a model grouped by the layer that holds them. */
export interface ParameterGroups {
  /** The layers' dotted names ("" for the model itself), in parameter order. */
  readonly layers: string[];
  /** Their labels: "0 (Dense)". */
  readonly labels: string[];
  /** For each layer, the indices of its trainable parameters in `parameters`. */
  readonly members: number[][];
}

/** Groups `parameters` (named `names`, as `model.namedParameters()` gives them) by layer; frozen ones are left out. */
export function groupParameters(
  model: Module,
  names: readonly string[],
  parameters: readonly Parameter[],
): ParameterGroups {
  const types = new Map<string, string>(model.namedModules().map(([n, m]) => [n, m.constructor.name]));
  types.set("", model.constructor.name);
  const index = new Map<string, number>();
  const groups: ParameterGroups = { layers: [], labels: [], members: [] };
  names.forEach((name, i) => {
    if (!parameters[i].trainable) return;
    const layer = layerOf(name);
    let g = index.get(layer);
    if (g === undefined) {
      g = groups.layers.length;
      index.set(layer, g);
      groups.layers.push(layer);
      groups.labels.push(layerLabel(layer, types.get(layer) ?? "?"));
      groups.members.push([]);
    }
    groups.members[g].push(i);
  });
  return groups;
}

/** Which callback writes each history's gradient norms during which run (a run is one TrainingContext). */
const writers = new WeakMap<object, { ctx: TrainingContext; owner: object }>();

/**
 * Makes `ctx.history.gradientNorms` ready for `owner` to append rows for `labels`: checks that a
 * resumed history's log is of the same layers, and that no other callback of this run writes it.
 */
export function claimGradientNormLog(
  op: string,
  ctx: TrainingContext,
  owner: object,
  labels: readonly string[],
): void {
  const claim = writers.get(ctx.history);
  if (claim && claim.ctx === ctx && claim.owner !== owner)
    throw new ValueError(
      `${op}: another callback (${claim.owner.constructor.name}) already records gradient norms into this run's history; use one (HealthMonitor records them too, or give it { history: false })`,
    );
  writers.set(ctx.history, { ctx, owner });
  const log = ctx.history.gradientNorms;
  if (log && log.layers.join("\n") !== labels.join("\n"))
    throw new ValueError(
      `${op}: the history's gradient norms are of layers ${log.layers.join(", ")}, not of this model's ${labels.join(", ")}`,
    );
  ctx.history.gradientNorms = log ?? { layers: [...labels], records: [] };
}
