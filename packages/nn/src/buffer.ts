import { Tensor, ValueError, fmtShape, keep, shapesEqual } from "@axon/core";

/**
 * A module's state that is saved and loaded but never trained (batch norm's running mean and
 * variance). Like a Parameter it is a mutable cell whose tensor is exempt from `tidy`; unlike one,
 * `parameters()` leaves it out, so optimizers never touch it.
 */
export class ModuleBuffer {
  #value: Tensor;

  constructor(
    value: Tensor,
    readonly name = "",
  ) {
    if (!(value instanceof Tensor))
      throw new ValueError(`ModuleBuffer: value must be a Tensor, got ${typeof value}`);
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

  /** Replaces the value (same shape and dtype); the old tensor is disposed unless it is the new one. */
  assign(next: Tensor): void {
    const label = this.name ? `ModuleBuffer '${this.name}'` : "ModuleBuffer";
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
