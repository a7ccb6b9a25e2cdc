import {
  Parameter,
  ShapeError,
  Tensor,
  ValueError,
  add,
  cast,
  fmtShape,
  scalar,
  shapesEqual,
} from "@axon/core";
import { ModuleBuffer } from "./buffer.ts";
import type { Regularizer } from "./regularizers.ts";
import { summarize } from "./summary.ts";

/** What a module holds under a name: a trainable tensor, saved state, or a child module. */
export type Slot = Parameter | ModuleBuffer | Module;

/** One named thing found in a module tree, with the module that holds it and a way to swap it. */
export interface SlotEntry {
  /** Dotted path from the module the walk started at: "block.bn.gamma". */
  readonly name: string;
  /** The name inside its owner: "gamma". */
  readonly localName: string;
  readonly value: Slot;
  readonly owner: Module;
  /** Puts another object in the same place (used by `functionalCall`). */
  readonly replace: (next: Slot) => void;
}

export interface LoadStateDictOptions {
  /** Every key of the module must be given and no other (default true). Shapes are always checked. */
  strict?: boolean;
}

export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/** Called after a module's `call` with its output and input (see `registerForwardHook`). */
export type ForwardHook = (output: Tensor, input: Tensor, module: Module) => void;

/** Every part of a module tree with where it sits, for this package's functionalCall (not exported from the package). */
export let walkSlots: (m: Module) => SlotEntry[];

const isSlot = (v: unknown): v is Slot =>
  v instanceof Parameter || v instanceof ModuleBuffer || v instanceof Module;

const quoted = (keys: readonly string[]) => keys.map((k) => `'${k}'`).join(", ");

/**
 * The base of every layer and model. A subclass implements `call(x)` and keeps its parts in
 * fields: a field holding a `Parameter` is a parameter, a `ModuleBuffer` a buffer, a `Module` a
 * child (arrays of them too, named `field.0`, `field.1`, …), all found when asked, in field
 * order. `registerParameter`/`registerBuffer`/`registerModule` add parts under names that are not
 * fields (Sequential registers its layers as "0", "1", …).
 */
export abstract class Module {
  static {
    walkSlots = (m) => m.#walk();
  }

  /** Training mode (the default) or evaluation mode; see `train()` and `eval()`. */
  training = true;
  readonly #registered = new Map<string, Slot>();
  readonly #regularizers = new Map<string, Regularizer>();
  readonly #forwardHooks = new Set<ForwardHook>();
  /** Puts back the module's own `call` when the last hook goes. */
  #unwrap: (() => void) | null = null;

  /** The forward computation. Compose core ops only, so it is differentiable on every backend. */
  abstract call(x: Tensor): Tensor;

  // ------------------------------------------------------------------ registration

  /** Adds a parameter under `name` (a tensor is wrapped in a new Parameter) and returns it. */
  registerParameter(
    name: string,
    value: Tensor | Parameter,
    options: { trainable?: boolean; regularizer?: Regularizer } = {},
  ): Parameter {
    this.#checkName("registerParameter", name);
    const p =
      value instanceof Parameter ? value : new Parameter(checkTensor("registerParameter", value), name);
    if (options.trainable !== undefined) p.trainable = options.trainable;
    this.#registered.set(name, p);
    if (options.regularizer) this.regularize(name, options.regularizer);
    return p;
  }

  /** Adds a buffer (state that is saved but not trained) under `name` and returns it. */
  registerBuffer(name: string, value: Tensor | ModuleBuffer): ModuleBuffer {
    this.#checkName("registerBuffer", name);
    const b =
      value instanceof ModuleBuffer ? value : new ModuleBuffer(checkTensor("registerBuffer", value), name);
    this.#registered.set(name, b);
    return b;
  }

  /** Adds a child module under `name` and returns it. */
  registerModule<M extends Module>(name: string, module: M): M {
    this.#checkName("registerModule", name);
    if (!(module instanceof Module))
      throw new ValueError(`registerModule: '${name}' must be a Module, got ${describe(module)}`);
    this.#registered.set(name, module);
    return module;
  }

  /** Attaches a penalty to this module's parameter `name`; it joins `regularizationLoss()`. */
  regularize(name: string, regularizer: Regularizer): void {
    if (typeof regularizer !== "function")
      throw new ValueError(
        `regularize: the regularizer of '${name}' must be a function, got ${describe(regularizer)}`,
      );
    this.#regularizers.set(name, regularizer);
  }

