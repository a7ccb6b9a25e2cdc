// How alike the hidden units of a dense layer are: their incoming weight vectors compared pairwise.

/** The incoming weight vectors of a dense layer's units: the columns of its kernel [in, units]. */
export function incomingWeights(kernel: Float32Array, inputs: number, units: number): Float64Array[] {
  return Array.from({ length: units }, (_, u) => {
    const w = new Float64Array(inputs);
    for (let i = 0; i < inputs; i++) w[i] = kernel[i * units + u];
    return w;
  });
}

const distance = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s);
};

const norm = (a: Float64Array) => Math.sqrt(a.reduce((s, v) => s + v * v, 0));

export interface UnitSpread {
  /** The largest ‖wᵢ − wⱼ‖ over pairs of units. */
  readonly maxPairwiseDifference: number;
  /** The mean ‖wᵢ‖: how far the weights have moved from zero. */
  readonly meanNorm: number;
  /** Groups of units whose weight vectors agree to `tolerance`·(mean norm): 1 when all are copies. */
  readonly distinctUnits: number;
}

/** Compares every pair of units' incoming weights. */
export function unitSpread(vectors: readonly Float64Array[], tolerance = 1e-5): UnitSpread {
  const meanNorm = vectors.reduce((s, v) => s + norm(v), 0) / vectors.length;
  let maxPairwiseDifference = 0;
  for (let i = 0; i < vectors.length; i++)
    for (let j = i + 1; j < vectors.length; j++)
      maxPairwiseDifference = Math.max(maxPairwiseDifference, distance(vectors[i], vectors[j]));
  const representatives: Float64Array[] = [];
  for (const v of vectors)
    if (!representatives.some((r) => distance(v, r) <= tolerance * Math.max(meanNorm, 1e-30)))
      representatives.push(v);
  return { maxPairwiseDifference, meanNorm, distinctUnits: representatives.length };
}
