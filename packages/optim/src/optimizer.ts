import {
  type FloatDType,
  type Parameter,
  Tensor,
  type TypedArray,
  ValueError,
  add,
  dispose,
  fmtShape,
  isFloat,
  keep,
  mul,
  reshape,
  shapesEqual,
  sizeOf,
  tensor,
  tidy,
  zerosLike,
} from "@axon/core";
import { type OptionsOrGroups, type ParamGroup, readGroups } from "./param-groups.ts";
import type { LearningRate } from "./schedules.ts";
import { type ParamAndGrad, zipParamsAndGrads } from "./tree.ts";

/** The resolved hyperparameters every optimizer has. */
export interface BaseHyper {
  readonly lr: LearningRate;
}

/** What an update rule receives for one parameter. */
export interface UpdateArgs<H> {
  /** The parameter's current value. */
  readonly value: Tensor;
  readonly grad: Tensor;
  /** The parameter's state tensors (zeros before its first update), by slot name. */
  readonly slots: Readonly<Record<string, Tensor>>;
  readonly hyper: H;
  /** The learning rate of this step (the schedule already applied). */
  readonly lr: number;
  /** 1 for the parameter's first update, 2 for its second, … (Adam's bias correction). */
  readonly t: number;
}

export interface UpdateResult {
  readonly value: Tensor;
  readonly slots: Record<string, Tensor>;
}

/** An optimizer is an update rule plus this class's bookkeeping (trees, groups, state, schedules). */
export interface UpdateRule<O, H extends BaseHyper> {
  readonly name: string;
  /** The state kept per parameter (`['m', 'v']` for Adam); each slot has the parameter's shape and dtype. */
  readonly slotNames: readonly string[];
  /** Validates options and fills in defaults; `who` prefixes error messages. */
  resolve(options: Partial<O>, who: string): H;
  update(args: UpdateArgs<H>): UpdateResult;
}

/** One parameter's state as `stateDict` gives it and `loadStateDict` takes it. */
export interface SlotState {
  /** The parameter's name when it has one (checked on load). */
  readonly name?: string;
  /** How many updates this parameter has had. */
  readonly step: number;
  readonly shape?: readonly number[];
  /** One entry per slot name: a tensor, or its values in row-major order (e.g. after JSON). */
  readonly [slot: string]: Tensor | readonly number[] | TypedArray | string | number | undefined;
}

/**
 * An optimizer's state: plain data plus tensors, serializable by replacing each tensor with its
 * values. Slots are keyed by the parameter's index: parameters in param groups first, in group
 * order, then others in the order `step` first saw them (with or without a gradient). Hyperparameters are recorded for
 * reference (`lr: 'schedule'` for a schedule); `loadStateDict` keeps the constructor's.
 */
export interface OptimizerStateDict {
  readonly type: string;
  /** How many times `step` has been called. */
  readonly step: number;
  readonly hyper: Record<string, number | string | boolean>;
  readonly groups: readonly {
    readonly params: readonly number[];
    readonly hyper: Record<string, number | string | boolean>;
  }[];
  readonly slots: Readonly<Record<string, SlotState>>;
}

interface Slot {
  readonly step: number;
  readonly tensors: Record<string, Tensor>;
}

/** Loaded state for a parameter `step` has not seen yet: matched by index when it first appears. */
interface PendingSlot {
  readonly name: string;
  readonly step: number;
  readonly shape: readonly number[] | undefined;
  readonly values: Record<string, Tensor | ArrayLike<number>>;
}

const describeParam = (p: Parameter): string => (p.name ? `parameter '${p.name}'` : "a parameter");

function serializeHyper(h: object): Record<string, number | string | boolean> {
  const out: Record<string, number | string | boolean> = {};
  for (const [k, v] of Object.entries(h)) out[k] = typeof v === "function" ? "schedule" : v;
  return out;
}

/**
 * Defaults given next to param groups: fully checked, but they may lack a required lr when every
 * parameter is in a group (null then; a parameter outside the groups is refused at `step`).
 */
function resolveDefaults<O extends { lr?: LearningRate }, H extends BaseHyper>(
  rule: UpdateRule<O, H>,
  defaults: Partial<O>,
): H | null {
  const who = `${rule.name} (defaults)`;
  if (defaults.lr !== undefined) return rule.resolve(defaults, who);
  rule.resolve({ ...defaults, lr: 0 }, who); // every other option is checked here
  try {
    return rule.resolve(defaults, who); // a rule with a default lr (Adam) needs none
  } catch {
    return null;
  }
}

