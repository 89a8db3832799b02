// Inconsistent model folders and hostile inputs through the binary the user runs (issue 12, items 4 and 5):
// each is refused with the file and the field or tensor named, and nothing grows without bound.
#include "cli_process.h"
#include "qat_test.h"

#include "qatbench_sdk/tensor_io.h"

#include <nlohmann/json.hpp>

#include "qatbench_sdk/torch.h"

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

using Output = qat::test::CliOutput;

Output run(const std::string& args)
{
    return qat::test::runCli(args);
}

// A copy of stories260K to damage.
std::string modelCopy()
{
    const std::string dir = qat::test::tempDir() + "/model";
    fs::copy(qat::test::dataPath("models/stories260K"), dir, fs::copy_options::recursive);
    return dir;
}

void editConfig(const std::string& dir, const std::function<void(json&)>& edit)
{
    json c = json::parse(qat::test::readFile(dir + "/config.json"));
    edit(c);
    qat::test::writeFile(dir + "/config.json", c.dump(2));
}

std::string evalText()
{
    return qat::test::dataPath("data/tinystories/TinyStories-validation-head.txt");
}

bool has(const Output& o, const std::string& s)
{
    return o.text.find(s) != std::string::npos;
}

} // namespace

QAT_TEST(aConfigWithFewerLayersThanTheWeightsIsRefused)
{
    // Seen: ppl 10.74 instead of 4.19, exit 0, the sixth layer silently ignored.
    const std::string dir = modelCopy();
    editConfig(dir, [](json& c) { c["num_hidden_layers"] = 4; });
    const auto r = run("eval " + dir + " --text " + evalText() + " --seq-len 64 --max-windows 2");
    QAT_CHECK_MSG(r.code != 0 && has(r, "config.json") && has(r, "num_hidden_layers") && has(r, "5 layers"),
                  r.text);
    const auto i = run("inspect " + dir);
    QAT_CHECK_MSG(i.code != 0 && has(i, "num_hidden_layers"), i.text);
}

QAT_TEST(aHugeCountInTheConfigIsRefusedBeforeAnythingIsAllocated)
{
    // Seen: memory grew until the process was killed.
    const std::string dir = modelCopy();
    editConfig(dir, [](json& c) { c["num_hidden_layers"] = 100000000; });
    auto r = run("eval " + dir + " --text " + evalText() + " --seq-len 64 --max-windows 2");
    QAT_CHECK_MSG(r.code != 0 && has(r, "num_hidden_layers") && has(r, "must be <="), r.text);
    editConfig(dir, [](json& c) { c["num_hidden_layers"] = 1000; });
    r = run("eval " + dir + " --text " + evalText() + " --seq-len 64 --max-windows 2");
    QAT_CHECK_MSG(r.code != 0 && has(r, "num_hidden_layers") && has(r, "hold 5 layers"), r.text);
}

QAT_TEST(extraTensorsAreReportedByName)
{
    const std::string dir = modelCopy();
    auto t = qat::readSafetensors(dir + "/model.safetensors");
    std::vector<std::pair<std::string, at::Tensor>> all(t.begin(), t.end());
    all.emplace_back("model.layers.0.self_attn.rotary_emb.inv_freq", at::ones({4}));
    all.emplace_back("vision_tower.proj.weight", at::ones({2, 2}));
    qat::writeSafetensors(dir + "/model.safetensors", all, {});
    const auto r = run("eval " + dir + " --text " + evalText() + " --seq-len 64 --max-windows 2");
    QAT_CHECK_MSG(r.code == 0, r.text);
    QAT_CHECK_MSG(has(r, "warning: tensor vision_tower.proj.weight") &&
                      has(r, "model.layers.0.self_attn.rotary_emb.inv_freq"),
                  r.text);
}

