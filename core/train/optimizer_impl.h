#pragma once
// TrainLoop's optimizer, shared by trainer.cpp and checkpoint.cpp (kept out of the SDK header: no torch/optim
// types in it).
#include "qatbench_sdk/torch.h"
#include <torch/optim.h>

#include <memory>

namespace qat {

struct TrainLoopOptimizer
{
    std::unique_ptr<torch::optim::AdamW> adam;
};

} // namespace qat
