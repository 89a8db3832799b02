// The DL-QAT evidence table (issue 4, item 6): for each bit-width, full precision, RTN, calibration only,
// DL-QAT with m only, LoRA only, and both, with steps and wall time. Runs the registered methods through the
// same RunContext the engine uses, with a sink that keeps the last losses.
//
//   bench_dlqat_table --model shared/models/stories260K --train .../TinyStories-train-head.txt \
//       --eval .../TinyStories-validation-head.txt [--bits 4,3,2] [--group 32] [--calib-steps 200] [--steps
//       500]
//       [--rows fp,rtn,calib,m,lora,both] [--seq 256] [--batch 8] [--eval-seq 512] [--eval-windows 0]
//       [--threads N] [--set key=value ...] [--json out.json]
#include "qatbench/device.h"
#include "qatbench/error.h"
#include "qatbench/experiment.h"
#include "qatbench/tokenizer.h"
#include "qatbench_sdk/quant_method.h"
#include "qatbench_sdk/trainer.h"
#include "qatbench_plugins/builtin.h"

#include "qatbench_sdk/torch.h"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

namespace {

using nlohmann::json;

double now()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

class TableSink final : public qat::RunSink
{
public:
    std::map<std::string, double> last;
    void scalar(const std::string& name, int64_t, double value, const std::string& context) override
    {
        if (context.empty()) last[name] = value;
    }
    void histogram(const std::string&, int64_t, const at::Tensor&, const std::string&) override {}
    void phase(const std::string& p) override { std::fprintf(stderr, "  phase %s\n", p.c_str()); }
    void message(const std::string&, const std::string& text) override
    {
        std::fprintf(stderr, "  %s\n", text.c_str());
    }
    void artifact(const std::string&, const std::string&) override {}
    bool progress(const qat::Progress& p) override
    {
        if (p.total > 0 && p.done % std::max<int64_t>(1, p.total / 5) == 0)
            std::fprintf(stderr, "  %s %lld/%lld loss %.4f\n", p.phase.c_str(), (long long)p.done,
                         (long long)p.total,
                         last.count("train/loss") ? last["train/loss"] : last["calib/loss"]);
        return true;
    }
};

std::vector<std::string> split(const std::string& s)
{
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ','))
        if (!item.empty()) out.push_back(item);
    return out;
}

std::vector<int64_t> tokenize(const qat::Tokenizer& tok, const std::string& path)
{
    auto ids = tok.encode(qat::readTextFile(path), true);
    return std::vector<int64_t>(ids.begin(), ids.end());
}

struct Row
{
    std::string label;
    int bits = 0;
    double ppl = 0;
    int64_t steps = 0;
    double seconds = 0;
    double trainable = 0;
};

} // namespace

