// core/test_fuzz_corpus: replays tests/fuzz/corpus/<target>/* through the fuzz targets' bodies (tests/fuzz/
// fuzz_*.cpp) in the normal build. Each file must be accepted or refused with a qat::Error naming its file or
// field; a crash, another exception or a broken promise fails the test and names the file.
#include "fuzz_replay.h"
#include "qat_test.h"

#include "qatbench/method.h"
#include "qatbench_plugins/builtin.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>

namespace fs = std::filesystem;

namespace qat::fuzz {

void registerMethodsForFuzzing()
{
    registerBuiltinMethods();
}

} // namespace qat::fuzz

namespace {

std::vector<std::string> corpusFiles(const std::string& target)
{
    const fs::path dir = fs::path(QAT_FUZZ_CORPUS_DIR) / target;
    std::vector<std::string> files;
    if (fs::is_directory(dir))
        for (const auto& e : fs::directory_iterator(dir))
            if (e.is_regular_file()) files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    return files;
}

// A safetensors file: the 8-byte little-endian header length, the header, the data.
std::string safetensors(const std::string& header, size_t dataBytes)
{
    std::string out(8, '\0');
    for (int i = 0; i < 8; ++i)
        out[size_t(i)] = char((uint64_t(header.size()) >> (8 * i)) & 0xff);
    return out + header + std::string(dataBytes, '\0');
}

// stories260K's tokenizer.model from the shared data ("" without QATBENCH_TEST_DATA).
std::string sharedTokenizerModel()
{
    const char* root = std::getenv("QATBENCH_TEST_DATA");
    if (!root || !*root) return {};
    return qat::test::readFile(std::string(root) + "/models/stories260K/tokenizer.model");
}

// The sentencepiece reproducers (docs/FUZZING.md): two hand-made protobufs, and the shared tokenizer.model
// with its BYTE piece <0x41> spelled <0x-1> and <0xZZ>.
std::vector<std::pair<std::string, std::string>> sentencepieceInputs()
{
    const std::string unkPastPieces("\x0a\x0a\x0a\x01\x61\x15\x00\x00\x00\x00\x18\x01\x0a\x0a\x0a\x01\x62\x15"
                                    "\x00\x00\x80\xbf\x18\x01\x12\x08\x18\x02\xc0\x02\x63\x98\x02\x00",
                                    34);
    const std::string bosEosNegative(
        "\x0a\x0e\x0a\x05\x3c\x75\x6e\x6b\x3e\x15\x00\x00\x00\x00\x18\x02\x0a\x0a\x0a\x01\x61\x15\x00\x00\x00"
        "\x00\x18\x01\x0a\x0a\x0a\x01\x62\x15\x00\x00\x80\xbf\x18\x01\x12\x1a\x18\x02\xc8\x02\xfb\xff\xff\xff"
        "\xff\xff\xff\xff\xff\x01\xd0\x02\xf9\xff\xff\xff\xff\xff\xff\xff\xff\x01",
        68);
    std::vector<std::pair<std::string, std::string>> out = {{"crash-unk-id-out-of-range", unkPastPieces},
                                                            {"crash-bos-eos-negative", bosEosNegative}};
    const std::string model = sharedTokenizerModel();
    const size_t at = model.find("<0x41>");
    if (at == std::string::npos) return out;
    out.emplace_back("stories260K-tok512", model);
    std::string negative = model, notHex = model;
    negative.replace(at + 3, 1, "-"); // <0x-1>
    notHex.replace(at + 3, 2, "ZZ");  // <0xZZ>
    out.emplace_back("crash-byte-piece-negative", negative);
    out.emplace_back("crash-byte-piece-not-hex", notHex);
    return out;
}

// Hand-made inputs, written here rather than committed as binary files (data files live in ../shared).
// safetensors: a reproducer of a number beyond double in data_offsets, and one tensor of every dtype.
std::vector<std::pair<std::string, std::string>> generatedInputs(const std::string& target)
{
    if (target == "sentencepiece") return sentencepieceInputs();
    if (target != "safetensors") return {};
    return {
        {"crash-number-overflow",
         safetensors(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,1e309]}})", 0)},
        {"tiny-all-dtypes", safetensors(R"({"__metadata__":{"format":"pt"},)"
                                        R"("a.f32":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},)"
                                        R"("b.bf16":{"dtype":"BF16","shape":[4],"data_offsets":[24,32]},)"
                                        R"("c.i8":{"dtype":"I8","shape":[3,1],"data_offsets":[32,35]},)"
                                        R"("d.scalar":{"dtype":"F64","shape":[],"data_offsets":[35,43]},)"
                                        R"("e.empty":{"dtype":"F16","shape":[0,5],"data_offsets":[43,43]},)"
                                        R"("f.i64":{"dtype":"I64","shape":[1],"data_offsets":[43,51]},)"
                                        R"("g.bool":{"dtype":"BOOL","shape":[2],"data_offsets":[51,53]}})",
                                        53)}};
}

