import {
  type RandomOptions,
  ValueError,
  randomNormal as drawNormal,
  randomUniform as drawUniform,
  truncatedNormal as drawTruncated,
} from "@axon/core";
import { finite, floatDType } from "./basic.ts";
import { computeFans } from "./fans.ts";
import { type Initializer, makeInitializer, randomOptionsOf } from "./initializer.ts";

export type FanMode = "fanIn" | "fanOut" | "fanAvg";
export type ScalingDistribution = "truncatedNormal" | "untruncatedNormal" | "uniform";

export interface VarianceScalingOptions extends RandomOptions {
  /** Default 1. */
  scale?: number;
  /** Which fan divides the scale (default 'fanIn'). */
  mode?: FanMode;
  /** Default 'truncatedNormal'. */
  distribution?: ScalingDistribution;
}

/**
 * The standard deviation of a unit normal truncated to [−2, 2]: a truncated draw is divided by it
 * so that its variance is exactly the one asked for.
 */
export const TRUNCATED_NORMAL_STDDEV = 0.87962566103423978;

const MODES: readonly FanMode[] = ["fanIn", "fanOut", "fanAvg"];
const DISTRIBUTIONS: readonly ScalingDistribution[] = ["truncatedNormal", "untruncatedNormal", "uniform"];

/**
 * Weights of variance σ² = scale / n, with n the fan-in, the fan-out or their mean (at least 1):
 * a normal truncated at ±2σ and rescaled to variance σ², an untruncated N(0, σ²), or
 * U[−√(3σ²), √(3σ²)]. Conv kernels' fans include the receptive field (see `computeFans`).
 */
export function varianceScaling(options: VarianceScalingOptions = {}): Initializer {
  const scale = finite("varianceScaling", "scale", options.scale ?? 1);
  if (scale <= 0) throw new ValueError(`varianceScaling: scale must be positive, got ${scale}`);
  const mode = options.mode ?? "fanIn";
  if (!MODES.includes(mode))
    throw new ValueError(`varianceScaling: mode must be one of ${MODES.join(", ")}, got '${String(mode)}'`);
  const distribution = options.distribution ?? "truncatedNormal";
  if (!DISTRIBUTIONS.includes(distribution))
    throw new ValueError(
      `varianceScaling: distribution must be one of ${DISTRIBUTIONS.join(", ")}, got '${String(distribution)}'`,
    );
  const made: RandomOptions = { seed: options.seed, key: options.key };
  return makeInitializer(`varianceScaling(${scale}, ${mode}, ${distribution})`, (shape, dtype, call) => {
    const d = floatDType("varianceScaling", dtype);
    const variance = scale / Math.max(1, fanOf(shape, mode));
    const random = randomOptionsOf(made, call);
    if (distribution === "uniform") {
      const limit = Math.sqrt(3 * variance);
      return drawUniform(shape, { minval: -limit, maxval: limit, dtype: d, ...random });
    }
    if (distribution === "untruncatedNormal")
      return drawNormal(shape, { stddev: Math.sqrt(variance), dtype: d, ...random });
    return drawTruncated(shape, {
      stddev: Math.sqrt(variance) / TRUNCATED_NORMAL_STDDEV,
      dtype: d,
      ...random,
    });
  });
}

function fanOf(shape: readonly number[], mode: FanMode): number {
  const { fanIn, fanOut } = computeFans(shape);
  if (mode === "fanIn") return fanIn;
  if (mode === "fanOut") return fanOut;
  return (fanIn + fanOut) / 2;
}

type Seeded = RandomOptions;

/** Glorot (Xavier) normal: variance 2 / (fanIn + fanOut), truncated normal. */
export const glorotNormal = (o: Seeded = {}) =>
  varianceScaling({ ...o, scale: 1, mode: "fanAvg", distribution: "truncatedNormal" });
/** Glorot (Xavier) uniform: U[±√(6 / (fanIn + fanOut))]; the default for dense and conv kernels, as in Keras. */
export const glorotUniform = (o: Seeded = {}) =>
  varianceScaling({ ...o, scale: 1, mode: "fanAvg", distribution: "uniform" });
/** He (Kaiming) normal: variance 2 / fanIn, for ReLU networks. */
export const heNormal = (o: Seeded = {}) =>
  varianceScaling({ ...o, scale: 2, mode: "fanIn", distribution: "truncatedNormal" });
/** He (Kaiming) uniform: U[±√(6 / fanIn)]. */
export const heUniform = (o: Seeded = {}) =>
  varianceScaling({ ...o, scale: 2, mode: "fanIn", distribution: "uniform" });
/** LeCun normal: variance 1 / fanIn, for SELU (self-normalizing) networks. */
export const lecunNormal = (o: Seeded = {}) =>
  varianceScaling({ ...o, scale: 1, mode: "fanIn", distribution: "truncatedNormal" });
/** LeCun uniform: U[±√(3 / fanIn)]. */
export const lecunUniform = (o: Seeded = {}) =>
  varianceScaling({ ...o, scale: 1, mode: "fanIn", distribution: "uniform" });
/** The same as glorotNormal (Xavier is Glorot's first name). */
export const xavierNormal = glorotNormal;
/** The same as glorotUniform. */
export const xavierUniform = glorotUniform;
