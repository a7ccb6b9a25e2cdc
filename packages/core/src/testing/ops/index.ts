import { describe } from "vitest";
import type { ConformanceContext } from "../context.ts";
import { activationTests } from "./activations.ts";
import { creationTests } from "./creation.ts";
import { elementwiseTests } from "./elementwise.ts";
import { interopTests } from "./interop.ts";
import { linalgTests } from "./linalg.ts";
import { methodTests } from "./methods.ts";
import { movementTests } from "./movement.ts";
import { propertyTests } from "./properties.ts";
import { randomTests } from "./random.ts";
import { reduceTests } from "./reduce.ts";
import { scopeTests } from "./scope.ts";

/** Conformance tests of the user-facing ops, run on every backend. */
export function opTests(ctx: ConformanceContext): void {
  describe(`ops on ${ctx.name}`, () => {
    creationTests(ctx);
    elementwiseTests(ctx);
    reduceTests(ctx);
    movementTests(ctx);
    linalgTests(ctx);
    activationTests(ctx);
    randomTests(ctx);
    propertyTests(ctx);
    methodTests(ctx);
    interopTests(ctx);
    scopeTests(ctx);
  });
}
