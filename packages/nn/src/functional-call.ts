import { Parameter, ShapeError, Tensor, ValueError, fmtShape, shapesEqual } from "@axon/core";
import { type Module, walkSlots } from "./module.ts";

/**
 * Runs `fn` with some of `module`'s parameters replaced by the given tensors (by dotted name),
 * then puts the parameters back. The module becomes a pure function of those tensors, which is
 * what `gradCheck`, per-example gradients and meta-learning need:
 *
 *     gradCheck((x, k) => functionalCall(dense, { kernel: k }, () => dense.call(x)), [x, k]);
 *
 * `fn` must not assign to the replaced parameters (the tensors stay the caller's).
 */
export function functionalCall<T>(module: Module, values: Record<string, Tensor>, fn: () => T): T {
  if (values === null || typeof values !== "object")
    throw new ValueError(`functionalCall: values must be an object of tensors, got ${String(values)}`);
  if (typeof fn !== "function")
    throw new ValueError(`functionalCall: fn must be a function, got ${typeof fn}`);
  const entries = new Map(walkSlots(module).map((e) => [e.name, e]));
  const swaps: { restore: () => void }[] = [];
  try {
    for (const [name, t] of Object.entries(values)) {
      const e = entries.get(name);
      if (!e || !(e.value instanceof Parameter)) {
        const known = [...entries.values()].filter((v) => v.value instanceof Parameter).map((v) => v.name);
        throw new ValueError(
          `functionalCall: no parameter '${name}' (parameters: ${known.join(", ") || "none"})`,
        );
      }
      if (!(t instanceof Tensor)) throw new ValueError(`functionalCall: '${name}' must be a Tensor`);
      if (!shapesEqual(t.shape, e.value.shape))
        throw new ShapeError(
          `functionalCall: shape mismatch for '${name}': expected ${fmtShape(e.value.shape)}, got ${fmtShape(t.shape)}`,
        );
      const original = e.value;
      // Parameter keeps its tensor (exempt from tidy); the caller's flag is put back afterwards.
      const wasKept = t.kept;
      e.replace(new Parameter(t, original.name, original.trainable));
      swaps.push({
        restore: () => {
          e.replace(original);
          t.kept = wasKept;
        },
      });
    }
    return fn();
  } finally {
    for (const s of swaps.reverse()) s.restore();
  }
}
