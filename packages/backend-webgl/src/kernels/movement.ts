import { type DType, type Shape, sizeOf, stridesOf } from "@axon/core";
import type { GLBuffer } from "../gl/buffer.ts";
import type { GPGPU } from "../gl/gpgpu.ts";
import type { UniformSpec } from "../gl/program.ts";
import { stridedCopy } from "./copy.ts";
import type { Kernels } from "./types.ts";
import { broadcastStrides, coordsOf, glType } from "./util.ts";

/** Inputs per concat draw; longer lists are concatenated in groups. */
const CONCAT_GROUP = 8;

function concatGroup(
  g: GPGPU,
  parts: readonly { buffer: GLBuffer; shape: Shape }[],
  axis: number,
  outShape: Shape,
  dtype: DType,
): GLBuffer {
  const t = glType(dtype);
  const starts: number[] = [];
  let end = 0;
  for (const p of parts) {
    starts.push(end);
    end += p.shape[axis];
  }
  const uniforms: UniformSpec[] = [
    { name: "u_inner", type: "int", value: sizeOf(outShape.slice(axis + 1)) },
    { name: "u_total", type: "int", value: outShape[axis] },
    { name: "u_starts", type: "int", value: starts },
    { name: "u_ns", type: "int", value: parts.map((p) => p.shape[axis]) },
  ];
  const branches = parts.map(
    (_, k) =>
      `if (j < u_starts[${k}] + u_ns[${k}]) return read${k}((o * u_ns[${k}] + (j - u_starts[${k}])) * u_inner + i);`,
  );
  const source = `${t} compute(int idx) {
  int o = idx / (u_total * u_inner);
  int r = idx - o * u_total * u_inner;
  int j = r / u_inner;
  int i = r - j * u_inner;
  ${branches.join("\n  ")}
  return read0(0);
}`;
  return g.run({ inputs: parts.map((p) => p.buffer), uniforms, outDType: dtype, source }, sizeOf(outShape));
}

export function movementKernels(
  g: GPGPU,
): Kernels<"reshape" | "transpose" | "broadcastTo" | "slice" | "pad" | "concat"> {
  return {
    // Flat row-major layout: a reshape is the same buffer (the engine shares it).
    reshape: (inputs) => inputs[0].buffer,

    transpose(inputs, { perm }, out) {
      const [x] = inputs;
      const strides = stridesOf(x.shape);
      return stridedCopy(
        g,
        x.buffer,
        x.dtype,
        out.shape,
        perm.map((p) => strides[p]),
        0,
      );
    },

    broadcastTo(inputs, _attrs, out) {
      const [x] = inputs;
      if (sizeOf(x.shape) === sizeOf(out.shape)) return x.buffer;
      return stridedCopy(g, x.buffer, x.dtype, out.shape, broadcastStrides(x.shape, out.shape), 0);
    },

    slice(inputs, { begin }, out) {
      const [x] = inputs;
      const strides = stridesOf(x.shape);
      const base = begin.reduce((s, b, d) => s + b * strides[d], 0);
      return stridedCopy(g, x.buffer, x.dtype, out.shape, strides, base);
    },

    pad(inputs, { paddings, value }, out) {
      const [x] = inputs;
      const rank = x.shape.length;
      const t = glType(x.dtype);
      const names = x.shape.map((_, d) => `c${d}`);
      const coords = coordsOf(names, out.shape, "p");
      const strides = stridesOf(x.shape);
      const uniforms: UniformSpec[] = [
        ...coords.uniforms,
        { name: "p_before", type: "int", value: paddings.map((p) => p[0]) },
        { name: "p_in", type: "int", value: [...x.shape] },
        { name: "p_st", type: "int", value: strides },
        t === "float"
          ? { name: "p_value", type: "float", value }
          : { name: "p_value", type: "int", value: x.dtype === "bool" ? (value !== 0 ? 1 : 0) : value | 0 },
      ];
      const lines: string[] = ["int off = 0;"];
      for (let d = 0; d < rank; d++) {
        lines.push(
          `int s${d} = c${d} - p_before[${d}];`,
          `if (s${d} < 0 || s${d} >= p_in[${d}]) return p_value;`,
          `off += s${d} * p_st[${d}];`,
        );
      }
      const source = `${t} compute(int idx) {\n  ${rank > 0 ? coords.code : ""}\n  ${lines.join("\n  ")}\n  return read0(off);\n}`;
      return g.run({ inputs: [x.buffer], uniforms, outDType: x.dtype, source }, sizeOf(out.shape));
    },

    concat(inputs, { axis }, out) {
      let parts = inputs.filter((x) => x.shape[axis] > 0).map((x) => ({ buffer: x.buffer, shape: x.shape }));
      if (parts.length === 0) return g.run({ inputs: [], outDType: out.dtype, source: "" }, 0);
      if (parts.length === 1) return parts[0].buffer;
      const temps: GLBuffer[] = [];
      while (parts.length > CONCAT_GROUP) {
        const next: { buffer: GLBuffer; shape: Shape }[] = [];
        for (let i = 0; i < parts.length; i += CONCAT_GROUP) {
          const group = parts.slice(i, i + CONCAT_GROUP);
          if (group.length === 1) next.push(group[0]);
          else {
            const shape = [...group[0].shape];
            shape[axis] = group.reduce((s, p) => s + p.shape[axis], 0);
            const buffer = concatGroup(g, group, axis, shape, out.dtype);
            temps.push(buffer);
            next.push({ buffer, shape });
          }
        }
        parts = next;
      }
      const result = concatGroup(g, parts, axis, out.shape, out.dtype);
      for (const t of temps) g.free(t);
      return result;
    },
  };
}
