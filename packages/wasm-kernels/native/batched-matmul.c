// Float32 matrix products for Counterweight's wasm training kernels (see ../src/native-matmul.ts).
//
// c[i] = bias + op(a[i]) @ op(b[i]) for every batch i, where op() optionally transposes and the bias (one value per
// column) is optional. Built by build.mjs with clang's wasm32 target and SIMD128 into a module that imports
// tfjs-backend-wasm's own memory, so every pointer is a tensor's byte offset in that heap. The code keeps everything
// in wasm locals: it has no data segment and never moves the stack pointer, so it cannot touch memory it is not given.
//
// Accumulation order: every output element is (bias or 0) + a0·b0 + a1·b1 + … in increasing k, one rounding per
// multiply and per add (no fused multiply-add): the order of XNNPACK's f32 GEMM micro-kernels for wasm SIMD, whose
// packed weights start with the bias. Results are therefore bitwise XNNPACK's.
//
// Layout, for speed: op(b) is copied once per batch into panels of 8 columns (k rows of 8 floats each, contiguous,
// zero beyond n), so a 4×8 register tile streams its panel sequentially; rows of c are processed in blocks of
// ROW_BLOCK, each panel meeting every row tile of the block while it is in L1; a transposed a is copied per row block
// into k rows of ROW_BLOCK floats, so a tile's four a values at one k are adjacent.
#include <wasm_simd128.h>

#define ROW_BLOCK 32

typedef struct {
  int k, n;
  const float* a;  // op(a)(i, kk) = a[(i - a_row0) * row_stride + kk * k_stride]
  int a_row0, row_stride, k_stride;
  const float* panels;
  const float* bias;  // n floats, or 0
  float* c;           // row-major, n columns
} product;

// Stores the first `cols` (1..7) lanes of lo|hi at out (lane by lane: no stack buffer).
static inline void store_partial(float* out, v128_t lo, v128_t hi, int cols) {
  out[0] = wasm_f32x4_extract_lane(lo, 0);
  if (cols > 1) out[1] = wasm_f32x4_extract_lane(lo, 1);
  if (cols > 2) out[2] = wasm_f32x4_extract_lane(lo, 2);
  if (cols > 3) out[3] = wasm_f32x4_extract_lane(lo, 3);
  if (cols > 4) out[4] = wasm_f32x4_extract_lane(hi, 0);
  if (cols > 5) out[5] = wasm_f32x4_extract_lane(hi, 1);
  if (cols > 6) out[6] = wasm_f32x4_extract_lane(hi, 2);
}

// bias[j0 + first .. j0 + first + 3], zero past n or without a bias.
static inline v128_t bias4(const product* p, int j0, int first) {
  if (!p->bias) return wasm_f32x4_splat(0.0f);
  const int j = j0 + first;
  if (j + 4 <= p->n) return wasm_v128_load(p->bias + j);
  return wasm_f32x4_make(j < p->n ? p->bias[j] : 0.0f, j + 1 < p->n ? p->bias[j + 1] : 0.0f,
                         j + 2 < p->n ? p->bias[j + 2] : 0.0f, 0.0f);
}

// Stores a row's two accumulators at columns j0..j0+7 of row `out` (fewer at the right edge).
static inline void store_row(float* out, v128_t lo, v128_t hi, int cols) {
  if (cols == 8) {
    wasm_v128_store(out, lo);
    wasm_v128_store(out + 4, hi);
  } else {
    store_partial(out, lo, hi, cols);
  }
}

// Rows i0..i0+3, columns j0..j0+7 of c.
static void tile4x8(const product* p, int i0, int j0) {
  const v128_t init0 = bias4(p, j0, 0), init1 = bias4(p, j0, 4);
  v128_t c00 = init0, c01 = init1, c10 = init0, c11 = init1, c20 = init0, c21 = init1, c30 = init0, c31 = init1;
  const float* b = p->panels + j0 * p->k;
  const int ks = p->k_stride;
  const float* a0 = p->a + (i0 - p->a_row0) * p->row_stride;
  const float* a1 = a0 + p->row_stride;
  const float* a2 = a1 + p->row_stride;
  const float* a3 = a2 + p->row_stride;
  for (int kk = p->k; kk > 0; --kk) {
    const v128_t b0 = wasm_v128_load(b);
    const v128_t b1 = wasm_v128_load(b + 4);
    b += 8;
    v128_t a = wasm_v128_load32_splat(a0);
    a0 += ks;
    c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(a, b0));
    c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(a, b1));
    a = wasm_v128_load32_splat(a1);
    a1 += ks;
    c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(a, b0));
    c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(a, b1));
    a = wasm_v128_load32_splat(a2);
    a2 += ks;
    c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(a, b0));
    c21 = wasm_f32x4_add(c21, wasm_f32x4_mul(a, b1));
    a = wasm_v128_load32_splat(a3);
    a3 += ks;
    c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(a, b0));
    c31 = wasm_f32x4_add(c31, wasm_f32x4_mul(a, b1));
  }
  const int cols = p->n - j0 < 8 ? p->n - j0 : 8;
  float* c = p->c + i0 * p->n + j0;
  store_row(c, c00, c01, cols);
  store_row(c + p->n, c10, c11, cols);
  store_row(c + 2 * p->n, c20, c21, cols);
  store_row(c + 3 * p->n, c30, c31, cols);
}

