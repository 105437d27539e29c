// The speed engine's matrix products (and the Cholesky factor and triangular solves of lib/linalg)
// on OpenBLAS, as a Node-API addon. The matrices live in the
// tfjs wasm backend's memory (a Float32Array over all of it) and are named by byte offsets, so a
// product reads its operands where tfjs keeps them and writes the result in place:
//   C = op(A) op(B) (+ bias on every row) (then max(0, .) where relu),  op = transpose or not,
// with A [m, k] (stored [k, m] when transposed), B [k, n] (stored [n, k]), C [m, n], all row-major;
// for a batch of such products, A, B and C of product i start i strides further (a stride of 0
// repeats the operand, as a broadcast does).
// Why: WebAssembly SIMD is 128 bits wide; OpenBLAS runs the processor's own kernels (AVX2, AVX-512).
// Built by scripts/build-native.sh; loaded and checked by lib/engine/native-blas.ts.
#include <node_api.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

// OpenBLAS's C interface, declared here rather than taken from cblas.h, which Debian's
// alternatives may point at another BLAS.
enum { ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112, UPPER = 121, LOWER = 122, NON_UNIT = 131, LEFT = 141 };
extern void cblas_sgemm(int order, int transA, int transB, int m, int n, int k, float alpha, const float *a,
                        int lda, const float *b, int ldb, float beta, float *c, int ldc);
extern void cblas_strsm(int order, int side, int uplo, int transA, int diag, int m, int n, float alpha, const float *a,
                        int lda, float *b, int ldb);
extern void spotrf_(const char *uplo, const int *n, float *a, const int *lda, int *info);
extern void openblas_set_num_threads(int threads);
extern char *openblas_get_config(void);
extern char *openblas_get_corename(void);


static napi_value fail(napi_env env, const char *message) {
  napi_throw_range_error(env, "ERR_NATIVE_BLAS", message);
  return NULL;
}

// openblas_set_num_threads only when the count changes
static void set_threads(int64_t threads) {
  static int64_t current = -1;
  if (threads != current) {
    openblas_set_num_threads((int)threads);
    current = threads;
  }
}

// The heap behind argv[0] and the `count` integers after it; false (with an exception) if not.
static int heap_and_integers(napi_env env, napi_callback_info info, size_t count, char **heap, int64_t *bytes, int64_t *v,
                             const char *usage) {
  size_t argc = 16;
  napi_value argv[16];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != count + 1) {
    fail(env, usage);
    return 0;
  }
  napi_typedarray_type type;
  size_t length, viewOffset;
  void *data;
  if (napi_get_typedarray_info(env, argv[0], &type, &length, &data, NULL, &viewOffset) != napi_ok ||
      type != napi_float32_array || viewOffset != 0) {
    fail(env, "the heap must be a Float32Array over the whole wasm memory");
    return 0;
  }
  for (size_t i = 0; i < count; i++) {
    if (napi_get_value_int64(env, argv[i + 1], &v[i]) != napi_ok) {
      fail(env, "every argument after the heap must be a number");
      return 0;
    }
  }
  *heap = (char *)data;
  *bytes = (int64_t)length * 4;
  return 1;
}

