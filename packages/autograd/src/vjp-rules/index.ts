import type { PrimName } from "@axon/core";
import { convRules } from "./conv.ts";
import { binaryRules, castRule, unaryRules, whereRule } from "./elementwise.ts";
import { matmulRule } from "./linalg.ts";
import { movementRules } from "./movement.ts";
import { poolRules } from "./pool.ts";
import { reduceRules } from "./reduce.ts";
import {
  NON_DIFFERENTIABLE_PRIMS,
  type NonDifferentiablePrim,
  type VjpRule,
  type VjpTable,
} from "./types.ts";

export * from "./types.ts";

/** The VJP rule of every differentiable primitive. Adding a primitive to core without a rule here fails to compile. */
export const VJP_RULES: VjpTable = {
  ...unaryRules,
  ...binaryRules,
  where: whereRule,
  cast: castRule,
  ...reduceRules,
  ...movementRules,
  matmul: matmulRule,
  ...convRules,
  ...poolRules,
};

const nonDifferentiable = new Set<string>(NON_DIFFERENTIABLE_PRIMS);

export function isNonDifferentiablePrim(prim: PrimName): prim is NonDifferentiablePrim {
  return nonDifferentiable.has(prim);
}

/** The rule of a primitive, or undefined for one declared non-differentiable. */
export function ruleOf<P extends PrimName>(prim: P): VjpRule<P> | undefined {
  if (isNonDifferentiablePrim(prim)) return undefined;
  return (VJP_RULES as unknown as Record<string, VjpRule<P>>)[prim];
}
