import {
  type Parameter,
  type Tensor,
  ValueError,
  dispose,
  getRandomState,
  keep,
  concat,
  sub,
  zeros,
  tidy,
} from "@axon/core";
import type { ModuleBuffer } from "../../buffer.ts";
import { type Module, describe } from "../../module.ts";
import type { BatchLogs, Callback, TrainingContext } from "../callbacks.ts";
import { type ParameterGroups, claimGradientNormLog, groupParameters, layerOf } from "./gradient-norms.ts";
import { type WatchedLayer, watchedLayers } from "./layers.ts";
import {
  type HealthRecord,
  type HealthWarning,
  type LayerHealth,
  type ParameterHealth,
  healthJsonLines,
} from "./records.ts";
import { type Culprit, type StepStart, findCulprit, handle } from "./replay.ts";
import {
  activationCounts,
  activationStatistics,
  activationWidth,
  pack,
  squaredNorm,
  stdFrom,
} from "./statistics.ts";
import { type HealthThresholds, WarningTracker } from "./warnings.ts";

export interface HealthMonitorOptions {
  /** Measure every this many steps: steps 1, 1 + every, … (default 10). */
  every?: number;
  /** A layer's gradient norm below this is vanishing (default 1e-7). */
  vanishing?: number;
  /** The first trained layer's gradient norm over the last one's below this is vanishing (default 1e-3). */
  vanishingRatio?: number;
  /** A layer's gradient norm above this many times its first recorded norm is exploding (default 100). */
  exploding?: number;
  /** The first trained layer's gradient norm over the last one's above this is exploding (default 1e3). */
  explodingRatio?: number;
  /** More than this fraction of a rectifier layer's units dead is reported (default 0.5). */
  deadFraction?: number;
  /** A sigmoid/tanh output this close to a bound is saturated (default 1e-3). */
  saturationMargin?: number;
  /** On NaN or Infinity, rerun the step in core's debug mode to name the primitive (default true). */
  diagnose?: boolean;
  /** Under `fit`, also append each layer's gradient norm to `history.gradientNorms` for the training report (default true). */
  history?: boolean;
  /** Receives each record and warning as a JSON line as soon as it is made: `(line) => appendFileSync(path, line)`. */
  writeLine?: (line: string) => void;
  /** Receives each warning's message (under `fit`, warnings also go to the progress display). */
  log?: (message: string) => void;
}

const KNOWN = [
  "every",
  "vanishing",
  "vanishingRatio",
  "exploding",
  "explodingRatio",
  "deadFraction",
  "saturationMargin",
  "diagnose",
  "history",
  "writeLine",
  "log",
];

function positive(name: string, v: unknown, fallback: number): number {
  const x = v ?? fallback;
  if (typeof x !== "number" || !(x > 0) || !Number.isFinite(x))
    throw new ValueError(`HealthMonitor: ${name} must be a positive number, got ${describe(v)}`);
  return x;
}

/** What a monitored step holds between its gradients and its end: statistics still on the device. */
interface Pending {
  readonly step: number;
  readonly epoch: number | null;
  readonly start: StepStart;
  /** Activation statistics, gradient norms and weight norms, packed. */
  readonly packed: Tensor;
  /** Where each statistic sits in `packed`. */
  readonly order: readonly number[];
  /** For each layer that produced an output this step, what its sums are divided by; null for the others. */
  readonly counts: readonly (number[] | null)[];
}

