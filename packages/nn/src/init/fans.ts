import { ValueError } from "@axon/core";

/**
 * Fan-in and fan-out of a weight shape, as Keras computes them: a dense kernel [in, out] has
 * fanIn = in and fanOut = out; a conv kernel [kh, kw, in, out] (any number of leading spatial
 * axes) multiplies both by the receptive field kh·kw. A vector counts its length for both; a
 * scalar counts 1.
 */
export function computeFans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0))
    throw new ValueError(
      `computeFans: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`,
    );
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0], fanOut: shape[0] };
  const receptiveField = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return {
    fanIn: shape[shape.length - 2] * receptiveField,
    fanOut: shape[shape.length - 1] * receptiveField,
  };
}
