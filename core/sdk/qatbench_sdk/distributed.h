#pragma once
// The training loop's side of a data-parallel run (torch-facing; docs/SCALE.md): TrainLoop calls these, the
// methods never do. In a one-process run (dist::active() false) TrainLoop does not call them at all.
//
// Per optimizer step, on every rank:
//   1. go = dist::agree(sink.progress(...))   rank 0's answer (it may have paused; stop) is every rank's
//   2. windows = dist::nextShard(sampler, batch, device) per micro-batch: this rank's batch / N of the step's
//   windows
//   3. backward, then dist::averageGradients(params, lossSum): gradients and the loss averaged over the ranks
//   4. clip and optimizer step, identical on every rank; rank 0 alone logs and writes checkpoints.

#include "qatbench/distributed.h"

#include <ATen/ATen.h>

#include <cstdint>
#include <vector>

namespace qat {
class WindowSampler;
}

namespace qat::dist {

// data.batch_size must split evenly over the ranks: ConfigError naming data.batch_size otherwise.
void checkBatch(int64_t batch);
// This rank's windows of the next micro-batch of `batch` windows (the whole step's), and the sampler moved
// past all of them: ranks 0..N-1 together draw exactly the windows one process draws with the same batch.
at::Tensor nextShard(WindowSampler& sampler, int64_t batch, const at::Device& device);
// Rank 0's decision (continue or stop) on every rank; followers wait for it without a timeout (rank 0 may be
// paused), as long as the launcher's store lives.
bool agree(bool rankZeroGoes);
// All-reduce (mean over the ranks) of the gradients of `params` and of `loss` (in place), in buckets of at
// most 64 MiB per dtype. Throws RankLost when a rank died or the collective ran past the timeout.
void averageGradients(const std::vector<at::Tensor>& params, at::Tensor& loss);

} // namespace qat::dist
