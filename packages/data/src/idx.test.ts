import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { DataError } from "./errors.ts";
import { type IdxArray, encodeIdx, readIdx, writeIdx } from "./idx.ts";
import { useTempDir } from "./test-helpers.ts";

const dir = useTempDir("idx");

/** Runs `f`, expecting a DataError whose message holds every fragment. */
function expectDataError(f: () => unknown, fragments: readonly string[]): void {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught, "expected a DataError").toBeInstanceOf(DataError);
  for (const s of fragments) expect((caught as Error).message).toContain(s);
}

const SAMPLES: readonly [string, number, IdxArray][] = [
  ["uint8", 0x08, Uint8Array.from([0, 1, 127, 128, 254, 255])],
  ["int8", 0x09, Int8Array.from([-128, -1, 0, 1, 5, 127])],
  ["int16", 0x0b, Int16Array.from([-32768, -2, 0, 258, 1000, 32767])],
  ["int32", 0x0c, Int32Array.from([-2147483648, -70000, 0, 1, 65536, 2147483647])],
  ["float32", 0x0d, Float32Array.from([-1.5, 0, 0.1, 3.25, 1e30, -1e-30])],
  ["float64", 0x0e, Float64Array.from([-1.5, 0, 0.1, Math.PI, 1e300, -5e-324])],
];

describe("readIdx on good files", () => {
  for (const [type, code, data] of SAMPLES) {
    it(`reads ${type} (type code 0x${code.toString(16)}) plain and gzipped, from bytes and from files`, () => {
      for (const gzip of [false, true]) {
        const shape = [2, 3];
        const bytes = encodeIdx({ data, shape }, { gzip });
        if (gzip) expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
        else expect(Array.from(bytes.subarray(0, 4))).toEqual([0, 0, code, 2]);
        const fromBytes = readIdx(bytes);
        expect(fromBytes.type).toBe(type);
        expect(fromBytes.shape).toEqual(shape);
        expect(fromBytes.data.constructor).toBe(data.constructor);
        expect(Array.from(fromBytes.data)).toEqual(Array.from(data));

        const file = join(dir(), `${type}${gzip ? ".idx.gz" : ".idx"}`);
        writeIdx(file, { data, shape });
        const gz = readFileSync(file);
        expect(gz[0] === 0x1f && gz[1] === 0x8b).toBe(gzip);
        expect(Array.from(readIdx(file).data)).toEqual(Array.from(data));
      }
    });
  }

  it("reads the elements big-endian, as the format says", () => {
    const bytes = Uint8Array.from([0, 0, 0x0b, 1, 0, 0, 0, 2, 0x01, 0x02, 0xff, 0xfe]);
    const idx = readIdx(bytes);
    expect(idx).toEqual({ type: "int16", shape: [2], data: Int16Array.from([258, -2]) });
  });

  it("reads rank 1 to 4 and empty dimensions", () => {
    for (const shape of [[5], [1, 5], [2, 1, 3], [1, 2, 2, 1], [0, 28, 28]]) {
      const size = shape.reduce((a, b) => a * b, 1);
      const data = Uint8Array.from({ length: size }, (_, i) => i);
      const idx = readIdx(encodeIdx({ data, shape }));
      expect(idx.shape).toEqual(shape);
      expect(Array.from(idx.data)).toEqual(Array.from(data));
    }
  });

  it("does not share memory with the bytes it was given", () => {
    const bytes = encodeIdx({ data: Uint8Array.from([1, 2, 3]), shape: [3] });
    const idx = readIdx(bytes);
    bytes[bytes.length - 1] = 99;
    expect(Array.from(idx.data)).toEqual([1, 2, 3]);
  });
});

