import type { ConformanceContext } from "../context.ts";

/** Conformance tests of the user-facing ops, run on every backend. */
export function opTests(_ctx: ConformanceContext): void {}
