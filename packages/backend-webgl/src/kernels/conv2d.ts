import { sizeOf } from "@axon/core";
import type { GPGPU } from "../gl/gpgpu.ts";
import type { UniformSpec } from "../gl/program.ts";
import type { Kernels } from "./types.ts";
import { coordsOf } from "./util.ts";

interface ConvGeometry {
  readonly x: readonly number[]; // [N, H, W, C]
  readonly f: readonly number[]; // [KH, KW, C, O]
  readonly y: readonly number[]; // [N, OH, OW, O]
  readonly strides: readonly [number, number];
  readonly padding: readonly (readonly [number, number])[];
  readonly dilations: readonly [number, number];
}

/** Shapes, strides, padding (top, left) and dilations as uniforms shared by the three conv kernels. */
function geometry(c: ConvGeometry): UniformSpec[] {
  return [
    { name: "u_x", type: "int", value: [...c.x] },
    { name: "u_f", type: "int", value: [...c.f] },
    { name: "u_y", type: "int", value: [...c.y] },
    { name: "u_stride", type: "int", value: [...c.strides] },
    { name: "u_pad", type: "int", value: [c.padding[0][0], c.padding[1][0]] },
    { name: "u_dil", type: "int", value: [...c.dilations] },
  ];
}

/**
 * NHWC conv2d with filter [kh, kw, in, out], explicit padding and dilations, and its two adjoints.
 * When the channels of the output's last axis come in fours, a fragment computes a texel (four
 * channels) and reads texels of the operands contiguous along channels; otherwise one element.
 */
