import type { Expr } from "../wasm/elementwise.ts";
import { IN0, IN1, IN2, broadcastOperands } from "./elementwise.ts";
import { runElementwise } from "./grid.ts";
import type { FastKernel } from "./types.ts";

const SELECT: Expr = { op: "select", cond: IN0, a: IN1, b: IN2 };

/** where(cond, a, b) over the broadcast of all three, in every dtype of a and b. */
export const where: FastKernel<"where"> = (rt, inputs, _attrs, out) =>
  runElementwise(rt, SELECT, broadcastOperands(inputs, out.shape), out.shape, out.dtype);
