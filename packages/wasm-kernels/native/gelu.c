// The tanh-GELU's arithmetic around its sigmoid, for Counterweight's fused GELU kernels (see ../src/fused-gelu.ts);
// same module and memory rules as batched-matmul.c. The sigmoid itself stays XNNPACK's, so results are bitwise those
// of the wasm kernels this replaces: the same float32 operations in the same order, constants rounded to float32 by
// the caller.
#include <wasm_simd128.h>

// z = (x²·c3 + c1)·x over n elements (2u of the tanh-GELU with c1 = 2√(2/π), c3 = 2√(2/π)·0.044715).
__attribute__((export_name("gelu_sigmoid_argument"))) void gelu_sigmoid_argument(int n, const float* x, float c1,
                                                                                 float c3, float* z) {
  const v128_t v1 = wasm_f32x4_splat(c1), v3 = wasm_f32x4_splat(c3);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t xv = wasm_v128_load(x + i);
    wasm_v128_store(z + i, wasm_f32x4_mul(wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(xv, xv), v3), v1), xv));
  }
  for (; i < n; ++i) z[i] = (x[i] * x[i] * c3 + c1) * x[i];
}

// dx = (((1 − s)·(x²·c3 + c1))·x + 1)·s·dy over n elements: the tanh-GELU's derivative x·σ(2u) with s = σ(2u),
// c1 = 2√(2/π), c3 = 6√(2/π)·0.044715.
__attribute__((export_name("gelu_grad"))) void gelu_grad(int n, const float* dy, const float* x, const float* s,
                                                         float c1, float c3, float* dx) {
  const v128_t v1 = wasm_f32x4_splat(c1), v3 = wasm_f32x4_splat(c3), one = wasm_f32x4_splat(1.0f);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t xv = wasm_v128_load(x + i), sv = wasm_v128_load(s + i);
    const v128_t slope = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(xv, xv), v3), v1);
    const v128_t inner = wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_sub(one, sv), slope), xv);
    wasm_v128_store(dx + i, wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_add(inner, one), sv), wasm_v128_load(dy + i)));
  }
  for (; i < n; ++i) {
    const float slope = x[i] * x[i] * c3 + c1;
    dx[i] = ((1.0f - s[i]) * slope * x[i] + 1.0f) * s[i] * dy[i];
  }
}
