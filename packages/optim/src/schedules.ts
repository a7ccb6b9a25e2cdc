import { ValueError } from "@axon/core";

/**
 * A learning-rate schedule: a function of a 0-based count (index 0 gives the initial rate).
 * Optimizers call it with the number of updates already made (0 for the first update); a training
 * loop that wants a rate per epoch calls it with the 0-based epoch and passes the number instead.
 */
export type Schedule = (step: number) => number;

/** A learning rate: a fixed number or a schedule. */
export type LearningRate = number | Schedule;

const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

function show(v: unknown): string {
  return typeof v === "number" ? String(v) : v === undefined ? "undefined" : (JSON.stringify(v) ?? typeof v);
}

function nonNegative(who: string, arg: string, v: unknown): number {
  if (!isNumber(v) || v < 0)
    throw new ValueError(`${who}: ${arg} must be a non-negative number, got ${show(v)}`);
  return v;
}

function positive(who: string, arg: string, v: unknown): number {
  if (!isNumber(v) || v <= 0)
    throw new ValueError(`${who}: ${arg} must be a positive number, got ${show(v)}`);
  return v;
}

function nonNegativeInteger(who: string, arg: string, v: unknown): number {
  if (!Number.isInteger(v) || (v as number) < 0)
    throw new ValueError(`${who}: ${arg} must be a non-negative integer, got ${show(v)}`);
  return v as number;
}

function checkRate(who: string, v: unknown): number {
  if (!isNumber(v) || v <= 0 || v > 1) throw new ValueError(`${who}: rate must be in (0, 1], got ${show(v)}`);
  return v;
}

function checkStep(who: string, step: unknown): number {
  if (!isNumber(step) || step < 0)
    throw new ValueError(`${who}: the step must be a non-negative number, got ${show(step)}`);
  return step;
}

/** Wraps a formula so a bad step is a clear error; the name shows in stack traces and messages. */
function schedule(who: string, formula: (step: number) => number): Schedule {
  return (step: number) => formula(checkStep(who, step));
}

/** The same rate at every step. */
export function constant(value: number): Schedule {
  const v = nonNegative("constant", "value", value);
  return schedule("constant", () => v);
}

export interface InverseTimeDecayOptions {
  readonly initial: number;
  readonly decayRate: number;
  /** The step is divided by this before use (default 1). */
  readonly decaySteps?: number;
  /** Floor step/decaySteps, so the rate changes every `decaySteps` steps (default false). */
  readonly staircase?: boolean;
}

/** `initial / (1 + decayRate · step/decaySteps)`. */
export function inverseTimeDecay(options: InverseTimeDecayOptions): Schedule {
  const who = "inverseTimeDecay";
  const initial = nonNegative(who, "initial", options?.initial);
  const decayRate = nonNegative(who, "decayRate", options.decayRate);
  const decaySteps = positive(who, "decaySteps", options.decaySteps ?? 1);
  const staircase = options.staircase ?? false;
  return schedule(who, (step) => {
    const p = staircase ? Math.floor(step / decaySteps) : step / decaySteps;
    return initial / (1 + decayRate * p);
  });
}

export interface ExponentialDecayOptions {
  readonly initial: number;
  /** The factor per `decaySteps` steps, in (0, 1] (default 0.95). */
  readonly rate?: number;
  readonly decaySteps?: number;
  readonly staircase?: boolean;
}

/** `initial · rate^(step/decaySteps)` (floored exponent with `staircase`). */
export function exponentialDecay(options: ExponentialDecayOptions): Schedule {
  const who = "exponentialDecay";
  const initial = nonNegative(who, "initial", options?.initial);
  const rate = checkRate(who, options.rate ?? 0.95);
  const decaySteps = positive(who, "decaySteps", options.decaySteps ?? 1);
  const staircase = options.staircase ?? false;
  return schedule(who, (step) => {
    const p = staircase ? Math.floor(step / decaySteps) : step / decaySteps;
    return initial * rate ** p;
  });
}

export interface InverseSqrtDecayOptions {
  readonly initial: number;
  /** A constant factor (default 1). */
  readonly k?: number;
}

/**
 * `k · initial / √(step + 1)`: the textbook `k/√epoch · α₀` with the epoch counted from 1, so that
 * index 0 is finite and gives `k · initial`.
 */
export function inverseSqrtDecay(options: InverseSqrtDecayOptions): Schedule {
  const who = "inverseSqrtDecay";
  const initial = nonNegative(who, "initial", options?.initial);
  const k = positive(who, "k", options.k ?? 1);
  return schedule(who, (step) => (k * initial) / Math.sqrt(step + 1));
}

export interface StepDecayOptions {
  readonly initial: number;
  /** The factor applied every `stepSize` steps, in (0, 1] (default 0.5). */
  readonly rate?: number;
  /** How many steps between two drops (a positive integer). */
  readonly stepSize: number;
}

/** `initial · rate^⌊step/stepSize⌋`: piecewise constant, dropping by `rate` every `stepSize` steps. */
export function stepDecay(options: StepDecayOptions): Schedule {
  const who = "stepDecay";
  const initial = nonNegative(who, "initial", options?.initial);
  const rate = checkRate(who, options.rate ?? 0.5);
  const stepSize = options.stepSize;
  if (!Number.isInteger(stepSize) || stepSize < 1)
    throw new ValueError(`${who}: stepSize must be a positive integer, got ${show(stepSize)}`);
  return schedule(who, (step) => initial * rate ** Math.floor(step / stepSize));
}

export interface CosineDecayOptions {
  /** The rate at the end of warmup (the peak), where the cosine starts. */
  readonly initial: number;
  /** How many steps the cosine takes after warmup (a positive integer). */
  readonly decaySteps: number;
  /** The final rate as a fraction of `initial` (default 0). */
  readonly alpha?: number;
  /** Steps of linear warmup before the cosine (default 0). */
  readonly warmupSteps?: number;
  /** The rate at step 0 when warming up (default 0). */
  readonly warmupInitial?: number;
}

/**
 * Linear warmup from `warmupInitial` (step 0) to `initial` (step `warmupSteps`), then
 * `initial · (alpha + (1 − alpha) · ½(1 + cos(π · min(s, decaySteps)/decaySteps)))` with
 * `s = step − warmupSteps`; after the decay the rate stays at `alpha · initial`.
 */
export function cosineDecay(options: CosineDecayOptions): Schedule {
  const who = "cosineDecay";
  const initial = nonNegative(who, "initial", options?.initial);
  const decaySteps = options.decaySteps;
  if (!Number.isInteger(decaySteps) || decaySteps < 1)
    throw new ValueError(`${who}: decaySteps must be a positive integer, got ${show(decaySteps)}`);
  const alpha = options.alpha ?? 0;
  if (!isNumber(alpha) || alpha < 0 || alpha > 1)
    throw new ValueError(`${who}: alpha must be in [0, 1], got ${show(alpha)}`);
  const warmupSteps = nonNegativeInteger(who, "warmupSteps", options.warmupSteps ?? 0);
  const warmupInitial = nonNegative(who, "warmupInitial", options.warmupInitial ?? 0);
  return schedule(who, (step) => {
    if (step < warmupSteps) return warmupInitial + ((initial - warmupInitial) * step) / warmupSteps;
    const progress = Math.min(step - warmupSteps, decaySteps) / decaySteps;
    return initial * (alpha + (1 - alpha) * 0.5 * (1 + Math.cos(Math.PI * progress)));
  });
}
