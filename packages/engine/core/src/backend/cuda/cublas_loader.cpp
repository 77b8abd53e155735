#include "backend/cuda/cublas_loader.h"

#include <dlfcn.h>

#include <cstdlib>
#include <mutex>

namespace gpuq::cuda {

namespace {
std::mutex g_mu;
}  // namespace

Cublas* Cublas::get(std::string* why) {
  static Cublas* lib = nullptr;
  static std::string failure;
  static std::once_flag once;
  std::call_once(once, [] {
    auto* c = new Cublas();  // lives for the process: cuBLAS is never unloaded
    if (c->load(&failure)) lib = c;
    else delete c;
  });
  if (!lib && why) *why = failure;
  return lib;
}

bool Cublas::load(std::string* why) {
  const char* env = std::getenv("GPUQ_CUBLAS");
  if (env && std::string(env) == "off") {
    *why = "GPUQ_CUBLAS=off";
    return false;
  }
  for (const char* name : {env, "libcublas.so.13", "libcublas.so.12"}) {
    if (!name || !*name) continue;
    lib_ = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (lib_) {
      path_ = name;
      break;
    }
    *why = dlerror();
  }
  if (!lib_) return false;
  create_ = reinterpret_cast<decltype(create_)>(dlsym(lib_, "cublasCreate_v2"));
  set_stream_ = reinterpret_cast<decltype(set_stream_)>(dlsym(lib_, "cublasSetStream_v2"));
  gemm_batched_ = reinterpret_cast<decltype(gemm_batched_)>(dlsym(lib_, "cublasGemmStridedBatchedEx"));
  if (!create_ || !set_stream_ || !gemm_batched_) {
    *why = path_ + " lacks cublasCreate_v2 / cublasSetStream_v2 / cublasGemmStridedBatchedEx";
    return false;
  }
  int status = create_(&handle_);
  if (status != 0) {
    *why = "cublasCreate_v2 failed with status " + std::to_string(status);
    return false;
  }
  return true;
}

int Cublas::gemm(cudaStream_t stream, BlasOp ta, BlasOp tb, int m, int n, int k, float alpha, const void* a,
                 cudaDataType at, int lda, long long sa, const void* b, cudaDataType bt, int ldb, long long sb,
                 float beta, void* c, cudaDataType ct, int ldc, long long sc, int batch, BlasCompute compute) {
  // One handle shared by the process, rebound to the caller's stream; calls are serialised (the
  // launch is asynchronous, so the lock is held only while it is enqueued).
  std::lock_guard<std::mutex> lock(g_mu);
  if (stream != bound_) {
    int s = set_stream_(handle_, stream);
    if (s != 0) return s;
    bound_ = stream;
  }
  constexpr int kDefaultAlgo = -1;  // CUBLAS_GEMM_DEFAULT
  return gemm_batched_(handle_, static_cast<int>(ta), static_cast<int>(tb), m, n, k, &alpha, a, at, lda, sa, b, bt,
                       ldb, sb, &beta, c, ct, ldc, sc, batch, static_cast<int>(compute), kDefaultAlgo);
}

}  // namespace gpuq::cuda
