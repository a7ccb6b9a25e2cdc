import { ModuleBuilder } from "./emitter.ts";

/** What this JavaScript engine's WebAssembly offers the CPU backend, found by validating tiny modules. */
export interface WasmFeatures {
  /** WebAssembly with 128-bit SIMD (on by default in Node ≥ 16 and current browsers). */
  readonly simd: boolean;
  /** Relaxed SIMD (fused multiply-add); Node 20 has it only behind --experimental-wasm-relaxed-simd. */
  readonly relaxedSimd: boolean;
  /** A shared WebAssembly.Memory can be made (needs SharedArrayBuffer: cross-origin isolation in a browser). */
  readonly sharedMemory: boolean;
}

function validates(build: (m: ModuleBuilder) => void): boolean {
  try {
    if (typeof WebAssembly !== "object" || typeof WebAssembly.validate !== "function") return false;
    const m = new ModuleBuilder();
    build(m);
    return WebAssembly.validate(m.toBytes());
  } catch {
    return false;
  }
}

let cached: WasmFeatures | null = null;

export function detectFeatures(): WasmFeatures {
  if (cached) return cached;
  const simd = validates((m) =>
    m.function("f", ["v128", "v128"], ["v128"], (f) => {
      f.get(f.param(0)).get(f.param(1)).op("f32x4.add");
    }),
  );
  const relaxedSimd =
    simd &&
    validates((m) =>
      m.function("f", ["v128", "v128", "v128"], ["v128"], (f) => {
        f.get(f.param(0)).get(f.param(1)).get(f.param(2)).op("f32x4.relaxed_madd");
      }),
    );
  let sharedMemory = false;
  try {
    sharedMemory =
      typeof SharedArrayBuffer === "function" &&
      new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
  } catch {
    sharedMemory = false;
  }
  cached = { simd, relaxedSimd, sharedMemory };
  return cached;
}