describe("readIdx on bad files: a clear DataError, never a partial result", () => {
  const good = encodeIdx({
    data: Uint8Array.from({ length: 2 * 28 * 28 }, (_, i) => i % 256),
    shape: [2, 28, 28],
  });

  it("refuses data cut short, naming the file, the header's claim and what was found", () => {
    const file = join(dir(), "short-images-idx3-ubyte");
    writeFileSync(file, good.subarray(0, good.length - 1));
    expectDataError(
      () => readIdx(file),
      [file, "truncated", "uint8 [2,28,28]", `${good.length} bytes`, `found ${good.length - 1} bytes`],
    );
  });

  it("refuses a header cut short and files too short for a header", () => {
    expectDataError(
      () => readIdx(good.subarray(0, 9)),
      ["truncated", "rank-3 header takes 16 bytes", "found 9 bytes"],
    );
    expectDataError(() => readIdx(new Uint8Array(0)), ["too short", "found 0 bytes"]);
    expectDataError(() => readIdx(Uint8Array.from([0, 0, 8])), ["too short", "found 3 bytes"]);
  });

  it("refuses a truncated or corrupt gzip stream", () => {
    const gz = gzipSync(good);
    const file = join(dir(), "cut.gz");
    writeFileSync(file, gz.subarray(0, Math.floor(gz.length / 2)));
    expectDataError(() => readIdx(file), [file, "gzip", "truncated or corrupt"]);
    const flipped = Uint8Array.from(gz);
    flipped[gz.length - 12] ^= 0xff; // inside the compressed data, before the CRC and length
    expectDataError(() => readIdx(flipped), ["gzip", "truncated or corrupt"]);
    const badCrc = Uint8Array.from(gz);
    badCrc[gz.length - 6] ^= 0x01;
    expectDataError(() => readIdx(badCrc), ["gzip"]);
  });

  it("refuses a wrong magic number and unknown type codes", () => {
    const wrong = Uint8Array.from(good);
    wrong[0] = 0x08;
    expectDataError(
      () => readIdx(wrong, "images.idx"),
      ["images.idx", "not an IDX file", "0x00 0x00", "found 0x08 0x00"],
    );
    const text = new TextEncoder().encode("<html>404 Not Found</html>");
    expectDataError(() => readIdx(text), ["not an IDX file", "found 0x3c 0x68"]);
    for (const code of [0x00, 0x0a, 0x0f, 0xff]) {
      const bad = Uint8Array.from(good);
      bad[2] = code;
      expectDataError(
        () => readIdx(bad),
        [`unknown type code 0x${code.toString(16).padStart(2, "0")}`, "0x08 uint8"],
      );
    }
    const rank0 = Uint8Array.from([0, 0, 8, 0]);
    expectDataError(() => readIdx(rank0), ["rank 0"]);
  });

  it("refuses dimensions that do not match the length, in either direction", () => {
    const more = Uint8Array.from(good);
    more[7] = 3; // says [3,28,28]: 784 bytes are missing
    expectDataError(() => readIdx(more), ["truncated", "[3,28,28]", `found ${good.length} bytes`]);
    const fewer = Uint8Array.from(good);
    fewer[7] = 1; // says [1,28,28]: 784 bytes too many
    expectDataError(
      () => readIdx(fewer),
      ["trailing bytes", "[1,28,28]", `${16 + 784} bytes`, `found ${good.length}`],
    );
    const wide = Uint8Array.from(good);
    wide[11] = 29;
    expectDataError(() => readIdx(wide), ["[2,29,28]"]);
    const rank = Uint8Array.from(good);
    rank[3] = 2; // two dimensions: the third becomes data
    expectDataError(() => readIdx(rank), ["trailing bytes", "[2,28]"]);
    const huge = Uint8Array.from(good);
    huge[4] = 0xff;
    expectDataError(() => readIdx(huge), ["truncated", "[4278190082,28,28]"]);
    const floats = encodeIdx({ data: new Float32Array(6), shape: [6] });
    expectDataError(
      () => readIdx(floats.subarray(0, floats.length - 2)),
      ["float32 [6]", "8 + 6 × 4 = 32 bytes", "found 30 bytes"],
    );
  });

  it("names a missing file", () => {
    const file = join(dir(), "no-such-file.gz");
    expectDataError(() => readIdx(file), [file, "cannot read"]);
  });
});

describe("encodeIdx and writeIdx", () => {
  it("check the shape against the data and the array type", () => {
    expect(() => encodeIdx({ data: new Uint8Array(5), shape: [2, 3] })).toThrow(
      /holds 6 elements, data has 5/,
    );
    expect(() => encodeIdx({ data: new Uint8Array(0), shape: [] })).toThrow(/1 to 255 dimensions/);
    expect(() => encodeIdx({ data: new Uint8Array(1), shape: [1.5] })).toThrow(/integers/);
    expect(() => encodeIdx({ data: [1, 2] as unknown as Uint8Array, shape: [2] })).toThrow(/Uint8Array/);
  });

  it("gzips when asked or when the path ends in .gz", () => {
    const data = Int32Array.from([1, -1]);
    const plain = join(dir(), "explicit.idx");
    writeIdx(plain, { data, shape: [2] }, { gzip: true });
    expect(readFileSync(plain)[0]).toBe(0x1f);
    expect(Array.from(readIdx(plain).data)).toEqual([1, -1]);
  });
});
