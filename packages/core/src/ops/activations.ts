import { runPrimitive } from "../engine.ts";
import { ValueError } from "../errors.ts";
import { normalizeAxis } from "../shape.ts";
import type { Tensor } from "../tensor.ts";
import {
  asFloat,
  castTo,
  checkBoolean,
  checkFiniteNumber,
  checkTensor,
  keptShape,
  opScope,
  scalarOf,
  stableMax,
} from "./util.ts";

/** The numeric dtype activations compute in: bool counts as int32. */
function numeric(x: Tensor): Tensor {
  return x.dtype === "bool" ? castTo(x, "int32") : x;
}

/** max(x, 0); NaN stays NaN. */
export function relu(x: Tensor): Tensor {
  checkTensor("relu", "x", x);
  return opScope(() => {
    const t = numeric(x);
    return runPrimitive("maximum", [t, scalarOf(0, t.dtype)], {});
  });
}

/** min(max(x, 0), 6). */
export function relu6(x: Tensor): Tensor {
  checkTensor("relu6", "x", x);
  return opScope(() => {
    const t = numeric(x);
    return runPrimitive(
      "minimum",
      [runPrimitive("maximum", [t, scalarOf(0, t.dtype)], {}), scalarOf(6, t.dtype)],
      {},
    );
  });
}

/** x for x > 0, alpha·x otherwise. */
export function leakyRelu(x: Tensor, alpha = 0.01): Tensor {
  checkTensor("leakyRelu", "x", x);
  checkFiniteNumber("leakyRelu", "alpha", alpha);
  return opScope(() => {
    const t = asFloat(x);
    const positive = runPrimitive("greater", [t, scalarOf(0, t.dtype)], {});
    return runPrimitive("where", [positive, t, runPrimitive("mul", [t, scalarOf(alpha, t.dtype)], {})], {});
  });
}

/** x for x > 0, alpha·(exp(x) − 1) otherwise. */
export function elu(x: Tensor, alpha = 1): Tensor {
  checkTensor("elu", "x", x);
  checkFiniteNumber("elu", "alpha", alpha);
  return opScope(() => eluOf(asFloat(x), alpha));
}

function eluOf(t: Tensor, alpha: number): Tensor {
  const zero = scalarOf(0, t.dtype);
  // expm1 of min(x, 0): the unused branch never overflows, so its gradient stays finite.
  const negPart = runPrimitive("expm1", [runPrimitive("minimum", [t, zero], {})], {});
  const positive = runPrimitive("greater", [t, zero], {});
  return runPrimitive(
    "where",
    [positive, t, runPrimitive("mul", [negPart, scalarOf(alpha, t.dtype)], {})],
    {},
  );
}

/** The nearest doubles to alpha = 1.6732632423543772848170429916717… and scale = 1.0507009873554804934193349852946… */
export const SELU_ALPHA = 1.6732632423543772;
export const SELU_SCALE = 1.0507009873554805;

/** Self-normalizing ELU: scale·elu(x, alpha) with Klambauer et al.'s constants. */
export function selu(x: Tensor): Tensor {
  checkTensor("selu", "x", x);
  return opScope(() => {
    const t = asFloat(x);
    return runPrimitive("mul", [eluOf(t, SELU_ALPHA), scalarOf(SELU_SCALE, t.dtype)], {});
  });
}

/** log(1 + exp(x)) as max(x, 0) + log1p(exp(−|x|)): finite for every finite x. */
export function softplus(x: Tensor): Tensor {
  checkTensor("softplus", "x", x);
  return opScope(() => softplusOf(asFloat(x)));
}

function softplusOf(t: Tensor): Tensor {
  const pos = runPrimitive("maximum", [t, scalarOf(0, t.dtype)], {});
  const tail = runPrimitive(
    "log1p",
    [runPrimitive("exp", [runPrimitive("neg", [runPrimitive("abs", [t], {})], {})], {})],
    {},
  );
  return runPrimitive("add", [pos, tail], {});
}

/** log(sigmoid(x)) = −softplus(−x), stable for large |x|. */
export function logSigmoid(x: Tensor): Tensor {
  checkTensor("logSigmoid", "x", x);
  return opScope(() => runPrimitive("neg", [softplusOf(runPrimitive("neg", [asFloat(x)], {}))], {}));
}

/** x·sigmoid(x) (also called SiLU). */
export function swish(x: Tensor): Tensor {
  checkTensor("swish", "x", x);
  return opScope(() => {
    const t = asFloat(x);
    return runPrimitive("mul", [t, runPrimitive("sigmoid", [t], {})], {});
  });
}

/**
 * Gaussian error linear unit: x·Φ(x) = 0.5·x·(1 + erf(x/√2)). With `approximate`, the tanh form
 * 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
 */
export function gelu(x: Tensor, approximate = false): Tensor {
  checkTensor("gelu", "x", x);
  checkBoolean("gelu", "approximate", approximate);
  return opScope(() => {
    const t = asFloat(x);
    const c = (v: number) => scalarOf(v, t.dtype);
    let inner: Tensor;
    if (approximate) {
      const cube = runPrimitive("mul", [runPrimitive("mul", [t, t], {}), t], {});
      const arg = runPrimitive(
        "mul",
        [
          runPrimitive("add", [t, runPrimitive("mul", [cube, c(0.044715)], {})], {}),
          c(Math.sqrt(2 / Math.PI)),
        ],
        {},
      );
      inner = runPrimitive("tanh", [arg], {});
    } else {
      inner = runPrimitive("erf", [runPrimitive("mul", [t, c(Math.SQRT1_2)], {})], {});
    }
    return runPrimitive(
      "mul",
      [runPrimitive("mul", [t, c(0.5)], {}), runPrimitive("add", [inner, c(1)], {})],
      {},
    );
  });
}

function softmaxParts(op: string, x: Tensor, axis: number): { shifted: Tensor; e: Tensor; sum: Tensor } {
  checkTensor(op, "x", x);
  if (typeof axis !== "number") throw new ValueError(`${op}: axis must be a number, got ${String(axis)}`);
  const a = normalizeAxis(op, axis, x.rank);
  const t = asFloat(x);
  const shifted = runPrimitive("sub", [t, stableMax(t, [a])], {});
  const e = runPrimitive("exp", [shifted], {});
  const sum = runPrimitive("reshape", [runPrimitive("sum", [e], { axes: [a] })], {
    shape: keptShape(t.shape, [a]),
  });
  return { shifted, e, sum };
}

/**
 * exp(x) / Σ exp(x) along `axis` (default the last), with the maximum subtracted first so large
 * logits do not overflow. A row that is all −Inf has no distribution and gives NaN.
 */
export function softmax(x: Tensor, axis = -1): Tensor {
  return opScope(() => {
    const { e, sum } = softmaxParts("softmax", x, axis);
    return runPrimitive("div", [e, sum], {});
  });
}

/** log(softmax(x)) along `axis` computed as (x − max) − log Σ exp(x − max). */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return opScope(() => {
    const { shifted, sum } = softmaxParts("logSoftmax", x, axis);
    return runPrimitive("sub", [shifted, runPrimitive("log", [sum], {})], {});
  });
}