/** The base of every optimizer: `step(params, grads)` applies the rule to each parameter that has a gradient. */
export class Optimizer<O extends { lr?: LearningRate }, H extends BaseHyper> {
  readonly #rule: UpdateRule<O, H>;
  /** Hyperparameters of parameters in no group; null when the defaults lack a required lr. */
  readonly #defaults: H | null;
  readonly #groups: H[] = [];
  readonly #groupOf = new Map<Parameter, number>();
  readonly #index = new Map<Parameter, number>();
  #slots = new Map<number, Slot>();
  #pending = new Map<number, PendingSlot>();
  #step = 0;

  constructor(rule: UpdateRule<O, H>, optionsOrGroups?: OptionsOrGroups<O>, defaults?: Partial<O>) {
    this.#rule = rule;
    const read = readGroups<O>(rule.name, optionsOrGroups, defaults);
    if (read.groups.length === 0) this.#defaults = rule.resolve(read.defaults, rule.name);
    else this.#defaults = resolveDefaults(rule, read.defaults);
    read.groups.forEach((g, i) => {
      this.#groups.push(rule.resolve(g.options, `${rule.name} (param group ${i})`));
      for (const p of g.params) {
        this.#groupOf.set(p, i);
        this.#register(p);
      }
    });
  }

  /** The optimizer's name, as used in messages (`Adam`). */
  get name(): string {
    return this.#rule.name;
  }

  /** How many times `step` has been called; a schedule sees this number at the next step. */
  get stepCount(): number {
    return this.#step;
  }

  /** The learning rate the next step will use for `param` (for a parameter in no group: the defaults'). */
  currentLearningRate(param?: Parameter): number {
    return this.#lrOf(this.#hyperOf(param, "currentLearningRate"), `${this.name}.currentLearningRate`);
  }

