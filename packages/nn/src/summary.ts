import { type Parameter, Tensor, ValueError, fmtShape, tidy, zeros } from "@axon/core";
import { noGrad } from "@axon/autograd";
import type { Module } from "./module.ts";

const count = (n: number) => n.toLocaleString("en-US");

function parameterCount(ps: readonly Parameter[]): number {
  return ps.reduce((n, p) => n + p.value.size, 0);
}

/**
 * The text of `module.summary(inputShape)`: one row per submodule (dotted name and class, output
 * shape, parameters below it), then total, trainable and non-trainable parameter counts and the
 * size of the buffers. The shapes come from one forward pass on zeros in evaluation mode, so
 * batch norm's running statistics and dropout's random stream are left alone.
 */
export function summarize(module: Module, inputShape: readonly number[]): string {
  if (!Array.isArray(inputShape) || inputShape.some((d) => !Number.isInteger(d) || d < 0))
    throw new ValueError(
      `summary: inputShape must be an array of non-negative integers (batch axis included), got ${JSON.stringify(inputShape)}`,
    );
  const named = module.namedModules();
  const rows: [string, Module][] = named.length > 0 ? named : [[module.constructor.name, module]];
  const shapes = new Map<Module, string>();
  const modes = new Map<Module, boolean>([[module, module.training]]);
  for (const [, m] of named) modes.set(m, m.training);
  // Each module's `call` is wrapped (an own property shadowing the class method) to see its output.
  const wrapped: [Module, PropertyDescriptor | undefined][] = [];
  try {
    for (const m of modes.keys()) {
      const own = Object.getOwnPropertyDescriptor(m, "call");
      const inner = m.call;
      wrapped.push([m, own]);
      Object.defineProperty(m, "call", {
        configurable: true,
        writable: true,
        value: (x: Tensor) => {
          const y = inner.call(m, x);
          shapes.set(m, y instanceof Tensor ? fmtShape(y.shape) : "?");
          return y;
        },
      });
    }
    module.eval();
    noGrad(() =>
      tidy(() => {
        module.call(zeros(inputShape));
      }),
    );
  } finally {
    for (const [m, own] of wrapped.reverse()) {
      if (own) Object.defineProperty(m, "call", own);
      else delete (m as { call?: unknown }).call;
    }
    for (const [m, mode] of modes) m.training = mode;
  }

  // Depth counts enclosing modules ("block.bn" is inside "block"; "heads.0" is a field's array item).
  const depthOf = (name: string) => named.filter(([outer]) => name.startsWith(`${outer}.`)).length;
  const table = rows.map(([name, m]) => [
    `${"  ".repeat(depthOf(name))}${name} (${m.constructor.name})`,
    shapes.get(m) ?? "(not called)",
    count(parameterCount(m.parameters())),
  ]);
  const header = ["Layer (type)", "Output shape", "Params"];
  const widths = header.map((h, c) => Math.max(h.length, ...table.map((r) => r[c].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (c === 2 ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join("   ")
      .trimEnd();
  const rule = "─".repeat(widths.reduce((a, b) => a + b, 0) + 3 * (widths.length - 1));
  const params = module.parameters();
  const total = parameterCount(params);
  const trainable = parameterCount(params.filter((p) => p.trainable));
  const buffers = module.buffers().reduce((n, b) => n + b.value.size, 0);
  return [
    line(header),
    rule,
    ...table.map(line),
    rule,
    `Total params: ${count(total)}`,
    `Trainable params: ${count(trainable)}`,
    `Non-trainable params: ${count(total - trainable)}`,
    `Buffers: ${count(buffers)} (running statistics, saved but not trained)`,
  ].join("\n");
}
