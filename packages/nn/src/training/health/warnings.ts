import { layerLabel } from "./gradient-norms.ts";
import type { HealthRecord, HealthWarning, HealthWarningKind, LayerHealth } from "./records.ts";

/** The thresholds of the warnings. */
export interface HealthThresholds {
  /** A layer's gradient norm below this is vanishing. */
  readonly vanishing: number;
  /** The first layer's gradient norm over the last one's below this is vanishing. */
  readonly vanishingRatio: number;
  /** A layer's gradient norm above this many times its first recorded norm is exploding. */
  readonly exploding: number;
  /** The first layer's gradient norm over the last one's above this is exploding. */
  readonly explodingRatio: number;
  /** A rectifier layer with more than this fraction of dead units is reported. */
  readonly deadFraction: number;
}

const fmt = (v: number) => (Number.isFinite(v) ? v.toExponential(2) : String(v));
const pct = (v: number) => `${(100 * v).toFixed(0)} %`;

/**
 * Turns records into warnings. A condition (kind and layer) is reported at the step where it starts
 * to hold, and again only after a record where it did not: a layer that stays dead is one warning.
 */
export class WarningTracker {
  readonly #thresholds: HealthThresholds;
  #active = new Set<string>();
  /** Each layer's first finite, positive gradient norm and its step: the base of growth. */
  readonly #baseline = new Map<string, { norm: number; step: number }>();

  constructor(thresholds: HealthThresholds) {
    this.#thresholds = thresholds;
  }

  /** The new warnings of `record`; `culprit` names the primitive behind its NaN/Infinity when known. */
  check(record: HealthRecord, culprit?: { primitive: string; detail: string }): HealthWarning[] {
    const t = this.#thresholds;
    const found = new Map<string, HealthWarning>();
    const at = `at step ${record.step}${record.epoch === null ? "" : ` (epoch ${record.epoch + 1})`}`;
    const add = (
      kind: HealthWarningKind,
      layer: LayerHealth,
      value: number,
      text: string,
      primitive?: string,
    ) => {
      const key = `${kind}\u0000${layer.name}`;
      if (found.has(key)) return;
      const message = `${kind} ${kind === "dead" ? "units" : "gradient"} in layer ${layerLabel(layer.name, layer.type)} ${at}: ${text}`;
      found.set(key, {
        step: record.step,
        epoch: record.epoch,
        kind,
        layer: layer.name,
        value,
        ...(primitive === undefined ? {} : { primitive }),
        message,
      });
    };
    const nonFinite = (what: string, v: number) =>
      culprit
        ? `${what} is ${v}; the first primitive to produce it from finite inputs: ${culprit.detail}`
        : `${what} is ${v}`;

    // A non-finite output first: the earliest such layer is nearest the cause.
    for (const layer of record.layers)
      if (layer.mean !== null && !Number.isFinite(layer.mean))
        add("exploding", layer, layer.mean, nonFinite("the output's mean", layer.mean), culprit?.primitive);
    for (const layer of record.layers) {
      const g = layer.gradientNorm;
      if (g !== null) {
        if (!Number.isFinite(g))
          add("exploding", layer, g, nonFinite("the gradient norm", g), culprit?.primitive);
        else if (g < t.vanishing) add("vanishing", layer, g, `gradient norm ${fmt(g)} < ${fmt(t.vanishing)}`);
        else {
          const base = this.#baseline.get(layer.name);
          if (!base) {
            if (g > 0) this.#baseline.set(layer.name, { norm: g, step: record.step });
          } else if (g > t.exploding * base.norm)
            add(
              "exploding",
              layer,
              g,
              `gradient norm ${fmt(g)} is ${fmt(g / base.norm)} times its ${fmt(base.norm)} at step ${base.step}`,
            );
        }
      }
      if (layer.deadFraction !== null && layer.deadFraction > t.deadFraction)
        add(
          "dead",
          layer,
          layer.deadFraction,
          `${pct(layer.deadFraction)} of its units are ≤ 0 for every example`,
        );
    }

    // Across depth: the first trained layer's gradient against the last one's.
    const trained = record.layers.filter((l) => l.gradientNorm !== null && Number.isFinite(l.gradientNorm));
    if (trained.length >= 2 && trained[trained.length - 1].gradientNorm! > 0) {
      const first = trained[0];
      const last = trained[trained.length - 1];
      const ratio = first.gradientNorm! / last.gradientNorm!;
      const versus = `gradient norm ${fmt(first.gradientNorm!)} is ${fmt(ratio)} times the last layer's (${layerLabel(last.name, last.type)}: ${fmt(last.gradientNorm!)})`;
      if (ratio < t.vanishingRatio) add("vanishing", first, ratio, versus);
      else if (ratio > t.explodingRatio) add("exploding", first, ratio, versus);
    }

    const fresh = [...found].filter(([key]) => !this.#active.has(key)).map(([, w]) => w);
    this.#active = new Set(found.keys());
    return fresh;
  }
}
