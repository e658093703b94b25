// Batched float32 matrix products for Counterweight's wasm training kernels (see ../src/native-matmul.ts).
//
// c[i] = op(a[i]) @ op(b[i]) for every batch i, where op() optionally transposes. Built by build.mjs with clang's
// wasm32 target and SIMD128 into a module that imports tfjs-backend-wasm's own memory, so every pointer is a tensor's
// byte offset in that heap. The code keeps everything in wasm locals: it has no data segment and never moves the
// stack pointer, so it cannot touch memory it is not given.
//
// Accumulation order: every output element is 0 + a0·b0 + a1·b1 + … in increasing k, one rounding per multiply and
// per add (no fused multiply-add), the order of XNNPACK's f32 GEMM micro-kernels for wasm SIMD.
#include <wasm_simd128.h>

typedef struct {
  int m, k, n;
  const float* a;
  int trans_a;
  const float* b;  // packed: k rows of n_pad floats, zero beyond n
  int n_pad;
  float* c;
} product;

// A(i, kk) of op(a).
static inline float a_at(const product* p, int i, int kk) {
  return p->trans_a ? p->a[kk * p->m + i] : p->a[i * p->k + kk];
}

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

// Rows i0..i0+3, columns j0..j0+7 of c.
static void tile4x8(const product* p, int i0, int j0) {
  v128_t c00 = wasm_f32x4_splat(0.0f), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  const float* b = p->b + j0;
  for (int kk = 0; kk < p->k; ++kk) {
    const v128_t b0 = wasm_v128_load(b);
    const v128_t b1 = wasm_v128_load(b + 4);
    b += p->n_pad;
    v128_t a = wasm_f32x4_splat(a_at(p, i0, kk));
    c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(a, b0));
    c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(a, b1));
    a = wasm_f32x4_splat(a_at(p, i0 + 1, kk));
    c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(a, b0));
    c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(a, b1));
    a = wasm_f32x4_splat(a_at(p, i0 + 2, kk));
    c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(a, b0));
    c21 = wasm_f32x4_add(c21, wasm_f32x4_mul(a, b1));
    a = wasm_f32x4_splat(a_at(p, i0 + 3, kk));
    c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(a, b0));
    c31 = wasm_f32x4_add(c31, wasm_f32x4_mul(a, b1));
  }
  const int cols = p->n - j0 < 8 ? p->n - j0 : 8;
  float* c = p->c + i0 * p->n + j0;
  if (cols == 8) {
    wasm_v128_store(c, c00);
    wasm_v128_store(c + 4, c01);
    wasm_v128_store(c + p->n, c10);
    wasm_v128_store(c + p->n + 4, c11);
    wasm_v128_store(c + 2 * p->n, c20);
    wasm_v128_store(c + 2 * p->n + 4, c21);
    wasm_v128_store(c + 3 * p->n, c30);
    wasm_v128_store(c + 3 * p->n + 4, c31);
  } else {
    store_partial(c, c00, c01, cols);
    store_partial(c + p->n, c10, c11, cols);
    store_partial(c + 2 * p->n, c20, c21, cols);
    store_partial(c + 3 * p->n, c30, c31, cols);
  }
}

// Row i0, columns j0..j0+7 of c (the rows left over below a multiple of 4).
static void tile1x8(const product* p, int i0, int j0) {
  v128_t c0 = wasm_f32x4_splat(0.0f), c1 = c0;
  const float* b = p->b + j0;
  for (int kk = 0; kk < p->k; ++kk) {
    const v128_t a = wasm_f32x4_splat(a_at(p, i0, kk));
    c0 = wasm_f32x4_add(c0, wasm_f32x4_mul(a, wasm_v128_load(b)));
    c1 = wasm_f32x4_add(c1, wasm_f32x4_mul(a, wasm_v128_load(b + 4)));
    b += p->n_pad;
  }
  const int cols = p->n - j0 < 8 ? p->n - j0 : 8;
  float* c = p->c + i0 * p->n + j0;
  if (cols == 8) {
    wasm_v128_store(c, c0);
    wasm_v128_store(c + 4, c1);
  } else {
    store_partial(c, c0, c1, cols);
  }
}

// Copies op(b) (k×n) into `packed` as k rows of n_pad floats, zero-padded.
static void pack_b(const float* b, int trans_b, int k, int n, int n_pad, float* packed) {
  for (int kk = 0; kk < k; ++kk) {
    float* row = packed + kk * n_pad;
    if (trans_b) {
      for (int j = 0; j < n; ++j) row[j] = b[j * k + kk];
    } else {
      for (int j = 0; j < n; ++j) row[j] = b[kk * n + j];
    }
    for (int j = n; j < n_pad; ++j) row[j] = 0.0f;
  }
}

// c[i] = op(a[i]) @ op(b[i]) for i < batch. a[i] starts at a + i·a_step floats (a_step 0 broadcasts one matrix),
// likewise b; c[i] is m×n row-major at c + i·m·n. op(a) is m×k: a stored m×k, or k×m when trans_a. op(b) is k×n:
// b stored k×n, or n×k when trans_b. `scratch` holds k·round_up(n, 8) floats.
__attribute__((export_name("batched_matmul"))) void batched_matmul(int batch, int m, int k, int n, const float* a,
                                                                   int a_step, int trans_a, const float* b, int b_step,
                                                                   int trans_b, float* c, float* scratch) {
  const int n_pad = (n + 7) & ~7;
  for (int i = 0; i < batch; ++i) {
    pack_b(b + i * b_step, trans_b, k, n, n_pad, scratch);
    const product p = {m, k, n, a + i * a_step, trans_a, scratch, n_pad, c + i * m * n};
    int i0 = 0;
    for (; i0 + 4 <= m; i0 += 4) {
      for (int j0 = 0; j0 < n; j0 += 8) tile4x8(&p, i0, j0);
    }
    for (; i0 < m; ++i0) {
      for (int j0 = 0; j0 < n; j0 += 8) tile1x8(&p, i0, j0);
    }
  }
}
