import { DTypeError, type Tensor, isFloat, withInterpreter } from "@axon/core";
import { GradientError, NonDifferentiableError } from "./errors.ts";
import { identity, zeros } from "./prims.ts";
import { Tape } from "./tape.ts";
import { type FlatTree, flattenTree } from "./tree.ts";

/**
 * The shared core of grad, valueAndGrad, vjp and gradCheck: choose what to differentiate with
 * respect to, run the function on a fresh tape, play it back, and explain what went wrong.
 */

/** What to differentiate with respect to. */
export type Selection =
  /** Positional arguments (each a tensor or a tree of tensors); the function receives fresh copies to watch. */
  | { readonly kind: "args"; readonly argnums: readonly number[] }
  /** Tensors the function reads from its closure (a model's parameters), watched by identity. */
  | { readonly kind: "wrt"; readonly tree: unknown };

export interface WatchOptions {
  /** int32/bool leaves: an error (grad) or constants that get no gradient (gradCheck). */
  readonly intLeaves?: "error" | "constant";
}

/** A function running on a tape, ready to be played back. */
export interface Watched {
  readonly tape: Tape;
  /** The arguments the function is called with (watched copies in place of the selected tensors). */
  readonly callArgs: unknown[];
  /** One flattened tree per selected argument (or one for `wrt`). */
  readonly groups: readonly {
    readonly flat: FlatTree;
    readonly leafIds: readonly (number | null)[];
    readonly name: string;
  }[];
  readonly numLeaves: number;
  readonly leafSpecs: readonly Tensor[];
  readonly leafNames: readonly string[];
}

/** Watches the selected tensors on a new tape (not yet installed). */
export function watch(
  who: string,
  args: readonly unknown[],
  selection: Selection,
  options: WatchOptions = {},
): Watched {
  const tape = new Tape();
  const callArgs = [...args];
  const groups: Watched["groups"][number][] = [];
  const leafSpecs: Tensor[] = [];
  const leafNames: string[] = [];
  const byIdentity = new Map<Tensor, number>();

  const select = (flat: FlatTree, name: string, copy: boolean) => {
    const leafIds = flat.leaves.map((t, j) => {
      const where = `${name}${flat.paths[j]}`;
      if (!isFloat(t.dtype)) {
        if (options.intLeaves === "constant") return null;
        throw new DTypeError(
          `${who}: ${where} is ${t.dtype}; gradients exist only for float32/float64 tensors (cast it, or leave it out of ${copy ? "argnums" : "wrt"})`,
        );
      }
      if (!copy) {
        const seen = byIdentity.get(t);
        if (seen !== undefined) return seen;
      }
      const id = leafSpecs.length;
      const watched = copy ? identity(t) : t;
      tape.watch(watched, id);
      if (!copy) byIdentity.set(t, id);
      leafSpecs.push(watched);
      leafNames.push(where);
      return id;
    });
    groups.push({ flat, leafIds, name });
    return leafIds;
  };

  if (selection.kind === "args") {
    for (const a of selection.argnums) {
      if (!Number.isInteger(a) || a < 0 || a >= args.length) {
        throw new GradientError(
          `${who}: argnums asks for argument ${a}, but the function was called with ${args.length} argument(s)`,
        );
      }
      const flat = flattenTree(args[a]);
      if (flat.leaves.length === 0)
        throw new GradientError(`${who}: argument ${a} holds no tensor to differentiate with respect to`);
      const ids = select(flat, `argument ${a}`, true);
      callArgs[a] = flat.rebuild(ids.map((id, j) => (id === null ? flat.leaves[j] : leafSpecs[id])));
    }
  } else {
    const flat = flattenTree(selection.tree, { cells: true });
    if (flat.leaves.length === 0)
      throw new GradientError(`${who}: wrt holds no tensor to differentiate with respect to`);
    select(flat, "wrt", false);
  }
  return { tape, callArgs, groups, numLeaves: leafSpecs.length, leafSpecs, leafNames };
}

/** Calls `f` with the watched arguments with the tape installed; on error the tape is released. */
export function runWatched<R>(w: Watched, f: (...args: any[]) => R): R {
  try {
    return withInterpreter(w.tape, () => f(...w.callArgs));
  } catch (e) {
    w.tape.release();
    throw e;
  }
}

export interface PlaybackOptions {
  /** An input the output does not depend on gets a zero gradient (default) or is an error (false). */
  readonly allowUnused?: boolean;
  /** An input that reaches the output only through argmax, comparisons or integer casts: error (default) or zero (true). */
  readonly allowNonDifferentiable?: boolean;
}

const WHY: Record<string, string> = {
  argmax: "an index is piecewise constant",
  argmin: "an index is piecewise constant",
  cast: "a cast to int32 or bool has no derivative",
  randomUniform: "random bits do not depend on anything",
};

function why(prim: string): string {
  if (WHY[prim]) return WHY[prim];
  if (prim.startsWith("logical")) return "boolean logic has no derivative";
  return "a comparison returns bool, which has no derivative";
}

/** Plays the tape back and returns one gradient tensor per watched leaf (zeros where none arrived). */
export function playback(
  who: string,
  w: Watched,
  outputs: readonly Tensor[],
  cts: readonly (Tensor | null)[],
  options: PlaybackOptions = {},
): Tensor[] {
  const { grads, reached } = w.tape.backward(outputs, cts, w.numLeaves, who);
  const unreached = new Set<number>();
  reached.forEach((r, i) => {
    if (!r) unreached.add(i);
  });
  if (unreached.size > 0 && !options.allowNonDifferentiable) {
    const via = w.tape.explainUnreached(outputs, unreached);
    const first = [...via.entries()].sort((a, b) => a[0] - b[0])[0];
    if (first) {
      const [i, prim] = first;
      throw new NonDifferentiableError(
        `${who}: ${w.leafNames[i]} reaches the output only through '${prim}', which has no gradient (${why(prim)}); ` +
          "wrap that path in stopGradient, or pass allowNonDifferentiable: true, if a zero gradient is what you want",
      );
    }
  }
  if (unreached.size > 0 && options.allowUnused === false) {
    const names = [...unreached].map((i) => w.leafNames[i]);
    throw new GradientError(
      `${who}: ${names.join(", ")} ${names.length === 1 ? "does" : "do"} not affect the output (allowUnused: false); its gradient would be zero`,
    );
  }
  return grads.map((g, i) => g ?? zeros(w.leafSpecs[i].shape, w.leafSpecs[i].dtype));
}

/** The gradient trees, one per selected group, from the per-leaf gradients. */
export function gradTrees(w: Watched, grads: readonly Tensor[]): unknown[] {
  return w.groups.map((g) =>
    g.flat.rebuild(
      g.leafIds.map((id) => (id === null ? null : grads[id])),
      () => null,
    ),
  );
}
