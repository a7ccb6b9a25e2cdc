import {
  DTypeError,
  type FloatDType,
  type RandomOptions,
  ValueError,
  full,
  isFloat,
  randomNormal as drawNormal,
  randomUniform as drawUniform,
  truncatedNormal as drawTruncated,
  zeros as zerosOf,
  type DType,
} from "@axon/core";
import { type Initializer, makeInitializer, randomOptionsOf } from "./initializer.ts";

/** The float dtype a random initializer draws in, or a clear error. */
export function floatDType(who: string, dtype: DType): FloatDType {
  if (!isFloat(dtype)) throw new DTypeError(`${who}: dtype must be float32 or float64, got ${dtype}`);
  return dtype;
}

export function finite(who: string, arg: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v))
    throw new ValueError(`${who}: ${arg} must be a finite number, got ${String(v)}`);
  return v;
}

/** All zeros (the default for biases). */
export function zeros(): Initializer {
  return makeInitializer("zeros", (shape, dtype) => zerosOf(shape, dtype));
}

/** All ones (batch norm's gamma). */
export function ones(): Initializer {
  return makeInitializer("ones", (shape, dtype) => full(shape, 1, dtype));
}

/** Every element `value`. */
export function constant(value: number): Initializer {
  const v = finite("constant", "value", value);
  return makeInitializer(`constant(${v})`, (shape, dtype) => full(shape, v, dtype));
}

/** N(mean, stddev²) (default N(0, 0.05²), as Keras). */
export function randomNormal(options: { mean?: number; stddev?: number } & RandomOptions = {}): Initializer {
  const mean = finite("randomNormal", "mean", options.mean ?? 0);
  const stddev = finite("randomNormal", "stddev", options.stddev ?? 0.05);
  const made: RandomOptions = { seed: options.seed, key: options.key };
  return makeInitializer(`randomNormal(${mean}, ${stddev})`, (shape, dtype, call) =>
    drawNormal(shape, {
      mean,
      stddev,
      dtype: floatDType("randomNormal", dtype),
      ...randomOptionsOf(made, call),
    }),
  );
}

/** U[minval, maxval) (default U[−0.05, 0.05), as Keras). */
export function randomUniform(
  options: { minval?: number; maxval?: number } & RandomOptions = {},
): Initializer {
  const minval = finite("randomUniform", "minval", options.minval ?? -0.05);
  const maxval = finite("randomUniform", "maxval", options.maxval ?? 0.05);
  const made: RandomOptions = { seed: options.seed, key: options.key };
  return makeInitializer(`randomUniform(${minval}, ${maxval})`, (shape, dtype, call) =>
    drawUniform(shape, {
      minval,
      maxval,
      dtype: floatDType("randomUniform", dtype),
      ...randomOptionsOf(made, call),
    }),
  );
}

/**
 * N(mean, stddev²) truncated at two standard deviations and not rescaled, as Keras'
 * `TruncatedNormal` and PyTorch's `trunc_normal_`: `stddev` is that of the normal before
 * truncation, so the values' standard deviation is 0.8796·stddev. (`varianceScaling` rescales.)
 */
export function truncatedNormal(
  options: { mean?: number; stddev?: number } & RandomOptions = {},
): Initializer {
  const mean = finite("truncatedNormal", "mean", options.mean ?? 0);
  const stddev = finite("truncatedNormal", "stddev", options.stddev ?? 0.05);
  const made: RandomOptions = { seed: options.seed, key: options.key };
  return makeInitializer(`truncatedNormal(${mean}, ${stddev})`, (shape, dtype, call) =>
    drawTruncated(shape, {
      mean,
      stddev,
      dtype: floatDType("truncatedNormal", dtype),
      ...randomOptionsOf(made, call),
    }),
  );
}
