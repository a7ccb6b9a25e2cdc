/**
 * Run by fma.test.ts in a child process started with --experimental-wasm-relaxed-simd: checks the
 * GEMM built with relaxed-SIMD fused multiply-add (float32 matmul and conv2d against the JavaScript
 * reference, and the same bits on one and two threads). Prints one JSON line and exits 0 when all
 * checks pass.
 */
import { CpuBackend } from "../backend.ts";
import { type Operand, randomArray, runDirect } from "./testing.ts";

const fma = new CpuBackend({ threads: 1 });
const fma2 = new CpuBackend({ threads: 2, minParallelWork: 0 });
const ref = new CpuBackend({ simd: false });
const failures: string[] = [];

async function main(): Promise<void> {
  await fma2.ready();
  if (fma.info().relaxedSimd !== true) failures.push("relaxed SIMD was not picked up");
  const sizes: [number, number, number][] = [
    [1, 1, 1],
    [3, 5, 7],
    [1023, 3, 5],
    [5, 1023, 7],
    [17, 257, 31],
    [64, 600, 48],
  ];
  for (const [m, k, n] of sizes)
    for (const [ta, tb] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ]) {
      const a: Operand = { values: randomArray(m + k, m * k), shape: ta ? [k, m] : [m, k], dtype: "float32" };
      const b: Operand = { values: randomArray(k + n, k * n), shape: tb ? [n, k] : [k, n], dtype: "float32" };
      const out = { shape: [m, n], dtype: "float32" as const };
      const attrs = { transposeA: ta, transposeB: tb };
      const got = runDirect(fma, "matmul", [a, b], attrs, out);
      const got2 = runDirect(fma2, "matmul", [a, b], attrs, out);
      const want = runDirect(ref, "matmul", [a, b], attrs, out);
      const abs = (o: Operand): Operand => ({ ...o, values: Array.from(o.values, Math.abs) });
      const scale = runDirect(ref, "matmul", [abs(a), abs(b)], attrs, out);
      for (let i = 0; i < got.length; i++) {
        if (!(Math.abs(got[i] - want[i]) <= (k + 2) * 2 ** -24 * scale[i] + 1e-30))
          failures.push(`matmul ${m}×${k}×${n} ${ta} ${tb}: element ${i} ${got[i]} vs ${want[i]}`);
        if (!Object.is(got[i], got2[i])) failures.push(`matmul ${m}×${k}×${n}: 2 threads differ at ${i}`);
      }
    }
  console.log(JSON.stringify({ relaxedSimd: fma.info().relaxedSimd, failures: failures.slice(0, 5) }));
  fma2.dispose();
  process.exit(failures.length === 0 ? 0 : 1);
}

void main();
