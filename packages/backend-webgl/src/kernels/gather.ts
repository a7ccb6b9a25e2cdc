import { ValueError, fmtShape, sizeOf } from "@axon/core";
import type { GLBuffer } from "../gl/buffer.ts";
import type { GPGPU } from "../gl/gpgpu.ts";
import type { UniformSpec } from "../gl/program.ts";
import type { Kernels } from "./types.ts";
import { glType } from "./util.ts";

/**
 * The indices on the host, each checked against [0, n). Index tensors are small, and a buffer
 * keeps its values after the first read, so this costs one readback per index tensor at most.
 */
function hostIndices(
  g: GPGPU,
  op: string,
  indices: GLBuffer,
  shape: readonly number[],
  axis: number,
  n: number,
): Int32Array {
  const idx = g.readSync(indices, "int32") as Int32Array;
  for (let p = 0; p < idx.length; p++) {
    const v = idx[p];
    if (v < 0 || v >= n) {
      throw new ValueError(
        `${op}: index ${v} (at flat position ${p} of indices of shape ${fmtShape(shape)}) is out of range for axis ${axis} of size ${n}`,
      );
    }
  }
  return idx;
}

export function gatherKernels(g: GPGPU): Kernels<"gather" | "scatterAdd"> {
  return {
    /** out[o, p, i] = x[o, indices[p], i] with x viewed as [outer, n, inner]. */
    gather(inputs, { axis }, out) {
      const [x, indices] = inputs;
      const n = x.shape[axis];
      hostIndices(g, "gather", indices.buffer, indices.shape, axis, n);
      const t = glType(x.dtype);
      const uniforms: UniformSpec[] = [
        { name: "u_n", type: "int", value: n },
        { name: "u_p", type: "int", value: sizeOf(indices.shape) },
        { name: "u_inner", type: "int", value: sizeOf(x.shape.slice(axis + 1)) },
      ];
      const source = `${t} compute(int idx) {
  int o = idx / (u_p * u_inner);
  int r = idx - o * u_p * u_inner;
  int p = r / u_inner;
  int i = r - p * u_inner;
  return read0((o * u_n + read1(p)) * u_inner + i);
}`;
      return g.run(
        { inputs: [x.buffer, indices.buffer], uniforms, outDType: x.dtype, source },
        sizeOf(out.shape),
      );
    },

    /**
     * out[o, s, i] = Σ_{p : indices[p] = s} updates[o, p, i]. The host groups the positions by
     * index (ascending p within a group, so sums add in the same order as a sequential loop);
     * each output element then adds only its own group.
     */
    scatterAdd(inputs, { axis, size }, out) {
      const [updates, indices] = inputs;
      const idx = hostIndices(g, "scatterAdd", indices.buffer, indices.shape, axis, size);
      const outSize = sizeOf(out.shape);
      const p = idx.length;
      const starts = new Int32Array(size + 1);
      for (let k = 0; k < p; k++) starts[idx[k] + 1]++;
      for (let s = 0; s < size; s++) starts[s + 1] += starts[s];
      const fill = starts.slice(0, size);
      const order = new Int32Array(p);
      for (let k = 0; k < p; k++) order[fill[idx[k]]++] = k;
      const startsBuf = g.fromHost(starts, "int32");
      const orderBuf = g.fromHost(order, "int32");
      const t = glType(updates.dtype);
      const uniforms: UniformSpec[] = [
        { name: "u_size", type: "int", value: size },
        { name: "u_p", type: "int", value: p },
        { name: "u_inner", type: "int", value: sizeOf(updates.shape.slice(axis + indices.shape.length)) },
      ];
      const source = `${t} compute(int idx) {
  int o = idx / (u_size * u_inner);
  int r = idx - o * u_size * u_inner;
  int s = r / u_inner;
  int i = r - s * u_inner;
  int end = read1(s + 1);
  ${t} acc = ${t === "float" ? "0.0" : "0"};
  for (int j = read1(s); j < end; j++) acc += read0((o * u_p + read2(j)) * u_inner + i);
  return acc;
}`;
      try {
        return g.run(
          { inputs: [updates.buffer, startsBuf, orderBuf], uniforms, outDType: out.dtype, source },
          outSize,
        );
      } finally {
        g.free(startsBuf);
        g.free(orderBuf);
      }
    },
  };
}
