import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import * as core from "@axon/core";
import ts from "typescript";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import * as tune from "./index.ts";

/**
 * Runs every ```ts block of the README as written: imports become lookups of the modules below,
 * and each `console.log(value); // → expected` line checks that the value equals the shown one (a
 * number written with d decimals is compared to d decimals). A block whose first line is a file
 * name (`// objective.ts`) is a module the other blocks load: it is written to a temporary
 * directory, which `import.meta.url` then points into.
 */

const MODULES: Record<string, unknown> = { "@axon/tune": tune, "@axon/core": core };
const nodeRequire = createRequire(import.meta.url);
const moduleOf = (name: string) => {
  if (name in MODULES) return MODULES[name];
  if (name.startsWith("node:")) return nodeRequire(name);
  throw new Error(`README imports ${name}, which the README test does not provide`);
};

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const FILE_BLOCK = /^\/\/ ([\w-]+\.(?:ts|js))\n/;
const OUTPUT_MARK = "<!-- printed by the example above -->\n";
const fenced = [...readme.matchAll(/(<!-- printed by the example above -->\n)?```(ts|text)\n([\s\S]*?)```/g)];
const files = fenced.filter((m) => m[2] === "ts" && FILE_BLOCK.test(m[3])).map((m) => m[3]);
/** The examples, each with the outputs shown after it (```text blocks marked as printed by it). */
const examples: { code: string; outputs: string[] }[] = [];
for (const m of fenced) {
  if (m[2] === "ts" && !FILE_BLOCK.test(m[3])) examples.push({ code: m[3], outputs: [] });
  else if (m[2] === "text" && m[1] === OUTPUT_MARK) examples.at(-1)?.outputs.push(m[3].replace(/\n$/, ""));
}
const blocks = examples.map((e) => e.code);

/** `0.13` → a matcher for 0.13 to 2 decimals; strings and other literals stay as they are. */
function expectedOf(text: string): unknown {
  const approx = (v: number, digits: number) => expect.closeTo(v, digits);
  const code = text.replace(
    /("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|-?\b\d+\.(\d+)\b/g,
    (m, str: string | undefined, decimals: string) => (str ? str : `__approx(${m}, ${decimals.length})`),
  );
  return new Function("__approx", `return (${code});`)(approx);
}

function check(actual: unknown, expectedText: string, line: string): void {
  expect(actual, line).toEqual(expectedOf(expectedText));
}

function toRunnable(block: string): string {
  const checked = block
    .replace(
      /^(\s*)console\.log\((.*)\);\s*\/\/ → (.*)$/gm,
      (_m, indent: string, expr: string, expected: string) =>
        `${indent}__check(${expr}, ${JSON.stringify(expected)}, ${JSON.stringify(expr)});`,
    )
    .replaceAll("import.meta.url", "__importMetaUrl");
  return ts.transpileModule(checked, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText;
}

const AsyncFunction = (async () => {}).constructor as new (
  ...args: string[]
) => (...a: unknown[]) => Promise<void>;

describe("README examples", () => {
  let dir = "";
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "axon-tune-readme-"));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
    for (const f of files) writeFileSync(join(dir, FILE_BLOCK.exec(f)![1]), f);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => vi.restoreAllMocks());

  it("has examples, each with checked output", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(6);
    for (const b of blocks) expect(b).toContain("// → ");
    expect(blocks.length + files.length).toBe(fenced.filter((m) => m[2] === "ts").length);
    expect(files.map((f) => FILE_BLOCK.exec(f)![1])).toEqual(["objective.ts"]);
  });

  it("shows outputs that examples print", () => {
    expect(examples.some((e) => e.outputs.length > 0)).toBe(true);
  });

  examples.forEach(({ code, outputs }, i) => {
    const title = code.split("\n").find((l) => l.includes("@axon/tune")) ?? `block ${i}`;
    it(`example ${i + 1} runs and prints what it shows (${title.trim().slice(0, 60)})`, async () => {
      const log = vi.spyOn(console, "log").mockImplementation(() => {});
      const run = new AsyncFunction("require", "exports", "__check", "__importMetaUrl", toRunnable(code));
      await run(moduleOf, {}, check, pathToFileURL(join(dir, "main.ts")).href);
      const printed = log.mock.calls.map((args) => args.map(String).join(" "));
      for (const output of outputs) expect(printed).toContain(output);
    });
  });
});
