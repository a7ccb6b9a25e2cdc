/**
 * Float32 math in GLSL that gives the same answers on every GPU: special values are handled
 * before any builtin sees them (builtins are undefined on NaN, Inf, log(0), x/0 and pow with a
 * negative base), and exp, log, sin, cos and erf are computed here with range reduction and
 * polynomials instead of the driver's approximations.
 */

interface Fn {
  readonly needs: readonly string[];
  readonly code: string;
}

const FUNCTIONS: Record<string, Fn> = {
  // x·2^k for integer k in [-252, 254], scaled by two normal powers of two so that 2^k itself never
  // overflows (2^128 is not a float32, but 0.9·2^128 is): one rounding at most.
  ax_ldexp: {
    needs: [],
    code: `
float ax_ldexp(float x, int k) {
  int h = k / 2;
  return (x * uintBitsToFloat(uint(h + 127) << 23)) * uintBitsToFloat(uint(k - h + 127) << 23);
}`,
  },
  ax_exp: {
    needs: ["ax_ldexp"],
    code: `
float ax_exp(float x) {
  if (ax_isnan(x)) return x;
  if (x > 88.72283935546875) return ax_inf();
  if (x < -104.0) return 0.0;
  float k = floor(x * 1.44269502162933349609 + 0.5);
  float r = (x - k * 0.693145751953125) - k * 1.42860682030941723212e-6;
  float p = 1.0 + r * (1.0 + r * (0.5 + r * (1.66666666666666666667e-1 + r * (4.16666666666666666667e-2
    + r * (8.33333333333333333333e-3 + r * (1.38888888888888888889e-3 + r * 1.98412698412698412698e-4))))));
  return ax_ldexp(p, int(k));
}`,
  },
  // musl's logf: x = 2^k (1 + f) with 1 + f in [√2/2, √2), log(1 + f) = 2 atanh(f / (2 + f)).
  ax_log: {
    needs: [],
    code: `
float ax_log(float x) {
  if (ax_isnan(x)) return x;
  if (x == 0.0) return -ax_inf();
  if (x < 0.0) return ax_nan();
  if (ax_isinf(x)) return x;
  uint ix = floatBitsToUint(x);
  if (ix < 0x00800000u) return -ax_inf();
  ix += 0x3f800000u - 0x3f3504f3u;
  int k = int(ix >> 23) - 127;
  ix = (ix & 0x007fffffu) + 0x3f3504f3u;
  float f = uintBitsToFloat(ix) - 1.0;
  float s = f / (2.0 + f);
  float z = s * s;
  float w = z * z;
  float t1 = w * (0.40000972152 + w * 0.24279078841);
  float t2 = z * (0.66666662693 + w * 0.28498786688);
  float R = t2 + t1;
  float hfsq = 0.5 * f * f;
  float dk = float(k);
  return s * (hfsq + R) + dk * 9.0580006145e-06 - hfsq + f + dk * 6.9313812256e-01;
}`,
  },
  ax_log1p: {
    needs: ["ax_log"],
    code: `
float ax_log1p(float x) {
  if (ax_isnan(x)) return x;
  if (x == -1.0) return -ax_inf();
  if (x < -1.0) return ax_nan();
  if (ax_isinf(x)) return x;
  float u = ax_one + x;
  if (u == 1.0) return x;
  return ax_log(u) * (x / (ax_keep(u) - ax_one));
}`,
  },
  ax_expm1: {
    needs: ["ax_exp", "ax_log"],
    code: `
float ax_expm1(float x) {
  if (ax_isnan(x)) return x;
  if (x > 88.72283935546875) return ax_inf();
  if (x < -17.0) return -1.0;
  float u = ax_exp(x);
  if (u == 1.0) return x;
  float um1 = u - ax_one;
  if (um1 == -1.0) return -1.0;
  return um1 * (x / ax_log(u));
}`,
  },
  ax_tanh: {
    needs: ["ax_expm1"],
    code: `
float ax_tanh(float x) {
  if (ax_isnan(x)) return x;
  float a = abs(x);
  if (a > 9.1) return sign(x);
  float t = ax_expm1(-2.0 * a);
  float r = -t / (2.0 + t);
  return x < 0.0 ? -r : r;
}`,
  },
  ax_sigmoid: {
    needs: ["ax_exp"],
    code: `
float ax_sigmoid(float x) {
  if (ax_isnan(x)) return x;
  if (x >= 0.0) return 1.0 / (1.0 + ax_exp(-x));
  float e = ax_exp(x);
  return e / (1.0 + e);
}`,
  },
  // Cephes sinf/cosf: j = round(x·4/π) even, r = x − j·π/4 in three exact parts, then polynomials.
  ax_sincos: {
    needs: [],
    code: `
vec2 ax_sincos_reduced(float x, out int q) {
  float a = abs(x);
  float j = floor(a * 1.27323954473516);
  if (mod(j, 2.0) == 1.0) j += 1.0;
  q = int(mod(j, 8.0)) / 2;
  float r = ((a - j * 0.78515625) - j * 2.4187564849853515625e-4) - j * 3.77489497744594108e-8;
  float z = r * r;
  float s = r + r * z * (-1.6666654611e-1 + z * (8.3321608736e-3 + z * -1.9515295891e-4));
  float c = 1.0 - 0.5 * z + z * z * (4.166664568298827e-2 + z * (-1.388731625493765e-3 + z * 2.443315711809948e-5));
  return vec2(s, c);
}
float ax_sin(float x) {
  if (ax_isnan(x) || ax_isinf(x)) return ax_nan();
  int q;
  vec2 sc = ax_sincos_reduced(x, q);
  float v = (q == 0 || q == 2) ? sc.x : sc.y;
  if (q >= 2) v = -v;
  return x < 0.0 ? -v : v;
}
float ax_cos(float x) {
  if (ax_isnan(x) || ax_isinf(x)) return ax_nan();
  int q;
  vec2 sc = ax_sincos_reduced(x, q);
  float v = (q == 0 || q == 2) ? sc.y : sc.x;
  if (q == 1 || q == 2) v = -v;
  return v;
}`,
  },
  // |x| < 0.5: Taylor series of erf; beyond: 1 − erfc with the Numerical Recipes erfcc
  // (fractional error below 1.2e-7 everywhere).
  ax_erf: {
    needs: ["ax_exp"],
    code: `
float ax_erf(float x) {
  if (ax_isnan(x)) return x;
  float a = abs(x);
  if (a >= 4.0) return x < 0.0 ? -1.0 : 1.0;
  if (a < 0.5) {
    float z = x * x;
    float p = 1.0 + z * (-3.33333333333333333e-1 + z * (1.0e-1 + z * (-2.38095238095238095e-2
      + z * (4.62962962962962963e-3 + z * (-7.57575757575757576e-4 + z * (1.06837606837606838e-4
      + z * -1.32275132275132275e-5))))));
    return x * 1.12837916709551257 * p;
  }
  float t = 1.0 / (1.0 + 0.5 * a);
  float e = -a * a - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
    + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  float r = 1.0 - t * ax_exp(e);
  return x < 0.0 ? -r : r;
}`,
  },
  ax_div: {
    needs: [],
    code: `
float ax_div(float a, float b) {
  if (ax_isnan(a) || ax_isnan(b)) return ax_nan();
  bool neg = ax_signbit(a) != ax_signbit(b);
  if (b == 0.0) return a == 0.0 ? ax_nan() : (neg ? -ax_inf() : ax_inf());
  if (ax_isinf(b)) return ax_isinf(a) ? ax_nan() : (neg ? -0.0 : 0.0);
  if (ax_isinf(a)) return neg ? -ax_inf() : ax_inf();
  return a / b;
}`,
  },
  // Math.pow semantics (pow(x, NaN) = NaN, pow(±1, ±Inf) = NaN, pow(x, 0) = 1).
  ax_pow: {
    needs: ["ax_exp", "ax_log"],
    code: `
float ax_pow(float a, float b) {
  if (ax_isnan(b)) return ax_nan();
  if (b == 0.0) return 1.0;
  if (ax_isnan(a)) return ax_nan();
  float aa = abs(a);
  if (ax_isinf(b)) {
    if (aa == 1.0) return ax_nan();
    return ((aa > 1.0) == (b > 0.0)) ? ax_inf() : 0.0;
  }
  bool isInt = floor(b) == b;
  bool odd = isInt && abs(b) < 16777216.0 && mod(abs(b), 2.0) == 1.0;
  if (a == 0.0 || ax_isinf(a)) {
    bool neg = ax_signbit(a) && odd;
    bool big = (a == 0.0) != (b > 0.0);
    float m = big ? ax_inf() : 0.0;
    return neg ? -m : m;
  }
  if (a < 0.0 && !isInt) return ax_nan();
  float r;
  if (isInt && abs(b) <= 64.0) {
    int n = int(abs(b));
    float base = aa;
    r = 1.0;
    for (int i = 0; i < 7; i++) {
      if ((n & 1) == 1) r *= base;
      n >>= 1;
      if (n == 0) break;
      base *= base;
    }
    if (b < 0.0) r = ax_isinf(r) ? 0.0 : 1.0 / r;
  } else {
    r = ax_exp(b * ax_log(aa));
  }
  return (a < 0.0 && odd) ? -r : r;
}`,
  },
  // Exact truncated remainder (long division on exponents), then floor-mod: the sign of the divisor.
  ax_mod: {
    needs: ["ax_ldexp"],
    code: `
float ax_fmod(float a, float b) {
  float x = abs(a);
  float y = abs(b);
  int ey = int((floatBitsToUint(y) >> 23) & 0xffu);
  for (int i = 0; i < 300; i++) {
    if (x < y) break;
    int ex = int((floatBitsToUint(x) >> 23) & 0xffu);
    float t = ax_ldexp(y, ex - ey);
    if (t > x) t *= 0.5;
    x -= t;
  }
  return ax_signbit(a) ? -x : x;
}
float ax_mod(float a, float b) {
  if (ax_isnan(a) || ax_isnan(b) || ax_isinf(a) || b == 0.0) return ax_nan();
  if (ax_isinf(b)) return (a == 0.0 || ax_signbit(a) == ax_signbit(b)) ? a : b;
  float r = ax_fmod(a, b);
  if (r != 0.0 && ax_signbit(r) != ax_signbit(b)) r += b;
  return r;
}`,
  },
  // Floor-mod of int32 (sign of the divisor); x mod 0 = 0. GLSL's % is undefined for negatives.
  ax_imod: {
    needs: [],
    code: `
int ax_imod(int a, int b) {
  if (b == 0) return 0;
  uint ua = a < 0 ? uint(-(a + 1)) + 1u : uint(a);
  uint ub = b < 0 ? uint(-(b + 1)) + 1u : uint(b);
  uint ur = ua % ub;
  int r = a < 0 ? -int(ur) : int(ur);
  if (r != 0 && ((r < 0) != (b < 0))) r += b;
  return r;
}`,
  },
  ax_round: {
    needs: [],
    code: `
float ax_round(float x) {
  if (ax_isnan(x) || !(abs(x) < 8388608.0)) return x;
  float f = floor(x);
  float d = x - f;
  if (d > 0.5 || (d == 0.5 && mod(f, 2.0) == 1.0)) f += 1.0;
  return f == 0.0 && x < 0.0 ? -0.0 : f;
}`,
  },
  ax_sqrt: {
    needs: [],
    code: `
float ax_sqrt(float x) {
  if (ax_isnan(x) || x < 0.0) return ax_nan();
  if (x == 0.0 || ax_isinf(x)) return x;
  return sqrt(x);
}`,
  },
  ax_rsqrt: {
    needs: ["ax_sqrt", "ax_div"],
    code: `
float ax_rsqrt(float x) {
  return ax_div(1.0, ax_sqrt(x));
}`,
  },
};

/** The GLSL of `names` and everything they call, each once, callees first. */
export function mathLib(names: readonly string[]): string {
  const done = new Set<string>();
  const out: string[] = [];
  const visit = (name: string) => {
    if (done.has(name)) return;
    const fn = FUNCTIONS[name];
    if (!fn) throw new Error(`webgl: no GLSL helper named ${name}`);
    done.add(name);
    for (const dep of fn.needs) visit(dep);
    out.push(fn.code);
  };
  for (const n of names) visit(n);
  return out.join("\n");
}
