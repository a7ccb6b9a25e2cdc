import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as autograd from "@axon/autograd";
import * as core from "@axon/core";
import * as data from "@axon/data";
import * as optim from "@axon/optim";
import ts from "typescript";
import { afterAll, describe, expect, it, vi } from "vitest";
import * as nn from "../index.ts";
import { useCpuBackend } from "../test-helpers.ts";
import * as checkpoint from "./checkpoint.ts";

/**
 * Runs the ```ts block of the README's Training section as written (its files go to a temporary
 * directory): imports become lookups of the modules below, and each `console.log(value); // → x`
 * line checks that the value equals x.
 */

const dir = mkdtempSync(join(tmpdir(), "axon-nn-readme-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// What "@axon/axon" is: core and autograd at top level, the packages as namespaces (the backend is
// registered by useCpuBackend).
const umbrella = { ...core, ...autograd, nn, optim, data };
const MODULES: Record<string, unknown> = { "@axon/axon": umbrella, "@axon/nn/checkpoint": checkpoint };
const nodeRequire = createRequire(import.meta.url);
const moduleOf = (name: string) => {
  if (name in MODULES) return MODULES[name];
  if (name.startsWith("node:")) return nodeRequire(name);
  throw new Error(`README imports ${name}, which the README test does not provide`);
};

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
/** The first ```ts block after a heading. */
const blockAfter = (heading: string) =>
  /```ts\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf(heading)))![1];
const block = blockAfter("## Training");

function toRunnable(code: string): string {
  const checked = code
    .replaceAll('"runs/mnist/', `${JSON.stringify(`${dir}/`).slice(0, -1)}`)
    .replace(
      /^(\s*)console\.log\((.*)\);\s*\/\/ → (.*)$/gm,
      (_m, indent: string, expr: string, expected: string) =>
        `${indent}__check(${expr}, ${expected}, ${JSON.stringify(expr)});`,
    );
  return ts.transpileModule(checked, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText;
}

const AsyncFunction = (async () => {}).constructor as new (
  ...args: string[]
) => (...a: unknown[]) => Promise<void>;

describe("README: Training", () => {
  useCpuBackend();

  it("the example runs as written and prints what it shows", async () => {
    expect(block).toContain("nn.fit(");
    const checks: string[] = [];
    const check = (actual: unknown, expected: unknown, line: string) => {
      checks.push(line);
      expect(actual, line).toEqual(expected);
    };
    const quiet = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    try {
      await new AsyncFunction("require", "exports", "__check", toRunnable(block))(moduleOf, {}, check);
    } finally {
      quiet.mockRestore();
      log.mockRestore();
    }
    expect(checks).toHaveLength(5);
    expect(readFileSync(join(dir, "report.html"), "utf8")).toContain("<svg");
  }, 60_000);

  it("the training-health example runs as written and prints what it shows", async () => {
    const health = blockAfter("### Training health");
    expect(health).toContain("HealthMonitor(");
    const checks: string[] = [];
    const check = (actual: unknown, expected: unknown, line: string) => {
      checks.push(line);
      expect(actual, line).toEqual(expected);
    };
    await new AsyncFunction("require", "exports", "__check", toRunnable(health))(moduleOf, {}, check);
    expect(checks).toHaveLength(3);
    const lines = readFileSync(join(dir, "health.jsonl"), "utf8").trim().split("\n");
    expect(lines.map((l) => JSON.parse(l).step)).toEqual([1, 11, 21, 31, 41, 51, 61, 71]);
    expect(readFileSync(join(dir, "health.html"), "utf8")).toContain("<svg");
  }, 60_000);
});
