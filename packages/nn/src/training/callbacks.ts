import {
  type Parameter,
  type Tensor,
  ValueError,
  add,
  dispose,
  keep,
  sqrt,
  square,
  stack,
  sum,
  tidy,
} from "@axon/core";
import { type Module, describe } from "../module.ts";
import { claimGradientNormLog, groupParameters } from "./health/gradient-norms.ts";
import type { History } from "./history.ts";

/** What `fit` needs of an optimizer (every `@axon/optim` optimizer has it). */
export interface OptimizerLike {
  step(params: unknown, grads: unknown): void;
  readonly stepCount?: number;
  currentLearningRate?(): number;
}

/** What callbacks see: the run, its progress, and a way to stop it or print a line. */
export interface TrainingContext {
  readonly model: Module;
  readonly optimizer: OptimizerLike;
  /** `model.parameters()`, in the order of the gradients `onGradients` receives. */
  readonly parameters: readonly Parameter[];
  /** Their dotted names ("0.kernel", …). */
  readonly parameterNames: readonly string[];
  readonly history: History;
  readonly initialEpoch: number;
  /** The epoch after the last one (training runs epochs initialEpoch … epochs − 1). */
  readonly epochs: number;
  readonly numBatches: number;
  /** The current epoch (0-based). */
  readonly epoch: number;
  /** The current batch of the epoch (0-based). */
  readonly batch: number;
  /** Optimizer steps taken so far: the optimizer's `stepCount` (which a checkpoint restores), else this run's count. */
  readonly step: number;
  /** Set it to end training after the current epoch (early stopping does). */
  stopTraining: boolean;
  /** Prints a line through the progress display (nothing when quiet). */
  log(line: string): void;
  /**
   * From `onGradients`: the step's objective on its batch (forward pass, loss, regularization),
   * kept valid until the step's `onBatchEnd` has run, so that a callback can rerun the step (the
   * health monitor reruns one that produced NaN in core's debug mode). Batches are released as
   * usual when nothing retains them.
   */
  retainObjective?(): () => Tensor;
}

/** The loss of one batch, its size, and each metric's value on it. */
export interface BatchLogs {
  readonly loss: number;
  readonly size: number;
  readonly [metric: string]: number;
}

type Maybe<T> = T | Promise<T>;

/**
 * Hooks into `fit`; implement any of them. Each may return a promise, which `fit` awaits, except
 * `onGradients`: it runs inside the training step, synchronously, and the gradient tensors are
 * valid only during the call (they are released with the step).
 */
export interface Callback {
  onTrainBegin?(ctx: TrainingContext): Maybe<void>;
  onEpochBegin?(epoch: number, ctx: TrainingContext): Maybe<void>;
  /** Before the step of batch `batch` (0-based within the epoch); the step to come is `ctx.step + 1`. */
  onBatchBegin?(batch: number, ctx: TrainingContext): Maybe<void>;
  onGradients?(grads: readonly (Tensor | null)[], ctx: TrainingContext): void;
  onBatchEnd?(batch: number, logs: BatchLogs, ctx: TrainingContext): Maybe<void>;
  onEpochEnd?(epoch: number, logs: Readonly<Record<string, number>>, ctx: TrainingContext): Maybe<void>;
  onTrainEnd?(ctx: TrainingContext): Maybe<void>;
}

// ---------------------------------------------------------------- early stopping

export interface EarlyStoppingOptions {
  /** The log to watch (default "val_loss"). */
  monitor?: string;
  /** "min", "max", or "auto": max for names containing "accuracy", min otherwise (default). */
  mode?: "min" | "max" | "auto";
  /** Epochs without improvement before stopping (default 0: stop at the first epoch that does not improve). */
  patience?: number;
  /** An improvement must exceed this (default 0). */
  minDelta?: number;
  /** End with the parameters and buffers of the best epoch (default false). */
  restoreBestWeights?: boolean;
  /** Ignore epochs before this one (default 0). */
  startFromEpoch?: number;
}

