import ndarray from "ndarray";
import { describe, expect, it } from "vitest";
import { ValueError } from "../../errors.ts";
import { fromNdarray, toNdarray } from "../../interop/ndarray.ts";
import * as ax from "../../ops/index.ts";
import { expectAllClose } from "../allclose.ts";
import type { ConformanceContext } from "../context.ts";
import { expectError, hasFloat64 } from "./helpers.ts";

export function interopTests(ctx: ConformanceContext): void {
  describe("ndarray interop", () => {
    it("fromNdarray copies any strides and offset into row-major order", () => {
      const nd = ndarray(new Float32Array([0, 1, 2, 3, 4, 5]), [2, 3]);
      const t = fromNdarray(nd);
      expect(t.dtype).toBe("float32");
      expectAllClose(t, [0, 1, 2, 3, 4, 5], undefined, [2, 3]);
      expectAllClose(fromNdarray(nd.transpose(1, 0)), [0, 3, 1, 4, 2, 5], undefined, [3, 2]);
      expectAllClose(fromNdarray(nd.lo(0, 1).hi(2, 2)), [1, 2, 4, 5], undefined, [2, 2]);
      expectAllClose(fromNdarray(nd.step(1, -1)), [2, 1, 0, 5, 4, 3], undefined, [2, 3]);
      expectAllClose(fromNdarray(nd.pick(1, null)), [3, 4, 5], undefined, [3]);
    });

    it("fromNdarray takes the dtype from the data, or the one given", () => {
      expect(fromNdarray(ndarray(new Int32Array([1, 2]))).dtype).toBe("int32");
      const img = fromNdarray(ndarray(new Uint8Array([0, 128, 255])));
      expect(img.dtype).toBe("int32");
      expectAllClose(img, [0, 128, 255]);
      expect(fromNdarray(ndarray([1.5, 2]), "float32").dtype).toBe("float32");
      expect(fromNdarray(ndarray([true, false] as unknown as number[])).dtype).toBe("bool");
      expect(fromNdarray(ndarray(new Uint8Array([0, 3])), "bool").array()).toEqual([false, true]);
      if (hasFloat64(ctx)) expect(fromNdarray(ndarray(new Float64Array([0.1]))).dtype).toBe("float64");
      expectError(() => fromNdarray([1, 2] as never), ValueError, "fromNdarray", ["ndarray", "array"]);
      expectError(() => fromNdarray(ndarray(new Uint32Array([4294967295]))), ValueError, "fromNdarray", [
        "4294967295",
        "int32",
      ]);
    });

    it("toNdarray gives a row-major copy that round-trips", () => {
      const t = ax.tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]);
      const nd = toNdarray(t);
      expect(nd.shape).toEqual([2, 3]);
      expect(nd.get(1, 2)).toBe(6);
      expect(nd.data).toBeInstanceOf(Float32Array);
      expectAllClose(fromNdarray(nd), [1, 2, 3, 4, 5, 6], undefined, [2, 3]);
      const b = toNdarray(ax.tensor([true, false]));
      expect(Array.from(b.data)).toEqual([1, 0]);
      expect(toNdarray(ax.tensor(3)).shape).toEqual([]);
    });
  });
}
