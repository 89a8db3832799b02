#include "args.h"
#include "commands.h"

#include "qatbench/eval.h"

#include <cstdio>
#include <iostream>

namespace qat::cli {

const char* const kEvalUsage =
    "Usage: qatbench-cli eval MODEL_DIR --text FILE [options]\n"
    "Measures the perplexity of a LLaMA model on a UTF-8 text file.\n"
    "  --text FILE          the text (read as-is, encoded once)\n"
    "  --seq-len N          tokens per window, BOS included (default 512)\n"
    "  --protocol P         stream (default): BOS once, non-overlapping windows, tail dropped;\n"
    "                       bos-window: every window is [BOS] + N-1 text tokens\n"
    "  --stride N           stream only: window step (default = seq-len)\n"
    "  --max-windows N      only the first N windows (default all)\n"
    "  --device D           cpu (default), cuda, cuda:N\n"
    "  --dtype T            float32 (default) or bfloat16\n"
    "  --batch N            windows per forward (default 8)\n"
    "  --json               print the result with its protocol as JSON\n"
    "  --quiet              no progress bar\n";

int cmdEval(const Argv& argv)
{
    Args args(argv, {"text", "seq-len", "protocol", "stride", "max-windows", "device", "dtype", "batch"},
              {"json", "quiet"});
    if (args.positional().size() != 1 || !args.has("text")) {
        std::cerr << kEvalUsage;
        return 2;
    }
    PerplexityProtocol p;
    p.name = args.get("protocol", "stream");
    p.seqLen = args.getInt("seq-len", 512);
    p.stride = args.getInt("stride", 0);
    if (p.stride == p.seqLen) p.stride = 0;
    p.maxWindows = args.getInt("max-windows", 0);
    EvalOptions o;
    o.device = args.get("device", "cpu");
    o.dtype = args.get("dtype", "float32");
    o.batch = args.getInt("batch", 8);
    ProgressPrinter printer(!args.has("quiet"));
    o.progress = [&](const Progress& pr) {
        printer.update("eval", pr.done, pr.total, pr.etaSeconds);
        return true;
    };
    const PerplexityResult r = evaluatePerplexity(args.positional()[0], *args.get("text"), p, o);
    printer.finish();
    for (const auto& t : r.ignoredTensors)
        std::cerr << "warning: tensor " << t << " is not part of a LLaMA model; ignored\n";
    if (args.has("json")) {
        std::cout << r.toJson().dump(2) << "\n";
        return 0;
    }
    std::printf("perplexity %.4f  (mean NLL %.6f nats)\n", r.ppl, r.nll);
    std::printf("protocol   %s, seq_len %lld, %lld windows, %lld tokens scored, %lld text tokens\n",
                r.protocol.name.c_str(), (long long)r.protocol.seqLen, (long long)r.windows,
                (long long)r.tokensScored, (long long)r.textTokens);
    std::printf("compute    %s %s, %.2f s, %.0f tokens/s\n", r.device.c_str(), r.dtype.c_str(), r.seconds,
                r.tokensPerSecond);
    return 0;
}

} // namespace qat::cli
