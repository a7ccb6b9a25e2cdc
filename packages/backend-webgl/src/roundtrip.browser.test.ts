import { describe, expect, it } from "vitest";
import { GLBuffer } from "./gl/buffer.ts";
import { useWebGL } from "./test/setup.ts";

/** Values that exercise every bit: random patterns (no NaN payloads), extremes and signed zeros. */
function floatBits(n: number): Float32Array {
  const u = new Uint32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    let w = (s ^ (s << 13) ^ Math.imul(i, 2654435761)) >>> 0;
    const exp = (w >>> 23) & 0xff;
    if (exp === 0xff || exp === 0) w = (w & 0x807fffff) | (0x40 << 23); // finite, normal
    u[i] = w;
  }
  const f = new Float32Array(u.buffer);
  const special = [
    0,
    -0,
    1,
    -1,
    3.4028234663852886e38,
    -3.4028234663852886e38,
    1.1754943508222875e-38,
    Infinity,
    -Infinity,
    16777217,
  ];
  for (let i = 0; i < Math.min(n, special.length); i++) f[i] = special[i];
  return f;
}

function intBits(n: number): Int32Array {
  const a = new Int32Array(n);
  let s = 987;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) | 0;
    a[i] = s;
  }
  const special = [0, -1, 1, 2147483647, -2147483648, 16777217, -16777217, 123456789];
  for (let i = 0; i < Math.min(n, special.length); i++) a[i] = special[i];
  return a;
}

describe("texture round trip", () => {
  for (const size of [0, 1, 3, 4, 5, 4097]) {
    it(`float32 of ${size} elements is bit-exact through a texture`, async () => {
      const b = await useWebGL();
      const g = b.gpgpu;
      const values = floatBits(size);
      const buf = g.fromHost(values.slice(), "float32");
      if (size > 0) g.texture(buf);
      buf.values = null; // force the GPU path
      const sync = g.readSync(buf, "float32") as Float32Array;
      buf.values = null;
      const async = (await g.read(buf, "float32")) as Float32Array;
      expect(new Uint32Array(sync.buffer)).toEqual(new Uint32Array(values.buffer));
      expect(new Uint32Array(async.buffer)).toEqual(new Uint32Array(values.buffer));
      g.free(buf);
    });

    it(`int32 of ${size} elements is bit-exact through a texture`, async () => {
      const b = await useWebGL();
      const g = b.gpgpu;
      const values = intBits(size);
      const buf = g.fromHost(values.slice(), "int32");
      if (size > 0) g.texture(buf);
      buf.values = null;
      const sync = g.readSync(buf, "int32");
      buf.values = null;
      const async = await g.read(buf, "int32");
      expect(sync).toEqual(values);
      expect(async).toEqual(values);
      g.free(buf);
    });
  }

  it("bool keeps 0/1 and reads back as Uint8Array", async () => {
    const b = await useWebGL();
    const buf = b.write(new Uint8Array([1, 0, 1, 1, 0]), "bool");
    b.gpgpu.texture(buf);
    buf.values = null;
    const out = b.readSync(buf, "bool", 5);
    expect(out).toBeInstanceOf(Uint8Array);
    expect(Array.from(out)).toEqual([1, 0, 1, 1, 0]);
    b.free(buf);
  });

  it("concurrent async reads of one buffer share one transfer", async () => {
    const b = await useWebGL();
    const g = b.gpgpu;
    const buf = g.fromHost(new Float32Array([1, 2, 3]), "float32");
    g.texture(buf);
    buf.values = null;
    const before = g.stats.readbacks;
    const [x, y] = await Promise.all([g.read(buf, "float32"), g.read(buf, "float32")]);
    expect(Array.from(x)).toEqual([1, 2, 3]);
    expect(Array.from(y)).toEqual([1, 2, 3]);
    expect(g.stats.readbacks - before).toBe(1);
    g.free(buf);
  });

  it("a tensor above the texture limit gets a named error", async () => {
    const b = await useWebGL();
    const max = b.gpgpu.ctx.maxTextureSize;
    // four elements a texel: max² texels hold 4·max² elements
    expect(() => b.gpgpu.checkSize("write", 4 * max * max)).not.toThrow();
    expect(() => b.gpgpu.checkSize("write", 4 * max * max + 8 * max)).toThrow(
      /does not fit in one texture \(MAX_TEXTURE_SIZE/,
    );
    expect(new GLBuffer(4, "float32", null).layout).toEqual({ width: 1, height: 1, shift: 0 });
    expect(new GLBuffer(5, "float32", null).layout).toEqual({ width: 2, height: 1, shift: 1 });
    expect(new GLBuffer(4097, "float32", null).layout).toEqual({ width: 64, height: 17, shift: 6 });
  });
});
