import { ShapeError, Tensor, ValueError, div, makeTensor, sub, tidy } from "@axon/core";
import { type Dataset, sizeOfDataset } from "./dataset.ts";

/** `feature`: a mean and variance per element of an example (per pixel); `global`: one of each for all. */
export type StandardizerMode = "feature" | "global";

export interface StandardizerOptions {
  readonly mode?: StandardizerMode;
  /**
   * A feature whose training standard deviation is at most `epsilon` (default 1e-6) is only
   * centred (divided by 1): a pixel that is constant in training maps to 0 there and cannot blow up
   * on another set.
   */
  readonly epsilon?: number;
  /**
   * A floor on the divisor: each feature is divided by max(σ, minStd) (default 0: no floor). In
   * `feature` mode a pixel inked in only a few training images has a tiny σ and would map a test
   * image's stroke to hundreds of standard deviations; a floor of about a tenth of the data's
   * overall σ keeps such features on the scale of the rest.
   */
  readonly minStd?: number;
}

/** What `toJSON` gives and `fromJSON` takes: everything a checkpoint needs to standardize again. */
export interface StandardizerState {
  readonly format: "axon.standardizer";
  readonly version: 1;
  readonly mode: StandardizerMode;
  readonly epsilon: number;
  /** Absent in states written before the option existed (read as 0). */
  readonly minStd?: number;
  /** The shape of one example the statistics were fitted on. */
  readonly featureShape: readonly number[];
  /** Examples seen by `fit`. */
  readonly count: number;
  readonly mean: readonly number[];
  readonly variance: readonly number[];
}

const fmt = (s: readonly number[]) => `[${s.join(",")}]`;
const product = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

interface Rows {
  readonly values: ArrayLike<number>;
  readonly shape: readonly number[];
}

function rowsOf(op: string, x: Dataset | Tensor): Rows {
  if (x instanceof Tensor) {
    if (x.shape.length < 1) throw new ShapeError(`${op}: expected a tensor [N, ...features], got a scalar`);
    return { values: x.dataSync() as ArrayLike<number>, shape: x.shape };
  }
  if (typeof x === "object" && x !== null && x.x instanceof Float32Array && Array.isArray(x.shape))
    return { values: x.x, shape: x.shape };
  throw new ValueError(`${op}: expected a Dataset ({ x, y, shape, ... }) or a Tensor, got ${String(x)}`);
}

/**
 * Standardizes inputs with statistics of the training set only: `fit(train)` records the mean and
 * variance (per feature or global), `transform` applies those same statistics to any set.
 *
 * ```ts
 * const s = new Standardizer().fit(train);
 * const trainStd = s.transform(train), testStd = s.transform(test);
 * ```
 */
export class Standardizer {
  readonly mode: StandardizerMode;
  readonly epsilon: number;
  readonly minStd: number;
  #featureShape: readonly number[] | null = null;
  #count = 0;
  #mean: Float64Array | null = null;
  #variance: Float64Array | null = null;
  /** 1 / divisor per statistic: 1 / max(σ, minStd), or 1 where that is at most epsilon. */
  #invScale: Float64Array | null = null;

  constructor(options: StandardizerOptions = {}) {
    const mode = options.mode ?? "feature";
    if (mode !== "feature" && mode !== "global")
      throw new ValueError(`Standardizer: mode must be 'feature' or 'global', got ${JSON.stringify(mode)}`);
    const epsilon = options.epsilon ?? 1e-6;
    if (typeof epsilon !== "number" || !(epsilon >= 0) || !Number.isFinite(epsilon))
      throw new ValueError(`Standardizer: epsilon must be a finite number ≥ 0, got ${epsilon}`);
    const minStd = options.minStd ?? 0;
    if (typeof minStd !== "number" || !(minStd >= 0) || !Number.isFinite(minStd))
      throw new ValueError(`Standardizer: minStd must be a finite number ≥ 0, got ${minStd}`);
    this.mode = mode;
    this.epsilon = epsilon;
    this.minStd = minStd;
  }

  get fitted(): boolean {
    return this.#mean !== null;
  }

