import {
  type FloatDType,
  type Parameter,
  type Tensor,
  ValueError,
  elu,
  gelu,
  leakyRelu,
  relu,
  selu,
  sigmoid,
  softmax,
  swish,
  tanh,
} from "@axon/core";
import { prelu, rrelu } from "../activations.ts";
import { constant } from "../init/basic.ts";
import type { Initializer } from "../init/initializer.ts";
import { Module, describe } from "../module.ts";
import { KeySequence } from "../random.ts";
import { checkDType, checkOptions, checkPositiveInt, initParameter } from "./common.ts";

// Activations as layers, for Sequential. Each is the function of the same name in a Module.

export class Sigmoid extends Module {
  call(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

export class Tanh extends Module {
  call(x: Tensor): Tensor {
    return tanh(x);
  }
}

export class ReLU extends Module {
  call(x: Tensor): Tensor {
    return relu(x);
  }
}

/** x for x > 0, alpha·x otherwise (default alpha 0.01 as PyTorch; Keras uses 0.3, GANs often 0.2). */
export class LeakyReLU extends Module {
  constructor(readonly alpha = 0.01) {
    super();
    if (typeof alpha !== "number" || !Number.isFinite(alpha))
      throw new ValueError(`LeakyReLU: alpha must be a finite number, got ${describe(alpha)}`);
  }

  call(x: Tensor): Tensor {
    return leakyRelu(x, this.alpha);
  }
}

export class ELU extends Module {
  constructor(readonly alpha = 1) {
    super();
    if (typeof alpha !== "number" || !Number.isFinite(alpha))
      throw new ValueError(`ELU: alpha must be a finite number, got ${describe(alpha)}`);
  }

  call(x: Tensor): Tensor {
    return elu(x, this.alpha);
  }
}

/** scale·elu(x, alpha) with Klambauer et al.'s constants; pair it with `lecunNormal` weights. */
export class SELU extends Module {
  call(x: Tensor): Tensor {
    return selu(x);
  }
}

export class Softmax extends Module {
  constructor(readonly axis = -1) {
    super();
  }

  call(x: Tensor): Tensor {
    return softmax(x, this.axis);
  }
}

export class GELU extends Module {
  /** `approximate` uses the tanh form. */
  constructor(readonly approximate = false) {
    super();
  }

  call(x: Tensor): Tensor {
    return gelu(x, this.approximate);
  }
}

/** x·sigmoid(x), also called SiLU. */
export class Swish extends Module {
  call(x: Tensor): Tensor {
    return swish(x);
  }
}

export interface PReLUOptions {
  /** 1 (the default) for one slope shared by every element, or C for one per channel (last axis). */
  numParameters?: number;
  /** Initial slope (default 0.25, as He et al. and PyTorch). */
  init?: number;
  /** Overrides `init`. */
  alphaInitializer?: Initializer;
  dtype?: FloatDType;
}

/** Leaky ReLU whose negative slope is learned (He et al. 2015): shared, or one per channel. */
export class PReLU extends Module {
  alpha: Parameter;

  constructor(options?: PReLUOptions) {
    super();
    const o = checkOptions("PReLU", options);
    const n = checkPositiveInt("PReLU", "numParameters", o.numParameters ?? 1);
    const init = o.alphaInitializer ?? constant(o.init ?? 0.25);
    this.alpha = initParameter("PReLU", "alpha", init, [n], checkDType("PReLU", o.dtype));
  }

  call(x: Tensor): Tensor {
    const n = this.alpha.shape[0];
    if (n !== 1 && x?.shape?.[x.rank - 1] !== n)
      throw new ValueError(
        `PReLU: x must have ${n} channels on its last axis (one slope each), got ${x?.shape ? `shape [${x.shape}]` : describe(x)}`,
      );
    return prelu(x, this.alpha.value);
  }
}

/**
 * Randomized leaky ReLU: a random slope in [lower, upper] per negative element in training, the
 * mean slope (lower + upper)/2 in evaluation. Seeded, a run repeats.
 */
export class RReLU extends Module {
  readonly #keys: KeySequence;

  constructor(
    readonly lower = 1 / 8,
    readonly upper = 1 / 3,
    options?: { seed?: number },
  ) {
    super();
    const o = checkOptions("RReLU", options);
    if (!(Number.isFinite(lower) && Number.isFinite(upper) && lower >= 0 && lower <= upper))
      throw new ValueError(`RReLU: need finite 0 <= lower <= upper, got lower ${lower} and upper ${upper}`);
    this.#keys = new KeySequence("RReLU", o.seed);
    // A seeded layer saves its position in the key sequence, so a resumed run draws the same slopes.
    if (this.#keys.seeded)
      this.#keys.bindState(this.registerBuffer("keyPosition", KeySequence.initialState()));
  }

  call(x: Tensor): Tensor {
    const random = this.training ? this.#keys.next() : {};
    return rrelu(x, { lower: this.lower, upper: this.upper, training: this.training, ...random });
  }
}

/** Wraps a function of one tensor as a layer (for Sequential), e.g. `new Lambda((x) => x.mul(2))`. */
export class Lambda extends Module {
  constructor(readonly fn: (x: Tensor) => Tensor) {
    super();
    if (typeof fn !== "function") throw new ValueError(`Lambda: fn must be a function, got ${describe(fn)}`);
  }

  call(x: Tensor): Tensor {
    return this.fn(x);
  }
}