// cholesky(heap, a, out, n, shiftBits, threads): out = L with L L^T = a + shift I, from a's lower
// triangle (row-major), zeros above the diagonal; shiftBits is the float32 shift's bit pattern.
// Returns 0, or the 1-based index of the first leading minor that is not positive definite (LAPACK's
// info; out's diagonal then holds the failing pivot's value there).
static napi_value cholesky(napi_env env, napi_callback_info info) {
  char *heap;
  int64_t bytes, v[5];
  if (!heap_and_integers(env, info, 5, &heap, &bytes, v, "cholesky takes 6 arguments: heap, a, out, n, shiftBits, threads")) return NULL;
  const int64_t a = v[0], out = v[1], n = v[2], threads = v[4];
  const uint32_t bits = (uint32_t)v[3];
  float shift;
  memcpy(&shift, &bits, sizeof shift);
  if (n < 1 || n > 46340) return fail(env, "n must be between 1 and 46340");
  if (threads < 1 || threads > 64) return fail(env, "threads must be between 1 and 64");
  if ((a | out) & 3) return fail(env, "offsets must be multiples of 4 bytes (float32)");
  if (a < 0 || a + 4 * n * n > bytes || out < 0 || out + 4 * n * n > bytes) return fail(env, "a matrix reaches outside the heap: check the offsets against the shapes");
  const float *A = (const float *)(heap + a);
  float *L = (float *)(heap + out);
  for (int64_t i = 0; i < n; i++) {
    for (int64_t j = 0; j <= i; j++) L[i * n + j] = A[i * n + j];
    for (int64_t j = i + 1; j < n; j++) L[i * n + j] = 0.f;
    L[i * n + i] += shift;
  }
  set_threads(threads);
  // LAPACK is column-major: the row-major lower triangle is its upper one, and U^T U = A there is L L^T = A here
  const int size = (int)n;
  int status = 0;
  spotrf_("U", &size, L, &size, &status);
  napi_value result;
  napi_create_int32(env, status, &result);
  return result;
}

// solve(heap, l, b, out, n, m, transposed, threads): out = L^-1 B, or L^-T B when transposed, for
// lower-triangular L [n, n] and B [n, m], row-major.
static napi_value solve(napi_env env, napi_callback_info info) {
  char *heap;
  int64_t bytes, v[7];
  if (!heap_and_integers(env, info, 7, &heap, &bytes, v, "solve takes 8 arguments: heap, l, b, out, n, m, transposed, threads")) return NULL;
  const int64_t l = v[0], b = v[1], out = v[2], n = v[3], m = v[4], transposed = v[5], threads = v[6];
  if (n < 1 || m < 1 || n > INT32_MAX || m > INT32_MAX) return fail(env, "n and m must be positive");
  if (threads < 1 || threads > 64) return fail(env, "threads must be between 1 and 64");
  if ((l | b | out) & 3) return fail(env, "offsets must be multiples of 4 bytes (float32)");
  if (l < 0 || l + 4 * n * n > bytes || b < 0 || b + 4 * n * m > bytes || out < 0 || out + 4 * n * m > bytes) {
    return fail(env, "a matrix reaches outside the heap: check the offsets against the shapes");
  }
  memmove(heap + out, heap + b, (size_t)(4 * n * m));
  set_threads(threads);
  cblas_strsm(ROW_MAJOR, LEFT, LOWER, transposed ? TRANS : NO_TRANS, NON_UNIT, (int)n, (int)m, 1.f,
              (const float *)(heap + l), (int)n, (float *)(heap + out), (int)m);
  return NULL;
}

// columnSums(heap, x, out, rows, cols): out[j] = the sum over i of x[i, j], added in row order, for a
// row-major [rows, cols] matrix (a bias's gradient); one pass over x, where a transpose and row sums
// read it twice and write it once.
static napi_value column_sums(napi_env env, napi_callback_info info) {
  char *heap;
  int64_t bytes, v[4];
  if (!heap_and_integers(env, info, 4, &heap, &bytes, v, "columnSums takes 5 arguments: heap, x, out, rows, cols")) return NULL;
  const int64_t x = v[0], out = v[1], rows = v[2], cols = v[3];
  if (rows < 1 || cols < 1) return fail(env, "rows and cols must be positive");
  if ((x | out) & 3) return fail(env, "offsets must be multiples of 4 bytes (float32)");
  if (x < 0 || x + 4 * rows * cols > bytes || out < 0 || out + 4 * cols > bytes) return fail(env, "a matrix reaches outside the heap: check the offsets against the shapes");
  const float *X = (const float *)(heap + x);
  float *S = (float *)(heap + out);
  for (int64_t j = 0; j < cols; j++) S[j] = 0.f;
  for (int64_t i = 0; i < rows; i++) {
    const float *row = X + i * cols;
    for (int64_t j = 0; j < cols; j++) S[j] += row[j];
  }
  return NULL;
}

