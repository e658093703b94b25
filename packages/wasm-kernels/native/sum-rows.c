// Sums over the middle axis of a [outer, reduced, inner] float32 array, for Counterweight's Sum kernel (see
// ../src/sum.ts); same module and memory rules as batched-matmul.c. float64 accumulators, rows added four at a time
// as ((x0 + x1) + x2) + x3 in float64 and then to the accumulator, the tail row by row: exactly the arithmetic of the
// JavaScript loop it replaces, so results are bitwise the same.
#include <wasm_simd128.h>

// out[o, j] = Σ_r x[o, r, j]; `acc` holds `inner` doubles (8-byte aligned).
__attribute__((export_name("sum_middle"))) void sum_middle(int outer, int reduced, int inner, const float* x,
                                                           float* out, double* acc) {
  for (int o = 0; o < outer; ++o) {
    for (int j = 0; j < inner; ++j) acc[j] = 0.0;
    const float* from = x + o * reduced * inner;
    int r = 0;
    for (; r + 4 <= reduced; r += 4, from += 4 * inner) {
      int j = 0;
      for (; j + 2 <= inner; j += 2) {
        const v128_t x0 = wasm_f64x2_promote_low_f32x4(wasm_v128_load64_zero(from + j));
        const v128_t x1 = wasm_f64x2_promote_low_f32x4(wasm_v128_load64_zero(from + inner + j));
        const v128_t x2 = wasm_f64x2_promote_low_f32x4(wasm_v128_load64_zero(from + 2 * inner + j));
        const v128_t x3 = wasm_f64x2_promote_low_f32x4(wasm_v128_load64_zero(from + 3 * inner + j));
        const v128_t group = wasm_f64x2_add(wasm_f64x2_add(wasm_f64x2_add(x0, x1), x2), x3);
        wasm_v128_store(acc + j, wasm_f64x2_add(wasm_v128_load(acc + j), group));
      }
      for (; j < inner; ++j) {
        acc[j] += (((double)from[j] + (double)from[inner + j]) + (double)from[2 * inner + j]) + (double)from[3 * inner + j];
      }
    }
    for (; r < reduced; ++r, from += inner) {
      for (int j = 0; j < inner; ++j) acc[j] += (double)from[j];
    }
    float* dst = out + o * inner;
    for (int j = 0; j < inner; ++j) dst[j] = (float)acc[j];
  }
}
