// LayerNorm forward and backward over rows of width w, for Counterweight's fused LayerNorm kernels (see
// ../src/fused-layer-norm.ts). Same module and memory rules as batched-matmul.c: pointers are byte offsets into
// tfjs-backend-wasm's heap, no data segment, no stack. Every value is computed with the float32 operations, in the
// order, of the wasm kernels this replaces (row means as sequential sums divided by the width, as the wasm `Mean`;
// sums over rows sequential from 0, as the XNNPACK product with a row of ones), so results are bitwise theirs.
#include <wasm_simd128.h>

// Σ a[j]·b[j] in order (b = 0: Σ a[j]).
static float row_dot(const float* a, const float* b, int w) {
  float s = 0.0f;
  for (int j = 0; j < w; ++j) s += b ? a[j] * b[j] : a[j];
  return s;
}

// Σ (a[j] − m)² in order.
static float row_centred_squares(const float* a, float m, int w) {
  float s = 0.0f;
  for (int j = 0; j < w; ++j) {
    const float d = a[j] - m;
    s += d * d;
  }
  return s;
}

// y = (x − mean)·rstd·gain + bias per row, mean = Σx/w, rstd = 1/√(Σ(x − mean)²/w + eps); x, y [rows, w].
__attribute__((export_name("layer_norm"))) void layer_norm(int rows, int w, const float* x, const float* gain,
                                                           const float* bias, float eps, float* y, float* mean,
                                                           float* rstd) {
  for (int r = 0; r < rows; ++r) {
    const float* xr = x + r * w;
    float* yr = y + r * w;
    const float m = row_dot(xr, 0, w) / (float)w;
    const float rs = 1.0f / __builtin_sqrtf(row_centred_squares(xr, m, w) / (float)w + eps);
    mean[r] = m;
    rstd[r] = rs;
    const v128_t mv = wasm_f32x4_splat(m), rv = wasm_f32x4_splat(rs);
    int j = 0;
    for (; j + 4 <= w; j += 4) {
      const v128_t xhat = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(xr + j), mv), rv);
      wasm_v128_store(yr + j, wasm_f32x4_add(wasm_f32x4_mul(xhat, wasm_v128_load(gain + j)), wasm_v128_load(bias + j)));
    }
    for (; j < w; ++j) yr[j] = (xr[j] - m) * rs * gain[j] + bias[j];
  }
}

// With x̂ = (x − mean)·rstd and g = gain·dy: dx = rstd·(g − Σg/w − x̂·Σ(g·x̂)/w) per row, dgain = Σ_rows dy·x̂,
// dbias = Σ_rows dy (summed over rows in order). `scratch` holds 2·w floats.
__attribute__((export_name("layer_norm_grad"))) void layer_norm_grad(int rows, int w, const float* dy, const float* x,
                                                                     const float* mean, const float* rstd,
                                                                     const float* gain, float* dx, float* dgain,
                                                                     float* dbias, float* scratch) {
  float* xhat = scratch;
  float* g = scratch + w;
  for (int j = 0; j < w; ++j) dgain[j] = dbias[j] = 0.0f;
  for (int r = 0; r < rows; ++r) {
    const float* dyr = dy + r * w;
    const float* xr = x + r * w;
    const v128_t mv = wasm_f32x4_splat(mean[r]), rv = wasm_f32x4_splat(rstd[r]);
    int j = 0;
    for (; j + 4 <= w; j += 4) {
      const v128_t d = wasm_v128_load(dyr + j);
      const v128_t h = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(xr + j), mv), rv);
      wasm_v128_store(xhat + j, h);
      wasm_v128_store(g + j, wasm_f32x4_mul(d, wasm_v128_load(gain + j)));
      wasm_v128_store(dgain + j, wasm_f32x4_add(wasm_v128_load(dgain + j), wasm_f32x4_mul(d, h)));
      wasm_v128_store(dbias + j, wasm_f32x4_add(wasm_v128_load(dbias + j), d));
    }
    for (; j < w; ++j) {
      xhat[j] = (xr[j] - mean[r]) * rstd[r];
      g[j] = dyr[j] * gain[j];
      dgain[j] += dyr[j] * xhat[j];
      dbias[j] += dyr[j];
    }
    const float mg = row_dot(g, 0, w) / (float)w;
    const float mgx = row_dot(g, xhat, w) / (float)w;
    float* dxr = dx + r * w;
    const v128_t mgv = wasm_f32x4_splat(mg), mgxv = wasm_f32x4_splat(mgx);
    j = 0;
    for (; j + 4 <= w; j += 4) {
      const v128_t c = wasm_f32x4_sub(wasm_f32x4_sub(wasm_v128_load(g + j), mgv), wasm_f32x4_mul(wasm_v128_load(xhat + j), mgxv));
      wasm_v128_store(dxr + j, wasm_f32x4_mul(c, rv));
    }
    for (; j < w; ++j) dxr[j] = (g[j] - mg - xhat[j] * mgx) * rstd[r];
  }
}
