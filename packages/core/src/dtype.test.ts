import { describe, expect, it } from "vitest";
import {
  DTYPES,
  type DType,
  bytesPerElement,
  dtypeOfTypedArray,
  isDType,
  isFloat,
  isNumeric,
  promoteTypes,
  promoteWithScalar,
  toFloat,
  typedArrayFor,
} from "./dtype.ts";

// The lattice bool < int32 < float32 < float64: every ordered pair, written out by hand.
const PROMOTION: Record<DType, Record<DType, DType>> = {
  bool: { bool: "bool", int32: "int32", float32: "float32", float64: "float64" },
  int32: { bool: "int32", int32: "int32", float32: "float32", float64: "float64" },
  float32: { bool: "float32", int32: "float32", float32: "float32", float64: "float64" },
  float64: { bool: "float64", int32: "float64", float32: "float64", float64: "float64" },
};

describe("promoteTypes", () => {
  const pairs = DTYPES.flatMap((a) => DTYPES.map((b) => [a, b, PROMOTION[a][b]] as const));

  it.each(pairs)("%s with %s is %s", (a, b, expected) => {
    expect(promoteTypes(a, b)).toBe(expected);
  });

  it("is commutative, idempotent and associative", () => {
    for (const a of DTYPES) {
      expect(promoteTypes(a, a)).toBe(a);
      for (const b of DTYPES) {
        expect(promoteTypes(a, b)).toBe(promoteTypes(b, a));
        for (const c of DTYPES)
          expect(promoteTypes(promoteTypes(a, b), c)).toBe(promoteTypes(a, promoteTypes(b, c)));
      }
    }
  });
});

describe("promoteWithScalar (weak scalars)", () => {
  const cases: [DType, number | boolean, DType][] = [
    ["float32", 2, "float32"],
    ["float32", 0.5, "float32"],
    ["float32", true, "float32"],
    ["float64", 2, "float64"],
    ["float64", 0.5, "float64"],
    ["int32", 2, "int32"],
    ["int32", -7, "int32"],
    ["int32", 0.5, "float32"],
    ["int32", Number.NaN, "float32"],
    ["int32", Number.POSITIVE_INFINITY, "float32"],
    ["int32", true, "int32"],
    ["bool", 2, "int32"],
    ["bool", 0, "int32"],
    ["bool", 0.5, "float32"],
    ["bool", false, "bool"],
    ["float32", 1e300, "float32"],
  ];
  it.each(cases)("%s with %s is %s", (dtype, value, expected) => {
    expect(promoteWithScalar(dtype, value)).toBe(expected);
  });
});

describe("dtype helpers", () => {
  it("classifies dtypes", () => {
    expect(DTYPES).toEqual(["float32", "float64", "int32", "bool"]);
    expect(DTYPES.map(isFloat)).toEqual([true, true, false, false]);
    expect(DTYPES.map(isNumeric)).toEqual([true, true, true, false]);
    expect(DTYPES.map(toFloat)).toEqual(["float32", "float64", "float32", "float32"]);
    expect(DTYPES.map(bytesPerElement)).toEqual([4, 8, 4, 1]);
  });

  it("recognises dtype names", () => {
    for (const d of DTYPES) expect(isDType(d)).toBe(true);
    for (const x of ["float16", "int64", "", 3, null, undefined, "Float32"]) expect(isDType(x)).toBe(false);
  });

  it("maps dtypes to typed arrays and back", () => {
    const kinds = [Float32Array, Float64Array, Int32Array, Uint8Array];
    DTYPES.forEach((d, i) => {
      const a = typedArrayFor(d, 3);
      expect(a).toBeInstanceOf(kinds[i]);
      expect(Array.from(a)).toEqual([0, 0, 0]);
      expect(dtypeOfTypedArray(a)).toBe(d);
    });
    expect(dtypeOfTypedArray([1, 2])).toBeUndefined();
    expect(dtypeOfTypedArray(new Int16Array(2))).toBeUndefined();
  });

  it("refuses an unknown dtype", () => {
    expect(() => typedArrayFor("float16" as DType, 1)).toThrow(/^typedArrayFor: unknown dtype 'float16'/);
  });
});
