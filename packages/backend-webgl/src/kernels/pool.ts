import { type Pool2DAttrs, type Shape, sizeOf } from "@axon/core";
import type { GLBuffer } from "../gl/buffer.ts";
import type { GPGPU } from "../gl/gpgpu.ts";
import type { UniformSpec } from "../gl/program.ts";
import type { Kernels } from "./types.ts";
import { coordsOf, glType } from "./util.ts";

/** x [N, H, W, C], y [N, OH, OW, C] and the window as uniforms. */
function geometry(x: Shape, y: Shape, a: Pool2DAttrs): UniformSpec[] {
  return [
    { name: "u_x", type: "int", value: [...x] },
    { name: "u_y", type: "int", value: [...y] },
    { name: "u_win", type: "int", value: [...a.filterSize] },
    { name: "u_stride", type: "int", value: [...a.strides] },
    { name: "u_pad", type: "int", value: [a.padding[0][0], a.padding[1][0]] },
  ];
}

/** GLSL: the in-bounds rows [ya, yb) and columns [xa, xb) of window (oy, ox). */
const WINDOW = `
  int H = u_x[1]; int W = u_x[2]; int C = u_x[3];
  int wy = oy * u_stride[0] - u_pad[0];
  int wx = ox * u_stride[1] - u_pad[1];
  int ya = max(wy, 0); int yb = min(wy + u_win[0], H);
  int xa = max(wx, 0); int xb = min(wx + u_win[1], W);`;

/**
 * Flat position (iy·W + ix) of the first maximum of each window (row-major scan, NaN counts as the
 * maximum, padding never wins), or −1 for a window that lies in the padding.
 */
function argmaxWindows(g: GPGPU, x: GLBuffer, xShape: Shape, yShape: Shape, attrs: Pool2DAttrs): GLBuffer {
  const coords = coordsOf(["n", "oy", "ox", "c"], yShape, "y");
  const source = `int compute(int idx) {
  ${coords.code}
  ${WINDOW}
  float best = 0.0;
  int arg = -1;
  for (int iy = ya; iy < yb; iy++) {
    for (int ix = xa; ix < xb; ix++) {
      float v = read0(((n * H + iy) * W + ix) * C + c);
      if (ax_isnan(v)) return iy * W + ix;
      if (arg < 0 || v > best) { best = v; arg = iy * W + ix; }
    }
  }
  return arg;
}`;
  const uniforms = [...coords.uniforms, ...geometry(xShape, yShape, attrs)];
  return g.run({ inputs: [x], uniforms, outDType: "int32", source }, sizeOf(yShape));
}

