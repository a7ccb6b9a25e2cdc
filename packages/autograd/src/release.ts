import {
  type Interpreter,
  type PrimAttrs,
  type PrimName,
  type Tensor,
  type TensorSpec,
  activeInterpreters,
  withInterpreter,
} from "@axon/core";

/**
 * Prompt release of the tensors autograd creates for itself (backward temporaries, the
 * internals of a checkpointed block). A tensor is released early only when nothing else can
 * still need it: no live tape saved it for its own backward (higher-order gradients), and no
 * interpreter other than autograd's own is recording (a compiler tracer keeps what it sees).
 * Everything else is left to garbage collection, which core's engine turns into buffer release.
 */

/** Marks autograd's own interpreters, which hold no tensor they have not pinned. */
export const AUTOGRAD = Symbol("axon.autograd");

/** Whatever owns pins (a tape): its pins lapse once it is released. */
export interface PinOwner {
  readonly released: boolean;
}

const pins = new WeakMap<Tensor, PinOwner[]>();

/** Records that `owner` keeps `t` for its backward, so early release must leave it alone. */
export function pin(t: Tensor, owner: PinOwner): void {
  const list = pins.get(t);
  if (!list) pins.set(t, [owner]);
  else if (!list.includes(owner)) list.push(owner);
}

export function isPinned(t: Tensor): boolean {
  const list = pins.get(t);
  if (!list) return false;
  const live = list.filter((o) => !o.released);
  if (live.length === 0) pins.delete(t);
  else if (live.length !== list.length) pins.set(t, live);
  return live.length > 0;
}

/** True when every active interpreter is autograd's own (so nobody else may hold our temporaries). */
export function canRelease(): boolean {
  return activeInterpreters().every((i) => (i as { [AUTOGRAD]?: boolean })[AUTOGRAD] === true);
}

/** Disposes `t` if early release is allowed and no live tape pinned it. */
export function releaseIfFree(t: Tensor): void {
  if (!t.isDisposed && !isPinned(t) && canRelease()) t.dispose();
}

/** Sees every primitive applied while it is installed: what was created, and which outside tensors were read. */
export class Collector implements Interpreter {
  readonly [AUTOGRAD] = true;
  readonly created = new Set<Tensor>();
  /** Tensors read by the block that it did not create (captured from outside), when asked for. */
  readonly external: Set<Tensor> | null;

  constructor(trackExternal = false) {
    this.external = trackExternal ? new Set() : null;
  }

  apply<P extends PrimName>(
    _prim: P,
    inputs: readonly Tensor[],
    _attrs: PrimAttrs[P],
    _out: TensorSpec,
    next: (inputs: readonly Tensor[]) => Tensor,
  ): Tensor {
    if (this.external) for (const t of inputs) if (!this.created.has(t)) this.external.add(t);
    const y = next(inputs);
    if (!inputs.includes(y)) this.created.add(y);
    return y;
  }
}

const collectors: Collector[] = [];

/** Registers a tensor made outside dispatch (a constant built with makeTensor) with the innermost collector. */
export function noteCreated<T extends Tensor>(t: T): T {
  collectors[collectors.length - 1]?.created.add(t);
  return t;
}

/** Runs `fn` under a fresh collector and returns its result with what it saw. */
export function collect<T>(fn: () => T, trackExternal = false): { result: T; collector: Collector } {
  const collector = new Collector(trackExternal);
  collectors.push(collector);
  try {
    const result = withInterpreter(collector, fn);
    return { result, collector };
  } catch (e) {
    for (const t of collector.created) releaseIfFree(t);
    throw e;
  } finally {
    collectors.splice(collectors.lastIndexOf(collector), 1);
  }
}

/** Runs `fn` and releases every tensor it created except `keep` (and anything pinned). */
export function releasing<T>(fn: () => T, keep: (result: T) => Iterable<Tensor>): T {
  const { result, collector } = collect(fn);
  const kept = new Set(keep(result));
  for (const t of collector.created) if (!kept.has(t)) releaseIfFree(t);
  return result;
}