/**
 * Stops training when a monitored log has not improved for `patience` epochs and, with
 * `restoreBestWeights`, puts back the parameters and buffers (batch-norm statistics) of the best
 * epoch — when it stops, and at the end of training if the last epoch was not the best.
 */
export class EarlyStopping implements Callback {
  readonly monitor: string;
  readonly mode: "min" | "max";
  readonly patience: number;
  readonly minDelta: number;
  readonly restoreBestWeights: boolean;
  readonly startFromEpoch: number;
  /** The best value seen, the epoch it was seen at, and the epoch training stopped at (or -1). */
  best = Number.NaN;
  bestEpoch = -1;
  stoppedEpoch = -1;
  #wait = 0;
  #bestWeights: Record<string, Tensor> | null = null;
  #lastEpoch = -1;

  /** Epochs since the last improvement. */
  get wait(): number {
    return this.#wait;
  }

  constructor(options: EarlyStoppingOptions = {}) {
    const known = ["monitor", "mode", "patience", "minDelta", "restoreBestWeights", "startFromEpoch"];
    for (const k of Object.keys(options))
      if (!known.includes(k))
        throw new ValueError(`EarlyStopping: unknown option '${k}'; known: ${known.join(", ")}`);
    this.monitor = options.monitor ?? "val_loss";
    const mode = options.mode ?? "auto";
    if (mode !== "min" && mode !== "max" && mode !== "auto")
      throw new ValueError(`EarlyStopping: mode must be 'min', 'max' or 'auto', got ${describe(mode)}`);
    this.mode = mode === "auto" ? (/acc/i.test(this.monitor) ? "max" : "min") : mode;
    this.patience = options.patience ?? 0;
    if (!Number.isInteger(this.patience) || this.patience < 0)
      throw new ValueError(
        `EarlyStopping: patience must be a non-negative integer, got ${describe(this.patience)}`,
      );
    this.minDelta = Math.abs(options.minDelta ?? 0);
    if (!Number.isFinite(this.minDelta))
      throw new ValueError(
        `EarlyStopping: minDelta must be a finite number, got ${describe(options.minDelta)}`,
      );
    this.restoreBestWeights = options.restoreBestWeights ?? false;
    this.startFromEpoch = options.startFromEpoch ?? 0;
  }

