import { AxonError } from "@axon/core";

/** A gradient that cannot be computed as asked: no path, a non-scalar output, a bad cotangent. */
export class GradientError extends AxonError {}

/** An input reaches the output only through primitives that have no derivative (argmax, comparisons, integer casts). */
export class NonDifferentiableError extends GradientError {}