QAT_TEST(aTokenizerLargerThanTheVocabularyIsRefused)
{
    // Seen: a raw LibTorch index error with a C++ backtrace, or garbage text from generate.
    const std::string dir = modelCopy();
    fs::copy_file(qat::test::dataPath("data/tokenizers/llama2/tokenizer.model"), dir + "/tokenizer.model",
                  fs::copy_options::overwrite_existing);
    for (const std::string cmd : {"eval " + dir + " --text " + evalText() + " --seq-len 64 --max-windows 2",
                                  "generate " + dir + " --prompt 'Once upon a time'", "inspect " + dir}) {
        const auto r = run(cmd);
        QAT_CHECK_MSG(r.code != 0 && has(r, "tokenizer.model") && has(r, "vocab_size") &&
                          !has(r, "Exception raised from"),
                      cmd + "\n" + r.text);
    }
}

QAT_TEST(nanWeightsAreRefusedNamingTheTensor)
{
    // Seen: "perplexity -nan" with exit 0.
    const std::string dir = modelCopy();
    auto t = qat::readSafetensors(dir + "/model.safetensors");
    t["model.layers.2.mlp.up_proj.weight"][3][7] = std::nan("");
    qat::writeSafetensors(dir + "/model.safetensors", {t.begin(), t.end()}, {});
    const auto r = run("eval " + dir + " --text " + evalText() + " --seq-len 64 --max-windows 2");
    QAT_CHECK_MSG(r.code != 0 && has(r, "model.layers.2.mlp.up_proj.weight") && has(r, "NaN"), r.text);
}

QAT_TEST(evalRefusesASeqLenBeyondTheModelsContext)
{
    const auto r = run("eval " + qat::test::dataPath("models/stories260K") + " --text " + evalText() +
                       " --seq-len 1024 --max-windows 1");
    QAT_CHECK_MSG(r.code != 0 && has(r, "seq_len") && has(r, "max_position_embeddings"), r.text);
}

QAT_TEST(evalReadsOnlyTheTextItNeeds)
{
    // Seen: a 50 MB one-line file took 93 s and 2.75 GB for two windows; a device file never ended.
    const std::string dir = qat::test::tempDir();
    const std::string big = dir + "/big.txt";
    {
        std::string line = qat::test::readFile(evalText());
        for (char& c : line)
            if (c == '\n') c = ' ';
        std::string text;
        while (text.size() < (size_t(64) << 20))
            text += line;
        qat::test::writeFile(big, text);
    }
    const auto r = run("eval " + qat::test::dataPath("models/stories260K") + " --text " + big +
                       " --seq-len 64 --max-windows 2 --json");
    QAT_CHECK_MSG(r.code == 0, r.text);
    const auto j = json::parse(r.text.substr(r.text.find("{\n")));
    QAT_CHECK(j["text_tokens"].get<int64_t>() < 100000); // a prefix, not 64 MiB of text
    // The windows are the ones the whole text gives: the same as from a small head of the same text.
    qat::test::writeFile(dir + "/head.txt", qat::test::readFile(big).substr(0, 100000));
    const auto h = run("eval " + qat::test::dataPath("models/stories260K") + " --text " + dir +
                       "/head.txt --seq-len 64 --max-windows 2 --json");
    const auto hj = json::parse(h.text.substr(h.text.find("{\n")));
    QAT_CHECK_EQ(hj["ppl"].get<double>(), j["ppl"].get<double>());

    for (const std::string bad : {std::string("/dev/zero"), dir}) {
        const auto d = run("eval " + qat::test::dataPath("models/stories260K") + " --text " + bad +
                           " --seq-len 64 --max-windows 2");
        QAT_CHECK_MSG(d.code != 0 && has(d, bad) && (has(d, "regular file") || has(d, "folder")), d.text);
    }
}

QAT_TEST(aTokenIdBeyondInt32IsRefusedNotWrapped)
{
    // Found by fuzzing: get<int32_t>() made a bos_token_id of 4294967297 into 1, silently.
    const std::string dir = modelCopy();
    editConfig(dir, [](json& c) { c["bos_token_id"] = 4294967297LL; });
    const auto r = run("eval " + dir + " --text " + evalText() + " --seq-len 64 --max-windows 2");
    QAT_CHECK_MSG(r.code != 0 && has(r, "bos_token_id") && has(r, "4294967297"), r.text);
}

QAT_TEST_MAIN()