  #improves(value: number): boolean {
    if (!Number.isFinite(value)) return false;
    if (Number.isNaN(this.best)) return true;
    return this.mode === "min" ? value < this.best - this.minDelta : value > this.best + this.minDelta;
  }

  /**
   * Starts afresh, or, when the history already has epochs (a resumed run), replays them, so that
   * the run stops when an uninterrupted one would have.
   */
  onTrainBegin(ctx: TrainingContext): void {
    this.best = Number.NaN;
    this.bestEpoch = -1;
    this.stoppedEpoch = -1;
    this.#wait = 0;
    this.#release();
    for (const e of ctx.history.epochs) {
      if (e.epoch >= ctx.initialEpoch || e.epoch < this.startFromEpoch || !(this.monitor in e)) continue;
      if (this.#improves(e[this.monitor])) {
        this.best = e[this.monitor];
        this.bestEpoch = e.epoch;
        this.#wait = 0;
      } else this.#wait += 1;
    }
    if (this.#wait > this.patience) {
      ctx.stopTraining = true;
      ctx.log(`Early stopping: ${this.monitor} had already not improved for ${this.#wait} epochs`);
    }
  }

  onEpochEnd(epoch: number, logs: Readonly<Record<string, number>>, ctx: TrainingContext): void {
    this.#lastEpoch = epoch;
    if (epoch < this.startFromEpoch) return;
    if (!(this.monitor in logs))
      throw new ValueError(
        `EarlyStopping: the monitored log '${this.monitor}' is not among this epoch's logs (${Object.keys(logs).join(", ")})${this.monitor.startsWith("val_") ? "; pass validation data to fit" : ""}`,
      );
    const value = logs[this.monitor];
    if (this.#improves(value)) {
      this.best = value;
      this.bestEpoch = epoch;
      this.#wait = 0;
      if (this.restoreBestWeights) {
        this.#release();
        const state = ctx.model.stateDict();
        for (const t of Object.values(state)) keep(t);
        this.#bestWeights = state;
      }
      return;
    }
    this.#wait += 1;
    if (this.#wait > this.patience) {
      this.stoppedEpoch = epoch;
      ctx.stopTraining = true;
      ctx.log(
        `Early stopping at epoch ${epoch + 1}: ${this.monitor} has not improved on ${this.best.toPrecision(5)} (epoch ${this.bestEpoch + 1}) for ${this.#wait} epoch${this.#wait === 1 ? "" : "s"}`,
      );
    }
  }

  onTrainEnd(ctx: TrainingContext): void {
    if (this.restoreBestWeights && this.bestEpoch >= 0 && this.bestEpoch !== this.#lastEpoch) {
      if (this.#bestWeights) {
        ctx.model.loadStateDict(this.#bestWeights);
        ctx.log(
          `Restored the weights of epoch ${this.bestEpoch + 1} (${this.monitor} ${this.best.toPrecision(5)})`,
        );
      } else
        ctx.log(
          `The best epoch, ${this.bestEpoch + 1}, came before this run resumed: its weights are not available, the last epoch's are kept`,
        );
    }
    this.#release();
  }

  #release(): void {
    if (this.#bestWeights) dispose(Object.values(this.#bestWeights));
    this.#bestWeights = null;
  }
}

// ---------------------------------------------------------------- learning-rate schedule per epoch

/**
 * A learning rate per epoch. Give `scheduler.lr` to the optimizer as its `lr` and the scheduler to
 * `fit` as a callback: at the start of each epoch it evaluates `schedule(epoch)` (epochs from 0,
 * like `@axon/optim`'s schedules, so `stepDecay({ initial, stepSize: 3 })` halves every 3 epochs)
 * and the optimizer uses that rate for the whole epoch. It depends only on the epoch number, so a
 * resumed run gets the same rates.
 *
 * ```ts
 * const scheduler = new LearningRateScheduler(cosineDecay({ initial: 1e-3, decaySteps: 10 }));
 * const optimizer = new Adam({ lr: scheduler.lr });
 * await fit(model, { ..., optimizer, callbacks: [scheduler] });
 * ```
 */
export class LearningRateScheduler implements Callback {
  readonly schedule: (epoch: number) => number;
  #current: number;
  /** The optimizer's `lr`: a schedule (of the step, which it ignores) giving the current epoch's rate. */
  readonly lr: (step: number) => number;

  constructor(schedule: (epoch: number) => number) {
    if (typeof schedule !== "function")
      throw new ValueError(
        `LearningRateScheduler: schedule must be a function of the epoch, got ${describe(schedule)}`,
      );
    this.schedule = schedule;
    this.#current = this.#rate(0);
    this.lr = () => this.#current;
  }

  get current(): number {
    return this.#current;
  }

  #rate(epoch: number): number {
    const lr = this.schedule(epoch);
    if (typeof lr !== "number" || !Number.isFinite(lr) || lr < 0)
      throw new ValueError(
        `LearningRateScheduler: the schedule gave ${String(lr)} at epoch ${epoch}; expected a non-negative number`,
      );
    return lr;
  }

  onEpochBegin(epoch: number, ctx: TrainingContext): void {
    this.#current = this.#rate(epoch);
    let used: number | undefined;
    try {
      used = ctx.optimizer.currentLearningRate?.();
    } catch {
      used = undefined; // param groups without a default rate
    }
    if (used !== undefined && used !== this.#current)
      throw new ValueError(
        `LearningRateScheduler: the optimizer's learning rate is ${used}, not the scheduled ${this.#current}; construct it with { lr: scheduler.lr }`,
      );
  }
}