// product(heap, a, transA, b, transB, c, m, k, n, bias, relu, threads, batch, strideA, strideB); bias 0
// means none; C's stride is m n values
static napi_value product(napi_env env, napi_callback_info info) {
  char *heap;
  int64_t bytes, v[14];
  if (!heap_and_integers(env, info, 14, &heap, &bytes, v,
                         "product takes 15 arguments: heap, a, transA, b, transB, c, m, k, n, bias, relu, threads, batch, strideA, strideB")) {
    return NULL;
  }
  const int64_t a = v[0], transA = v[1], b = v[2], transB = v[3], c = v[4], m = v[5], k = v[6], n = v[7];
  const int64_t bias = v[8], relu = v[9], threads = v[10], batch = v[11], strideA = v[12], strideB = v[13];
  const int64_t strideC = 4 * m * n;
  if (m < 1 || k < 1 || n < 1 || m > INT32_MAX || k > INT32_MAX || n > INT32_MAX) return fail(env, "m, k and n must be positive");
  if (threads < 1 || threads > 64) return fail(env, "threads must be between 1 and 64");
  if (batch < 1 || strideA < 0 || strideB < 0) return fail(env, "the batch must be positive and the strides not negative");
  if ((a | b | c | bias | strideA | strideB) & 3) return fail(env, "offsets and strides must be multiples of 4 bytes (float32)");
  const int64_t last = batch - 1;
  if (a < 0 || a + last * strideA + 4 * m * k > bytes || b < 0 || b + last * strideB + 4 * k * n > bytes ||
      c < 0 || c + last * strideC + strideC > bytes || bias < 0 || (bias && bias + 4 * n > bytes)) {
    return fail(env, "a matrix reaches outside the heap: check the offsets against the shapes");
  }
  set_threads(threads);
  for (int64_t t = 0; t < batch; t++) {
    float *C = (float *)(heap + c + t * strideC);
    float beta = 0.f;
    if (bias) {  // C starts as the bias on every row, and the product is added to it
      const float *row = (const float *)(heap + bias);
      for (int64_t i = 0; i < m; i++) for (int64_t j = 0; j < n; j++) C[i * n + j] = row[j];
      beta = 1.f;
    }
    cblas_sgemm(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, (int)m, (int)n, (int)k, 1.f,
                (const float *)(heap + a + t * strideA), transA ? (int)m : (int)k,
                (const float *)(heap + b + t * strideB), transB ? (int)k : (int)n, beta, C, (int)n);
    if (relu) {
      for (int64_t i = 0; i < m * n; i++) C[i] = C[i] < 0.f ? 0.f : C[i];  // NaN stays NaN
    }
  }
  return NULL;
}

// kernel(): OpenBLAS's build and the processor kernel it chose, e.g. "OpenBLAS 0.3.21 ... (Haswell)"
static napi_value kernel(napi_env env, napi_callback_info info) {
  (void)info;
  char text[512];
  snprintf(text, sizeof text, "%s (kernel %s)", openblas_get_config(), openblas_get_corename());
  napi_value out;
  napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &out);
  return out;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value f;
  napi_create_function(env, "product", NAPI_AUTO_LENGTH, product, NULL, &f);
  napi_set_named_property(env, exports, "product", f);
  napi_create_function(env, "cholesky", NAPI_AUTO_LENGTH, cholesky, NULL, &f);
  napi_set_named_property(env, exports, "cholesky", f);
  napi_create_function(env, "solve", NAPI_AUTO_LENGTH, solve, NULL, &f);
  napi_set_named_property(env, exports, "solve", f);
  napi_create_function(env, "columnSums", NAPI_AUTO_LENGTH, column_sums, NULL, &f);
  napi_set_named_property(env, exports, "columnSums", f);
  napi_create_function(env, "kernel", NAPI_AUTO_LENGTH, kernel, NULL, &f);
  napi_set_named_property(env, exports, "kernel", f);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
