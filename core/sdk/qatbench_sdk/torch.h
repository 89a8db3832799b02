// The part of LibTorch that QATBench's torch code uses: tensors and their factories (torch::randn, ...),
// autograd, NoGradGuard / manual_seed, and the CUDA queries. Not <torch/torch.h>: that also brings torch::nn,
// torch::data and the JIT, whose templates GCC instantiates again in every file that includes them, even from a
// precompiled header: about 6 s of compile time per file, some 130 files, a fifth of CI's build
// (docs/ARCHITECTURE.md, "Build time"). A file that needs torch::optim or torch::serialize includes
// <torch/optim.h> or <torch/serialize.h> itself.
#pragma once

#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/custom_function.h>
#include <torch/cuda.h>
#include <torch/types.h>
#include <torch/utils.h>
