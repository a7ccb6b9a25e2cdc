import { type RandomKey, type RandomOptions, ValueError, keyFromSeed, philox4x32 } from "@axon/core";

/**
 * The keys of a layer's successive random draws (dropout masks, rrelu slopes). With a seed, call
 * i gets the key Philox(i) under the seed's key, so a run repeats exactly; without one, each draw
 * comes from the global stream (`setSeed`).
 */
export class KeySequence {
  readonly #base: RandomKey | null;
  #calls = 0;

  constructor(op: string, seed?: number) {
    if (seed !== undefined && (!Number.isSafeInteger(seed) || seed < 0))
      throw new ValueError(`${op}: seed must be a non-negative integer, got ${String(seed)}`);
    this.#base = seed === undefined ? null : keyFromSeed(seed, op);
  }

  /** The options of the next random op: `{ key }`, or `{}` for the global stream. */
  next(): RandomOptions {
    if (this.#base === null) return {};
    const i = this.#calls++;
    const words = new Uint32Array(4);
    // The third counter word tags these keys apart from splitKey's (which uses 1 there).
    philox4x32(i >>> 0, Math.floor(i / 4294967296) >>> 0, 0x6b657973, 0, this.#base[0], this.#base[1], words);
    return { key: [words[0], words[1]] };
  }

  /** Starts the sequence again from its first key. */
  reset(): void {
    this.#calls = 0;
  }
}
