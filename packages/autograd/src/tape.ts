import {
  type Interpreter,
  type PrimAttrs,
  type PrimName,
  type Tensor,
  type TensorSpec,
  activeInterpreters,
  fmtShape,
  isFloat,
  shapesEqual,
} from "@axon/core";
import { GradientError } from "./errors.ts";
import { add } from "./prims.ts";
import { AUTOGRAD, type PinOwner, collect, isPinned, pin, releaseIfFree } from "./release.ts";
import { makeContext, ruleOf } from "./vjp-rules/index.ts";

/** Computes the input cotangents of a node from its output cotangents (null = zero). */
export type NodeBackward = (cts: readonly (Tensor | null)[]) => readonly (Tensor | null | undefined)[];

/** Where a tensor comes from on a tape: output `index` of `node`. */
interface Slot {
  readonly node: Node;
  readonly index: number;
}

/**
 * One recorded application. A differentiable node carries a backward closure holding exactly the
 * tensors its rule asked to keep. A non-differentiable node (argmax, a comparison, anything fed
 * only by such nodes) keeps no tensor: it only remembers its parents, so that a gradient asked
 * through it can be refused by name instead of silently being zero.
 */
interface Node {
  readonly id: number;
  /** The primitive, or "customGrad"/"checkpoint". */
  readonly name: string;
  readonly differentiable: boolean;
  /** True when this node itself has no derivative (as opposed to only being fed by such nodes). */
  readonly blocks: boolean;
  readonly parents: readonly (Slot | null)[];
  /** needs[i]: a gradient flows to parent i. */
  readonly needs: readonly boolean[];
  readonly inputSpecs: readonly TensorSpec[];
  readonly outSpecs: readonly TensorSpec[];
  /** Index of the watched input for a leaf, -1 otherwise. */
  readonly leaf: number;
  backward: NodeBackward | null;
}

let nextNodeId = 0;

const specOf = (t: Tensor): TensorSpec => ({ shape: t.shape, dtype: t.dtype });

/** What a backward pass found for the watched inputs. */
export interface BackwardResult {
  /** The gradient of each watched input; null where none arrived (it is zero or unreachable). */
  readonly grads: (Tensor | null)[];
  /** reached[i]: a differentiable path joins input i to an output (its gradient may still be zero). */
  readonly reached: boolean[];
}

/**
 * The tape: an interpreter in core's dispatch stack that records every primitive applied to a
 * tensor it tracks (a watched input or anything computed from one) and plays the record
 * backwards. Tracking is by tensor identity in a WeakMap, so a branch of the computation that
 * nobody can reach any more is collected with its saved tensors; nested tapes are independent
 * interpreters, and an outer tape records what an inner tape's backward computes.
 */
export class Tape implements Interpreter, PinOwner {
  readonly [AUTOGRAD] = true;
  /** While positive, applications pass through unrecorded (noGrad, a customGrad's forward). */
  paused = 0;
  released = false;
  #slots = new WeakMap<Tensor, Slot>();

  /** Tracks `t` as watched input number `leaf`. */
  watch(t: Tensor, leaf: number): void {
    if (this.#slots.has(t)) throw new GradientError("internal: a tensor was watched twice by one tape");
    const node: Node = {
      id: nextNodeId++,
      name: "input",
      differentiable: true,
      blocks: false,
      parents: [],
      needs: [],
      inputSpecs: [],
      outSpecs: [specOf(t)],
      leaf,
      backward: null,
    };
    this.#slots.set(t, { node, index: 0 });
  }

  /** True when `t` depends on a watched input (through any primitive). */
  tracks(t: Tensor): boolean {
    return this.#slots.has(t);
  }

  /** True when a gradient can flow from `t` back to a watched input. */
  tracksDifferentiably(t: Tensor): boolean {
    return this.#slots.get(t)?.node.differentiable ?? false;
  }

  get recording(): boolean {
    return this.paused === 0 && !this.released;
  }

  apply<P extends PrimName>(
    prim: P,
    inputs: readonly Tensor[],
    attrs: PrimAttrs[P],
    _out: TensorSpec,
    next: (inputs: readonly Tensor[]) => Tensor,
  ): Tensor {
    const y = next(inputs);
    if (!this.recording || inputs.includes(y)) return y;
    let parents: (Slot | null)[] | null = null;
    for (let i = 0; i < inputs.length; i++) {
      const s = this.#slots.get(inputs[i]);
      if (s) (parents ??= new Array<Slot | null>(inputs.length).fill(null))[i] = s;
    }
    if (parents) this.#recordPrimitive(prim, inputs, attrs, y, parents);
    return y;
  }

  #recordPrimitive<P extends PrimName>(
    prim: P,
    inputs: readonly Tensor[],
    attrs: PrimAttrs[P],
    y: Tensor,
    parents: (Slot | null)[],
  ) {
    const rule = ruleOf(prim);
    const inputSpecs = inputs.map(specOf);
    const outSpec = specOf(y);
    const blocks = !rule || (rule.nonDifferentiable?.(attrs, inputSpecs, outSpec) ?? false);
    const needs = inputs.map(
      (t, i) =>
        !blocks &&
        !!parents[i]?.node.differentiable &&
        isFloat(t.dtype) &&
        !rule?.constantInputs?.includes(i),
    );
    const differentiable = needs.some(Boolean);
    let backward: NodeBackward | null = null;
    if (differentiable && rule) {
      const saves = rule.saves?.(needs, attrs) ?? {};
      const saved: (Tensor | undefined)[] = new Array(inputs.length).fill(undefined);
      for (const i of saves.inputs ?? []) {
        saved[i] = inputs[i];
        pin(inputs[i], this);
      }
      const output = saves.output ? y : undefined;
      if (output) pin(output, this);
      const ctx = makeContext(prim, attrs, inputSpecs, outSpec, needs, saved, output);
      backward = (cts) => rule.vjp(cts[0]!, ctx);
    }
    this.#add(y, prim, differentiable, blocks, parents, needs, inputSpecs, [outSpec], backward);
  }

