import { ValueError, keyFromSeed, philox4x32, philoxWords, type RandomKey } from "@axon/core";

/**
 * Search spaces: one distribution per hyperparameter. Each space maps a uniform number u ∈ [0, 1)
 * to a value (`fromUnit`), so a seeded Philox stream gives the same configurations everywhere, and
 * enumerates a grid (`grid(n)`) for grid search — log-spaced for the logarithmic spaces.
 */

/** A value a space can take: what fits in JSON (the log stores configurations as JSON). */
export type Value = number | string | boolean | null | readonly Value[] | { readonly [key: string]: Value };

/** How a space is drawn on an axis: linear, logarithmic, logarithmic in 1 − x, or one slot per choice. */
export type Scale = "linear" | "log" | "oneMinusLog" | "categorical";

export abstract class Space<T extends Value = Value> {
  abstract readonly kind: string;
  abstract readonly scale: Scale;
  /** The value at u ∈ [0, 1): the inverse of the distribution's cumulative function. */
  abstract fromUnit(u: number): T;
  /** `n` values spread over the space (all the choices for `choice`), ascending. */
  abstract grid(n: number): T[];
  /** How it was written, e.g. `logUniform(0.0001, 1)`. */
  abstract toString(): string;

  /** `n` seeded draws — the distribution of a hyperparameter called `name` under `seed`. */
  sample(n: number, seed = 0, name = "x"): T[] {
    checkCount(`${this.kind}.sample`, "n", n);
    return unitDraws(seed, name, n).map((u) => this.fromUnit(u));
  }

  protected checkGridSize(n: number): void {
    checkCount(`${this.kind}.grid`, "n", n);
  }
}

function show(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "function") return "a function";
  if (Array.isArray(v)) return `[${v.map(show).join(", ")}]`;
  if (v !== null && typeof v === "object") return "an object";
  return String(v);
}

function checkCount(who: string, arg: string, n: unknown): void {
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1)
    throw new ValueError(`${who}: ${arg} must be a positive integer, got ${show(n)}`);
}

function checkFiniteBounds(who: string, low: unknown, high: unknown): asserts low is number {
  if (typeof low !== "number" || typeof high !== "number" || !Number.isFinite(low) || !Number.isFinite(high))
    throw new ValueError(`${who}: bounds must be finite numbers, got ${show([low, high])}`);
  if (!(low < high)) throw new ValueError(`${who}: low must be less than high, got ${show([low, high])}`);
}

