// The fused quantizer's entry points (fused_quant.h): argument checks, the choice between the tile kernels
// (fused_quant_tiles.cu, the LoRA product on tensor cores) and the row kernels (fused_quant_rows.cu), the
// dispatch on the operands' types, and the LoRA gradients through cuBLAS.
#include "fused_quant_device.cuh"

#include <cublas_v2.h>

#include <map>
#include <mutex>
#include <utility>

namespace qat::cuda {

using namespace detail;

namespace {

void checkBlas(cublasStatus_t e, const char* what)
{
    if (e != CUBLAS_STATUS_SUCCESS)
        throw std::runtime_error(std::string("fused quantizer: ") + what + ": cuBLAS status " +
                                 std::to_string(int(e)));
}

} // namespace

namespace detail {

// A device attribute, read once per device and attribute (any thread may launch).
int deviceAttribute(int device, cudaDeviceAttr attr)
{
    static std::mutex mutex;
    static std::map<std::pair<int, int>, int> values;
    const std::lock_guard<std::mutex> lock(mutex);
    const std::pair<int, int> key{device, int(attr)};
    auto it = values.find(key);
    if (it != values.end()) return it->second;
    int n = 0;
    check(cudaDeviceGetAttribute(&n, attr, device), "device attribute");
    values[key] = n;
    return n;
}

int smCount(int device)
{
    return deviceAttribute(device, cudaDevAttrMultiProcessorCount);
}

int computeMajor(int device)
{
    return deviceAttribute(device, cudaDevAttrComputeCapabilityMajor);
}

} // namespace detail

namespace {

template <typename W0T, typename OutT> void forwardTyped(const FqArgs& a, OutT* out, uint8_t* codes)
{
    tilesApply(a) ? tilesForward<W0T>(a, out, codes) : rowsForward<W0T>(a, out, codes);
}

template <typename W0T, typename GradT, typename DlatT> void backwardTyped(const FqArgs& a, const FqGrads& g)
{
    if (tilesApply(a))
        tilesBackward<W0T, GradT, DlatT>(a, g);
    else
        rowsBackward<W0T, GradT, DlatT>(a, g);
}

template <typename W0T, typename GradT> void backwardDlat(const FqArgs& a, const FqGrads& g)
{
    if (g.dlatType == FqType::Float32)
        backwardTyped<W0T, GradT, float>(a, g);
    else
        backwardTyped<W0T, GradT, __nv_bfloat16>(a, g);
}

template <typename W0T> void backwardGrad(const FqArgs& a, const FqGrads& g)
{
    if (g.gradType == FqType::Float32)
        backwardDlat<W0T, float>(a, g);
    else
        backwardDlat<W0T, __nv_bfloat16>(a, g);
}

void checkArgs(const FqArgs& a)
{
    if (a.cols % 4 != 0 || a.group % 4 != 0 || a.group <= 0)
        throw std::runtime_error("fused quantizer: columns and group size must be multiples of 4");
}

cublasHandle_t blasHandle(int device)
{
    thread_local std::map<int, cublasHandle_t> handles;
    auto it = handles.find(device);
    if (it != handles.end()) return it->second;
    cublasHandle_t h = nullptr;
    checkBlas(cublasCreate(&h), "cublasCreate");
    handles[device] = h;
    return h;
}

} // namespace

bool fqUsesTiles(const FqArgs& a)
{
    return tilesApply(a);
}

void fqForward(const FqArgs& a, void* out, FqType outType, uint8_t* codes)
{
    checkArgs(a);
    if (a.rows == 0 || a.cols == 0) return;
    check(cudaSetDevice(a.device), "set device");
    const bool wf = a.w0Type == FqType::Float32;
    if (outType == FqType::Float32) {
        auto* o = static_cast<float*>(out);
        wf ? forwardTyped<float>(a, o, codes) : forwardTyped<__nv_bfloat16>(a, o, codes);
    } else {
        auto* o = static_cast<__nv_bfloat16*>(out);
        wf ? forwardTyped<float>(a, o, codes) : forwardTyped<__nv_bfloat16>(a, o, codes);
    }
}

void fqBackward(const FqArgs& a, const FqGrads& g)
{
    checkArgs(a);
    if ((g.dBparts != nullptr) != (g.dAparts != nullptr) || (g.dBparts && !tilesApply(a)))
        throw std::runtime_error(
            "fused quantizer: the LoRA gradients' partial sums need both buffers and the "
            "tile kernels");
    if (a.rows == 0 || a.cols == 0) return;
    check(cudaSetDevice(a.device), "set device");
    if (a.w0Type == FqType::Float32)
        backwardGrad<float>(a, g);
    else
        backwardGrad<__nv_bfloat16>(a, g);
}

bool fqLoraPartsApply(const FqArgs& a)
{
    return tilesApply(a);
}

FqLoraParts fqLoraParts(const FqArgs& a)
{
    check(cudaSetDevice(a.device), "set device");
    return tilesLoraParts(a);
}

void fqLoraGrads(const FqArgs& a, const void* dlat16, const void* A16, const void* B16, float* dA, float* dB)
{
    check(cudaSetDevice(a.device), "set device");
    cublasHandle_t h = blasHandle(a.device);
    checkBlas(cublasSetStream(h, static_cast<cudaStream_t>(a.stream)), "cublasSetStream");
    const float alpha = a.loraScale, beta = 0.f;
    const int rows = int(a.rows), cols = int(a.cols), r = a.rank;
    // Row-major X[m, n] is column-major X^T. dB^T [r, rows] = (A^T)^T [r, cols] x dlat^T [cols, rows].
    if (dB)
        checkBlas(cublasGemmEx(h, CUBLAS_OP_T, CUBLAS_OP_N, r, rows, cols, &alpha, A16, CUDA_R_16BF, cols,
                               dlat16, CUDA_R_16BF, cols, &beta, dB, CUDA_R_32F, r, CUBLAS_COMPUTE_32F,
                               CUBLAS_GEMM_DEFAULT),
                  "dB gemm");
    // dA^T [cols, r] = dlat^T [cols, rows] x B [rows, r].
    if (dA)
        checkBlas(cublasGemmEx(h, CUBLAS_OP_N, CUBLAS_OP_T, cols, r, rows, &alpha, dlat16, CUDA_R_16BF, cols,
                               B16, CUDA_R_16BF, r, &beta, dA, CUDA_R_32F, cols, CUBLAS_COMPUTE_32F,
                               CUBLAS_GEMM_DEFAULT),
                  "dA gemm");
}

} // namespace qat::cuda
