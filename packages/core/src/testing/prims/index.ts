import { describe } from "vitest";
import type { ConformanceContext } from "../context.ts";
import { compareTests } from "./compare.ts";
import { convTests } from "./conv.ts";
import { elementwiseTests } from "./elementwise.ts";
import { gatherTests } from "./gather.ts";
import { matmulTests } from "./matmul.ts";
import { movementTests } from "./movement.ts";
import { poolTests } from "./pool.ts";
import { randomTests } from "./random.ts";
import { reduceTests } from "./reduce.ts";

/** Every primitive, driven through `makeTensor` and `runPrimitive` only. */
export function primitiveTests(ctx: ConformanceContext): void {
  describe("primitives", () => {
    describe("elementwise", () => elementwiseTests(ctx));
    describe("compare, logical, where, cast", () => compareTests(ctx));
    describe("reductions", () => reduceTests(ctx));
    describe("movement", () => movementTests(ctx));
    describe("gather, scatterAdd", () => gatherTests(ctx));
    describe("matmul", () => matmulTests(ctx));
    describe("conv2d", () => convTests(ctx));
    describe("pooling", () => poolTests(ctx));
    describe("randomUniform", () => randomTests(ctx));
  });
}
