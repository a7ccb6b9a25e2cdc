import type { PrimAttrs, PrimName, Tensor, TensorSpec } from "@axon/core";
import { GradientError } from "../errors.ts";

/**
 * Primitives with no derivative at all. Asking for a gradient through them (an input that
 * reaches the output only through them) is an error, never a silent zero. A cast is partly in
 * this class: its rule declares float→int32/bool casts non-differentiable.
 */
export const NON_DIFFERENTIABLE_PRIMS = [
  "equal",
  "notEqual",
  "less",
  "lessEqual",
  "greater",
  "greaterEqual",
  "logicalAnd",
  "logicalOr",
  "logicalNot",
  "argmax",
  "argmin",
  "randomUniform",
] as const satisfies readonly PrimName[];

export type NonDifferentiablePrim = (typeof NON_DIFFERENTIABLE_PRIMS)[number];

/** Every other primitive: a new primitive in core lands here, so its missing rule is a compile error. */
export type DifferentiablePrim = Exclude<PrimName, NonDifferentiablePrim>;

/** What a rule may keep from the forward pass, decided when the primitive is recorded. */
export interface Saves {
  /** Positions of the inputs whose values the backward reads. */
  readonly inputs?: readonly number[];
  /** Whether the backward reads the output (exp, tanh, sqrt reuse it). */
  readonly output?: boolean;
}

/** What a rule sees in the backward pass. */
export interface VjpContext<P extends PrimName> {
  readonly attrs: PrimAttrs[P];
  /** Shapes and dtypes of every input (always kept; they are small). */
  readonly inputSpecs: readonly TensorSpec[];
  readonly outSpec: TensorSpec;
  /** needs[i]: input i wants a gradient (the rule may skip the others and return null there). */
  readonly needs: readonly boolean[];
  /** The value of input i; the rule must have listed i in `saves`. */
  input(i: number): Tensor;
  /** The forward output; the rule must have asked for it in `saves`. */
  output(): Tensor;
}

/**
 * The vector-Jacobian product of one primitive: given the cotangent of its output, the
 * cotangents of its inputs (null where there is none or it is zero). Rules are written with
 * primitive applications, so an outer tape records them and differentiates them again.
 */
export interface VjpRule<P extends PrimName> {
  /** What to keep for the backward, given which inputs need a gradient; nothing by default. */
  readonly saves?: (needs: readonly boolean[], attrs: PrimAttrs[P]) => Saves;
  /** Input positions that never carry a gradient (a where's condition, gather's indices). */
  readonly constantInputs?: readonly number[];
  /** True when this particular application has no derivative (a cast to int32 or bool). */
  readonly nonDifferentiable?: (
    attrs: PrimAttrs[P],
    inputs: readonly TensorSpec[],
    out: TensorSpec,
  ) => boolean;
  vjp(ct: Tensor, ctx: VjpContext<P>): readonly (Tensor | null | undefined)[];
}

/** One rule per differentiable primitive; the type refuses a missing one. */
export type VjpTable = { readonly [P in DifferentiablePrim]: VjpRule<P> };

/** Builds the context a rule receives from what the tape kept. */
export function makeContext<P extends PrimName>(
  prim: P,
  attrs: PrimAttrs[P],
  inputSpecs: readonly TensorSpec[],
  outSpec: TensorSpec,
  needs: readonly boolean[],
  saved: readonly (Tensor | undefined)[],
  output: Tensor | undefined,
): VjpContext<P> {
  const alive = (t: Tensor | undefined, what: string): Tensor => {
    if (t === undefined)
      throw new GradientError(`vjp rule of '${prim}' read ${what}, which it did not list in 'saves'`);
    if (t.isDisposed) {
      throw new GradientError(
        `the backward of '${prim}' needs ${what} from the forward pass, but it was disposed (a tidy or dispose inside the differentiated function?); keep it alive until the gradient is computed`,
      );
    }
    return t;
  };
  return {
    attrs,
    inputSpecs,
    outSpec,
    needs,
    input: (i) => alive(saved[i], `input ${i}`),
    output: () => alive(output, "its output"),
  };
}
