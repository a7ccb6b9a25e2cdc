import { ValueError } from "@axon/core";
import type { LearningRate } from "./schedules.ts";

/** Checks shared by the optimizers' constructors; each message names the optimizer, the argument and the value. */

function show(v: unknown): string {
  if (typeof v === "number" || typeof v === "boolean" || v === undefined || v === null) return String(v);
  if (typeof v === "string") return `'${v}'`;
  if (typeof v === "function") return "a function";
  return Array.isArray(v) ? "an array" : typeof v;
}

export function checkLr(who: string, v: unknown): LearningRate {
  if (typeof v === "function") return v as LearningRate;
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0)
    throw new ValueError(`${who}: lr must be a non-negative number or a schedule, got ${show(v)}`);
  return v;
}

/** A decay rate β of a moving average: in [0, 1) (1 would never forget the first value). */
export function checkBeta(who: string, arg: string, v: unknown): number {
  if (typeof v !== "number" || !(v >= 0 && v < 1))
    throw new ValueError(`${who}: ${arg} must be in [0, 1), got ${show(v)}`);
  return v;
}

export function checkEpsilon(who: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0)
    throw new ValueError(`${who}: epsilon must be a positive number, got ${show(v)}`);
  return v;
}

export function checkWeightDecay(who: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0)
    throw new ValueError(`${who}: weightDecay must be a non-negative number, got ${show(v)}`);
  return v;
}

export function checkBoolean(who: string, arg: string, v: unknown): boolean {
  if (typeof v !== "boolean") throw new ValueError(`${who}: ${arg} must be true or false, got ${show(v)}`);
  return v;
}

export function checkChoice<C extends string>(
  who: string,
  arg: string,
  v: unknown,
  choices: readonly C[],
): C {
  if (!choices.includes(v as C))
    throw new ValueError(
      `${who}: ${arg} must be one of ${choices.map((c) => `'${c}'`).join(", ")}, got ${show(v)}`,
    );
  return v as C;
}

/** Refuses option names the optimizer does not know, so a typo (`momentum` for `beta`) is not silently ignored. */
export function checkKeys(who: string, options: object, known: readonly string[]): void {
  for (const k of Object.keys(options)) {
    if (!known.includes(k))
      throw new ValueError(`${who}: unknown option '${k}' (expected ${known.join(", ")})`);
  }
}