/** n points from a to b inclusive (the midpoint when n = 1); the ends are exact. */
function linspace(a: number, b: number, n: number): number[] {
  if (n === 1) return [(a + b) / 2];
  return Array.from({ length: n }, (_, k) => (k === 0 ? a : k === n - 1 ? b : a + ((b - a) * k) / (n - 1)));
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

export class UniformSpace extends Space<number> {
  readonly kind = "uniform";
  readonly scale = "linear";
  constructor(
    readonly low: number,
    readonly high: number,
  ) {
    super();
    checkFiniteBounds("uniform", low, high);
  }
  fromUnit(u: number): number {
    return clamp(this.low + u * (this.high - this.low), this.low, this.high);
  }
  grid(n: number): number[] {
    this.checkGridSize(n);
    return linspace(this.low, this.high, n);
  }
  toString(): string {
    return `uniform(${this.low}, ${this.high})`;
  }
}

export class LogUniformSpace extends Space<number> {
  readonly kind = "logUniform";
  readonly scale = "log";
  constructor(
    readonly low: number,
    readonly high: number,
  ) {
    super();
    if (typeof low === "number" && typeof high === "number" && !(low > 0 && high > 0))
      throw new ValueError(`logUniform: bounds must be positive, got ${show([low, high])}`);
    checkFiniteBounds("logUniform", low, high);
  }
  fromUnit(u: number): number {
    const a = Math.log10(this.low);
    const b = Math.log10(this.high);
    return clamp(10 ** (a + u * (b - a)), this.low, this.high);
  }
  grid(n: number): number[] {
    this.checkGridSize(n);
    const exps = linspace(Math.log10(this.low), Math.log10(this.high), n);
    return exps.map((r, k) => (n > 1 && k === 0 ? this.low : n > 1 && k === n - 1 ? this.high : 10 ** r));
  }
  toString(): string {
    return `logUniform(${this.low}, ${this.high})`;
  }
}

export class OneMinusLogUniformSpace extends Space<number> {
  readonly kind = "oneMinusLogUniform";
  readonly scale = "oneMinusLog";
  constructor(
    readonly low: number,
    readonly high: number,
  ) {
    super();
    checkFiniteBounds("oneMinusLogUniform", low, high);
    if (!(high < 1))
      throw new ValueError(
        `oneMinusLogUniform: high must be below 1 (values are 1 − 10^r), got ${show([low, high])}`,
      );
  }
  /** The range of r in 1 − 10^r: [log10(1 − high), log10(1 − low)]. */
  get exponents(): [number, number] {
    return [Math.log10(1 - this.high), Math.log10(1 - this.low)];
  }
  fromUnit(u: number): number {
    const [a, b] = this.exponents;
    return clamp(1 - 10 ** (a + u * (b - a)), this.low, this.high);
  }
  grid(n: number): number[] {
    this.checkGridSize(n);
    const [a, b] = this.exponents;
    // r from the largest (value `low`) to the smallest (value `high`): ascending values.
    const exps = linspace(b, a, n);
    return exps.map((r, k) => (n > 1 && k === 0 ? this.low : n > 1 && k === n - 1 ? this.high : 1 - 10 ** r));
  }
  toString(): string {
    return `oneMinusLogUniform(${this.low}, ${this.high})`;
  }
}

function checkIntBounds(who: string, low: unknown, high: unknown, min: number): asserts low is number {
  if (
    !Number.isSafeInteger(low) ||
    !Number.isSafeInteger(high) ||
    (low as number) < min ||
    (high as number) < min
  )
    throw new ValueError(
      `${who}: bounds must be ${min === 1 ? "positive integers" : "integers"}, got ${show([low, high])}`,
    );
  if (!((low as number) < (high as number)))
    throw new ValueError(`${who}: low must be less than high, got ${show([low, high])}`);
}

function uniqueRounded(values: number[]): number[] {
  return [...new Set(values.map((v) => Math.round(v)))];
}

/** Integers low..high inclusive, each with the same share. */
export class IntUniformSpace extends Space<number> {
  readonly kind = "intUniform";
  readonly scale = "linear";
  constructor(
    readonly low: number,
    readonly high: number,
  ) {
    super();
    checkIntBounds("intUniform", low, high, Number.MIN_SAFE_INTEGER);
  }
  fromUnit(u: number): number {
    return Math.min(this.high, this.low + Math.floor(u * (this.high - this.low + 1)));
  }
  /** Up to n evenly spaced integers (fewer when the range has fewer). */
  grid(n: number): number[] {
    this.checkGridSize(n);
    return uniqueRounded(linspace(this.low, this.high, Math.min(n, this.high - this.low + 1)));
  }
  toString(): string {
    return `intUniform(${this.low}, ${this.high})`;
  }
}

/**
 * Integers low..high inclusive on a log scale: exp of a uniform number in [ln(low − ½), ln(high + ½)),
 * rounded — integer k gets the share ln((k + ½)/(k − ½)) / ln((high + ½)/(low − ½)), so every decade
 * gets about the same share, as for `logUniform`.
 */
export class LogIntUniformSpace extends Space<number> {
  readonly kind = "logIntUniform";
  readonly scale = "log";
  constructor(
    readonly low: number,
    readonly high: number,
  ) {
    super();
    checkIntBounds("logIntUniform", low, high, 1);
  }
  fromUnit(u: number): number {
    const a = Math.log(this.low - 0.5);
    const b = Math.log(this.high + 0.5);
    return clamp(Math.round(Math.exp(a + u * (b - a))), this.low, this.high);
  }
  /** The probability of integer k. */
  share(k: number): number {
    if (!Number.isInteger(k) || k < this.low || k > this.high) return 0;
    return Math.log((k + 0.5) / (k - 0.5)) / Math.log((this.high + 0.5) / (this.low - 0.5));
  }
  /** Up to n log-spaced integers (fewer when rounding makes some equal). */
  grid(n: number): number[] {
    this.checkGridSize(n);
    const exps = linspace(Math.log10(this.low), Math.log10(this.high), n);
    return uniqueRounded(exps.map((r) => 10 ** r));
  }
  toString(): string {
    return `logIntUniform(${this.low}, ${this.high})`;
  }
}

function isJsonValue(v: unknown): v is Value {
  if (v === null || typeof v === "string" || typeof v === "boolean") return true;
  if (typeof v === "number") return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(isJsonValue);
  if (typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype)
    return Object.values(v as object).every(isJsonValue);
  return false;
}

/** One of a list of values, each with the same share. */
export class ChoiceSpace<T extends Value = Value> extends Space<T> {
  readonly kind = "choice";
  readonly scale = "categorical";
  readonly values: readonly T[];
  constructor(values: readonly T[]) {
    super();
    if (!Array.isArray(values) || values.length === 0)
      throw new ValueError(`choice: values must be a non-empty array, got ${show(values)}`);
    const bad = values.findIndex((v) => !isJsonValue(v));
    if (bad >= 0)
      throw new ValueError(
        `choice: values must be JSON values (finite numbers, strings, booleans, null, arrays, plain objects), got ${show(values[bad])} at index ${bad}`,
      );
    this.values = Object.freeze([...values]);
  }
  fromUnit(u: number): T {
    return this.values[Math.min(this.values.length - 1, Math.floor(u * this.values.length))];
  }
  /** Every value, whatever n. */
  grid(n: number): T[] {
    this.checkGridSize(n);
    return [...this.values];
  }
  toString(): string {
    return `choice(${JSON.stringify(this.values)})`;
  }
}

/** Uniform on [low, high]. */
export const uniform = (low: number, high: number): UniformSpace => new UniformSpace(low, high);
/** 10^r with r uniform in [log10 low, log10 high]: each decade gets the same share. */
export const logUniform = (low: number, high: number): LogUniformSpace => new LogUniformSpace(low, high);
/** 1 − 10^r with r uniform in [log10(1 − high), log10(1 − low)], for values close to 1 (β in [0.9, 0.999]: r ∈ [−3, −1]). */
export const oneMinusLogUniform = (low: number, high: number): OneMinusLogUniformSpace =>
  new OneMinusLogUniformSpace(low, high);
/** An integer in low..high inclusive, each with the same share. */
export const intUniform = (low: number, high: number): IntUniformSpace => new IntUniformSpace(low, high);
/** An integer in low..high inclusive on a log scale (hidden units, batch sizes). */
export const logIntUniform = (low: number, high: number): LogIntUniformSpace =>
  new LogIntUniformSpace(low, high);
/** One of the values, each with the same share. */
export const choice = <const T extends Value>(values: readonly T[]): ChoiceSpace<T> =>
  new ChoiceSpace(values);

/** A search space: a space (or a constant value, passed through unchanged) per hyperparameter. */
export type SearchSpace = Record<string, Space | Value>;

/** The configuration type of a search space. */
export type ConfigOf<S extends SearchSpace> = {
  [K in keyof S]: S[K] extends Space<infer T> ? T : S[K];
};

/** A configuration: a value per hyperparameter. */
export type Config = Record<string, Value>;

export function checkSearchSpace(who: string, space: unknown): asserts space is SearchSpace {
  if (space === null || typeof space !== "object" || Array.isArray(space) || space instanceof Space)
    throw new ValueError(
      `${who}: space must be an object of spaces, e.g. { lr: logUniform(1e-4, 1) }, got ${show(space)}`,
    );
  const names = Object.keys(space);
  if (names.length === 0) throw new ValueError(`${who}: space must name at least one hyperparameter, got {}`);
  for (const name of names) {
    const s = (space as Record<string, unknown>)[name];
    if (!(s instanceof Space) && !isJsonValue(s))
      throw new ValueError(
        `${who}: space.${name} must be a space (uniform, logUniform, ...) or a JSON constant, got ${show(s)}`,
      );
  }
}

/** "tune" in ASCII: keeps the search's streams apart from others drawn from the same seed. */
const TUNE_STREAM = 0x74756e65;

/** FNV-1a of a hyperparameter's name: its stream does not depend on the other names or their order. */
function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** The Philox key of hyperparameter `name` under `seed`. */
function nameKey(seed: number, name: string): RandomKey {
  const key = keyFromSeed(seed, "tune");
  const words = new Uint32Array(4);
  philox4x32(nameHash(name), 0, TUNE_STREAM, 0, key[0], key[1], words);
  return [words[0], words[1]];
}

/** Draws start..start+n−1 of the uniform stream of `name` under `seed` (53 random bits each). */
function unitDraws(seed: number, name: string, n: number, start = 0): number[] {
  const words = philoxWords(nameKey(seed, name), 2 * (start + n));
  const out: number[] = [];
  for (let i = start; i < start + n; i++)
    out.push(((words[2 * i] >>> 5) * 67108864 + (words[2 * i + 1] >>> 6)) / 9007199254740992);
  return out;
}

/**
 * The configurations of trials start..start+count−1 under `seed`. Trial i's value of a
 * hyperparameter depends only on (seed, its name, i): not on the number of trials, nor on the
 * other hyperparameters — so a resumed search, or one with more trials, sees the same ones.
 */
export function sampleConfigs(space: SearchSpace, seed: number, count: number, start = 0): Config[] {
  checkSearchSpace("sampleConfigs", space);
  keyFromSeed(seed, "sampleConfigs");
  const configs: Config[] = Array.from({ length: count }, () => ({}));
  for (const [name, s] of Object.entries(space)) {
    if (s instanceof Space) {
      const us = unitDraws(seed, name, count, start);
      for (let i = 0; i < count; i++) configs[i][name] = s.fromUnit(us[i]);
    } else {
      for (let i = 0; i < count; i++) configs[i][name] = s;
    }
  }
  return configs;
}

/** A seed for trial i's own randomness (initialization, shuffling): a 32-bit integer from (seed, i). */
export function trialSeed(seed: number, trial: number): number {
  const key = keyFromSeed(seed, "tune");
  const words = new Uint32Array(4);
  philox4x32(trial >>> 0, Math.floor(trial / 4294967296) >>> 0, TUNE_STREAM, 1, key[0], key[1], words);
  return words[0];
}

/** Every combination of the axes' grids, the first hyperparameter varying slowest. */
export function gridConfigs(axes: Record<string, readonly Value[]>): Config[] {
  let configs: Config[] = [{}];
  for (const [name, values] of Object.entries(axes)) {
    const next: Config[] = [];
    for (const c of configs) for (const v of values) next.push({ ...c, [name]: v });
    configs = next;
  }
  return configs;
}
