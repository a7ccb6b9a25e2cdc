import {
  type RandomKey,
  type RandomOptions,
  type Tensor,
  ValueError,
  keyFromSeed,
  philox4x32,
  tensor,
} from "@axon/core";
import type { ModuleBuffer } from "./buffer.ts";

const TWO_32 = 4294967296;

/**
 * The keys of a layer's successive random draws (dropout masks, rrelu slopes). With a seed, call
 * i gets the key Philox(i) under the seed's key, so a run repeats exactly; without one, each draw
 * comes from the global stream (`setSeed`).
 */
export class KeySequence {
  readonly #base: RandomKey | null;
  #calls = 0;
  #state: ModuleBuffer | null = null;
  /** The tensor this sequence last wrote into its state; any other value there was loaded. */
  #written: Tensor | null = null;

  constructor(op: string, seed?: number) {
    if (seed !== undefined && (!Number.isSafeInteger(seed) || seed < 0))
      throw new ValueError(`${op}: seed must be a non-negative integer, got ${String(seed)}`);
    this.#base = seed === undefined ? null : keyFromSeed(seed, op);
  }

  /** Whether the keys come from the sequence's own seed (and so have a position worth saving). */
  get seeded(): boolean {
    return this.#base !== null;
  }

  /** A fresh int32 [low, high] tensor holding the position, for a module to register as a buffer. */
  static initialState(): Tensor {
    return tensor(new Int32Array(2), [2]);
  }

  /**
   * Mirrors the position into `buffer` (int32 [low, high]), so saving the module saves it and
   * loading a state dict moves the sequence to the loaded position.
   */
  bindState(buffer: ModuleBuffer): void {
    this.#state = buffer;
    this.#written = null;
  }

  /** The options of the next random op: `{ key }`, or `{}` for the global stream. */
  next(): RandomOptions {
    if (this.#base === null) return {};
    this.#syncFromState();
    const i = this.#calls++;
    const words = new Uint32Array(4);
    // The third counter word tags these keys apart from splitKey's (which uses 1 there).
    philox4x32(i >>> 0, Math.floor(i / TWO_32) >>> 0, 0x6b657973, 0, this.#base[0], this.#base[1], words);
    this.#writeState();
    return { key: [words[0], words[1]] };
  }

  /** Starts the sequence again from its first key. */
  reset(): void {
    this.#calls = 0;
    this.#writeState();
  }

  #syncFromState(): void {
    const state = this.#state;
    if (state === null || state.value === this.#written) return;
    const [low, high] = state.value.dataSync() as Int32Array;
    this.#calls = (high >>> 0) * TWO_32 + (low >>> 0);
  }

  #writeState(): void {
    if (this.#state === null) return;
    const words = new Int32Array([this.#calls >>> 0, Math.floor(this.#calls / TWO_32) >>> 0]);
    this.#state.assign(tensor(words, [2]));
    this.#written = this.#state.value;
  }
}