  /** The fitted means: one per feature, or one for `global`. A copy. */
  get mean(): Float64Array {
    return new Float64Array(this.#state("mean").mean);
  }

  /** The fitted (population) variances. A copy. */
  get variance(): Float64Array {
    return new Float64Array(this.#state("variance").variance);
  }

  get featureShape(): readonly number[] {
    return [...this.#state("featureShape").featureShape];
  }

  /** Fits the statistics on a training set (a Dataset or a tensor [N, ...features]); returns `this`. */
  fit(x: Dataset | Tensor): this {
    const op = "Standardizer.fit";
    const { values, shape } = rowsOf(op, x);
    const n = shape[0];
    if (n < 1) throw new ValueError(`${op}: cannot fit on 0 examples`);
    const features = product(shape.slice(1));
    const stats = this.mode === "global" ? 1 : features;
    const mean = new Float64Array(stats);
    const variance = new Float64Array(stats);
    // Two passes in float64: the mean, then squared deviations from it (no cancellation).
    if (this.mode === "global") {
      let s = 0;
      for (let i = 0; i < values.length; i++) s += values[i];
      const m = s / values.length;
      let q = 0;
      for (let i = 0; i < values.length; i++) q += (values[i] - m) ** 2;
      mean[0] = m;
      variance[0] = q / values.length;
    } else {
      for (let r = 0, o = 0; r < n; r++, o += features)
        for (let f = 0; f < features; f++) mean[f] += values[o + f];
      for (let f = 0; f < features; f++) mean[f] /= n;
      for (let r = 0, o = 0; r < n; r++, o += features)
        for (let f = 0; f < features; f++) variance[f] += (values[o + f] - mean[f]) ** 2;
      for (let f = 0; f < features; f++) variance[f] /= n;
    }
    this.#set(shape.slice(1), n, mean, variance);
    return this;
  }

  /**
   * The standardized copy of a set, with the training statistics: a Dataset gives a Dataset (new
   * `x`; `{ inPlace: true }` overwrites the given one instead, to save memory), a Tensor a Tensor.
   */
  transform(x: Dataset, options?: { inPlace?: boolean }): Dataset;
  transform(x: Tensor): Tensor;
  transform(x: Dataset | Tensor, options: { inPlace?: boolean } = {}): Dataset | Tensor {
    const op = "Standardizer.transform";
    const s = this.#state(op);
    const shape = rowsOf(op, x).shape;
    const features = product(shape.slice(1));
    // Per-feature statistics follow the row-major order of an example, so [28,28] fits [784] too.
    if (this.mode === "feature" && features !== product(s.featureShape))
      throw new ShapeError(
        `${op}: fitted on examples of shape ${fmt(s.featureShape)}, got examples of shape ${fmt(shape.slice(1))}`,
      );
    const inv = this.#invScale!;
    const { mean } = s;
    if (x instanceof Tensor) {
      const statShape = this.mode === "global" ? [] : shape.slice(1);
      const dtype = x.dtype === "float64" ? "float64" : "float32";
      const m = dtype === "float64" ? new Float64Array(mean) : new Float32Array(mean);
      const d = dtype === "float64" ? new Float64Array(mean.length) : new Float32Array(mean.length);
      for (let i = 0; i < d.length; i++) d[i] = 1 / inv[i];
      return tidy(() => div(sub(x, makeTensor(m, statShape, dtype)), makeTensor(d, statShape, dtype)));
    }
    const source = x.x;
    const out = options.inPlace ? source : new Float32Array(source.length);
    const n = sizeOfDataset(x);
    if (this.mode === "global") {
      const m = mean[0];
      const k = inv[0];
      for (let i = 0; i < source.length; i++) out[i] = (source[i] - m) * k;
    } else
      for (let r = 0, o = 0; r < n; r++, o += features)
        for (let f = 0; f < features; f++) out[o + f] = (source[o + f] - mean[f]) * inv[f];
    return options.inPlace ? x : { ...x, x: out };
  }

  /** `fit(x)` then `transform(x)`. */
  fitTransform(x: Dataset): Dataset;
  fitTransform(x: Tensor): Tensor;
  fitTransform(x: Dataset | Tensor): Dataset | Tensor {
    this.fit(x);
    return x instanceof Tensor ? this.transform(x) : this.transform(x);
  }

  /** The fitted state as plain JSON (numbers written as float64, so `fromJSON` restores them exactly). */
  toJSON(): StandardizerState {
    const s = this.#state("Standardizer.toJSON");
    return {
      format: "axon.standardizer",
      version: 1,
      mode: this.mode,
      epsilon: this.epsilon,
      minStd: this.minStd,
      featureShape: [...s.featureShape],
      count: s.count,
      mean: Array.from(s.mean),
      variance: Array.from(s.variance),
    };
  }

  /** A fitted standardizer from `toJSON()`'s output (an object or its JSON text), checked field by field. */
  static fromJSON(state: StandardizerState | string): Standardizer {
    const op = "Standardizer.fromJSON";
    const s = (typeof state === "string" ? JSON.parse(state) : state) as StandardizerState;
    if (typeof s !== "object" || s === null || s.format !== "axon.standardizer")
      throw new ValueError(
        `${op}: expected a state with format 'axon.standardizer', got ${JSON.stringify(s)?.slice(0, 80)}`,
      );
    if (s.version !== 1)
      throw new ValueError(`${op}: unsupported version ${s.version}, this reader knows version 1`);
    const standardizer = new Standardizer({ mode: s.mode, epsilon: s.epsilon, minStd: s.minStd });
    const shape = s.featureShape;
    if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0))
      throw new ValueError(
        `${op}: featureShape must be a list of non-negative integers, got ${JSON.stringify(shape)}`,
      );
    const stats = s.mode === "global" ? 1 : product(shape);
    for (const key of ["mean", "variance"] as const) {
      const v = s[key];
      if (
        !Array.isArray(v) ||
        v.length !== stats ||
        v.some((e) => typeof e !== "number" || !Number.isFinite(e))
      )
        throw new ValueError(
          `${op}: ${key} must hold ${stats} finite numbers for mode '${s.mode}' and featureShape ${fmt(shape)}`,
        );
    }
    if (s.variance.some((v) => v < 0)) throw new ValueError(`${op}: a variance is negative`);
    if (!Number.isInteger(s.count) || s.count < 1)
      throw new ValueError(`${op}: count must be a positive integer, got ${s.count}`);
    standardizer.#set(shape, s.count, Float64Array.from(s.mean), Float64Array.from(s.variance));
    return standardizer;
  }

  #set(featureShape: readonly number[], count: number, mean: Float64Array, variance: Float64Array): void {
    this.#featureShape = [...featureShape];
    this.#count = count;
    this.#mean = mean;
    this.#variance = variance;
    this.#invScale = variance.map((v) => {
      const std = Math.max(Math.sqrt(v), this.minStd);
      return std > this.epsilon ? 1 / std : 1;
    });
  }

  #state(op: string): {
    featureShape: readonly number[];
    count: number;
    mean: Float64Array;
    variance: Float64Array;
  } {
    if (this.#mean === null || this.#variance === null || this.#featureShape === null)
      throw new ValueError(`${op}: the standardizer is not fitted; call fit(trainingSet) first`);
    return {
      featureShape: this.#featureShape,
      count: this.#count,
      mean: this.#mean,
      variance: this.#variance,
    };
  }
}
