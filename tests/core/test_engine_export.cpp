// The experiment's export section (issue 14): impossible combinations refused when the config is validated,
// before any work; a real `qatbench-cli run` on stories260K that asks for GGUF and HF writes them into its
// work folder after the final evaluation, records them as artifacts, and leaves no partial file.
#include "cli_process.h"
#include "qat_test.h"

#include "qatbench/experiment.h"
#include "qatbench/export.h"
#include "qatbench_sdk/export.h"
#include "qatbench_sdk/tensor_io.h"
#include "qatbench_sdk/torch.h"
#include "qatbench/store.h"
#include "qatbench_plugins/builtin.h"

#include <nlohmann/json.hpp>

#include <cstring>
#include <filesystem>

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

json experiment(const std::string& dir, const json& methodOptions, const json& exportSection)
{
    const std::string text =
        qat::test::readFile(qat::test::dataPath("data/tinystories/TinyStories-validation-head.txt"));
    qat::test::writeFile(dir + "/train.txt", text.substr(0, 20000));
    qat::test::writeFile(dir + "/eval.txt", text.substr(20000, 4000));
    return {{"name", "export-section"},
            {"seed", 1},
            {"device", "cpu"},
            {"model", {{"path", qat::test::dataPath("models/stories260K")}}},
            {"data",
             {{"train", dir + "/train.txt"},
              {"eval", dir + "/eval.txt"},
              {"seq_len", 32},
              {"batch_size", 1},
              {"eval_seq_len", 64},
              {"eval_max_windows", 1}}},
            {"method", {{"name", "rtn"}, {"options", methodOptions}}},
            {"training", {{"steps", 2}, {"log_every", 1}}},
            {"export", exportSection}};
}

// The issue naming `field`, or "" when there is none.
std::string issueAt(json exp, const std::string& field)
{
    for (const auto& i : qat::validateExperiment(exp))
        if (i.field == field) return i.message;
    return {};
}

bool anyPartial(const std::string& dir)
{
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.path().filename().string().find(".partial-") != std::string::npos) return true;
    return false;
}

} // namespace

QAT_TEST(impossibleExportsAreRefusedWhenTheConfigIsValidated)
{
    qat::registerBuiltinMethods();
    const std::string dir = qat::test::tempDir();
    const json g32 = {{"bits", 4}, {"group_size", 32}};
    QAT_CHECK_EQ(issueAt(experiment(dir, g32, {{"formats", {"gguf", "gptq", "hf"}}}), "export.formats"),
                 std::string());
    // Q4_1 blocks are 32 wide: groups of 48 cannot be written exactly.
    std::string why = issueAt(experiment(dir, {{"bits", 4}, {"group_size", 48}}, {{"formats", {"gguf"}}}),
                              "export.gguf_type");
    QAT_CHECK_MSG(why.find("group size 48") != std::string::npos, why);
    why = issueAt(
        experiment(dir, {{"bits", 5}, {"group_size", 32}}, {{"formats", {"gguf"}}, {"gguf_type", "q4_1"}}),
        "export.gguf_type");
    QAT_CHECK_MSG(why.find("at most 4 bits") != std::string::npos, why);
    why = issueAt(experiment(dir, {{"bits", 5}, {"group_size", 32}}, {{"formats", {"gptq"}}}),
                  "export.formats");
    QAT_CHECK_MSG(why.find("2, 3, 4 or 8") != std::string::npos, why);
    why = issueAt(experiment(dir, g32, {{"formats", {"onnx"}}}), "export.formats");
    QAT_CHECK_MSG(why.find("\"onnx\" is not one of") != std::string::npos, why);
    QAT_CHECK(!issueAt(experiment(dir, g32, {{"formats", {"hf"}}, {"hf_dtype", "int8"}}), "export.hf_dtype")
                   .empty());
    QAT_CHECK(!issueAt(experiment(dir, g32, {{"formats", {"gguf"}}, {"level", 3}}), "export.level").empty());
    // 6-8 bits under auto: every linear is written in the fallback type, whatever the group size.
    QAT_CHECK_EQ(issueAt(experiment(dir, {{"bits", 8}, {"group_size", 48}}, {{"formats", {"gguf"}}}),
                         "export.gguf_type"),
                 std::string());

    // The CLI refuses such a config before it loads anything.
    qat::test::writeFile(dir + "/bad.json",
                         experiment(dir, {{"bits", 4}, {"group_size", 48}}, {{"formats", {"gguf"}}}).dump());
    const auto r = qat::test::runCli("run --config " + dir + "/bad.json --db " + dir + "/runs.db");
    QAT_CHECK(r.code != 0);
    QAT_CHECK_MSG(r.text.find("export.gguf_type") != std::string::npos, r.text);
}