  /**
   * Records a block computed outside the tape's view (customGrad, checkpoint): `outputs` depend
   * on `inputs` through `backward`, which keeps whatever it closes over until the tape is released.
   */
  recordBlock(
    name: string,
    inputs: readonly Tensor[],
    outputs: readonly Tensor[],
    backward: NodeBackward,
    keep: readonly Tensor[],
  ): void {
    if (!this.recording) return;
    const parents = inputs.map((t) => this.#slots.get(t) ?? null);
    if (!parents.some(Boolean)) return;
    const needs = inputs.map((t, i) => !!parents[i]?.node.differentiable && isFloat(t.dtype));
    const differentiable = needs.some(Boolean);
    for (const t of keep) pin(t, this);
    const node = this.#add(
      null,
      name,
      differentiable,
      false,
      parents,
      needs,
      inputs.map(specOf),
      outputs.map(specOf),
      differentiable ? backward : null,
    );
    outputs.forEach((t, index) => {
      if (this.#slots.has(t))
        throw new GradientError(`internal: ${name} output ${index} is already on the tape`);
      this.#slots.set(t, { node, index });
    });
  }

  #add(
    y: Tensor | null,
    name: string,
    differentiable: boolean,
    blocks: boolean,
    parents: readonly (Slot | null)[],
    needs: readonly boolean[],
    inputSpecs: readonly TensorSpec[],
    outSpecs: readonly TensorSpec[],
    backward: NodeBackward | null,
  ): Node {
    const node: Node = {
      id: nextNodeId++,
      name,
      differentiable,
      blocks,
      parents,
      needs,
      inputSpecs,
      outSpecs,
      leaf: -1,
      backward,
    };
    if (y) this.#slots.set(y, { node, index: 0 });
    return node;
  }

