#include "args.h"
#include "commands.h"

#include "qatbench/device.h"
#include "qatbench/distributed.h"
#include "qatbench/version.h"

#include <nlohmann/json.hpp>

#include <iostream>
#include <unistd.h>

#ifdef QATBENCH_HAVE_CUDA
#include <ATen/cuda/CUDAContext.h>
#endif

namespace qat::cli {

const char* const kDevicesUsage =
    "Usage: qatbench-cli devices [--json]\n"
    "Lists the devices this engine can run on: the CPU (always) and every CUDA GPU LibTorch sees, with\n"
    "name, memory and compute capability. A build without CUDA lists only the CPU and says so.\n"
    "Also says whether this build runs data-parallel: `run --ranks N` needs c10d's Gloo, `run --gpus N`\n"
    "NCCL (docs/SCALE.md).\n"
    "  --json  {engine, cuda_build, devices: [{id, kind, name, memory_bytes, capability}],\n"
    "          data_parallel: {gloo, nccl}} (the GUI's device pickers read this; memory_bytes of the CPU\n"
    "          is the machine's physical memory; gloo and nccl are true when this build has that process\n"
    "          group)\n";

namespace {

long long physicalMemory()
{
    const long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
    return pages > 0 && size > 0 ? static_cast<long long>(pages) * size : 0;
}

// "9.0" for an H100/H200; "" when unknown (the CPU, or a LibTorch with CUDA under a build without it).
std::string capability(const DeviceInfo& d)
{
#ifdef QATBENCH_HAVE_CUDA
    if (d.cuda) {
        const auto* props = at::cuda::getDeviceProperties(std::stoi(d.id.substr(d.id.find(':') + 1)));
        return std::to_string(props->major) + "." + std::to_string(props->minor);
    }
#else
    (void)d;
#endif
    return {};
}

#ifdef QATBENCH_HAVE_CUDA
constexpr bool kCudaBuild = true;
#else
constexpr bool kCudaBuild = false;
#endif

} // namespace

int cmdDevices(const Argv& argv)
{
    Args args(argv, {}, {"json"});
    if (!args.positional().empty()) throw UsageError("unexpected argument '" + args.positional()[0] + "'");
    configureThreadsOnce(); // "N in use" as a run would use them
    nlohmann::json devices = nlohmann::json::array();
    for (const DeviceInfo& d : listDevices())
        devices.push_back(
            {{"id", d.id},
             {"kind", d.cuda ? "cuda" : "cpu"},
             {"name", d.name},
             {"memory_bytes", d.cuda ? static_cast<long long>(d.memoryBytes) : physicalMemory()},
             {"capability", capability(d)}});
    if (args.has("json")) {
        std::cout << nlohmann::json{{"engine", buildSummary()},
                                    {"cuda_build", kCudaBuild},
                                    {"devices", devices},
                                    {"data_parallel", dist::dataParallelSupport()}}
                         .dump(2)
                  << "\n";
        return 0;
    }
    std::vector<std::vector<std::string>> rows{{"id", "name", "memory", "capability"}};
    for (const auto& d : devices)
        rows.push_back(
            {d["id"], d["name"], formatBytes(d["memory_bytes"].get<long long>()),
             d["capability"].get<std::string>().empty() ? "-" : d["capability"].get<std::string>()});
    printTable(rows, std::cout);
    if (!kCudaBuild)
        std::cout << "\nThis qatbench-cli is built without CUDA (" << buildSummary()
                  << "); README's GPU section builds one that has it.\n";
    // What core says about the process groups (docs/SCALE.md), one line per launch option.
    std::cout << "\n";
    for (const auto& [option, backend] :
         {std::pair{"--ranks N (CPU processes, Gloo)", dist::Backend::Gloo},
          std::pair{"--gpus N (one process per GPU, NCCL)", dist::Backend::Nccl}}) {
        const std::string why = dist::unavailableReason(backend);
        std::cout << "Data-parallel run " << option << ": " << (why.empty() ? "available" : "no, " + why)
                  << "\n";
    }
    return 0;
}

} // namespace qat::cli
