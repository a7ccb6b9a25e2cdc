import { ValueError } from "@axon/core";

/**
 * One epoch's record: its 0-based number, its wall time, and the logs — the training loss and
 * metrics averaged over the epoch's examples, the same on the validation data prefixed `val_`,
 * and the learning rate `lr` when the optimizer reports one.
 */
export interface EpochLogs {
  readonly epoch: number;
  readonly seconds: number;
  readonly [key: string]: number;
}

/** Per-layer gradient norms, one row per recorded step (see `GradientNormMonitor`). */
export interface GradientNormLog {
  /** One label per layer: its dotted path and type, "0 (Dense)". */
  readonly layers: string[];
  /** Rows: the optimizer step (from 1), the epoch, and each layer's ‖g‖₂ at that step. */
  readonly records: { step: number; epoch: number; norms: number[] }[];
}

export interface HistoryState {
  readonly format: "axon.history";
  readonly version: 1;
  readonly epochs: EpochLogs[];
  readonly gradientNorms: GradientNormLog | null;
}

/** What `fit` returns: every epoch's logs, and the gradient norms when a monitor recorded them. */
export class History {
  readonly epochs: EpochLogs[] = [];
  gradientNorms: GradientNormLog | null = null;

  /** The value of `key` at every epoch (NaN where an epoch lacks it): `history.series("val_loss")`. */
  series(key: string): number[] {
    return this.epochs.map((e) => (typeof e[key] === "number" ? e[key] : Number.NaN));
  }

  /** Every log key seen, in first-seen order (`epoch` and `seconds` excluded). */
  keys(): string[] {
    const keys = new Set<string>();
    for (const e of this.epochs)
      for (const k of Object.keys(e)) if (k !== "epoch" && k !== "seconds") keys.add(k);
    return [...keys];
  }

  get last(): EpochLogs | undefined {
    return this.epochs.at(-1);
  }

  toJSON(): HistoryState {
    // JSON has no NaN or Infinity: they are written as strings and read back by fromJSON.
    const clean = (v: number) => (Number.isFinite(v) ? v : String(v));
    return {
      format: "axon.history",
      version: 1,
      epochs: this.epochs.map(
        (e) => Object.fromEntries(Object.entries(e).map(([k, v]) => [k, clean(v)])) as unknown as EpochLogs,
      ),
      gradientNorms: this.gradientNorms && {
        layers: [...this.gradientNorms.layers],
        records: this.gradientNorms.records.map((r) => ({
          ...r,
          norms: r.norms.map(clean) as unknown as number[],
        })),
      },
    };
  }

  static fromJSON(state: HistoryState | string): History {
    const s = (typeof state === "string" ? JSON.parse(state) : state) as HistoryState;
    if (s === null || typeof s !== "object" || s.format !== "axon.history" || !Array.isArray(s.epochs))
      throw new ValueError("History.fromJSON: expected a state with format 'axon.history'");
    if (s.version !== 1)
      throw new ValueError(`History.fromJSON: unsupported version ${String(s.version)}, this reader knows 1`);
    const num = (v: unknown) => (typeof v === "number" ? v : Number(v));
    const h = new History();
    for (const e of s.epochs)
      h.epochs.push(
        Object.fromEntries(Object.entries(e).map(([k, v]) => [k, num(v)])) as unknown as EpochLogs,
      );
    if (s.gradientNorms)
      h.gradientNorms = {
        layers: [...s.gradientNorms.layers],
        records: s.gradientNorms.records.map((r) => ({
          step: r.step,
          epoch: r.epoch,
          norms: r.norms.map(num),
        })),
      };
    return h;
  }
}
