/**
 * Philox-4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011):
 * a counter-based generator, so element i of a draw depends only on (key, i). Every backend
 * computes the same function, which is what makes a seed give the same numbers everywhere.
 */

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** High 32 bits of the 64-bit product of two unsigned 32-bit integers. */
export function mulhi32(a: number, b: number): number {
  const aH = a >>> 16;
  const aL = a & 0xffff;
  const bH = b >>> 16;
  const bL = b & 0xffff;
  const lolo = aL * bL;
  const hilo = aH * bL;
  const lohi = aL * bH;
  const cross = (lolo >>> 16) + (hilo & 0xffff) + lohi;
  return (aH * bH + (hilo >>> 16) + Math.floor(cross / 65536)) >>> 0;
}

/** Philox-4x32-10 of one 128-bit counter under a 64-bit key; writes 4 words to `out`. */
export function philox4x32(
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  k0: number,
  k1: number,
  out: Uint32Array,
): void {
  for (let r = 0; r < 10; r++) {
    const hi0 = mulhi32(M0, c0);
    const lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi32(M1, c2);
    const lo1 = Math.imul(M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

/**
 * `n` uniform numbers in [0, 1): element i is word (i mod 4) of Philox(counter = [⌊i/4⌋, 0, 0, 0], key),
 * mapped as (word >>> 8) · 2⁻²⁴ — exactly representable in float32, so float32 and float64 draws agree.
 */
export function philoxUniform(
  key: readonly [number, number],
  n: number,
  out: { [i: number]: number; length: number },
): void {
  const words = new Uint32Array(4);
  for (let block = 0; block * 4 < n; block++) {
    philox4x32(block >>> 0, Math.floor(block / 4294967296) >>> 0, 0, 0, key[0], key[1], words);
    const end = Math.min(4, n - block * 4);
    for (let j = 0; j < end; j++) out[block * 4 + j] = (words[j] >>> 8) * 5.9604644775390625e-8;
  }
}

/** `n` raw 32-bit words, in the same order as `philoxUniform` (used by host-side shuffles). */
export function philoxWords(key: readonly [number, number], n: number): Uint32Array {
  const out = new Uint32Array(n);
  const words = new Uint32Array(4);
  for (let block = 0; block * 4 < n; block++) {
    philox4x32(block >>> 0, 0, 0, 0, key[0], key[1], words);
    for (let j = 0; j < 4 && block * 4 + j < n; j++) out[block * 4 + j] = words[j];
  }
  return out;
}