/**
 * Watches the health of training: every `every` steps, per layer, the mean and standard deviation
 * of its output, the fraction of dead units (rectifiers) or saturated outputs (sigmoid, tanh), its
 * gradient norm, and per parameter the gradient norm and the ratio of the update's norm to the
 * weight's. Warns, naming the layer and the step, of vanishing gradients (a norm below
 * `vanishing`, or a first/last-layer ratio below `vanishingRatio`), exploding ones (growth past
 * `exploding` times, a first/last ratio above `explodingRatio`, or NaN/Infinity — then naming the
 * primitive that produced it) and of layers with more than `deadFraction` dead units.
 *
 * Steps in between cost nothing: the layers are observed through forward hooks that exist only
 * during a monitored step, and a monitored step reads its statistics back in one transfer.
 *
 * ```ts
 * const monitor = new HealthMonitor({ every: 10 });
 * await fit(model, { ..., callbacks: [monitor] });
 * monitor.warnings; monitor.toJsonLines(); healthReport(monitor.records);
 * ```
 *
 * In a hand-written loop, see `healthMonitor(model)`.
 */
export class HealthMonitor implements Callback {
  readonly every: number;
  readonly thresholds: HealthThresholds;
  readonly saturationMargin: number;
  readonly diagnose: boolean;
  readonly history: boolean;
  /** Every record, oldest first. */
  readonly records: HealthRecord[] = [];
  /** Every warning, oldest first. */
  readonly warnings: HealthWarning[] = [];
  readonly #writeLine: ((line: string) => void) | undefined;
  readonly #log: ((message: string) => void) | undefined;
  #tracker: WarningTracker;
  #model: Module | null = null;
  #parameters: Parameter[] = [];
  #names: string[] = [];
  #groups: ParameterGroups = { layers: [], labels: [], members: [] };
  #layers: WatchedLayer[] = [];
  #trained: number[] = [];
  // State of the step in progress.
  #armed: { step: number; epoch: number | null; start: StepStart } | null = null;
  #outputs: (Tensor | null)[] = [];
  #unhook: (() => void)[] = [];
  #pending: Pending | null = null;
  #ctx: TrainingContext | null = null;
  /** Under fit: the monitored step's objective, retained for a diagnosis. */
  #objective: (() => Tensor) | null = null;

  constructor(options: HealthMonitorOptions = {}) {
    if (options === null || typeof options !== "object")
      throw new ValueError(`HealthMonitor: options must be an object, got ${describe(options)}`);
    for (const k of Object.keys(options))
      if (!KNOWN.includes(k))
        throw new ValueError(`HealthMonitor: unknown option '${k}'; known: ${KNOWN.join(", ")}`);
    this.every = options.every ?? 10;
    if (!Number.isInteger(this.every) || this.every < 1)
      throw new ValueError(`HealthMonitor: every must be a positive integer, got ${describe(options.every)}`);
    this.thresholds = {
      vanishing: positive("vanishing", options.vanishing, 1e-7),
      vanishingRatio: positive("vanishingRatio", options.vanishingRatio, 1e-3),
      exploding: positive("exploding", options.exploding, 100),
      explodingRatio: positive("explodingRatio", options.explodingRatio, 1e3),
      deadFraction: positive("deadFraction", options.deadFraction, 0.5),
    };
    this.saturationMargin = positive("saturationMargin", options.saturationMargin, 1e-3);
    this.diagnose = options.diagnose ?? true;
    this.history = options.history ?? true;
    for (const [k, f] of [
      ["writeLine", options.writeLine],
      ["log", options.log],
    ] as const)
      if (f !== undefined && typeof f !== "function")
        throw new ValueError(`HealthMonitor: ${k} must be a function, got ${describe(f)}`);
    this.#writeLine = options.writeLine;
    this.#log = options.log;
    this.#tracker = new WarningTracker(this.thresholds);
  }

