#include "args.h"
#include "commands.h"

#include "qatbench/eval.h"

#include <cstdio>
#include <iostream>

namespace qat::cli {

const char* const kGenerateUsage =
    "Usage: qatbench-cli generate MODEL_DIR --prompt TEXT [options]\n"
    "Continues a prompt with a LLaMA model (greedy by default).\n"
    "  --prompt TEXT        the prompt (BOS is prepended)\n"
    "  --max-new N          new tokens at most (default 128; stops at EOS)\n"
    "  --temperature T      0 = greedy (default); > 0 samples\n"
    "  --top-k K            sampling: keep the K most likely tokens (default 0 = all)\n"
    "  --top-p P            sampling: nucleus probability (default 1 = off)\n"
    "  --seed S             sampling seed (default 0)\n"
    "  --device D           cpu (default), cuda, cuda:N\n"
    "  --dtype T            float32 (default) or bfloat16\n"
    "  --ids                also print the token ids\n";

int cmdGenerate(const Argv& argv)
{
    Args args(argv, {"prompt", "max-new", "temperature", "top-k", "top-p", "seed", "device", "dtype"},
              {"ids"});
    if (args.positional().size() != 1 || !args.has("prompt")) {
        std::cerr << kGenerateUsage;
        return 2;
    }
    GenerateOptions o;
    o.maxNewTokens = args.getInt("max-new", 128);
    o.temperature = args.getDouble("temperature", 0);
    o.topK = args.getInt("top-k", 0);
    o.topP = args.getDouble("top-p", 1.0);
    o.seed = uint64_t(args.getInt("seed", 0));
    const GenerateResult r = generateText(args.positional()[0], *args.get("prompt"), o,
                                          args.get("device", "cpu"), args.get("dtype", "float32"));
    std::cout << r.text << "\n";
    if (args.has("ids")) {
        std::cout << "ids:";
        for (size_t i = 0; i < r.ids.size(); ++i)
            std::cout << (i ? ", " : " ") << r.ids[i];
        std::cout << "\n";
    }
    std::fprintf(stderr, "%lld prompt + %lld new tokens, %.1f tokens/s\n", (long long)r.promptTokens,
                 (long long)(int64_t(r.ids.size()) - r.promptTokens), r.tokensPerSecond);
    return 0;
}

} // namespace qat::cli