  /**
   * Plays the tape backwards from `outputs` with cotangents `cts` (null = zero) and returns the
   * gradients of the `numLeaves` watched inputs. Temporaries are released as soon as no later
   * step needs them (unless an outer tape or a tracer may still hold them).
   */
  backward(
    outputs: readonly Tensor[],
    cts: readonly (Tensor | null)[],
    numLeaves: number,
    who = "grad",
  ): BackwardResult {
    if (this.released)
      throw new GradientError(`${who}: this gradient was already computed and its tape released`);
    const seeds: Slot[] = [];
    const seedCts: Tensor[] = [];
    outputs.forEach((out, k) => {
      const s = this.#slots.get(out);
      const ct = cts[k];
      if (s?.node.differentiable && ct) {
        seeds.push(s);
        seedCts.push(ct);
      }
    });
    // The differentiable nodes between the outputs and the watched inputs, latest first.
    const reach = new Set<Node>();
    const stack = seeds.map((s) => s.node);
    while (stack.length) {
      const n = stack.pop()!;
      if (reach.has(n)) continue;
      reach.add(n);
      n.needs.forEach((need, i) => {
        if (need) stack.push(n.parents[i]!.node);
      });
    }
    const order = [...reach].sort((a, b) => b.id - a.id);

    const pending = new Map<Node, (Tensor | null)[]>();
    const refs = new Map<Tensor, number>();
    const owned = new WeakSet<Tensor>();
    const hold = (t: Tensor) => refs.set(t, (refs.get(t) ?? 0) + 1);
    const drop = (t: Tensor) => {
      const r = (refs.get(t) ?? 0) - 1;
      if (r > 0) refs.set(t, r);
      else {
        refs.delete(t);
        if (owned.has(t)) releaseIfFree(t);
      }
    };
    const accumulate = (slot: Slot, g: Tensor) => {
      let arr = pending.get(slot.node);
      if (!arr)
        pending.set(slot.node, (arr = new Array<Tensor | null>(slot.node.outSpecs.length).fill(null)));
      const prev = arr[slot.index];
      if (!prev) {
        arr[slot.index] = g;
        hold(g);
        return;
      }
      const total = add(prev, g);
      owned.add(total);
      arr[slot.index] = total;
      hold(total);
      drop(prev);
    };

    seeds.forEach((s, k) => {
      accumulate(s, seedCts[k]);
    });
    for (const node of order) {
      if (node.leaf >= 0) continue;
      const nodeCts = pending.get(node);
      if (!nodeCts || !node.backward) continue;
      pending.delete(node);
      if (nodeCts.some(Boolean)) {
        const backward = node.backward;
        const { result, collector } = collect(() => backward(nodeCts));
        const grads = checkGrads(node, result, who);
        for (const g of grads) if (g && collector.created.has(g)) owned.add(g);
        for (const t of collector.created) if (!grads.includes(t)) releaseIfFree(t);
        grads.forEach((g, i) => {
          if (g && node.needs[i]) accumulate(node.parents[i]!, g);
        });
        // Results that were summed into an existing cotangent (or not needed) are finished now.
        for (const g of grads) if (g && !refs.has(g) && owned.has(g)) releaseIfFree(g);
      }
      for (const ct of nodeCts) if (ct) drop(ct);
    }

    const grads = new Array<Tensor | null>(numLeaves).fill(null);
    const reached = new Array<boolean>(numLeaves).fill(false);
    for (const node of order) {
      if (node.leaf < 0 || node.leaf >= numLeaves) continue;
      reached[node.leaf] = true;
      grads[node.leaf] = pending.get(node)?.[0] ?? null;
    }
    return { grads, reached };
  }

  /**
   * For watched inputs that no differentiable path joins to `outputs`: the non-differentiable
   * primitive through which each one still reaches them, if any (closest to the input).
   */
  explainUnreached(outputs: readonly Tensor[], unreached: ReadonlySet<number>): Map<number, string> {
    const found = new Map<number, string>();
    if (unreached.size === 0) return found;
    const seen = new Set<Node>();
    const stack: [Node, string | null][] = [];
    for (const out of outputs) {
      const s = this.#slots.get(out);
      if (s) stack.push([s.node, null]);
    }
    while (stack.length) {
      const [n, via0] = stack.pop()!;
      if (seen.has(n)) continue;
      seen.add(n);
      const via = n.blocks ? n.name : via0;
      if (n.leaf >= 0 && via && unreached.has(n.leaf) && !found.has(n.leaf)) found.set(n.leaf, via);
      for (const p of n.parents) if (p) stack.push([p.node, via]);
    }
    return found;
  }

  /** Drops every record: saved tensors are unpinned and left to the collector. */
  release(): void {
    this.released = true;
    this.#slots = new WeakMap();
  }
}

/** Checks a node's gradients: one per input, each with the input's shape and dtype. */
function checkGrads(
  node: Node,
  result: readonly (Tensor | null | undefined)[],
  who: string,
): (Tensor | null)[] {
  if (!Array.isArray(result) || result.length > node.inputSpecs.length) {
    throw new GradientError(
      `${who}: the backward of '${node.name}' must return one gradient per input (${node.inputSpecs.length}), got ${Array.isArray(result) ? result.length : typeof result}`,
    );
  }
  return node.inputSpecs.map((spec, i) => {
    const g = result[i] ?? null;
    if (g === null || !node.needs[i]) return g;
    if (!shapesEqual(g.shape, spec.shape) || g.dtype !== spec.dtype) {
      throw new GradientError(
        `${who}: the backward of '${node.name}' returned a gradient of shape ${fmtShape(g.shape)} (${g.dtype}) for input ${i} of shape ${fmtShape(spec.shape)} (${spec.dtype})`,
      );
    }
    return g;
  });
}

/** The tapes that record right now, outermost first. */
export function activeTapes(): Tape[] {
  return activeInterpreters().filter((i): i is Tape => i instanceof Tape && i.recording);
}

/** Runs `fn` with every tape that is recording now paused (tapes started inside `fn` still record). */
export function pauseTapes<T>(fn: () => T): T {
  const tapes = activeTapes();
  for (const t of tapes) t.paused++;
  try {
    return fn();
  } finally {
    for (const t of tapes) t.paused--;
  }
}

/** Used by tests: whether a tensor is kept by a live tape. */
export const isKeptByTape = (t: Tensor): boolean => isPinned(t);
