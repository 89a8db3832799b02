// `qatbench-cli export` as a user runs it: a stories260K RTN run exported as GGUF, GPTQ and HF; an existing
// path refused without --force; an impossible type and a run without a quantized state refused by name,
// with nothing left behind.
#include "cli_process.h"
#include "qat_test.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <sys/wait.h>

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

using Out = qat::test::CliOutput; // stdout and stderr

Out cli(const std::string& args)
{
    setenv("QATBENCH_ENABLE_SELFTEST", "1", 1);
    return qat::test::runCli(args);
}

// A completed run of `method` on stories260K; returns its id (runs are numbered from 1 in a fresh store).
int runOnce(const std::string& dir, const std::string& db, const std::string& method, const json& options,
            int id)
{
    const std::string model = qat::test::dataPath("models/stories260K");
    const std::string text =
        qat::test::readFile(qat::test::dataPath("data/tinystories/TinyStories-validation-head.txt"));
    qat::test::writeFile(dir + "/train.txt", text.substr(0, 20000));
    qat::test::writeFile(dir + "/eval.txt", text.substr(20000, 4000));
    const json exp = {{"name", "export-" + method},
                      {"seed", 1},
                      {"device", "cpu"},
                      {"model", {{"path", model}}},
                      {"data",
                       {{"train", dir + "/train.txt"},
                        {"eval", dir + "/eval.txt"},
                        {"seq_len", 32},
                        {"batch_size", 1},
                        {"eval_seq_len", 64},
                        {"eval_max_windows", 1}}},
                      {"method", {{"name", method}, {"options", options}}},
                      {"training", {{"steps", 2}, {"log_every", 1}}}};
    const std::string cfg = dir + "/exp" + std::to_string(id) + ".json";
    qat::test::writeFile(cfg, exp.dump(2));
    const Out r =
        cli("run --config " + cfg + " --db " + db + " --work-dir " + dir + "/work" + std::to_string(id));
    QAT_CHECK_MSG(r.code == 0, r.text);
    return id;
}

bool anyPartial(const std::string& dir)
{
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().filename().string().find(".partial-") != std::string::npos) return true;
    return false;
}

} // namespace

QAT_TEST(exportWritesEveryFormatAndRefusesWhatItCannot)
{
    const std::string dir = qat::test::tempDir();
    const std::string db = dir + "/runs.db";
    const int rtn =
        runOnce(dir, db, "rtn", {{"bits", 4}, {"group_size", 32}, {"allow_partial_group", true}}, 1);
    const std::string run = std::to_string(rtn) + " --db " + db;

    Out r = cli("export " + run + " --format gguf --out " + dir + "/m.gguf --quiet");
    QAT_CHECK_MSG(r.code == 0, r.text);
    QAT_CHECK_MSG(r.text.find("Q4_1") != std::string::npos, r.text);
    QAT_CHECK_MSG(r.text.find("ffn_down") != std::string::npos, r.text); // the warning names the F16 tensors
    QAT_CHECK(qat::test::readFile(dir + "/m.gguf").substr(0, 4) == "GGUF");

    r = cli("export " + run + " --format gguf --out " + dir + "/m.gguf --quiet");
    QAT_CHECK(r.code != 0);
    QAT_CHECK_MSG(r.text.find("--force") != std::string::npos, r.text);
    r = cli("export " + run + " --format gguf --type q5_1 --out " + dir + "/m.gguf --force --quiet");
    QAT_CHECK_MSG(r.code == 0 && r.text.find("Q5_1") != std::string::npos, r.text);

    r = cli("export " + run + " --format gptq --out " + dir + "/gptq --quiet");
    QAT_CHECK_MSG(r.code == 0, r.text);
    QAT_CHECK(fs::exists(dir + "/gptq/model.safetensors") && fs::exists(dir + "/gptq/quantize_config.json"));
    r = cli("export " + run + " --format hf --out " + dir + "/hf --quiet");
    QAT_CHECK_MSG(r.code == 0, r.text);
    const json cfg = json::parse(qat::test::readFile(dir + "/hf/config.json"));
    QAT_CHECK_EQ(cfg.at("torch_dtype").get<std::string>(), std::string("float32")); // stories260K's own dtype

    // Q4_1 cannot hold groups of 48: refused by name, no file.
    const int g48 =
        runOnce(dir, db, "rtn", {{"bits", 4}, {"group_size", 48}, {"allow_partial_group", true}}, 2);
    r = cli("export " + std::to_string(g48) + " --db " + db + " --format gguf --type q4_1 --out " + dir +
            "/g48.gguf --quiet");
    QAT_CHECK(r.code != 0);
    QAT_CHECK_MSG(r.text.find("group size 48") != std::string::npos, r.text);
    QAT_CHECK(!fs::exists(dir + "/g48.gguf"));

    // A run whose method wrote no quantized state.
    const int self = runOnce(dir, db, "selftest", json::object(), 3);
    r = cli("export " + std::to_string(self) + " --db " + db + " --format gguf --out " + dir +
            "/s.gguf --quiet");
    QAT_CHECK(r.code != 0);
    QAT_CHECK_MSG(r.text.find("no completed quantized state") != std::string::npos, r.text);
    QAT_CHECK(!fs::exists(dir + "/s.gguf"));
    QAT_CHECK(!anyPartial(dir));
}

QAT_TEST_MAIN()
