import { DTypeError } from "./errors.ts";

/** The element types a tensor can hold. `float32` is the default; `float64` is for backends that support it (gradient checks). */
export type DType = "float32" | "float64" | "int32" | "bool";
export const DTYPES: readonly DType[] = ["float32", "float64", "int32", "bool"];

export type FloatDType = "float32" | "float64";
export type NumericDType = "float32" | "float64" | "int32";

/** The typed array each dtype is stored in (bool as 0/1 bytes). */
export interface TypedArrayFor {
  float32: Float32Array;
  float64: Float64Array;
  int32: Int32Array;
  bool: Uint8Array;
}
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export function isDType(x: unknown): x is DType {
  return typeof x === "string" && (DTYPES as readonly string[]).includes(x);
}

export function isFloat(dtype: DType): dtype is FloatDType {
  return dtype === "float32" || dtype === "float64";
}

export function isNumeric(dtype: DType): dtype is NumericDType {
  return dtype !== "bool";
}

export function bytesPerElement(dtype: DType): number {
  return dtype === "float64" ? 8 : dtype === "bool" ? 1 : 4;
}

export function typedArrayFor<D extends DType>(dtype: D, size: number): TypedArrayFor[D] {
  switch (dtype) {
    case "float32":
      return new Float32Array(size) as TypedArrayFor[D];
    case "float64":
      return new Float64Array(size) as TypedArrayFor[D];
    case "int32":
      return new Int32Array(size) as TypedArrayFor[D];
    case "bool":
      return new Uint8Array(size) as TypedArrayFor[D];
  }
  throw new DTypeError(`typedArrayFor: unknown dtype '${String(dtype)}'`);
}

/** The dtype a typed array holds naturally (Uint8Array is read as bool). */
export function dtypeOfTypedArray(values: ArrayLike<number>): DType | undefined {
  if (values instanceof Float32Array) return "float32";
  if (values instanceof Float64Array) return "float64";
  if (values instanceof Int32Array) return "int32";
  if (values instanceof Uint8Array) return "bool";
  return undefined;
}

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/**
 * Promotion of two tensor dtypes: the lattice bool < int32 < float32 < float64, result is the larger.
 * Consequences (as in NumPy with float32 as the default float): int32 + float32 = float32,
 * bool + int32 = int32, float32 + float64 = float64. A plain JS number is "weak": it takes the
 * other operand's dtype (`x.add(2)` stays float32, `i.add(2)` stays int32), except that a
 * non-integer number with an int32/bool tensor promotes to float32.
 */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/** The dtype of `tensor op number` under the weak-scalar rule above. */
export function promoteWithScalar(tensorDType: DType, value: number | boolean): DType {
  if (typeof value === "boolean") return tensorDType;
  if (isFloat(tensorDType)) return tensorDType;
  if (!Number.isInteger(value)) return "float32";
  return tensorDType === "bool" ? "int32" : tensorDType;
}

/** Float dtype an integer/bool input is promoted to by float-only math such as `exp` (int32 → float32). */
export function toFloat(dtype: DType): FloatDType {
  return isFloat(dtype) ? dtype : "float32";
}
