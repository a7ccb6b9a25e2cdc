import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as cpu from "@axon/backend-cpu";
import * as core from "@axon/core";
import ts from "typescript";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as data from "./index.ts";
import { useCpuBackend } from "./test-helpers.ts";

/**
 * Runs every ```ts block of the README as written: imports become lookups of the modules below, and
 * each `console.log(value); // → expected` line checks that the value equals the shown one (a
 * number written with d decimals is compared to d decimals).
 */

const MODULES: Record<string, unknown> = { "@axon/data": data, "@axon/core": core, "@axon/backend-cpu": cpu };
const nodeRequire = createRequire(import.meta.url);
const moduleOf = (name: string) => {
  if (name in MODULES) return MODULES[name];
  if (name.startsWith("node:")) return nodeRequire(name);
  throw new Error(`README imports ${name}, which the README test does not provide`);
};

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);

/** `0.13` → a matcher for 0.13 to 2 decimals; other literals stay as they are. */
function expectedOf(text: string): unknown {
  const approx = (v: number, digits: number) => expect.closeTo(v, digits);
  const code = text.replace(
    /-?\b\d+\.(\d+)\b/g,
    (m, decimals: string) => `__approx(${m}, ${decimals.length})`,
  );
  return new Function("__approx", `return (${code});`)(approx);
}

function check(actual: unknown, expectedText: string, line: string): void {
  const plain = (v: unknown): unknown =>
    ArrayBuffer.isView(v)
      ? Array.from(v as unknown as ArrayLike<number>)
      : Array.isArray(v)
        ? v.map(plain)
        : v;
  expect(plain(actual), line).toEqual(expectedOf(expectedText));
}

function toRunnable(block: string): string {
  const checked = block.replace(
    /^(\s*)console\.log\((.*)\);\s*\/\/ → (.*)$/gm,
    (_m, indent: string, expr: string, expected: string) =>
      `${indent}__check(${expr}, ${JSON.stringify(expected)}, ${JSON.stringify(expr)});`,
  );
  return ts.transpileModule(checked, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText;
}

const AsyncFunction = (async () => {}).constructor as new (
  ...args: string[]
) => (...a: unknown[]) => Promise<void>;

describe("README examples", () => {
  useCpuBackend();
  afterEach(() => vi.restoreAllMocks());

  it("has examples, each with checked output", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(5);
    for (const b of blocks) expect(b).toContain("// → ");
  });

  blocks.forEach((block, i) => {
    const title = block.split("\n").find((l) => l.includes("@axon/data")) ?? `block ${i}`;
    it(`example ${i + 1} runs and prints what it shows (${title.trim()})`, async () => {
      vi.spyOn(console, "log").mockImplementation(() => {});
      const run = new AsyncFunction("require", "exports", "__check", toRunnable(block));
      await run(moduleOf, {}, check);
    });
  });
});
