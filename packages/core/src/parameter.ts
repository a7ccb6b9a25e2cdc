import { keep } from "./engine.ts";
import { ValueError, fmtShape } from "./errors.ts";
import { shapesEqual } from "./shape.ts";
import { Tensor } from "./tensor.ts";

/**
 * A mutable cell holding a tensor: what modules own and optimizers update. The tensor inside is
 * exempt from `tidy` (a parameter outlives every training step); `assign` swaps in a new value of
 * the same shape and dtype and disposes the old one.
 */
export class Parameter {
  #value: Tensor;

  constructor(
    value: Tensor,
    readonly name = "",
    public trainable = true,
  ) {
    if (!(value instanceof Tensor))
      throw new ValueError(`Parameter: value must be a Tensor, got ${typeof value}`);
    this.#value = keep(value);
  }

  get value(): Tensor {
    return this.#value;
  }

  get shape(): readonly number[] {
    return this.#value.shape;
  }

  get dtype() {
    return this.#value.dtype;
  }

  /** Replaces the value; the old tensor is disposed unless it is the new one. */
  assign(next: Tensor): void {
    const label = this.name ? `Parameter '${this.name}'` : "Parameter";
    if (!(next instanceof Tensor))
      throw new ValueError(`${label}.assign: expected a Tensor, got ${typeof next}`);
    if (!shapesEqual(next.shape, this.#value.shape) || next.dtype !== this.#value.dtype) {
      throw new ValueError(
        `${label}.assign: expected shape ${fmtShape(this.#value.shape)} and dtype ${this.#value.dtype}, got ${fmtShape(next.shape)} and ${next.dtype}`,
      );
    }
    if (next === this.#value) return;
    const old = this.#value;
    this.#value = keep(next);
    old.dispose();
  }

  dispose(): void {
    this.#value.dispose();
  }
}