int main(int argc, char** argv)
{
    std::map<std::string, std::string> a = {{"bits", "4,3,2"},      {"group", "32"},
                                            {"calib-steps", "200"}, {"steps", "500"},
                                            {"seq", "256"},         {"batch", "8"},
                                            {"eval-seq", "512"},    {"eval-windows", "0"},
                                            {"threads", "0"},       {"rows", "fp,rtn,calib,m,lora,both"}};
    json overrides = json::object();
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string k = argv[i];
        if (k.rfind("--", 0) != 0) continue;
        k = k.substr(2);
        if (k == "set") {
            const std::string kv = argv[i + 1];
            const auto eq = kv.find('=');
            overrides[kv.substr(0, eq)] = json::parse(kv.substr(eq + 1));
        } else {
            a[k] = argv[i + 1];
        }
    }
    try {
        qat::registerBuiltinMethods();
        qat::configureThreads(std::stoi(a["threads"]));
        const std::string modelDir = a.at("model");
        auto tok = qat::Tokenizer::load(modelDir);
        qat::TokenData data;
        data.train = tokenize(tok, a.at("train"));
        data.eval = tokenize(tok, a.at("eval"));
        const int64_t evalSeq = std::stoll(a["eval-seq"]), evalWindows = std::stoll(a["eval-windows"]);
        std::fprintf(stderr, "train %zu tokens, eval %zu tokens\n", data.train.size(), data.eval.size());
        const qat::LlamaModel fp = qat::LlamaModel::load(modelDir);
        std::vector<Row> rows;
        const auto wanted = split(a["rows"]);
        auto want = [&](const std::string& r) {
            return std::find(wanted.begin(), wanted.end(), r) != wanted.end();
        };
        if (want("fp")) {
            const double t0 = now();
            rows.push_back({"full precision", 32, qat::evaluateNll(fp, data.eval, evalSeq, evalWindows).ppl(),
                            0, now() - t0, 0});
            std::fprintf(stderr, "fp ppl %.4f\n", rows.back().ppl);
        }
        for (const auto& b : split(a["bits"])) {
            const int bits = std::stoi(b);
            for (const char* kind : {"rtn", "calib", "m", "lora", "both"}) {
                if (!want(kind)) continue;
                const std::string k = kind;
                json opts = {
                    {"bits", bits}, {"group_size", std::stoll(a["group"])}, {"allow_partial_group", true}};
                int64_t steps = std::stoll(a["steps"]);
                if (k != "rtn") {
                    opts["calib_steps"] = std::stoll(a["calib-steps"]);
                    opts["train_m"] = k == "m" || k == "both";
                    opts["train_lora"] = k == "lora" || k == "both";
                    if (k == "calib") steps = 0;
                    opts.update(overrides);
                }
                json e = {{"seed", 0},
                          {"model", {{"path", modelDir}}},
                          {"data",
                           {{"train", a["train"]},
                            {"eval", a["eval"]},
                            {"seq_len", std::stoll(a["seq"])},
                            {"batch_size", std::stoll(a["batch"])},
                            {"eval_seq_len", evalSeq},
                            {"eval_max_windows", evalWindows}}},
                          {"method", {{"name", k == "rtn" ? "rtn" : "dlqat"}, {"options", opts}}},
                          {"training",
                           {{"steps", steps},
                            {"warmup_steps", std::min<int64_t>(50, steps / 10)},
                            {"eval_every", 0},
                            {"histogram_every", 0},
                            {"checkpoint_every", 0},
                            {"log_every", 10}}}};
                qat::throwIfIssues(qat::validateExperiment(e));
                qat::throwIfIssues(qat::validateAgainstModel(e, fp.config()));
                std::fprintf(stderr, "W%d %s ...\n", bits, kind);
                qat::LlamaModel model = fp;
                TableSink sink;
                qat::RunContext ctx{e, model, data, sink, "", false};
                const double t0 = now();
                qat::createMethod(e["method"]["name"].get<std::string>())->run(ctx);
                const double secs = now() - t0;
                static const std::map<std::string, std::string> labels = {{"rtn", "RTN"},
                                                                          {"calib", "calibration only"},
                                                                          {"m", "DL-QAT m only"},
                                                                          {"lora", "DL-QAT LoRA only"},
                                                                          {"both", "DL-QAT m + LoRA"}};
                Row r{labels.at(k),
                      bits,
                      qat::evaluateNll(model, data.eval, evalSeq, evalWindows, ctx.finalHook).ppl(),
                      k == "rtn" ? 0 : opts["calib_steps"].get<int64_t>() + steps,
                      secs,
                      sink.last.count("train/trainable_fraction") ? sink.last["train/trainable_fraction"]
                                                                  : 0};
                std::fprintf(stderr, "W%d %s ppl %.4f (%.0f s)\n", bits, kind, r.ppl, secs);
                rows.push_back(r);
            }
        }
        std::printf("| bits | method | ppl | steps (calib + train) | wall time | trainable |\n");
        std::printf("| ---: | --- | ---: | ---: | ---: | ---: |\n");
        json out = json::array();
        for (const auto& r : rows) {
            std::printf("| %s | %s | %.4f | %lld | %.0f s | %s |\n",
                        r.bits >= 16 ? "fp32" : std::to_string(r.bits).c_str(), r.label.c_str(), r.ppl,
                        (long long)r.steps, r.seconds,
                        r.trainable > 0 ? (std::to_string(r.trainable * 100).substr(0, 5) + " %").c_str()
                                        : "");
            out.push_back({{"bits", r.bits},
                           {"method", r.label},
                           {"ppl", r.ppl},
                           {"steps", r.steps},
                           {"seconds", r.seconds},
                           {"trainable_fraction", r.trainable}});
        }
        if (a.count("json"))
            std::ofstream(a["json"]) << json{{"args", a}, {"overrides", overrides}, {"rows", out}}.dump(2);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_dlqat_table: %s\n", e.what());
        return 1;
    }
}
