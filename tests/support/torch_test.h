#pragma once
// Devices a tensor test runs on: always the CPU, and the first CUDA GPU where LibTorch has one.
#include "qatbench_sdk/torch.h"

#include <vector>

namespace qat::test {

inline std::vector<torch::Device> devices()
{
    std::vector<torch::Device> d{torch::kCPU};
    if (torch::cuda::is_available()) d.emplace_back(torch::kCUDA, 0);
    return d;
}

// max |a - b| over all elements, in float64 on the CPU.
inline double maxAbsDiff(const torch::Tensor& a, const torch::Tensor& b)
{
    return (a.to(torch::kCPU, torch::kFloat64) - b.to(torch::kCPU, torch::kFloat64)).abs().max().item<double>();
}

} // namespace qat::test
