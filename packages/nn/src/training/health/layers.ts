import { elu, leakyRelu, relu, relu6, selu, sigmoid, tanh } from "@axon/core";
import { ELU, LeakyReLU, PReLU, RReLU, ReLU, SELU, Sigmoid, Tanh } from "../../layers/activation-layers.ts";
import { Dense } from "../../layers/dense.ts";
import type { Module } from "../../module.ts";
import type { ParameterGroups } from "./gradient-norms.ts";

/**
 * What a layer's output says about its units. "rectifier": a ReLU-family output, whose unit is dead
 * when it is ≤ 0 for every example of the batch. "sigmoid" and "tanh": bounded outputs, saturated
 * near their bounds. "other": mean and standard deviation only.
 */
export type LayerKind = "rectifier" | "sigmoid" | "tanh" | "other";

/** The bounds of the saturating kinds. */
export const BOUNDS: Readonly<Record<"sigmoid" | "tanh", readonly [number, number]>> = {
  sigmoid: [0, 1],
  tanh: [-1, 1],
};

const RECTIFIER_LAYERS = [ReLU, LeakyReLU, PReLU, RReLU, ELU, SELU];
const RECTIFIER_FUNCTIONS: readonly unknown[] = [relu, relu6, leakyRelu, elu, selu];

/**
 * A layer's kind from its class (ReLU, LeakyReLU, PReLU, RReLU, ELU, SELU → rectifier; Sigmoid,
 * Tanh), or for a Dense layer from its `activation` when it is one of the library's functions
 * (`relu`, `relu6`, `leakyRelu`, `elu`, `selu`, `sigmoid`, `tanh`); a closure around one of them
 * cannot be recognized and counts as "other".
 */
export function layerKind(module: Module): LayerKind {
  if (module instanceof Sigmoid) return "sigmoid";
  if (module instanceof Tanh) return "tanh";
  if (RECTIFIER_LAYERS.some((c) => module instanceof c)) return "rectifier";
  if (module instanceof Dense && module.activation) {
    if (module.activation === sigmoid) return "sigmoid";
    if (module.activation === tanh) return "tanh";
    if (RECTIFIER_FUNCTIONS.includes(module.activation)) return "rectifier";
  }
  return "other";
}

/** A layer the monitor watches: its name, type, kind and module. */
export interface WatchedLayer {
  readonly name: string;
  readonly type: string;
  readonly kind: LayerKind;
  readonly module: Module;
}

/**
 * The layers the monitor watches, in the model's order: every module without children (the
 * model itself when it has none), and every module that holds trainable parameters of its own.
 */
export function watchedLayers(model: Module, groups: ParameterGroups): WatchedLayer[] {
  const owners = new Set(groups.layers);
  const all: [string, Module][] = [["", model], ...model.namedModules()];
  return all
    .filter(([name, m]) => owners.has(name) || m.children().length === 0)
    .map(([name, m]) => ({ name, type: m.constructor.name, kind: layerKind(m), module: m }));
}
