import { type Tensor, ValueError } from "@axon/core";
import { Module, describe } from "./module.ts";

/**
 * Layers applied one after another: `call(x)` is `layers[n−1].call(…layers[0].call(x))`. The
 * layers are children named by position, so parameters are "0.kernel", "1.gamma", ….
 */
export class Sequential extends Module {
  readonly #layers: Module[] = [];

  constructor(layers: readonly Module[] = []) {
    super();
    if (!Array.isArray(layers))
      throw new ValueError(`Sequential: layers must be an array, got ${describe(layers)}`);
    for (const layer of layers) this.add(layer);
  }

  /** Appends a layer (named by its position) and returns this model. */
  add(layer: Module): this {
    if (!(layer instanceof Module))
      throw new ValueError(
        `Sequential: layer ${this.#layers.length} must be a Module, got ${describe(layer)}`,
      );
    this.registerModule(String(this.#layers.length), layer);
    this.#layers.push(layer);
    return this;
  }

  get layers(): readonly Module[] {
    return this.#layers;
  }

  get length(): number {
    return this.#layers.length;
  }

  /** The layer at `index` (negative counts from the end). */
  at(index: number): Module {
    const layer = this.#layers.at(index);
    if (!layer)
      throw new ValueError(`Sequential: no layer at index ${index} (${this.#layers.length} layers)`);
    return layer;
  }

  call(x: Tensor): Tensor {
    let y = x;
    for (const layer of this.#layers) y = layer.call(y);
    return y;
  }
}
