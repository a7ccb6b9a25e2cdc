import { Tensor } from "@axon/core";
import { GradientError } from "./errors.ts";
import { identity, zeros } from "./prims.ts";
import { collect } from "./release.ts";
import { type NodeBackward, activeTapes, pauseTapes } from "./tape.ts";
import { type FlatTree, flattenTree } from "./tree.ts";

/** The cotangent handed to a custom backward: the output's structure, zeros where nothing flows. */
export type OutputCotangent<V> = V extends Tensor
  ? Tensor
  : V extends readonly unknown[]
    ? { [K in keyof V]: OutputCotangent<V[K]> }
    : V extends object
      ? { [K in keyof V]: OutputCotangent<V[K]> }
      : V;

/** What a customGrad body returns: the value, and how to pull a cotangent of it back to the arguments. */
export interface CustomGradResult<V> {
  readonly value: V;
  /**
   * One gradient per argument (a tensor, a tree like that argument, or null), or a single tensor
   * when there is one argument. `inputs` and `value` are the live forward tensors: compute from
   * them (not from tensors captured inside the body) and higher-order gradients stay exact.
   * (`inputs` is loosely typed: TypeScript cannot infer the arguments' types into this callback.)
   */
  readonly grad: (
    cotangent: OutputCotangent<V>,
    saved: { readonly inputs: any[]; readonly value: V },
  ) => unknown;
}

/**
 * Gives a function a backward of your own: for a numerically stable gradient of a composite
 * (log-sum-exp, softplus), a straight-through estimator, or gradient clipping in the backward.
 * The body runs once, unrecorded; each active tape records it as one step whose backward is
 * `grad`. Tensors being differentiated must come in through the arguments: reading one from a
 * closure is an error, since its gradient could not be returned.
 *
 *     const clipGrad = customGrad((x: Tensor) => ({
 *       value: identity(x),
 *       grad: (dy) => [clipByValue(dy, -1, 1)],
 *     }));
 */
export function customGrad<A extends unknown[], V>(
  f: (...args: A) => CustomGradResult<V>,
): (...args: A) => V {
  if (typeof f !== "function") throw new GradientError(`customGrad: expected a function, got ${typeof f}`);
  return (...args: A): V => {
    const tapes = activeTapes();
    if (tapes.length === 0) return checkResult(f(...args)).value;
    const inputs = flattenTree(args);
    const { result, collector } = pauseTapes(() => collect(() => checkResult(f(...args)), true));
    const outFlat = flattenTree(result.value);
    // Fresh handles, so an output that is also an input (or already on a tape) maps to this step.
    const outputs = pauseTapes(() => outFlat.leaves.map(identity));
    const value = outFlat.rebuild(outputs) as V;
    const inputSet = new Set(inputs.leaves);
    for (const tape of tapes) {
      for (const t of collector.external!) {
        if (!inputSet.has(t) && tape.tracksDifferentiably(t)) {
          throw new GradientError(
            "customGrad: the body reads a tensor that is being differentiated but is not one of its arguments (captured from a closure?); pass it as an argument so its gradient can be returned",
          );
        }
      }
    }
    const backward: NodeBackward = (cts) => {
      const ct = outFlat.rebuild(
        cts.map((c, i) => c ?? zeros(outputs[i].shape, outputs[i].dtype)),
      ) as OutputCotangent<V>;
      return alignGrads(args, inputs, result.grad(ct, { inputs: args, value }));
    };
    for (const tape of tapes)
      tape.recordBlock("customGrad", inputs.leaves, outputs, backward, [...inputs.leaves, ...outputs]);
    return value;
  };
}

function checkResult<R>(r: R): R {
  const ok =
    r !== null &&
    typeof r === "object" &&
    "value" in r &&
    typeof (r as { grad?: unknown }).grad === "function";
  if (!ok)
    throw new GradientError(
      "customGrad: the body must return { value, grad: (cotangent, { inputs, value }) => gradients }",
    );
  return r;
}

/** The user's gradients, one per argument, flattened to one per input tensor. */
function alignGrads(args: readonly unknown[], inputs: FlatTree, raw: unknown): (Tensor | null)[] {
  const perArg = raw instanceof Tensor ? [raw] : raw;
  if (!Array.isArray(perArg) || perArg.length > args.length) {
    throw new GradientError(
      `customGrad: grad must return an array with one gradient per argument (${args.length}), or a single tensor`,
    );
  }
  const out: (Tensor | null)[] = [];
  args.forEach((arg, i) => {
    const n = flattenTree(arg).leaves.length;
    const g = perArg[i];
    if (g === null || g === undefined) {
      for (let j = 0; j < n; j++) out.push(null);
      return;
    }
    const leaves = flattenTree(g).leaves;
    if (leaves.length !== n) {
      throw new GradientError(
        `customGrad: the gradient for argument ${i} must hold ${n} tensor(s) like the argument, got ${leaves.length}`,
      );
    }
    out.push(...leaves);
  });
  if (out.length !== inputs.leaves.length)
    throw new GradientError("customGrad: gradients do not line up with the arguments");
  return out;
}
