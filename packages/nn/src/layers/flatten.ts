import { ShapeError, type Tensor, fmtShape, reshape } from "@axon/core";
import { Module } from "../module.ts";

/** Keeps the batch axis and flattens the rest: [N, H, W, C] → [N, H·W·C]. */
export class Flatten extends Module {
  call(x: Tensor): Tensor {
    if (!(x?.rank >= 1))
      throw new ShapeError(`Flatten: x must have a batch axis, got shape ${fmtShape(x?.shape ?? [])}`);
    return reshape(x, [x.shape[0], x.shape.slice(1).reduce((a, b) => a * b, 1)]);
  }
}