export function poolKernels(
  g: GPGPU,
): Kernels<"maxPool" | "maxPoolBackward" | "avgPool" | "avgPoolBackward"> {
  return {
    /** Max over the in-bounds part of each window; NaN propagates. */
    maxPool(inputs, attrs, out) {
      const [x] = inputs;
      const t = glType(x.dtype);
      const coords = coordsOf(["n", "oy", "ox", "c"], out.shape, "y");
      const nan = t === "float" ? "if (ax_isnan(v)) return v;" : "";
      const source = `${t} compute(int idx) {
  ${coords.code}
  ${WINDOW}
  ${t} best = ${t === "float" ? "-ax_inf()" : "-2147483647 - 1"};
  for (int iy = ya; iy < yb; iy++) {
    for (int ix = xa; ix < xb; ix++) {
      ${t} v = read0(((n * H + iy) * W + ix) * C + c);
      ${nan}
      if (v > best) best = v;
    }
  }
  return best;
}`;
      const uniforms = [...coords.uniforms, ...geometry(x.shape, out.shape, attrs)];
      return g.run({ inputs: [x.buffer], uniforms, outDType: out.dtype, source }, sizeOf(out.shape));
    },

    /** dx[n, y, x, c] = Σ dy over the windows (oy, ox ascending) whose first maximum is (y, x). */
    maxPoolBackward(inputs, attrs, out) {
      const [dy, x] = inputs;
      const args = argmaxWindows(g, x.buffer, x.shape, dy.shape, attrs);
      const coords = coordsOf(["n", "iy", "ix", "c"], x.shape, "x");
      const source = `float compute(int idx) {
  ${coords.code}
  int W = u_x[2]; int OH = u_y[1]; int OW = u_y[2]; int C = u_x[3];
  int pos = iy * W + ix;
  int ty = iy + u_pad[0];
  int tx = ix + u_pad[1];
  int oy0 = ty - u_win[0] + 1 < 0 ? 0 : (ty - u_win[0] + u_stride[0]) / u_stride[0];
  int ox0 = tx - u_win[1] + 1 < 0 ? 0 : (tx - u_win[1] + u_stride[1]) / u_stride[1];
  int oy1 = min(OH - 1, ty / u_stride[0]);
  int ox1 = min(OW - 1, tx / u_stride[1]);
  float acc = 0.0;
  for (int oy = oy0; oy <= oy1; oy++) {
    for (int ox = ox0; ox <= ox1; ox++) {
      int o = ((n * OH + oy) * OW + ox) * C + c;
      if (read1(o) == pos) acc += read0(o);
    }
  }
  return acc;
}`;
      const uniforms = [...coords.uniforms, ...geometry(x.shape, dy.shape, attrs)];
      try {
        return g.run({ inputs: [dy.buffer, args], uniforms, outDType: out.dtype, source }, sizeOf(out.shape));
      } finally {
        g.free(args);
      }
    },

    /** Mean over the in-bounds part of each window (padding is not counted). */
    avgPool(inputs, attrs, out) {
      const [x] = inputs;
      const coords = coordsOf(["n", "oy", "ox", "c"], out.shape, "y");
      const source = `float compute(int idx) {
  ${coords.code}
  ${WINDOW}
  float acc = 0.0;
  for (int iy = ya; iy < yb; iy++) {
    for (int ix = xa; ix < xb; ix++) acc += read0(((n * H + iy) * W + ix) * C + c);
  }
  int count = max(yb - ya, 0) * max(xb - xa, 0);
  return count == 0 ? ax_nan() : acc / float(count);
}`;
      const uniforms = [...coords.uniforms, ...geometry(x.shape, out.shape, attrs)];
      return g.run({ inputs: [x.buffer], uniforms, outDType: out.dtype, source }, sizeOf(out.shape));
    },

    /** dx[n, y, x, c] = Σ over the windows that hold (y, x) of dy / (that window's in-bounds count). */
    avgPoolBackward(inputs, attrs, out) {
      const [dy] = inputs;
      const xShape = attrs.inputShape;
      const coords = coordsOf(["n", "iy", "ix", "c"], xShape, "x");
      const source = `float compute(int idx) {
  ${coords.code}
  int H = u_x[1]; int W = u_x[2]; int OH = u_y[1]; int OW = u_y[2]; int C = u_x[3];
  int ty = iy + u_pad[0];
  int tx = ix + u_pad[1];
  int oy0 = ty - u_win[0] + 1 < 0 ? 0 : (ty - u_win[0] + u_stride[0]) / u_stride[0];
  int ox0 = tx - u_win[1] + 1 < 0 ? 0 : (tx - u_win[1] + u_stride[1]) / u_stride[1];
  int oy1 = min(OH - 1, ty / u_stride[0]);
  int ox1 = min(OW - 1, tx / u_stride[1]);
  float acc = 0.0;
  for (int oy = oy0; oy <= oy1; oy++) {
    int wy = oy * u_stride[0] - u_pad[0];
    int ch = min(wy + u_win[0], H) - max(wy, 0);
    for (int ox = ox0; ox <= ox1; ox++) {
      int wx = ox * u_stride[1] - u_pad[1];
      int cw = min(wx + u_win[1], W) - max(wx, 0);
      acc += read0(((n * OH + oy) * OW + ox) * C + c) / float(ch * cw);
    }
  }
  return acc;
}`;
      const uniforms = [...coords.uniforms, ...geometry(xShape, dy.shape, attrs)];
      return g.run({ inputs: [dy.buffer], uniforms, outDType: out.dtype, source }, sizeOf(out.shape));
    },
  };
}
