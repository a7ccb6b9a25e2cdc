import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { registerCpuBackend } from "@axon/backend-cpu";
import { setBackend } from "@axon/core";
import { afterAll, beforeAll } from "vitest";
import { type Dataset, makeDataset } from "./dataset.ts";

/** Shared by the package's tests: the CPU backend, temporary directories, small data sets. */

export function useCpuBackend(): void {
  beforeAll(async () => {
    registerCpuBackend();
    await setBackend("cpu");
  });
}

/** A fresh temporary directory for the tests of one file, removed after them. */
export function useTempDir(prefix: string): () => string {
  let dir = "";
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), `axon-data-${prefix}-`));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return () => dir;
}

/** `n` examples of `features` values where example i holds i·1000 + j and has label i mod `classes`. */
export function numberedDataset(n: number, features = 3, classes = 3): Dataset {
  const x = new Float32Array(n * features);
  for (let i = 0; i < n; i++) for (let j = 0; j < features; j++) x[i * features + j] = i * 1000 + j;
  const y = Int32Array.from({ length: n }, (_, i) => i % classes);
  return makeDataset({ x, y, shape: [n, features], numClasses: classes });
}