// ---------------------------------------------------------------- gradient norms per layer

export interface GradientNormMonitorOptions {
  /** Record every this many steps (default 1: every step). */
  every?: number;
  /** A layer norm below this is reported as vanishing (default 1e-7). */
  vanishing?: number;
  /** A layer norm above this (or not finite) is reported as exploding (default 1e3). */
  exploding?: number;
  /** Print each layer's mean norm at the end of every epoch (default false). */
  print?: boolean;
}

/**
 * Records the L2 norm of each layer's gradient (all its parameters together) during training, in
 * `history.gradientNorms`, and says at once, through the progress display, when a layer's norm
 * vanishes (below `vanishing`) or explodes (above `exploding`, or NaN/Infinity) — once per layer
 * and epoch.
 */
export class GradientNormMonitor implements Callback {
  readonly every: number;
  readonly vanishing: number;
  readonly exploding: number;
  readonly print: boolean;
  #groups: number[][] = [];
  #layers: string[] = [];
  #warned = new Set<string>();
  #epochSums: number[] = [];
  #epochCount = 0;

  constructor(options: GradientNormMonitorOptions = {}) {
    this.every = options.every ?? 1;
    if (!Number.isInteger(this.every) || this.every < 1)
      throw new ValueError(
        `GradientNormMonitor: every must be a positive integer, got ${describe(options.every)}`,
      );
    this.vanishing = options.vanishing ?? 1e-7;
    this.exploding = options.exploding ?? 1e3;
    this.print = options.print ?? false;
  }

  onTrainBegin(ctx: TrainingContext): void {
    const groups = groupParameters(ctx.model, ctx.parameterNames, ctx.parameters);
    this.#groups = groups.members;
    this.#layers = groups.labels;
    claimGradientNormLog("GradientNormMonitor", ctx, this, this.#layers);
  }

  onEpochBegin(): void {
    this.#warned.clear();
    this.#epochSums = this.#layers.map(() => 0);
    this.#epochCount = 0;
  }

  onGradients(grads: readonly (Tensor | null)[], ctx: TrainingContext): void {
    const step = ctx.step + 1;
    if ((step - 1) % this.every !== 0 || this.#groups.length === 0) return;
    const norms = tidy(() => {
      const perLayer = this.#groups.map((members) => {
        let total: Tensor | null = null;
        for (const i of members) {
          const g = grads[i];
          if (!g) continue;
          const s = sum(square(g.dtype === "float32" ? g : g.cast("float32")));
          total = total === null ? s : add(total, s);
        }
        return total ?? sum(square(ctx.parameters[members[0]].value)).mul(0);
      });
      return Array.from(sqrt(stack(perLayer)).dataSync() as Float32Array);
    });
    ctx.history.gradientNorms!.records.push({ step, epoch: ctx.epoch, norms });
    norms.forEach((n, l) => {
      this.#epochSums[l] += n;
      const kind =
        !Number.isFinite(n) || n > this.exploding ? "exploding" : n < this.vanishing ? "vanishing" : null;
      if (kind && !this.#warned.has(`${l}`)) {
        this.#warned.add(`${l}`);
        ctx.log(
          `Warning: ${kind} gradient in layer ${this.#layers[l]}: norm ${n.toExponential(2)} at epoch ${ctx.epoch + 1}, batch ${ctx.batch + 1}`,
        );
      }
    });
    this.#epochCount += 1;
  }

  onEpochEnd(_epoch: number, _logs: Readonly<Record<string, number>>, ctx: TrainingContext): void {
    if (!this.print || this.#epochCount === 0) return;
    const parts = this.#layers.map(
      (l, i) => `${l} ${(this.#epochSums[i] / this.#epochCount).toExponential(2)}`,
    );
    ctx.log(`  gradient norms (epoch mean): ${parts.join(" · ")}`);
  }
}
