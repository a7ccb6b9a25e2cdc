import { ShapeError, ValueError, fmtShape } from "../errors.ts";
import { checkShape, shapesEqual, sizeOf } from "../shape.ts";
import { expectDType, expectSameDType } from "./check.ts";
import type { PrimDef } from "./types.ts";

export const reshape: PrimDef<"reshape"> = {
  name: "reshape",
  arity: 1,
  infer([x], { shape }) {
    checkShape("reshape", "shape", shape);
    if (sizeOf(shape) !== sizeOf(x.shape)) {
      throw new ShapeError(
        `reshape: cannot reshape a tensor of shape ${fmtShape(x.shape)} (${sizeOf(x.shape)} elements) to ${fmtShape(shape)} (${sizeOf(shape)} elements)`,
      );
    }
    return { shape: [...shape], dtype: x.dtype };
  },
};

export const transpose: PrimDef<"transpose"> = {
  name: "transpose",
  arity: 1,
  infer([x], { perm }) {
    const rank = x.shape.length;
    const sorted = [...perm].sort((a, b) => a - b);
    if (perm.length !== rank || sorted.some((p, i) => p !== i)) {
      throw new ShapeError(
        `transpose: perm must be a permutation of 0..${rank - 1} for shape ${fmtShape(x.shape)}, got [${perm.join(",")}]`,
      );
    }
    return { shape: perm.map((p) => x.shape[p]), dtype: x.dtype };
  },
};

export const broadcastTo: PrimDef<"broadcastTo"> = {
  name: "broadcastTo",
  arity: 1,
  infer([x], { shape }) {
    checkShape("broadcastTo", "shape", shape);
    const fits =
      shape.length >= x.shape.length &&
      x.shape.every((d, i) => d === 1 || d === shape[shape.length - x.shape.length + i]);
    if (!fits) {
      throw new ShapeError(`broadcastTo: cannot broadcast shape ${fmtShape(x.shape)} to ${fmtShape(shape)}`);
    }
    return { shape: [...shape], dtype: x.dtype };
  },
};

export const slice: PrimDef<"slice"> = {
  name: "slice",
  arity: 1,
  infer([x], { begin, size }) {
    const rank = x.shape.length;
    if (begin.length !== rank || size.length !== rank) {
      throw new ShapeError(
        `slice: begin and size must have ${rank} entries for shape ${fmtShape(x.shape)}, got [${begin.join(",")}] and [${size.join(",")}]`,
      );
    }
    for (let i = 0; i < rank; i++) {
      const b = begin[i];
      const s = size[i];
      if (!Number.isInteger(b) || !Number.isInteger(s) || b < 0 || s < 0 || b + s > x.shape[i]) {
        throw new ShapeError(
          `slice: begin [${begin.join(",")}] with size [${size.join(",")}] is out of bounds for shape ${fmtShape(x.shape)} (axis ${i})`,
        );
      }
    }
    return { shape: [...size], dtype: x.dtype };
  },
};

export const pad: PrimDef<"pad"> = {
  name: "pad",
  arity: 1,
  infer([x], { paddings, value }) {
    if (paddings.length !== x.shape.length) {
      throw new ShapeError(
        `pad: paddings must have one [before, after] pair per axis (${x.shape.length}), got ${paddings.length}`,
      );
    }
    for (const p of paddings) {
      if (p.length !== 2 || !Number.isInteger(p[0]) || !Number.isInteger(p[1]) || p[0] < 0 || p[1] < 0) {
        throw new ValueError(`pad: each padding must be two non-negative integers, got [${p.join(",")}]`);
      }
    }
    if (typeof value !== "number") throw new ValueError(`pad: value must be a number, got ${String(value)}`);
    return { shape: x.shape.map((d, i) => d + paddings[i][0] + paddings[i][1]), dtype: x.dtype };
  },
};

export const concat: PrimDef<"concat"> = {
  name: "concat",
  arity: "variadic",
  infer(xs, { axis }) {
    if (xs.length === 0) throw new ValueError("concat: needs at least one tensor");
    const first = xs[0];
    const rank = first.shape.length;
    if (!Number.isInteger(axis) || axis < 0 || axis >= rank) {
      throw new ShapeError(`concat: axis ${axis} is out of range for rank ${rank}`);
    }
    let total = 0;
    for (let k = 0; k < xs.length; k++) {
      const x = xs[k];
      expectSameDType("concat", first, x, ["tensors[0]", `tensors[${k}]`]);
      const ok = x.shape.length === rank && x.shape.every((d, i) => i === axis || d === first.shape[i]);
      if (!ok) {
        throw new ShapeError(
          `concat: tensors[${k}] has shape ${fmtShape(x.shape)}, which does not match ${fmtShape(first.shape)} outside axis ${axis}`,
        );
      }
      total += x.shape[axis];
    }
    const shape = [...first.shape];
    shape[axis] = total;
    return { shape, dtype: first.dtype };
  },
};

export const gather: PrimDef<"gather"> = {
  name: "gather",
  arity: 2,
  infer([x, indices], { axis }) {
    expectDType("gather", "indices", indices, ["int32"]);
    if (!Number.isInteger(axis) || axis < 0 || axis >= x.shape.length) {
      throw new ShapeError(`gather: axis ${axis} is out of range for x of shape ${fmtShape(x.shape)}`);
    }
    return {
      shape: [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)],
      dtype: x.dtype,
    };
  },
};

export const scatterAdd: PrimDef<"scatterAdd"> = {
  name: "scatterAdd",
  arity: 2,
  infer([updates, indices], { axis, size }) {
    expectDType("scatterAdd", "indices", indices, ["int32"]);
    expectDType("scatterAdd", "updates", updates, ["float32", "float64", "int32"]);
    const k = indices.shape.length;
    const mid = updates.shape.slice(axis, axis + k);
    if (
      !Number.isInteger(axis) ||
      axis < 0 ||
      axis + k > updates.shape.length ||
      !shapesEqual(mid, indices.shape)
    ) {
      throw new ShapeError(
        `scatterAdd: updates of shape ${fmtShape(updates.shape)} must hold indices' shape ${fmtShape(indices.shape)} at axis ${axis}`,
      );
    }
    if (!Number.isInteger(size) || size < 0)
      throw new ValueError(`scatterAdd: size must be a non-negative integer, got ${size}`);
    return {
      shape: [...updates.shape.slice(0, axis), size, ...updates.shape.slice(axis + k)],
      dtype: updates.dtype,
    };
  },
};
