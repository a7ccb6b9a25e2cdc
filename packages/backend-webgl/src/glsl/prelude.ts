/**
 * GLSL shared by every kernel. Infinities and NaN are built from bit patterns, and NaN/Inf tests
 * look at the bits: drivers may fold `x != x` away or return garbage for `1.0 / 0.0`.
 * Shader compilers also simplify float algebra (`(1.0 + x) - 1.0` becomes `x`, Mesa even when 1.0
 * is a uniform): `ax_one` is a uniform holding 1.0, and `ax_keep(x)` returns x through a bit
 * operation with a uniform zero, which no compiler can see through, so a formula that needs its
 * rounding kept (Kahan's compensation, log1p) computes `ax_keep(a + b) - a`.
 */
export const PRELUDE = `
uniform float ax_one;
uniform uint ax_zero;
float ax_keep(float x) { return uintBitsToFloat(floatBitsToUint(x) ^ ax_zero); }
float ax_inf() { return uintBitsToFloat(0x7f800000u); }
float ax_nan() { return uintBitsToFloat(0x7fc00000u); }
bool ax_isnan(float x) { return (floatBitsToUint(x) & 0x7fffffffu) > 0x7f800000u; }
bool ax_isinf(float x) { return (floatBitsToUint(x) & 0x7fffffffu) == 0x7f800000u; }
bool ax_signbit(float x) { return (floatBitsToUint(x) & 0x80000000u) != 0u; }
`;