  /**
   * One update: `params` is a Parameter or a tree of them (an array from `model.parameters()`),
   * `grads` the same structure of tensors (null or undefined: that parameter is left alone).
   * Parameters with `trainable = false` are skipped. Everything is checked before anything
   * changes, so a mismatch never leaves half the parameters updated.
   */
  step(params: unknown, grads: unknown): void {
    const who = `${this.name}.step`;
    const work: { p: ParamAndGrad; hyper: H; slot: number }[] = [];
    const firstPath = new Map<Parameter, string>();
    for (const pg of zipParamsAndGrads(params, grads, who)) {
      const { param, grad, path } = pg;
      const earlier = firstPath.get(param);
      if (earlier !== undefined)
        throw new ValueError(
          `${who}: ${describeParam(param)} appears twice in params, at '${earlier || "(root)"}' and '${path}'`,
        );
      firstPath.set(param, path);
      // Every parameter of the tree gets its index, with or without a gradient, so indices follow
      // the tree's order (that of model.parameters()) whatever the first step's gradients were.
      const slot = this.#register(param);
      if (grad === null || !param.trainable) continue;
      if (grad.isDisposed) throw new ValueError(`${who}: the gradient at '${path || "(root)"}' was disposed`);
      if (!isFloat(param.dtype))
        throw new ValueError(
          `${who}: ${describeParam(param)} at '${path}' has dtype ${param.dtype}; only float parameters can be optimized`,
        );
      if (!shapesEqual(grad.shape, param.shape) || grad.dtype !== param.dtype)
        throw new ValueError(
          `${who}: the gradient at '${path || "(root)"}' has shape ${fmtShape(grad.shape)} and dtype ${grad.dtype}, but ${describeParam(param)} has shape ${fmtShape(param.shape)} and dtype ${param.dtype}`,
        );
      work.push({ p: pg, hyper: this.#hyperOf(param, who), slot });
    }
    const lrs = new Map<H, number>();
    for (const w of work) if (!lrs.has(w.hyper)) lrs.set(w.hyper, this.#lrOf(w.hyper, who));
    tidy(() => {
      for (const { p, hyper, slot } of work) this.#updateOne(p.param, p.grad!, hyper, lrs.get(hyper)!, slot);
    });
    this.#step += 1;
  }

  #updateOne(param: Parameter, grad: Tensor, hyper: H, lr: number, index: number): void {
    const old = this.#slots.get(index);
    const slots: Record<string, Tensor> = {};
    for (const s of this.#rule.slotNames) slots[s] = old?.tensors[s] ?? zerosLike(param.value);
    const t = (old?.step ?? 0) + 1;
    const out = this.#rule.update({ value: param.value, grad, slots, hyper, lr, t });
    const tensors: Record<string, Tensor> = {};
    for (const s of this.#rule.slotNames) {
      // A rule that returns an input as a slot gets a handle of its own, so the caller may still dispose the input.
      const next = out.slots[s];
      tensors[s] = keep(next === grad || next === param.value ? reshape(next, next.shape) : next);
    }
    // State tensors are kept across steps, so the ones replaced are released here.
    for (const s of this.#rule.slotNames) if (old && old.tensors[s] !== tensors[s]) old.tensors[s].dispose();
    this.#slots.set(index, { step: t, tensors });
    param.assign(out.value);
  }

  #hyperOf(param: Parameter | undefined, who: string): H {
    const g = param === undefined ? undefined : this.#groupOf.get(param);
    if (g !== undefined) return this.#groups[g];
    if (this.#defaults === null) {
      const label = param ? `${describeParam(param)} is in no param group` : "parameters in no param group";
      throw new ValueError(`${who}: ${label}, and the defaults give no lr`);
    }
    return this.#defaults;
  }

  #lrOf(hyper: H, who: string): number {
    const lr = typeof hyper.lr === "function" ? hyper.lr(this.#step) : hyper.lr;
    if (typeof lr !== "number" || !Number.isFinite(lr) || lr < 0)
      throw new ValueError(
        `${who}: the lr schedule gave ${String(lr)} at step ${this.#step}; expected a non-negative number`,
      );
    return lr;
  }

  /** The index of a parameter, given the first time it is seen; adopts loaded state waiting for that index. */
  #register(param: Parameter): number {
    const known = this.#index.get(param);
    if (known !== undefined) return known;
    const index = this.#index.size;
    const pending = this.#pending.get(index);
    if (pending) {
      const slot = this.#materialize(param, pending, `${this.name}.step`, index);
      this.#pending.delete(index);
      dispose(pending.values);
      this.#slots.set(index, slot);
    }
    this.#index.set(param, index);
    return index;
  }

  /** Turns loaded values into kept tensors of the parameter's shape and dtype, or says why they do not fit. */
  #materialize(param: Parameter, s: PendingSlot, who: string, index: number): Slot {
    const where = `the state of parameter ${index}${s.name ? ` ('${s.name}')` : ""}`;
    if (s.name && param.name && s.name !== param.name)
      throw new ValueError(`${who}: ${where} does not belong to ${describeParam(param)}`);
    if (s.shape && !shapesEqual(s.shape, param.shape))
      throw new ValueError(
        `${who}: ${where} has shape ${fmtShape(s.shape)}, but ${describeParam(param)} has shape ${fmtShape(param.shape)}`,
      );
    const dtype = param.dtype as FloatDType;
    const made: Tensor[] = [];
    try {
      const tensors: Record<string, Tensor> = {};
      for (const name of this.#rule.slotNames) {
        const v = s.values[name];
        if (v instanceof Tensor) {
          if (!shapesEqual(v.shape, param.shape) || v.dtype !== dtype)
            throw new ValueError(
              `${who}: ${where}: slot '${name}' has shape ${fmtShape(v.shape)} and dtype ${v.dtype}, expected ${fmtShape(param.shape)} and ${dtype}`,
            );
          tensors[name] = keep(reshape(v, param.shape));
        } else {
          if (v.length !== sizeOf(param.shape))
            throw new ValueError(
              `${who}: ${where}: slot '${name}' has ${v.length} values, expected ${sizeOf(param.shape)}`,
            );
          tensors[name] = keep(tensor(Array.from(v), param.shape, dtype));
        }
        made.push(tensors[name]);
      }
      return { step: s.step, tensors };
    } catch (e) {
      dispose(made);
      throw e;
    }
  }

  /**
   * The state to save: the step count, the hyperparameters (for reference) and each parameter's
   * slots as new tensors the caller owns (they stay valid after later steps).
   */
  stateDict(): OptimizerStateDict {
    const names = new Map<number, string>();
    for (const [p, i] of this.#index) names.set(i, p.name);
    const slots: Record<string, SlotState> = {};
    for (const [i, slot] of [...this.#slots].sort((a, b) => a[0] - b[0])) {
      const first = slot.tensors[this.#rule.slotNames[0]];
      const entry: Record<string, unknown> = { name: names.get(i) ?? "", step: slot.step };
      if (first) entry.shape = [...first.shape];
      for (const [k, t] of Object.entries(slot.tensors)) entry[k] = reshape(t, t.shape);
      slots[String(i)] = entry as SlotState;
    }
    for (const [i, p] of this.#pending) {
      const entry: Record<string, unknown> = { name: p.name, step: p.step, shape: p.shape };
      for (const [k, v] of Object.entries(p.values))
        entry[k] = v instanceof Tensor ? reshape(v, v.shape) : Array.from(v);
      slots[String(i)] = entry as SlotState;
    }
    const groupParams: number[][] = this.#groups.map(() => []);
    for (const [p, g] of this.#groupOf) groupParams[g].push(this.#index.get(p)!);
    return {
      type: this.name,
      step: this.#step,
      hyper: this.#defaults ? serializeHyper(this.#defaults) : {},
      groups: this.#groups.map((h, g) => ({ params: groupParams[g], hyper: serializeHyper(h) })),
      slots,
    };
  }

  /**
   * Restores a state from `stateDict` (tensors or plain arrays of values), so that the following
   * steps are exactly those the saved optimizer would have made. Parameters are matched by index
   * (and by name when both have one); state for a parameter not seen yet waits for its first
   * step. All of it is checked before any of it replaces the current state.
   */
  loadStateDict(state: OptimizerStateDict): void {
    const who = `${this.name}.loadStateDict`;
    if (state === null || typeof state !== "object")
      throw new ValueError(`${who}: expected a state object, got ${String(state)}`);
    if (state.type !== this.name)
      throw new ValueError(`${who}: the state is from ${String(state.type)}, not ${this.name}`);
    if (!Number.isInteger(state.step) || state.step < 0)
      throw new ValueError(`${who}: step must be a non-negative integer, got ${String(state.step)}`);
    if (state.slots === null || typeof state.slots !== "object")
      throw new ValueError(`${who}: slots must be an object keyed by parameter index`);
    const byIndex = new Map<number, Parameter>();
    for (const [p, i] of this.#index) byIndex.set(i, p);
    const slots = new Map<number, Slot>();
    const pending = new Map<number, PendingSlot>();
    try {
      for (const [key, raw] of Object.entries(state.slots)) {
        const index = Number(key);
        if (!Number.isInteger(index) || index < 0)
          throw new ValueError(`${who}: slot keys must be parameter indices, got '${key}'`);
        const entry = this.#readSlot(who, key, raw);
        const param = byIndex.get(index);
        if (param) slots.set(index, this.#materialize(param, entry, who, index));
        else {
          // Copied now so the caller may dispose the dict at once.
          const values: Record<string, Tensor | ArrayLike<number>> = {};
          for (const [k, v] of Object.entries(entry.values))
            values[k] = v instanceof Tensor ? keep(reshape(v, v.shape)) : Array.from(v);
          pending.set(index, { ...entry, values });
        }
      }
    } catch (e) {
      for (const s of slots.values()) dispose(s.tensors);
      for (const p of pending.values()) dispose(p.values);
      throw e;
    }
    this.#disposeState();
    this.#slots = slots;
    this.#pending = pending;
    this.#step = state.step;
  }

  #readSlot(who: string, key: string, raw: unknown): PendingSlot {
    if (raw === null || typeof raw !== "object")
      throw new ValueError(`${who}: slot '${key}' must be an object`);
    const r = raw as Record<string, unknown>;
    if (!Number.isInteger(r.step) || (r.step as number) < 0)
      throw new ValueError(
        `${who}: slot '${key}': step must be a non-negative integer, got ${String(r.step)}`,
      );
    const shape = r.shape;
    if (shape !== undefined && (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)))
      throw new ValueError(`${who}: slot '${key}': shape must be an array of non-negative integers`);
    const values: Record<string, Tensor | ArrayLike<number>> = {};
    for (const name of this.#rule.slotNames) {
      const v = r[name];
      const isArray = Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
      if (!(v instanceof Tensor) && !isArray)
        throw new ValueError(`${who}: slot '${key}' needs '${name}' as a tensor or an array of numbers`);
      if (v instanceof Tensor && v.isDisposed)
        throw new ValueError(`${who}: slot '${key}': '${name}' was disposed`);
      values[name] = v as Tensor | ArrayLike<number>;
    }
    return {
      name: typeof r.name === "string" ? r.name : "",
      step: r.step as number,
      shape: shape as number[] | undefined,
      values,
    };
  }

  #disposeState(): void {
    for (const s of this.#slots.values()) dispose(s.tensors);
    for (const p of this.#pending.values()) dispose(p.values);
    this.#slots = new Map();
    this.#pending = new Map();
  }

  /** Releases the state tensors and forgets the step count (the parameters are untouched). */
  dispose(): void {
    this.#disposeState();
    this.#step = 0;
  }
}

export type { OptionsOrGroups, ParamGroup };

/** Coupled (L2) weight decay, as most optimizers define it: the gradient of `½·wd·‖W‖²` is added to g. */
export function withWeightDecay(grad: Tensor, value: Tensor, weightDecay: number): Tensor {
  return weightDecay === 0 ? grad : add(grad, mul(value, weightDecay));
}
