import { ValueError } from "@axon/core";
import type { LayerKind } from "./layers.ts";

/** One layer at one monitored step. Statistics that do not apply (or a layer not called) are null. */
export interface LayerHealth {
  /** Dotted name ("" for the model itself). */
  readonly name: string;
  /** Class name: "Dense", "ReLU". */
  readonly type: string;
  readonly kind: LayerKind;
  /** Mean and standard deviation of every element of the layer's output over the batch. */
  readonly mean: number | null;
  readonly std: number | null;
  /** Rectifiers: the fraction of units ≤ 0 for every example of the batch. */
  readonly deadFraction: number | null;
  /** Sigmoid and tanh: the fraction of outputs within the margin of a bound. */
  readonly saturatedFraction: number | null;
  /** ‖g‖₂ over all the layer's trainable parameters together; null when it has none. */
  readonly gradientNorm: number | null;
}

/** One trainable parameter at one monitored step. */
export interface ParameterHealth {
  /** Dotted name: "0.kernel". */
  readonly name: string;
  /** The layer holding it. */
  readonly layer: string;
  /** ‖g‖₂ of its gradient (0 when it got none). */
  readonly gradientNorm: number;
  /** ‖w‖₂ before the update. */
  readonly weightNorm: number;
  /** ‖w_after − w_before‖₂: the size of the optimizer's update. */
  readonly updateNorm: number;
  /** updateNorm / weightNorm (around 1e-3 per step is the usual rule of thumb); null while the weight is zero. */
  readonly updateRatio: number | null;
}

/** Everything measured at one monitored step. */
export interface HealthRecord {
  /** The optimizer step, from 1. */
  readonly step: number;
  /** The epoch (from 0) under `fit`, null in a hand-written loop that gives none. */
  readonly epoch: number | null;
  readonly layers: readonly LayerHealth[];
  readonly parameters: readonly ParameterHealth[];
}

export type HealthWarningKind = "vanishing" | "exploding" | "dead";

/** A problem seen at a monitored step, naming the layer. */
export interface HealthWarning {
  readonly step: number;
  readonly epoch: number | null;
  readonly kind: HealthWarningKind;
  /** The layer's dotted name. */
  readonly layer: string;
  /** The value that crossed the threshold (a norm, a ratio, a fraction; NaN or ±Infinity). */
  readonly value: number;
  /** For NaN or Infinity: the first primitive that turned finite inputs into non-finite outputs, when found. */
  readonly primitive?: string;
  readonly message: string;
}

// JSON has no NaN or Infinity: they are written as the strings "NaN", "Infinity", "-Infinity".
const encode = (_key: string, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v);
const NON_FINITE = new Set(["NaN", "Infinity", "-Infinity"]);
const decode = (_key: string, v: unknown) => (typeof v === "string" && NON_FINITE.has(v) ? Number(v) : v);

/** One JSON object per line (with a final newline), NaN and ±Infinity kept as strings. */
export function healthJsonLines(records: readonly (HealthRecord | HealthWarning)[]): string {
  return records.map((r) => `${JSON.stringify(r, encode)}\n`).join("");
}

/** Reads what `healthJsonLines` wrote (blank lines are skipped). */
export function parseHealthJsonLines<T = HealthRecord>(text: string): T[] {
  if (typeof text !== "string")
    throw new ValueError(`parseHealthJsonLines: text must be a string, got ${typeof text}`);
  const out: T[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    try {
      out.push(JSON.parse(line, decode) as T);
    } catch (e) {
      throw new ValueError(`parseHealthJsonLines: line ${i + 1} is not JSON: ${(e as Error).message}`);
    }
  });
  return out;
}
