import { ValueError } from "../errors.ts";
import { philox4x32 } from "./philox.ts";

/** A Philox key: two unsigned 32-bit words. Random ops take `{ seed }` (a number) or a key. */
export type RandomKey = readonly [number, number];

/** The key of an integer seed in [0, 2⁵³): its low and high 32-bit words. */
export function keyFromSeed(seed: number, op = "random"): RandomKey {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new ValueError(`${op}: seed must be a non-negative integer below 2^53, got ${seed}`);
  }
  return [seed >>> 0, Math.floor(seed / 4294967296) >>> 0];
}

/** Derives `n` independent keys from one (Philox of the counters [i, 1, 0, 0] under `key`). */
export function splitKey(key: RandomKey, n = 2): RandomKey[] {
  const words = new Uint32Array(4);
  const keys: RandomKey[] = [];
  for (let i = 0; i < n; i++) {
    philox4x32(i, 1, 0, 0, key[0], key[1], words);
    keys.push([words[0], words[1]]);
  }
  return keys;
}

// The global stream used when a random op gets no seed: a key and a counter of draws.
let globalKey: RandomKey = keyFromSeed(Date.now() % 2 ** 32);
let draws = 0;

/** Seeds the global stream: the same seed makes every later unseeded random op repeat. */
export function setSeed(seed: number): void {
  globalKey = keyFromSeed(seed, "setSeed");
  draws = 0;
}

/** The state of the global stream, for checkpoints. */
export function getRandomState(): { key: RandomKey; draws: number } {
  return { key: globalKey, draws };
}

export function setRandomState(s: { key: RandomKey; draws: number }): void {
  globalKey = [s.key[0] >>> 0, s.key[1] >>> 0];
  draws = s.draws;
}

/** The key of the next unseeded draw. */
export function nextKey(): RandomKey {
  const words = new Uint32Array(4);
  philox4x32(draws >>> 0, Math.floor(draws / 4294967296) >>> 0, 2, 0, globalKey[0], globalKey[1], words);
  draws++;
  return [words[0], words[1]];
}

/** A key from `{ seed }`, an explicit key, or the global stream. */
export function resolveKey(op: string, options: { seed?: number; key?: RandomKey } | undefined): RandomKey {
  if (options?.key !== undefined) {
    const k = options.key;
    if (
      !Array.isArray(k) ||
      k.length !== 2 ||
      k.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffffffff)
    ) {
      throw new ValueError(`${op}: key must be two unsigned 32-bit integers, got ${JSON.stringify(k)}`);
    }
    return [k[0], k[1]];
  }
  if (options?.seed !== undefined) return keyFromSeed(options.seed, op);
  return nextKey();
}
