import { type RandomKey, keyFromSeed, philox4x32, philoxWords } from "@axon/core";

/**
 * A random ordering of 0..n−1 on the host: the Fisher–Yates shuffle of core's `randomPermutation`
 * (same Philox words, same result for a key), without making a tensor.
 */
export function shuffledIndices(n: number, key: RandomKey): Int32Array {
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  const words = philoxWords(key, 2 * n);
  for (let i = n - 1; i > 0; i--) {
    // 53 random bits make the modulo bias negligible for any n that fits in memory.
    const u = ((words[2 * i] >>> 5) * 67108864 + (words[2 * i + 1] >>> 6)) / 9007199254740992;
    const j = Math.floor(u * (i + 1));
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  return perm;
}

/** "data" in ASCII: keeps these keys apart from the other streams drawn from the same seed. */
const DATA_STREAM = 0x64617461;

/**
 * The key of one use of a seed (epoch e's shuffle, a split): Philox of the counter
 * [index, stream, DATA_STREAM, 0] under the seed's key. It depends on nothing else, so a resumed
 * run shuffles epoch e exactly as an uninterrupted one.
 */
export function derivedKey(seed: number, index: number, stream: number, op: string): RandomKey {
  const key = keyFromSeed(seed, op);
  const words = new Uint32Array(4);
  philox4x32(index >>> 0, stream >>> 0, DATA_STREAM, 0, key[0], key[1], words);
  return [words[0], words[1]];
}