  /**
   * Watches `model` (done by `fit` at the start of training, or by `healthMonitor`). Records and
   * warnings go on accumulating for the same model (a run continued by a second `fit`) and start
   * afresh for another one.
   */
  attach(model: Module): this {
    if (model === null || typeof model !== "object" || typeof (model as Module).call !== "function")
      throw new ValueError(`HealthMonitor.attach: model must be a Module, got ${describe(model)}`);
    this.#release();
    const same = model === this.#model;
    const named = model.namedParameters();
    this.#model = model;
    this.#names = named.map(([n]) => n);
    this.#parameters = named.map(([, p]) => p);
    this.#groups = groupParameters(model, this.#names, this.#parameters);
    this.#layers = watchedLayers(model, this.#groups);
    this.#trained = this.#groups.members.flat().sort((a, b) => a - b);
    if (same) return this;
    this.records.length = 0;
    this.warnings.length = 0;
    this.#tracker = new WarningTracker(this.thresholds);
    return this;
  }

  /** Whether step `step` (from 1) is measured. */
  isMonitored(step: number): boolean {
    return (step - 1) % this.every === 0;
  }

  /**
   * Call before the step's forward pass. At a monitored step it starts observing the layers'
   * outputs and returns true; otherwise it does nothing and returns false.
   */
  beginStep(step: number, epoch: number | null = null): boolean {
    const model = this.#requireModel("beginStep");
    if (!Number.isInteger(step) || step < 1)
      throw new ValueError(`HealthMonitor.beginStep: step must be an integer ≥ 1, got ${describe(step)}`);
    this.#cancel();
    if (!this.isMonitored(step)) return false;
    const buffers: ModuleBuffer[] = model.buffers();
    this.#armed = {
      step,
      epoch,
      start: {
        parameters: this.#parameters,
        weights: this.#parameters.map((p) => handle(p.value)),
        buffers,
        bufferValues: buffers.map((b) => handle(b.value)),
        random: getRandomState(),
      },
    };
    this.#outputs = this.#layers.map(() => null);
    this.#unhook = this.#layers.map((layer, i) =>
      layer.module.registerForwardHook((y) => {
        this.#outputs[i] = y;
      }),
    );
    return true;
  }

  /**
   * Call with the step's gradients (in `model.parameters()` order, as `valueAndGrad` over them
   * gives) before the optimizer's update. Computes this step's statistics on the device.
   */
  recordGradients(grads: readonly (Tensor | null)[]): void {
    if (!this.#armed) return;
    const armed = this.#armed;
    this.#armed = null;
    this.#unhookAll();
    if (!Array.isArray(grads) || grads.length !== this.#parameters.length) {
      this.#releaseStart(armed.start);
      throw new ValueError(
        `HealthMonitor.recordGradients: expected ${this.#parameters.length} gradients (one per model parameter), got ${Array.isArray(grads) ? grads.length : describe(grads)}`,
      );
    }
    const counts = this.#layers.map((layer, i) => {
      const y = this.#outputs[i];
      return y ? activationCounts(y, layer.kind) : null;
    });
    const { packed, order } = tidy(() => {
      const parts: Tensor[] = [];
      this.#layers.forEach((layer, i) => {
        const y = this.#outputs[i];
        if (y) parts.push(...activationStatistics(y, layer.kind, this.saturationMargin));
      });
      for (const i of this.#trained) {
        const g = grads[i];
        parts.push(g ? squaredNorm(g) : zeros([1]), squaredNorm(armed.start.weights[i]));
      }
      if (parts.length === 0) return { packed: keep(zeros([0])), order: [] };
      const { vector, order } = pack(parts);
      return { packed: keep(vector), order };
    });
    this.#outputs = [];
    this.#pending = { step: armed.step, epoch: armed.epoch, start: armed.start, packed, order, counts };
  }

  /**
   * Call after the optimizer's update: measures the update, reads the step's statistics back (one
   * transfer), and returns its record (null at an unmonitored step). With `objective` (the step's
   * loss function), a NaN or Infinity is traced to the primitive that produced it.
   */
  endStep(objective?: (() => Tensor) | null): HealthRecord | null {
    const pending = this.#pending;
    if (!pending) return null;
    this.#pending = null;
    try {
      const values = tidy(() => {
        const updates = this.#trained.map((i) =>
          squaredNorm(sub(this.#parameters[i].value, pending.start.weights[i])),
        );
        const after = updates.length === 0 ? null : pack(updates);
        const all = after ? concat([pending.packed, after.vector], 0) : pending.packed;
        const read = all.dataSync() as ArrayLike<number>;
        // In statistic order: the step's statistics, then the updates.
        const n = pending.order.length;
        const out = new Float64Array(n + updates.length);
        pending.order.forEach((at, i) => {
          out[i] = read[at];
        });
        after?.order.forEach((at, i) => {
          out[n + i] = read[n + at];
        });
        return out;
      });
      const record = this.#record(pending, values);
      const nonFinite = record.layers.some(
        (l) =>
          (l.mean !== null && !Number.isFinite(l.mean)) ||
          (l.gradientNorm !== null && !Number.isFinite(l.gradientNorm)),
      );
      let culprit: Culprit | null = null;
      if (nonFinite && this.diagnose && objective) culprit = findCulprit(objective, pending.start);
      this.records.push(record);
      this.#writeLine?.(healthJsonLines([record]));
      for (const w of this.#tracker.check(record, culprit ?? undefined)) {
        this.warnings.push(w);
        this.#writeLine?.(healthJsonLines([w]));
        this.#log?.(`Warning: ${w.message}`);
        this.#ctx?.log(`Warning: ${w.message}`);
      }
      if (this.#ctx && this.history) this.#appendHistory(record);
      return record;
    } finally {
      pending.packed.dispose();
      this.#releaseStart(pending.start);
    }
  }

  /** The records (and warnings, with `withWarnings`) as JSON lines, in order. */
  toJsonLines(withWarnings = false): string {
    if (!withWarnings) return healthJsonLines(this.records);
    const all: (HealthRecord | HealthWarning)[] = [...this.records, ...this.warnings];
    all.sort((a, b) => a.step - b.step || ("kind" in a ? 1 : 0) - ("kind" in b ? 1 : 0));
    return healthJsonLines(all);
  }

  /** Stops observing and frees what a step in progress holds. */
  dispose(): void {
    this.#release();
  }

  // ---------------------------------------------------------------- as a callback of fit

  onTrainBegin(ctx: TrainingContext): void {
    this.attach(ctx.model);
    this.#ctx = ctx;
    if (this.history && this.#groups.labels.length > 0)
      claimGradientNormLog("HealthMonitor", ctx, this, this.#groups.labels);
  }

  onBatchBegin(_batch: number, ctx: TrainingContext): void {
    this.beginStep(ctx.step + 1, ctx.epoch);
  }

  onGradients(grads: readonly (Tensor | null)[], ctx: TrainingContext): void {
    if (!this.#armed) return;
    this.#objective = this.diagnose ? (ctx.retainObjective?.() ?? null) : null;
    this.recordGradients(grads);
  }

  onBatchEnd(_batch: number, _logs: BatchLogs): void {
    const objective = this.#objective;
    this.#objective = null;
    this.endStep(objective);
  }

  onTrainEnd(): void {
    this.#release();
    this.#ctx = null;
  }

  // ---------------------------------------------------------------- internals

  #record(pending: Pending, values: Float64Array): HealthRecord {
    let k = 0;
    const layerStats = this.#layers.map((layer, i) => {
      const counts = pending.counts[i];
      if (!counts) return null;
      const s = counts.map((c, j) => values[k + j] / c);
      k += activationWidth(layer.kind);
      s[1] = stdFrom(s[0], s[1]);
      return s;
    });
    const gradNorms = new Map<number, number>();
    const weightNorms = new Map<number, number>();
    for (const i of this.#trained) {
      gradNorms.set(i, Math.sqrt(values[k++]));
      weightNorms.set(i, Math.sqrt(values[k++]));
    }
    const parameters: ParameterHealth[] = this.#trained.map((i) => {
      const updateNorm = Math.sqrt(values[k++]);
      const weightNorm = weightNorms.get(i)!;
      return {
        name: this.#names[i],
        layer: layerOf(this.#names[i]),
        gradientNorm: gradNorms.get(i)!,
        weightNorm,
        updateNorm,
        updateRatio: weightNorm > 0 ? updateNorm / weightNorm : null,
      };
    });
    const layerNorm = new Map<string, number>();
    this.#groups.layers.forEach((name, g) => {
      const squares = this.#groups.members[g].reduce((acc, i) => acc + gradNorms.get(i)! ** 2, 0);
      layerNorm.set(name, Math.sqrt(squares));
    });
    const layers: LayerHealth[] = this.#layers.map((layer, i) => {
      const s = layerStats[i];
      return {
        name: layer.name,
        type: layer.type,
        kind: layer.kind,
        mean: s ? s[0] : null,
        std: s ? s[1] : null,
        deadFraction: s && layer.kind === "rectifier" ? s[2] : null,
        saturatedFraction: s && (layer.kind === "sigmoid" || layer.kind === "tanh") ? s[2] : null,
        gradientNorm: layerNorm.get(layer.name) ?? null,
      };
    });
    return { step: pending.step, epoch: pending.epoch, layers, parameters };
  }

  #appendHistory(record: HealthRecord): void {
    const log = this.#ctx?.history.gradientNorms;
    if (!log) return;
    const byName = new Map(record.layers.map((l) => [l.name, l.gradientNorm]));
    log.records.push({
      step: record.step,
      epoch: record.epoch ?? 0,
      norms: this.#groups.layers.map((name, g) => byName.get(name) ?? this.#groupNorm(record, g)),
    });
  }

  /** A parameter group's norm from the parameter rows (for a layer the monitor does not watch). */
  #groupNorm(record: HealthRecord, g: number): number {
    const members = new Set(this.#groups.members[g].map((i) => this.#names[i]));
    return Math.sqrt(
      record.parameters.filter((p) => members.has(p.name)).reduce((a, p) => a + p.gradientNorm ** 2, 0),
    );
  }

  #requireModel(op: string): Module {
    if (!this.#model)
      throw new ValueError(
        `HealthMonitor.${op}: no model is watched; create the monitor with healthMonitor(model, options) or pass it to fit`,
      );
    return this.#model;
  }

  #unhookAll(): void {
    for (const remove of this.#unhook) remove();
    this.#unhook = [];
  }

  #releaseStart(start: StepStart): void {
    dispose([...start.weights, ...start.bufferValues]);
  }

  /** Drops a step that began but never reached its end (an exception in between). */
  #cancel(): void {
    this.#unhookAll();
    this.#outputs = [];
    if (this.#armed) this.#releaseStart(this.#armed.start);
    this.#armed = null;
    if (this.#pending) {
      this.#pending.packed.dispose();
      this.#releaseStart(this.#pending.start);
    }
    this.#pending = null;
  }

  #release(): void {
    this.#cancel();
  }
}

/**
 * A health monitor watching `model`, for a hand-written loop (the same class `fit` takes as a
 * callback):
 *
 * ```ts
 * const monitor = healthMonitor(model, { every: 10 });
 * for (let step = 1; step <= steps; step++) tidy(() => {
 *   const lossOf = () => softmaxCrossEntropy(model.call(xb), yb);
 *   monitor.beginStep(step);                 // observes the forward pass at monitored steps
 *   const [loss, grads] = valueAndGrad(lossOf, model.parameters())();
 *   monitor.recordGradients(grads);          // before the update
 *   optimizer.step(model.parameters(), grads);
 *   monitor.endStep(lossOf);                 // the loss function lets it name a NaN's primitive
 * });
 * ```
 */
export function healthMonitor(model: Module, options: HealthMonitorOptions = {}): HealthMonitor {
  return new HealthMonitor(options).attach(model);
}
