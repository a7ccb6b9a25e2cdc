import { describe, expect, it } from "vitest";
import { ByteWriter, ModuleBuilder } from "./emitter.ts";
import { detectFeatures } from "./features.ts";

function instantiate(m: ModuleBuilder, memory?: WebAssembly.Memory): WebAssembly.Exports {
  const mod = new WebAssembly.Module(m.toBytes());
  return new WebAssembly.Instance(mod, memory ? { env: { memory } } : {}).exports;
}

describe("ByteWriter", () => {
  it("writes unsigned and signed LEB128", () => {
    const u = (v: number) => Array.from(new ByteWriter().u32(v).toBytes());
    const s = (v: number) => Array.from(new ByteWriter().s32(v).toBytes());
    expect(u(0)).toEqual([0]);
    expect(u(127)).toEqual([0x7f]);
    expect(u(128)).toEqual([0x80, 0x01]);
    expect(u(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(u(0xffffffff)).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect(s(0)).toEqual([0]);
    expect(s(-1)).toEqual([0x7f]);
    expect(s(63)).toEqual([0x3f]);
    expect(s(64)).toEqual([0xc0, 0x00]);
    expect(s(-64)).toEqual([0x40]);
    expect(s(-65)).toEqual([0xbf, 0x7f]);
    expect(s(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(s(-2147483648)).toEqual([0x80, 0x80, 0x80, 0x80, 0x78]);
  });
});

describe("ModuleBuilder", () => {
  it("builds functions with loops, labels and calls", () => {
    const m = new ModuleBuilder();
    const sq = m.function(null, ["i32"], ["i32"], (f) => {
      f.get(f.param(0)).get(f.param(0)).op("i32.mul");
    });
    // sum of squares below n, with an early exit when the sum passes `limit`
    m.function("sumsq", ["i32", "i32"], ["i32"], (f) => {
      const i = f.local("i32");
      const acc = f.local("i32");
      f.block((out) => {
        f.for(
          i,
          () => f.i32(0),
          () => f.get(f.param(0)),
          1,
          () => {
            f.get(acc).get(i).call(sq).op("i32.add").set(acc);
            f.get(acc).get(f.param(1)).op("i32.gt_s").brIf(out);
          },
        );
      });
      f.get(acc);
    });
    const { sumsq } = instantiate(m) as { sumsq: (n: number, limit: number) => number };
    expect(sumsq(0, 1000)).toBe(0);
    expect(sumsq(4, 1000)).toBe(14);
    expect(sumsq(100, 50)).toBe(55);
  });

  it("imports a memory and runs SIMD loads, arithmetic and stores", () => {
    if (!detectFeatures().simd) return;
    const memory = new WebAssembly.Memory({ initial: 1 });
    const m = new ModuleBuilder().importMemory({ module: "env", name: "memory", initial: 1 });
    m.function("axpy", ["i32", "i32", "f32"], [], (f) => {
      const [x, y, alpha] = [f.param(0), f.param(1), f.param(2)];
      f.get(y);
      f.get(x).mem("v128.load").get(alpha).op("f32x4.splat").op("f32x4.mul");
      f.get(y).mem("v128.load").op("f32x4.add");
      f.mem("v128.store");
    });
    const { axpy } = instantiate(m, memory) as { axpy: (x: number, y: number, a: number) => void };
    const v = new Float32Array(memory.buffer);
    v.set([1, 2, 3, 4], 0);
    v.set([10, 20, 30, 40], 4);
    axpy(0, 16, 0.5);
    expect(Array.from(v.subarray(4, 8))).toEqual([10.5, 21, 31.5, 42]);
  });

  it("refuses blocks closed out of order and branches to closed labels", () => {
    const m = new ModuleBuilder();
    expect(() =>
      m.function("bad", [], [], (f) => {
        let saved: Parameters<typeof f.br>[0] | null = null;
        f.block((l) => {
          saved = l;
        });
        f.br(saved!);
      }),
    ).toThrow(/not open/);
  });
});

describe("feature probe", () => {
  it("finds SIMD128 and shared memory on this engine", () => {
    const f = detectFeatures();
    expect(f.simd).toBe(true);
    expect(f.sharedMemory).toBe(typeof SharedArrayBuffer === "function");
    expect(typeof f.relaxedSimd).toBe("boolean");
  });
});