  #checkName(op: string, name: unknown): void {
    if (typeof name !== "string" || name === "" || name.includes("."))
      throw new ValueError(`${op}: name must be a non-empty string without '.', got ${JSON.stringify(name)}`);
  }

  /**
   * Calls `hook(output, input, module)` after every `call` of this module until the returned
   * function removes it. A module without hooks runs its own `call` untouched: the wrapper exists
   * only while a hook is registered.
   */
  registerForwardHook(hook: ForwardHook): () => void {
    if (typeof hook !== "function")
      throw new ValueError(`registerForwardHook: hook must be a function, got ${describe(hook)}`);
    if (this.#forwardHooks.size === 0) {
      const own = Object.getOwnPropertyDescriptor(this, "call");
      const inner = this.call;
      const hooks = this.#forwardHooks;
      const wrapped = (x: Tensor): Tensor => {
        const y = inner.call(this, x);
        for (const h of [...hooks]) h(y, x, this);
        return y;
      };
      Object.defineProperty(this, "call", { value: wrapped, configurable: true, writable: true });
      this.#unwrap = () => {
        if (own) Object.defineProperty(this, "call", own);
        else delete (this as { call?: unknown }).call;
      };
    }
    this.#forwardHooks.add(hook);
    return () => {
      if (!this.#forwardHooks.delete(hook) || this.#forwardHooks.size > 0) return;
      this.#unwrap?.();
      this.#unwrap = null;
    };
  }

  // ------------------------------------------------------------------ walking the tree

  /** This module's own parts, in field order, then the registered ones. */
  #ownSlots(): { localName: string; value: Slot; replace: (next: Slot) => void }[] {
    const out: { localName: string; value: Slot; replace: (next: Slot) => void }[] = [];
    const fields = this as unknown as Record<string, unknown>;
    for (const key of Object.keys(this)) {
      const v = fields[key];
      if (isSlot(v)) {
        out.push({ localName: key, value: v, replace: (next) => (fields[key] = next) });
      } else if (Array.isArray(v)) {
        v.forEach((item, i) => {
          if (isSlot(item))
            out.push({ localName: `${key}.${i}`, value: item, replace: (next) => (v[i] = next) });
        });
      }
    }
    for (const [name, v] of this.#registered) {
      out.push({ localName: name, value: v, replace: (next) => this.#registered.set(name, next) });
    }
    return out;
  }

  /**
   * Every parameter, buffer and module below this one, depth first in field order, each once
   * (a part reachable twice keeps its first name; shared layers share their parameters).
   */
  #walk(): SlotEntry[] {
    const out: SlotEntry[] = [];
    // Where each part sits: a part held in two places is replaced in both.
    const places = new Map<Slot, ((next: Slot) => void)[]>([[this, []]]);
    const visit = (m: Module, prefix: string) => {
      for (const s of m.#ownSlots()) {
        const known = places.get(s.value);
        if (known) {
          known.push(s.replace);
          continue;
        }
        const where = [s.replace];
        places.set(s.value, where);
        const name = prefix + s.localName;
        const replace = (next: Slot) => {
          for (const r of where) r(next);
        };
        out.push({ name, localName: s.localName, value: s.value, owner: m, replace });
        if (s.value instanceof Module) visit(s.value, `${name}.`);
      }
    };
    visit(this, "");
    return out;
  }

  /** `[name, parameter]` pairs with dotted names: `["0.kernel", p], ["block.bn.gamma", q]`. */
  namedParameters(): [string, Parameter][] {
    return this.#walk().flatMap((e) => (e.value instanceof Parameter ? [[e.name, e.value]] : []));
  }

  /** Every parameter (trainable or not), each once; what an optimizer and `valueAndGrad` take. */
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** The parameters whose `trainable` flag is set. */
  trainableParameters(): Parameter[] {
    return this.parameters().filter((p) => p.trainable);
  }

  namedBuffers(): [string, ModuleBuffer][] {
    return this.#walk().flatMap((e) => (e.value instanceof ModuleBuffer ? [[e.name, e.value]] : []));
  }

  buffers(): ModuleBuffer[] {
    return this.namedBuffers().map(([, b]) => b);
  }

  /** Every module below this one with its dotted name (this one excluded). */
  namedModules(): [string, Module][] {
    return this.#walk().flatMap((e) => (e.value instanceof Module ? [[e.name, e.value]] : []));
  }

  /** The direct children. */
  children(): Module[] {
    return this.#walk().flatMap((e) => (e.value instanceof Module && e.owner === this ? [e.value] : []));
  }

  // ------------------------------------------------------------------ modes

  /** Sets training mode (or evaluation mode with `false`) here and in every child. */
  train(mode = true): this {
    if (typeof mode !== "boolean")
      throw new ValueError(`train: mode must be true or false, got ${describe(mode)}`);
    this.training = mode;
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  /** Evaluation mode: dropout is the identity, batch norm uses its running statistics. */
  eval(): this {
    return this.train(false);
  }

  // ------------------------------------------------------------------ state

  /**
   * Parameters and buffers by dotted name. Each tensor is a new handle on the current data, so it
   * stays valid (and unchanged) when the model is trained further.
   */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const e of this.#walk()) {
      if (e.value instanceof Module) continue;
      const t = e.value.value;
      out[e.name] = t.reshape(t.shape);
    }
    return out;
  }

  /**
   * Copies tensors from `dict` into the parameters and buffers of the same names. Everything is
   * checked before anything is written: a missing or unexpected key (with `strict`, the default)
   * or a shape mismatch throws and leaves the module as it was. Values are cast to each
   * parameter's dtype.
   */
  loadStateDict(dict: Record<string, Tensor>, options: LoadStateDictOptions = {}): LoadStateDictResult {
    if (dict === null || typeof dict !== "object")
      throw new ValueError(`loadStateDict: expected an object of tensors, got ${describe(dict)}`);
    const strict = options.strict ?? true;
    const targets = this.#walk().filter((e) => !(e.value instanceof Module));
    const known = new Set(targets.map((e) => e.name));
    const missingKeys = targets.filter((e) => !(e.name in dict)).map((e) => e.name);
    const unexpectedKeys = Object.keys(dict).filter((k) => !known.has(k));
    if (strict && missingKeys.length > 0)
      throw new ValueError(
        `loadStateDict: missing key${missingKeys.length > 1 ? "s" : ""} ${quoted(missingKeys)}`,
      );
    if (strict && unexpectedKeys.length > 0)
      throw new ValueError(
        `loadStateDict: unexpected key${unexpectedKeys.length > 1 ? "s" : ""} ${quoted(unexpectedKeys)}`,
      );
    const writes: [Parameter | ModuleBuffer, Tensor][] = [];
    for (const e of targets) {
      if (!(e.name in dict)) continue;
      const given = dict[e.name];
      if (!(given instanceof Tensor))
        throw new ValueError(`loadStateDict: '${e.name}' must be a Tensor, got ${describe(given)}`);
      const cell = e.value as Parameter | ModuleBuffer;
      if (!shapesEqual(given.shape, cell.shape))
        throw new ShapeError(
          `loadStateDict: shape mismatch for '${e.name}': expected ${fmtShape(cell.shape)}, got ${fmtShape(given.shape)}`,
        );
      writes.push([cell, given]);
    }
    // A new handle (or a cast copy), so that disposing the dict later leaves the module intact.
    for (const [cell, given] of writes)
      cell.assign(given.dtype === cell.dtype ? given.reshape(given.shape) : cast(given, cell.dtype));
    return { missingKeys, unexpectedKeys };
  }

  // ------------------------------------------------------------------ penalties and summary

  /** The sum of every regularizer's penalty in the tree (0 when there is none); add it to the loss. */
  regularizationLoss(): Tensor {
    let total: Tensor | null = null;
    const modules: Module[] = [this, ...this.namedModules().map(([, m]) => m)];
    for (const m of modules) {
      if (m.#regularizers.size === 0) continue;
      const slots = m.#ownSlots();
      for (const [name, reg] of m.#regularizers) {
        const slot = slots.find((s) => s.localName === name)?.value;
        if (!(slot instanceof Parameter))
          throw new ValueError(`regularizationLoss: '${name}' of ${m.constructor.name} is not a parameter`);
        const penalty = reg(slot.value);
        total = total === null ? penalty : add(total, penalty);
      }
    }
    return total ?? scalar(0);
  }

  /**
   * A table of the layers (dotted name and type), their output shapes for an input of
   * `inputShape` (batch axis included, e.g. [1, 784]), their parameter counts, and the totals.
   * Runs one forward pass in evaluation mode on zeros; no state changes.
   */
  summary(inputShape: readonly number[]): string {
    return summarize(this, inputShape);
  }
}

function checkTensor(op: string, v: unknown): Tensor {
  if (!(v instanceof Tensor))
    throw new ValueError(`${op}: value must be a Tensor or a cell, got ${describe(v)}`);
  return v;
}

/** A short description of a value for error messages. */
export function describe(v: unknown): string {
  if (v instanceof Tensor) return `a Tensor of shape ${fmtShape(v.shape)} and dtype ${v.dtype}`;
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return `an object (${(v as object).constructor?.name ?? "Object"})`;
  if (typeof v === "string") return `the string '${v}'`;
  return `${typeof v} ${String(v)}`;
}