// Row i0, columns j0..j0+7 of c (the rows left over below a multiple of 4).
static void tile1x8(const product* p, int i0, int j0) {
  v128_t c0 = bias4(p, j0, 0), c1 = bias4(p, j0, 4);
  const float* b = p->panels + j0 * p->k;
  const float* a0 = p->a + (i0 - p->a_row0) * p->row_stride;
  for (int kk = p->k; kk > 0; --kk) {
    const v128_t a = wasm_v128_load32_splat(a0);
    a0 += p->k_stride;
    c0 = wasm_f32x4_add(c0, wasm_f32x4_mul(a, wasm_v128_load(b)));
    c1 = wasm_f32x4_add(c1, wasm_f32x4_mul(a, wasm_v128_load(b + 4)));
    b += 8;
  }
  store_row(p->c + i0 * p->n + j0, c0, c1, p->n - j0 < 8 ? p->n - j0 : 8);
}

// Copies op(b) (k×n) into panels of 8 columns: panel j0/8 holds k rows of 8 floats at packed + j0·k, zero beyond n.
static void pack_panels(const float* b, int trans_b, int k, int n, float* packed) {
  for (int j0 = 0; j0 < n; j0 += 8) {
    float* panel = packed + j0 * k;
    const int cols = n - j0 < 8 ? n - j0 : 8;
    for (int kk = 0; kk < k; ++kk) {
      float* row = panel + kk * 8;
      if (trans_b) {
        for (int j = 0; j < cols; ++j) row[j] = b[(j0 + j) * k + kk];
      } else {
        const float* src = b + kk * n + j0;
        for (int j = 0; j < cols; ++j) row[j] = src[j];
      }
      for (int j = cols; j < 8; ++j) row[j] = 0.0f;
    }
  }
}

// Copies rows r0..r0+rows-1 of op(a) = aᵀ (a stored k×m) into k rows of `rows` floats.
static void pack_transposed_rows(const float* a, int m, int k, int r0, int rows, float* packed) {
  for (int kk = 0; kk < k; ++kk) {
    const float* src = a + kk * m + r0;
    float* dst = packed + kk * rows;
    for (int r = 0; r < rows; ++r) dst[r] = src[r];
  }
}

// c[i] = bias + op(a[i]) @ op(b[i]) for i < batch. a[i] starts at a + i·a_step floats (a_step 0 broadcasts one
// matrix), likewise b; c[i] is m×n row-major at c + i·m·n. op(a) is m×k: a stored m×k, or k×m when trans_a. op(b) is
// k×n: b stored k×n, or n×k when trans_b. bias is n floats or 0 (none). `scratch` holds
// k·(round_up(n, 8) + ROW_BLOCK) floats (native_matmul_scratch_floats).
__attribute__((export_name("batched_matmul"))) void batched_matmul(int batch, int m, int k, int n, const float* a,
                                                                   int a_step, int trans_a, const float* b, int b_step,
                                                                   int trans_b, const float* bias, float* c,
                                                                   float* scratch) {
  float* panels = scratch;
  float* a_rows = scratch + k * ((n + 7) & ~7);
  const int m4 = m & ~3;
  for (int i = 0; i < batch; ++i) {
    if (i == 0 || b_step != 0) pack_panels(b + i * b_step, trans_b, k, n, panels);
    const float* ai = a + i * a_step;
    product p = {k, n, ai, 0, trans_a ? 1 : k, trans_a ? m : 1, panels, bias, c + i * m * n};
    for (int r0 = 0; r0 < m4; r0 += ROW_BLOCK) {
      const int rows = m4 - r0 < ROW_BLOCK ? m4 - r0 : ROW_BLOCK;
      if (trans_a) {
        pack_transposed_rows(ai, m, k, r0, rows, a_rows);
        p.a = a_rows;
        p.a_row0 = r0;
        p.k_stride = rows;
      }
      for (int j0 = 0; j0 < n; j0 += 8) {
        for (int i0 = r0; i0 < r0 + rows; i0 += 4) tile4x8(&p, i0, j0);
      }
    }
    p.a = ai;
    p.a_row0 = 0;
    p.k_stride = trans_a ? m : 1;
    for (int i0 = m4; i0 < m; ++i0) {
      for (int j0 = 0; j0 < n; j0 += 8) tile1x8(&p, i0, j0);
    }
  }
}

// Floats of scratch batched_matmul needs for a product with inner size k and n columns.
__attribute__((export_name("native_matmul_scratch_floats"))) int native_matmul_scratch_floats(int k, int n) {
  return k * (((n + 7) & ~7) + ROW_BLOCK);
}
