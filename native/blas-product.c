// The speed engine's matrix products on OpenBLAS, as a Node-API addon. The matrices live in the
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

// OpenBLAS's C interface, declared here rather than taken from cblas.h, which Debian's
// alternatives may point at another BLAS.
enum { ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112 };
extern void cblas_sgemm(int order, int transA, int transB, int m, int n, int k, float alpha, const float *a,
                        int lda, const float *b, int ldb, float beta, float *c, int ldc);
extern void openblas_set_num_threads(int threads);
extern char *openblas_get_config(void);
extern char *openblas_get_corename(void);

#define ARGS 15

static napi_value fail(napi_env env, const char *message) {
  napi_throw_range_error(env, "ERR_NATIVE_BLAS", message);
  return NULL;
}

// product(heap, a, transA, b, transB, c, m, k, n, bias, relu, threads, batch, strideA, strideB); bias 0
// means none; C's stride is m n values
static napi_value product(napi_env env, napi_callback_info info) {
  size_t argc = ARGS;
  napi_value argv[ARGS];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != ARGS) {
    return fail(env, "product takes 15 arguments: heap, a, transA, b, transB, c, m, k, n, bias, relu, threads, batch, strideA, strideB");
  }
  napi_typedarray_type type;
  size_t length, viewOffset;
  void *data;
  if (napi_get_typedarray_info(env, argv[0], &type, &length, &data, NULL, &viewOffset) != napi_ok ||
      type != napi_float32_array || viewOffset != 0) {
    return fail(env, "the heap must be a Float32Array over the whole wasm memory");
  }
  int64_t v[ARGS - 1];
  for (int i = 0; i < ARGS - 1; i++) {
    if (napi_get_value_int64(env, argv[i + 1], &v[i]) != napi_ok) return fail(env, "every argument after the heap must be a number");
  }
  const int64_t a = v[0], transA = v[1], b = v[2], transB = v[3], c = v[4], m = v[5], k = v[6], n = v[7];
  const int64_t bias = v[8], relu = v[9], threads = v[10], batch = v[11], strideA = v[12], strideB = v[13];
  const int64_t bytes = (int64_t)length * 4, strideC = 4 * m * n;
  if (m < 1 || k < 1 || n < 1 || m > INT32_MAX || k > INT32_MAX || n > INT32_MAX) return fail(env, "m, k and n must be positive");
  if (threads < 1 || threads > 64) return fail(env, "threads must be between 1 and 64");
  if (batch < 1 || strideA < 0 || strideB < 0) return fail(env, "the batch must be positive and the strides not negative");
  if ((a | b | c | bias | strideA | strideB) & 3) return fail(env, "offsets and strides must be multiples of 4 bytes (float32)");
  const int64_t last = batch - 1;
  if (a < 0 || a + last * strideA + 4 * m * k > bytes || b < 0 || b + last * strideB + 4 * k * n > bytes ||
      c < 0 || c + last * strideC + strideC > bytes || bias < 0 || (bias && bias + 4 * n > bytes)) {
    return fail(env, "a matrix reaches outside the heap: check the offsets against the shapes");
  }
  char *heap = (char *)data;
  static int64_t current = -1;  // openblas_set_num_threads only when the count changes
  if (threads != current) {
    openblas_set_num_threads((int)threads);
    current = threads;
  }
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
  napi_create_function(env, "kernel", NAPI_AUTO_LENGTH, kernel, NULL, &f);
  napi_set_named_property(env, exports, "kernel", f);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
