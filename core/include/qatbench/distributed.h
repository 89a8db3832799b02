#pragma once
// Data-parallel runs on PyTorch's own distributed engine (c10d; issue 19, docs/SCALE.md): one process per
// rank, ProcessGroupGloo on CPUs, ProcessGroupNCCL on GPUs, a local c10d::TCPStore for the rendezvous.
// Qt-safe: no torch types (the torch-facing half, what the training loop calls, is
// qatbench_sdk/distributed.h).
//
// Intended usage:
//   1. `qatbench-cli run --config EXP.json --ranks N` (Gloo) or `--gpus N` (NCCL): the CLI calls
//   launchRanks(),
//      which hosts the store and starts N copies of itself with QATBENCH_RANK, QATBENCH_WORLD_SIZE,
//      QATBENCH_DIST_PORT and QATBENCH_DIST_BACKEND in their environment, then waits for them.
//   2. Rank 0 runs the engine as one process would (store, events, checkpoints, exports) and hands the
//   prepared
//      run to the others (publishRun); ranks > 0 (followers) take it (receiveRun), run the method with a sink
//      that writes nothing, and end when the method ends.
//   3. Inside TrainLoop every rank takes its own share of each step's windows and the gradients are averaged
//      (qatbench_sdk/distributed.h). data.batch_size is the batch of the whole step: N ranks take batch / N
//      windows each, so the run, its hash and its checkpoints do not depend on N (a resume may use another
//      N).

#include "qatbench/error.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace qat::dist {

enum class Backend
{
    None, // one process
    Gloo, // CPU tensors (c10d::ProcessGroupGloo)
    Nccl, // CUDA tensors, one GPU per rank (c10d::ProcessGroupNCCL)
};
const char* backendName(Backend b); // "none", "gloo", "nccl"

// This process's place in a distributed run, read once from the environment the launcher set.
struct RankInfo
{
    int rank = 0;
    int world = 1;
    Backend backend = Backend::None;
    int port = 0;          // the launcher's TCPStore on 127.0.0.1
    double timeoutS = 300; // every collective and the rendezvous ($QATBENCH_DIST_TIMEOUT_S)
};
const RankInfo& rankInfo();
inline bool active()
{
    return rankInfo().world > 1;
}
// A rank > 0: it trains but writes nothing (no store, no events, no checkpoint, no export).
inline bool isFollower()
{
    return rankInfo().rank > 0;
}
// Whether this LibTorch has the backend's process group (Gloo: gloo headers at build time; NCCL: a CUDA build
// with nccl.h).
bool available(Backend b);
// Why this build lacks the backend's process group and what to do about it; "" when available(b).
std::string unavailableReason(Backend b);
// What this build can run data-parallel, as `qatbench-cli devices --json` prints it under "data_parallel"
// (the GUI's device pickers read it): {"gloo": available(Gloo) (run --ranks N), "nccl": available(Nccl)
// (run --gpus N)}.
nlohmann::json dataParallelSupport();

// A rank that died or stopped answering (a killed process, a collective past the timeout). Rank 0 throws it
// after writing a checkpoint of the last completed step; the engine ends the run as interrupted.
class RankLost : public Error
{
public:
    using Error::Error;
};

// The device a rank trains on: with NCCL rank r uses cuda:r ("auto", "cuda" or "cuda:0" in the experiment); a
// CPU device with --gpus is a ConfigError naming run.device. Otherwise `resolved` unchanged.
std::string rankDevice(const std::string& resolved);

// Why data.batch_size (the batch of the whole step) does not split over `world` ranks; "" when it does.
// TrainLoop refuses such a run (checkBatch); the GUI says it under the field before a run starts.
std::string batchSplitProblem(int64_t batch, int world);

// The launcher: hosts the TCPStore, starts `world` copies of /proc/self/exe with `args` (argv without
// argv[0]), forwards SIGTERM (and a SIGINT sent to it alone) to rank 0, and when a rank ends, gives the
// others a grace period and then SIGTERM/SIGKILL, so no rank outlives the run. Rank 0 keeps stdin and stdout
// (events, pause/resume/stop lines); the others get /dev/null for both and keep stderr. Returns rank 0's exit
// status (128 + signal when it was killed): rank 0 ends the run for all (a lost rank makes it stop with a
// checkpoint, as interrupted).
int launchRanks(const std::vector<std::string>& args, int world, Backend backend);

// Rank 0 hands the prepared run to the followers: {"doc", "work_dir", "resume", "run_id"} or {"error": text}
// (then the followers end at once). No-op in a one-process run.
void publishRun(const nlohmann::json& run);
// Followers: the run rank 0 published (waits for it as long as rank 0 lives).
nlohmann::json receiveRun();

} // namespace qat::dist