void runInput(const std::pair<std::string, qat::fuzz::Body>& target, const std::string& name,
              const std::string& bytes)
{
    try {
        qat::fuzz::runOne(target.second, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    } catch (const std::exception& e) {
        QAT_FAIL_AT(name + ": " + e.what());
    }
}

const std::pair<std::string, qat::fuzz::Body>& findTarget(const std::string& target)
{
    const auto& targets = qat::fuzz::registeredTargets();
    const auto it =
        std::find_if(targets.begin(), targets.end(), [&](const auto& t) { return t.first == target; });
    QAT_CHECK_MSG(it != targets.end(), "no fuzz target '" + target + "' is linked into this test");
    return *it;
}

void replay(const std::string& target)
{
    const auto& t = findTarget(target);
    const auto files = corpusFiles(target);
    const auto made = generatedInputs(target);
    QAT_CHECK_MSG(!files.empty() || !made.empty(), "tests/fuzz/corpus/" + target + " holds no file");
    for (const auto& f : files)
        runInput(t, f, qat::test::readFile(f));
    for (const auto& [name, bytes] : made)
        runInput(t, name, bytes);
}

} // namespace

QAT_TEST(everyTargetHasACorpusAndEveryCorpusATarget)
{
    std::set<std::string> linked, corpora;
    for (const auto& [name, body] : qat::fuzz::registeredTargets())
        linked.insert(name);
    for (const auto& e : fs::directory_iterator(QAT_FUZZ_CORPUS_DIR))
        if (e.is_directory()) corpora.insert(e.path().filename().string());
    QAT_CHECK_EQ(linked.size(), size_t(7));
    for (const auto& n : linked)
        QAT_CHECK_MSG(corpora.count(n) || !generatedInputs(n).empty(),
                      "target " + n + " has no tests/fuzz/corpus/" + n);
    for (const auto& n : corpora)
        QAT_CHECK_MSG(linked.count(n), "tests/fuzz/corpus/" + n + " has no fuzz_" + n + ".cpp");
}

QAT_TEST(safetensorsCorpus)
{
    replay("safetensors");
}
QAT_TEST(safetensorsOfTheSharedModelsWholeAndTruncated)
{
    // The real checkpoints as they are, and cut inside the header and inside the data.
    const auto& t = findTarget("safetensors");
    for (const char* rel :
         {"models/stories260K/model.safetensors", "models/stories260K-bf16/model.safetensors",
          "models/parity/llama-gqa-bf16/model.safetensors"}) {
        const std::string bytes = qat::test::readFile(qat::test::dataPath(rel));
        runInput(t, rel, bytes);
        for (const size_t cut : {size_t(7), size_t(64), size_t(5272), bytes.size() - 1})
            if (cut < bytes.size())
                runInput(t, std::string(rel) + " cut at " + std::to_string(cut), bytes.substr(0, cut));
    }
}
QAT_TEST(modelConfigCorpus)
{
    replay("model_config");
}
QAT_TEST(sentencepieceCorpus)
{
    replay("sentencepiece");
}
QAT_TEST(bytelevelBpeCorpus)
{
    replay("bytelevel_bpe");
}
QAT_TEST(experimentCorpus)
{
    replay("experiment");
}
QAT_TEST(sweepCorpus)
{
    replay("sweep");
}
QAT_TEST(eventsCorpus)
{
    replay("events");
}

QAT_TEST_MAIN()
