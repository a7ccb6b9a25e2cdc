/**
 * GLSL shared by every kernel. Infinities and NaN are built from bit patterns, and NaN/Inf tests
 * look at the bits: drivers may fold `x != x` away or return garbage for `1.0 / 0.0`.
 * Shader compilers also simplify float algebra (`(1.0 + x) - 1.0` becomes `x`): `ax_one` is a
 * uniform holding 1.0 that they cannot see through, for the few formulas that need rounding kept.
 */
export const PRELUDE = `
uniform float ax_one;
float ax_inf() { return uintBitsToFloat(0x7f800000u); }
float ax_nan() { return uintBitsToFloat(0x7fc00000u); }
bool ax_isnan(float x) { return (floatBitsToUint(x) & 0x7fffffffu) > 0x7f800000u; }
bool ax_isinf(float x) { return (floatBitsToUint(x) & 0x7fffffffu) == 0x7f800000u; }
bool ax_signbit(float x) { return (floatBitsToUint(x) & 0x80000000u) != 0u; }
`;