export function conv2dKernels(g: GPGPU): Kernels<"conv2d" | "conv2dBackpropInput" | "conv2dBackpropFilter"> {
  return {
    /** y[n, oy, ox, o] = Σ_{ky, kx, c} x[n, oy·sh − pt + ky·dh, ox·sw − pl + kx·dw, c] · f[ky, kx, c, o]. */
    conv2d(inputs, { strides, padding, dilations }, out) {
      const [x, f] = inputs;
      const coords = coordsOf(["n", "oy", "ox", "o"], out.shape, "y");
      const uniforms = [
        ...coords.uniforms,
        ...geometry({ x: x.shape, f: f.shape, y: out.shape, strides, padding, dilations }),
      ];
      const O = f.shape[3];
      const C = x.shape[3];
      if (O % 4 === 0) {
        // A texel is four output channels of one pixel; the filter's four channels are one texel,
        // and so are four input channels when C is a multiple of 4.
        const inner =
          C % 4 === 0
            ? `int tf = fo >> 2; int ob = O >> 2;
      for (int c = 0; c < C; c += 4) {
        vec4 xv = fetch0((xo + c) >> 2);
        acc += xv.x * fetch1(tf); acc += xv.y * fetch1(tf + ob);
        acc += xv.z * fetch1(tf + 2 * ob); acc += xv.w * fetch1(tf + 3 * ob);
        tf += 4 * ob;
      }`
            : `int tf = fo >> 2; int ob = O >> 2;
      for (int c = 0; c < C; c++) { acc += read0(xo + c) * fetch1(tf); tf += ob; }`;
        const source = `vec4 computeTexel(int t) {
  int idx = t << 2;
  if (idx >= u_outSize) return vec4(0.0);
  ${coords.code}
  int H = u_x[1]; int W = u_x[2]; int C = u_x[3];
  int KH = u_f[0]; int KW = u_f[1]; int O = u_f[3];
  vec4 acc = vec4(0.0);
  for (int ky = 0; ky < KH; ky++) {
    int iy = oy * u_stride[0] - u_pad[0] + ky * u_dil[0];
    if (iy < 0 || iy >= H) continue;
    for (int kx = 0; kx < KW; kx++) {
      int ix = ox * u_stride[1] - u_pad[1] + kx * u_dil[1];
      if (ix < 0 || ix >= W) continue;
      int xo = ((n * H + iy) * W + ix) * C;
      int fo = (ky * KW + kx) * C * O + o;
      ${inner}
    }
  }
  return acc;
}`;
        return g.run(
          { inputs: [x.buffer, f.buffer], uniforms, outDType: out.dtype, source, texel: true },
          sizeOf(out.shape),
        );
      }
      const source = `float compute(int idx) {
  ${coords.code}
  int H = u_x[1]; int W = u_x[2]; int C = u_x[3];
  int KH = u_f[0]; int KW = u_f[1]; int O = u_f[3];
  float acc = 0.0;
  for (int ky = 0; ky < KH; ky++) {
    int iy = oy * u_stride[0] - u_pad[0] + ky * u_dil[0];
    if (iy < 0 || iy >= H) continue;
    for (int kx = 0; kx < KW; kx++) {
      int ix = ox * u_stride[1] - u_pad[1] + kx * u_dil[1];
      if (ix < 0 || ix >= W) continue;
      int xo = ((n * H + iy) * W + ix) * C;
      int fo = (ky * KW + kx) * C * O + o;
      for (int c = 0; c < C; c++) acc += read0(xo + c) * read1(fo + c * O);
    }
  }
  return acc;
}`;
      return g.run(
        { inputs: [x.buffer, f.buffer], uniforms, outDType: out.dtype, source },
        sizeOf(out.shape),
      );
    },

    /** dx[n, y, x, c] = Σ over (ky, kx, o) of dy at the output positions whose window reads (y, x). */
    conv2dBackpropInput(inputs, { strides, padding, dilations, inputShape }, out) {
      const [dy, f] = inputs;
      const coords = coordsOf(["n", "y", "x", "c"], inputShape, "dx");
      const uniforms = [
        ...coords.uniforms,
        ...geometry({ x: inputShape, f: f.shape, y: dy.shape, strides, padding, dilations }),
      ];
      const C = inputShape[3];
      const O = f.shape[3];
      if (C % 4 === 0 && O % 4 === 0) {
        // A texel is four input channels of one pixel: dot products of dy's and the filter's
        // output channels, four at a time.
        const source = `vec4 computeTexel(int t) {
  int idx = t << 2;
  if (idx >= u_outSize) return vec4(0.0);
  ${coords.code}
  int OH = u_y[1]; int OW = u_y[2];
  int KH = u_f[0]; int KW = u_f[1]; int C = u_f[2]; int O = u_f[3];
  int ob = O >> 2;
  vec4 acc = vec4(0.0);
  for (int ky = 0; ky < KH; ky++) {
    int ty = y + u_pad[0] - ky * u_dil[0];
    if (ty < 0) break;
    int oy = ty / u_stride[0];
    if (oy * u_stride[0] != ty || oy >= OH) continue;
    for (int kx = 0; kx < KW; kx++) {
      int tx = x + u_pad[1] - kx * u_dil[1];
      if (tx < 0) break;
      int ox = tx / u_stride[1];
      if (ox * u_stride[1] != tx || ox >= OW) continue;
      int tdy = (((n * OH + oy) * OW + ox) * O) >> 2;
      int tf = (((ky * KW + kx) * C + c) * O) >> 2;
      for (int o = 0; o < ob; o++) {
        vec4 d = fetch0(tdy + o);
        acc.x += dot(d, fetch1(tf + o));
        acc.y += dot(d, fetch1(tf + ob + o));
        acc.z += dot(d, fetch1(tf + 2 * ob + o));
        acc.w += dot(d, fetch1(tf + 3 * ob + o));
      }
    }
  }
  return acc;
}`;
        return g.run(
          { inputs: [dy.buffer, f.buffer], uniforms, outDType: out.dtype, source, texel: true },
          sizeOf(out.shape),
        );
      }
      const source = `float compute(int idx) {
  ${coords.code}
  int OH = u_y[1]; int OW = u_y[2];
  int KH = u_f[0]; int KW = u_f[1]; int C = u_f[2]; int O = u_f[3];
  float acc = 0.0;
  for (int ky = 0; ky < KH; ky++) {
    int ty = y + u_pad[0] - ky * u_dil[0];
    if (ty < 0) break;
    int oy = ty / u_stride[0];
    if (oy * u_stride[0] != ty || oy >= OH) continue;
    for (int kx = 0; kx < KW; kx++) {
      int tx = x + u_pad[1] - kx * u_dil[1];
      if (tx < 0) break;
      int ox = tx / u_stride[1];
      if (ox * u_stride[1] != tx || ox >= OW) continue;
      int dyo = ((n * OH + oy) * OW + ox) * O;
      int fo = ((ky * KW + kx) * C + c) * O;
      for (int o = 0; o < O; o++) acc += read0(dyo + o) * read1(fo + o);
    }
  }
  return acc;
}`;
      return g.run(
        { inputs: [dy.buffer, f.buffer], uniforms, outDType: out.dtype, source },
        sizeOf(out.shape),
      );
    },

    /** df[ky, kx, c, o] = Σ_{n, oy, ox} x[n, oy·sh − pt + ky·dh, ox·sw − pl + kx·dw, c] · dy[n, oy, ox, o]. */
    conv2dBackpropFilter(inputs, { strides, padding, dilations, filterShape }, out) {
      const [x, dy] = inputs;
      const coords = coordsOf(["ky", "kx", "c", "o"], filterShape, "df");
      const uniforms = [
        ...coords.uniforms,
        ...geometry({ x: x.shape, f: filterShape, y: dy.shape, strides, padding, dilations }),
      ];
      if (filterShape[3] % 4 === 0) {
        // A texel is four output channels of one filter tap: dy's four channels are one texel.
        const source = `vec4 computeTexel(int t) {
  int idx = t << 2;
  if (idx >= u_outSize) return vec4(0.0);
  ${coords.code}
  int N = u_x[0]; int H = u_x[1]; int W = u_x[2]; int C = u_x[3];
  int OH = u_y[1]; int OW = u_y[2]; int O = u_y[3];
  int top = ky * u_dil[0] - u_pad[0];
  int left = kx * u_dil[1] - u_pad[1];
  vec4 acc = vec4(0.0);
  for (int n = 0; n < N; n++) {
    for (int oy = 0; oy < OH; oy++) {
      int iy = oy * u_stride[0] + top;
      if (iy < 0) continue;
      if (iy >= H) break;
      for (int ox = 0; ox < OW; ox++) {
        int ix = ox * u_stride[1] + left;
        if (ix < 0) continue;
        if (ix >= W) break;
        acc += read0(((n * H + iy) * W + ix) * C + c) * fetch1((((n * OH + oy) * OW + ox) * O + o) >> 2);
      }
    }
  }
  return acc;
}`;
        return g.run(
          { inputs: [x.buffer, dy.buffer], uniforms, outDType: out.dtype, source, texel: true },
          sizeOf(out.shape),
        );
      }
      const source = `float compute(int idx) {
  ${coords.code}
  int N = u_x[0]; int H = u_x[1]; int W = u_x[2]; int C = u_x[3];
  int OH = u_y[1]; int OW = u_y[2]; int O = u_y[3];
  int top = ky * u_dil[0] - u_pad[0];
  int left = kx * u_dil[1] - u_pad[1];
  float acc = 0.0;
  for (int n = 0; n < N; n++) {
    for (int oy = 0; oy < OH; oy++) {
      int iy = oy * u_stride[0] + top;
      if (iy < 0) continue;
      if (iy >= H) break;
      for (int ox = 0; ox < OW; ox++) {
        int ix = ox * u_stride[1] + left;
        if (ix < 0) continue;
        if (ix >= W) break;
        acc += read0(((n * H + iy) * W + ix) * C + c) * read1(((n * OH + oy) * OW + ox) * O + o);
      }
    }
  }
  return acc;
}`;
      return g.run(
        { inputs: [x.buffer, dy.buffer], uniforms, outDType: out.dtype, source },
        sizeOf(out.shape),
      );
    },
  };
}