QAT_TEST(aRunWritesTheExportsItsConfigAsksFor)
{
    const std::string dir = qat::test::tempDir();
    const json exp = experiment(dir, {{"bits", 4}, {"group_size", 32}, {"allow_partial_group", true}},
                                {{"formats", {"gguf", "hf"}}, {"hf_dtype", "float32"}});
    qat::test::writeFile(dir + "/exp.json", exp.dump(2));
    const auto r = qat::test::runCli("run --config " + dir + "/exp.json --db " + dir +
                                     "/runs.db --work-dir " + dir + "/work --events jsonl");
    QAT_CHECK_MSG(r.code == 0, r.text);
    QAT_CHECK_MSG(r.text.find("\"phase\":\"export\"") != std::string::npos, r.text);

    qat::RunStore store(dir + "/runs.db", {.readOnly = true});
    QAT_CHECK(store.run(1)->status == qat::RunStatus::Completed);
    std::string gguf, hf, deployable;
    int64_t ggufBytes = -1;
    for (const auto& a : store.artifacts(1)) {
        if (a.kind == "export_gguf") gguf = a.path, ggufBytes = a.bytes;
        if (a.kind == "export_hf") hf = a.path;
        if (a.kind == "export") deployable = a.path;
    }
    QAT_CHECK_EQ(gguf, dir + "/work/export/model.gguf");
    QAT_CHECK_EQ(hf, dir + "/work/export/hf-float32");

    // A GGUF v3 file of exactly the size the export planned from the header (the same plan the GUI shows).
    const std::string bytes = qat::test::readFile(gguf);
    QAT_CHECK(bytes.substr(0, 4) == "GGUF");
    uint32_t version = 0;
    std::memcpy(&version, bytes.data() + 4, 4);
    QAT_CHECK_EQ(version, 3u);
    const qat::DeployResult plan =
        qat::estimateDeployable(deployable, qat::test::dataPath("models/stories260K"), {.format = "gguf"});
    QAT_CHECK_EQ(int64_t(bytes.size()), plan.bytes);
    QAT_CHECK_EQ(ggufBytes, plan.bytes);
    QAT_CHECK_EQ(plan.type, std::string("Q4_1"));
    const json cfg = json::parse(qat::test::readFile(hf + "/config.json"));
    QAT_CHECK_EQ(cfg.at("torch_dtype").get<std::string>(), std::string("float32"));
    QAT_CHECK(fs::exists(hf + "/model.safetensors"));
    QAT_CHECK(!anyPartial(dir + "/work"));

    // The dequantized weights are the formula s * (code - z) in float32, per group of 32 columns, rounded once
    // to the file's dtype: in float32 (the run's hf export) and bfloat16, against the expression written out here.
    qat::dequantizeDeployable(deployable, dir + "/hf-bf16", "", "bfloat16");
    qat::SafetensorsFile q(deployable), f32(hf + "/model.safetensors"), bf16(dir + "/hf-bf16/model.safetensors");
    const json shapes = json::parse(q.metadata().at("shapes"));
    int linears = 0;
    for (const auto& [base, shape] : shapes.items()) {
        const int64_t cols = shape[1].get<int64_t>();
        const at::Tensor codes = qat::unpackCodes(qat::readTensor(q, base + ".qweight"), 4, cols).to(at::kFloat);
        auto expand = [&](const std::string& n) {
            return qat::readTensor(q, n).to(at::kFloat).repeat_interleave(32, 1).narrow(1, 0, cols);
        };
        const at::Tensor want = expand(base + ".scales") * (codes - expand(base + ".zeros"));
        QAT_CHECK_MSG(qat::readTensor(f32, base + ".weight").equal(want), base);
        QAT_CHECK_MSG(qat::readTensor(bf16, base + ".weight").equal(want.to(at::kBFloat16)), base);
        ++linears;
    }
    QAT_CHECK(linears == 35); // stories260K: 5 blocks x 7 linears
}

QAT_TEST_MAIN()
