import { type FloatDType, type RandomKey, Tensor, ValueError, bernoulli, isFloat, mul } from "@axon/core";
import { Module, describe } from "../module.ts";
import { KeySequence } from "../random.ts";
import { checkOptions } from "./common.ts";

function checkRate(op: string, rate: unknown): number {
  if (typeof rate !== "number" || !(rate >= 0 && rate < 1))
    throw new ValueError(`${op}: rate must be a number in [0, 1), got ${describe(rate)}`);
  return rate;
}

export interface DropoutOptions {
  /** Drop (true, the default for the function) or pass x through unchanged (false). */
  training?: boolean;
  seed?: number;
  key?: RandomKey;
}

/**
 * Inverted dropout: each element is zeroed with probability `rate` and the survivors are scaled
 * by 1/(1 − rate), so the expectation is x and evaluation needs no rescaling. The mask is drawn
 * under `seed`/`key` (or from the global stream) and is a constant to gradients.
 */
export function dropout(x: Tensor, rate: number, options: DropoutOptions = {}): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`dropout: x must be a Tensor, got ${describe(x)}`);
  checkRate("dropout", rate);
  if (options.training === false || rate === 0) return x;
  const dtype: FloatDType = isFloat(x.dtype) ? (x.dtype as FloatDType) : "float32";
  const keep = bernoulli(x.shape, 1 - rate, { dtype, seed: options.seed, key: options.key });
  return mul(x, mul(keep, 1 / (1 - rate)));
}

/** Inverted dropout in training mode, the identity in evaluation mode. Seeded, a run repeats. */
export class Dropout extends Module {
  readonly rate: number;
  readonly #keys: KeySequence;

  constructor(rate: number, options?: { seed?: number }) {
    super();
    const o = checkOptions("Dropout", options);
    this.rate = checkRate("Dropout", rate);
    this.#keys = new KeySequence("Dropout", o.seed);
    // A seeded layer saves its position in the key sequence, so a resumed run draws the same masks.
    if (this.#keys.seeded)
      this.#keys.bindState(this.registerBuffer("keyPosition", KeySequence.initialState()));
  }

  call(x: Tensor): Tensor {
    if (!this.training || this.rate === 0) return x;
    return dropout(x, this.rate, this.#keys.next());
  }
}
