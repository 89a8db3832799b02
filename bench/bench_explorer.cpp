// The quantization explorer's update time when bits or group size change (issue 7 asks for an answer within a
// second), on the largest trained model of the test data (gutenberg-llama-22M; down_proj is 384 x 1024). Prints
// wall and CPU seconds per query and the slowest one as a ratio to that one-second target.
//
//   bench_explorer MODEL_DIR [--threads N]
#include "qatbench/explorer.h"

#include <chrono>
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <exception>
#include <string>

namespace {

double now()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_explorer MODEL_DIR [--threads N]\n");
        return 2;
    }
    try {
        qat::ExplorerOptions o;
        o.threads = argc >= 4 && std::string(argv[2]) == "--threads" ? std::stoi(argv[3]) : 1;
        double t0 = now();
        qat::QuantExplorer ex(argv[1], o);
        const double load = now() - t0;
        qat::ExplorerQuery q;
        q.layer = 5;
        q.module = qat::LinearKind::Down;
        q.row = 7;
        q.spec.bits = 3;
        q.spec.groupSize = 128;
        t0 = now();
        (void)ex.compute(q);
        std::printf("load %.2f s, first compute (captures activations of %s) %.2f s\n", load,
                    ex.sampleSource().c_str(), now() - t0);
        std::printf("| bits | group | wall s | CPU s |\n| ---: | ---: | ---: | ---: |\n");
        double worst = 0;
        for (int bits : {2, 4, 8})
            for (int64_t gs : {32, 128, 0}) {
                q.spec.bits = bits;
                q.spec.groupSize = gs;
                const std::clock_t c0 = std::clock();
                t0 = now();
                (void)ex.compute(q);
                const double wall = now() - t0, cpu = double(std::clock() - c0) / CLOCKS_PER_SEC;
                std::printf("| %d | %lld | %.3f | %.3f |\n", bits, (long long)gs, wall, cpu);
                worst = std::max(worst, wall);
            }
        std::printf("slowest update %.3f s = %.2fx the 1 s target (%d thread%s)\n", worst, worst / 1.0, o.threads,
                    o.threads == 1 ? "" : "s");
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_explorer: %s\n", e.what());
        return 1;
    }
}
