import { type RandomOptions, ShapeError, makeTensor, randomNormal, typedArrayFor } from "@axon/core";
import { finite, floatDType } from "./basic.ts";
import { type Initializer, makeInitializer, randomOptionsOf } from "./initializer.ts";

/**
 * An orthogonal matrix (Saxe et al. 2014), times `gain`: the weight is seen as a matrix
 * [∏ shape[:-1], shape[-1]] and gets orthonormal columns (or rows, if it is wide). As Keras: the
 * Q of the QR decomposition of a Gaussian matrix, with R's diagonal made positive so the result is
 * uniformly distributed. Computed on the host in float64 (modified Gram–Schmidt, twice).
 */
export function orthogonal(options: { gain?: number } & RandomOptions = {}): Initializer {
  const gain = finite("orthogonal", "gain", options.gain ?? 1);
  const made: RandomOptions = { seed: options.seed, key: options.key };
  return makeInitializer(`orthogonal(${gain})`, (shape, dtype, call) => {
    const d = floatDType("orthogonal", dtype);
    if (shape.length < 2)
      throw new ShapeError(`orthogonal: shape must have rank >= 2, got [${shape.join(",")}]`);
    const cols = shape[shape.length - 1];
    const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    const tall = Math.max(rows, cols);
    const narrow = Math.min(rows, cols);
    const draw = randomNormal([tall, narrow], { ...randomOptionsOf(made, call) });
    const a = Float64Array.from(draw.dataSync() as Float32Array);
    draw.dispose();
    const q = orthonormalColumns(a, tall, narrow);
    const out = typedArrayFor(d, rows * cols);
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++) {
        // A wide matrix takes Qᵀ: orthonormal rows.
        out[i * cols + j] = gain * (rows >= cols ? q[i * narrow + j] : q[j * narrow + i]);
      }
    return makeTensor(out, [...shape], d);
  });
}

/** Q of a = QR for a row-major n×m matrix (n ≥ m), with R's diagonal positive. */
function orthonormalColumns(a: Float64Array, n: number, m: number): Float64Array {
  const q = a.slice();
  for (let j = 0; j < m; j++) {
    // Two passes of projections: one can leave rounding errors that the second removes.
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += q[i * m + k] * q[i * m + j];
        for (let i = 0; i < n; i++) q[i * m + j] -= dot * q[i * m + k];
      }
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += q[i * m + j] ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < n; i++) q[i * m + j] /= norm;
  }
  return q;
}
