import { type Tensor, fmtShape, isFloat, shapesEqual, withInterpreter } from "@axon/core";
import { GradientError } from "./errors.ts";
import { identity } from "./prims.ts";
import { collect, releaseIfFree, releasing } from "./release.ts";
import { type NodeBackward, Tape, activeTapes, pauseTapes } from "./tape.ts";
import { flattenTree } from "./tree.ts";

/**
 * Gradient checkpointing: `checkpoint(f)` computes the same values as `f`, but under a tape it
 * keeps only f's inputs and outputs. Every tensor created inside f (other than its outputs) is
 * released as soon as f returns, and f runs again in the backward pass to rebuild what its
 * gradient needs. Memory for depth is traded for one more forward pass.
 *
 * f must be deterministic (random ops need a fixed key) and should not keep references to its
 * intermediates. Tensors it reads from a closure (a layer's weights) get their gradients too.
 */
export function checkpoint<A extends unknown[], R>(f: (...args: A) => R): (...args: A) => R {
  if (typeof f !== "function") throw new GradientError(`checkpoint: expected a function, got ${typeof f}`);
  return (...args: A): R => {
    const tapes = activeTapes();
    if (tapes.length === 0) return f(...args);
    const argFlat = flattenTree(args);
    const inputs = argFlat.leaves;
    const { result, collector } = pauseTapes(() => collect(() => f(...args), true));
    const outFlat = flattenTree(result);
    const outputs = pauseTapes(() => outFlat.leaves.map(identity));
    const inputSet = new Set(inputs);
    const captured = [...collector.external!].filter(
      (t) => !inputSet.has(t) && tapes.some((tp) => tp.tracksDifferentiably(t)),
    );
    const blockInputs = [...inputs, ...captured];

    const backward: NodeBackward = (cts) =>
      releasing(
        () => {
          const tape = new Tape();
          const copies = inputs.map((t) => (isFloat(t.dtype) ? identity(t) : t));
          copies.forEach((c, i) => {
            if (c !== inputs[i]) tape.watch(c, i);
          });
          captured.forEach((t, j) => {
            tape.watch(t, inputs.length + j);
          });
          try {
            const again = withInterpreter(tape, () => f(...(argFlat.rebuild(copies) as A)));
            const outs = flattenTree(again).leaves;
            const same =
              outs.length === outputs.length && outs.every((t, i) => shapesEqual(t.shape, outputs[i].shape));
            if (!same) {
              throw new GradientError(
                `checkpoint: recomputing the block gave different outputs (${outs.map((t) => fmtShape(t.shape)).join(", ")} instead of ${outputs.map((t) => fmtShape(t.shape)).join(", ")}); the function must be deterministic`,
              );
            }
            return tape.backward(outs, cts, blockInputs.length, "checkpoint").grads;
          } finally {
            tape.release();
          }
        },
        (grads) => grads.filter((g): g is Tensor => g !== null),
      );

    for (const tape of tapes) tape.recordBlock("checkpoint", blockInputs, outputs, backward, blockInputs);
    // The block's intermediates are not needed any more: the backward recomputes them.
    const keep = new Set(outputs);
    for (const t of collector.created) if (!keep.has(t)) releaseIfFree(t);
    return outFlat.rebuild(outputs) as R;
  };
}
