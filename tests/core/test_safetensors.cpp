// The safetensors reader against broken files (truncated, lying headers, overlaps, wrong sizes), sharded
// checkpoints, pickle refusal, and model-level errors (missing tensor, wrong shape). Every broken file is
// written into a temporary directory; every error must name the file and the field.

#include "qat_test.h"
#include "torch_test.h"

#include "qatbench/error.h"
#include "qatbench/model.h"
#include "qatbench/safetensors.h"
#include "qatbench_sdk/llama.h"
#include "qatbench_sdk/tensor_io.h"

#include <cmath>
#include <filesystem>
#include <fstream>

using namespace qat;
namespace fs = std::filesystem;

namespace {

std::string withHeader(const std::string& header, size_t dataBytes)
{
    std::string out(8, '\0');
    for (int i = 0; i < 8; ++i)
        out[size_t(i)] = char((uint64_t(header.size()) >> (8 * i)) & 0xff);
    return out + header + std::string(dataBytes, '\0');
}

std::string write(const std::string& name, const std::string& bytes)
{
    const std::string path = test::tempDir() + "/" + name;
    test::writeFile(path, bytes);
    return path;
}

// A copy of a parity model folder whose model.safetensors is rewritten by edit().
std::string copyModel(const std::string& fixture)
{
    const std::string dir = test::tempDir();
    for (const char* f : {"config.json", "model.safetensors"})
        fs::copy_file(test::dataPath("models/parity/" + fixture) + "/" + f, dir + "/" + f);
    return dir;
}

} // namespace

QAT_TEST(roundTripWriteRead)
{
    const std::string dir = test::tempDir();
    at::Tensor a = at::randn({3, 5});
    at::Tensor b = at::randn({7}).to(at::kBFloat16);
    at::Tensor c = at::arange(6, at::kLong).view({2, 3});
    writeSafetensors(dir + "/t.safetensors", {{"a", a}, {"b", b}, {"c", c}}, {{"format", "pt"}});
    SafetensorsFile f(dir + "/t.safetensors");
    QAT_CHECK_EQ(f.tensors().size(), size_t(3));
    QAT_CHECK_EQ(f.metadata().at("format"), std::string("pt"));
    QAT_CHECK(readTensor(f, "a").equal(a));
    QAT_CHECK(readTensor(f, "b").equal(b));
    QAT_CHECK(readTensor(f, "c").equal(c));
    QAT_CHECK_THROWS_WITH(readTensor(f, "d"), "t.safetensors", "d", "missing");
}

QAT_TEST(nonFiniteStoredValuesAreFoundInEveryFloatType)
{
    // The loader's check scans the stored bits in parallel pieces: a NaN or infinity anywhere (first element,
    // a piece boundary, the last element) of every float type must be found, and finite extremes must pass.
    const std::string dir = test::tempDir();
    const int64_t n = (int64_t(1) << 17) + 3; // more than two of the scan's pieces, and a ragged tail
    for (const auto dtype : {at::kBFloat16, at::kHalf, at::kFloat, at::kDouble}) {
        for (const double bad : {std::nan(""), double(INFINITY), -double(INFINITY)}) {
            for (const int64_t pos : {int64_t(0), int64_t(1) << 16, n - 1}) {
                at::Tensor t = at::randn({n}, at::kFloat).to(dtype);
                t[pos] = bad;
                at::Tensor big = at::full({4}, dtype == at::kHalf ? 65504.0 : 3.0e38, at::kFloat).to(dtype);
                writeSafetensors(dir + "/x.safetensors", {{"t", t}, {"big", big}, {"ids", at::arange(5)}});
                SafetensorsFile f(dir + "/x.safetensors");
                QAT_CHECK_MSG(!storedValuesFinite(f, *f.find("t")), std::string(c10::toString(dtype)) + " " +
                                                                        std::to_string(bad) + " at " +
                                                                        std::to_string(pos));
                QAT_CHECK(!valuesFinite(readTensor(f, "t"))); // the same scan of the bytes once read
                QAT_CHECK(storedValuesFinite(f, *f.find("big")));
                QAT_CHECK(valuesFinite(readTensor(f, "big")));
                QAT_CHECK(storedValuesFinite(f, *f.find("ids")));
                QAT_CHECK(readTensor(f, *f.find("big"), at::Device(at::kCPU)).equal(big));
            }
        }
    }
    // The device read: the same values on every device the machine has, from the mapping itself.
    at::Tensor w = at::randn({257, 33}).to(at::kBFloat16);
    writeSafetensors(dir + "/w.safetensors", {{"w", w}});
    SafetensorsFile f(dir + "/w.safetensors");
    for (const auto& dev : test::devices())
        QAT_CHECK(readTensor(f, *f.find("w"), dev).cpu().equal(w));
    // A GPU takes a tensor in 64 MiB staging chunks: one of three chunks and a ragged end, next to a small
    // one (the staging buffers of both in flight at once).
    for (const auto& dev : test::devices()) {
        if (dev.is_cpu()) continue;
        at::Tensor big = at::randint(0, 255, {(int64_t(129) << 20) + 5}, at::kByte), small = at::arange(7);
        writeSafetensors(dir + "/big.safetensors", {{"big", big}, {"small", small}});
        SafetensorsFile fb(dir + "/big.safetensors");
        at::Tensor onDevice = readTensor(fb, *fb.find("big"), dev),
                   smallOn = readTensor(fb, *fb.find("small"), dev);
        QAT_CHECK(onDevice.device() == dev && onDevice.cpu().equal(big) && smallOn.cpu().equal(small));
    }
}

QAT_TEST(aFileCutAfterOpeningIsAnErrorNotACrash)
{
    // Tensors are read with pread, not through the mapping (whose pages past a new end of file would be a
    // SIGBUS): a file that shrinks between opening and reading names itself and the tensor.
    const std::string path = test::tempDir() + "/cut.safetensors";
    const at::Tensor a = at::arange(4096, at::kFloat), b = at::arange(4096, at::kFloat) * 2;
    writeSafetensors(path, {{"a", a}, {"b", b}});
    SafetensorsFile f(path);
    QAT_CHECK(readTensor(f, "b").equal(b));
    const bool bLast = f.find("b")->end > f.find("a")->end;
    const std::string first = bLast ? "a" : "b", last = bLast ? "b" : "a";
    std::filesystem::resize_file(path, std::filesystem::file_size(path) - 4096 * 4 / 2); // half the last one
    QAT_CHECK(readTensor(f, first).equal(bLast ? a : b));
    QAT_CHECK_THROWS_WITH(readTensor(f, last), "cut.safetensors", last.c_str(), "ends early");
    for (const auto& dev : test::devices()) // the GPU's staged read too
        QAT_CHECK_THROWS_WITH(readTensor(f, *f.find(last), dev), "cut.safetensors", "ends early");
}

QAT_TEST(truncatedFiles)
{
    QAT_CHECK_THROWS_WITH(SafetensorsFile(write("tiny.safetensors", "abc")), "tiny.safetensors",
                          "header length");
    const std::string h = R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})";
    QAT_CHECK_THROWS_WITH(SafetensorsFile(write("short.safetensors", withHeader(h, 8))), "short.safetensors",
                          "w.data_offsets", "outside");
    std::string full = withHeader(h, 16);
    QAT_CHECK_THROWS_WITH(SafetensorsFile(write("cut.safetensors", full.substr(0, 20))), "cut.safetensors",
                          "header length");
    // the first real checkpoint cut in half
    const std::string real = test::readFile(test::dataPath("models/stories260K/model.safetensors"));
    QAT_CHECK_THROWS_WITH(SafetensorsFile(write("half.safetensors", real.substr(0, real.size() / 2))),
                          "half.safetensors", "data_offsets", "truncated");
}

QAT_TEST(lyingHeaders)
{
    auto open = [](const std::string& h, size_t data) {
        return SafetensorsFile(write("x.safetensors", withHeader(h, data)));
    };
    QAT_CHECK_THROWS_WITH(open(R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,12]}})", 16),
                          "x.safetensors", "w.data_offsets", "needs 16");
    QAT_CHECK_THROWS_WITH(open(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                               R"("v":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                               16),
                          "data_offsets", "overlaps");
    QAT_CHECK_THROWS_WITH(open(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[16,8]}})", 16),
                          "w.data_offsets");
    QAT_CHECK_THROWS_WITH(open(R"({"w":{"dtype":"Q4","shape":[2],"data_offsets":[0,2]}})", 2), "w.dtype",
                          "Q4");
    QAT_CHECK_THROWS_WITH(open(R"({"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", 8), "w.shape");
    QAT_CHECK_THROWS_WITH(
        open(R"({"w":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,8]}})", 8), "w.shape",
        "too large");
    QAT_CHECK_THROWS_WITH(open(R"({"w":{"dtype":"F32","shape":[2]}})", 8), "w.data_offsets");
    QAT_CHECK_THROWS_WITH(open(R"({"w":{"dtype":"F32",)", 8), "x.safetensors", "header", "JSON");
    std::string huge(8, '\0');
    huge[6] = 1; // a 2^48-byte header
    QAT_CHECK_THROWS_WITH(SafetensorsFile(write("huge.safetensors", huge + "{}")), "huge.safetensors",
                          "header length");
}

QAT_TEST(missingTensorAndWrongShape)
{
    const std::string fixture = "llama2-mha-untied";
    auto tensors = readSafetensors(test::dataPath("models/parity/" + fixture + "/model.safetensors"));
    {
        const std::string dir = copyModel(fixture);
        std::vector<std::pair<std::string, at::Tensor>> list;
        for (const auto& [k, v] : tensors)
            if (k != "model.layers.1.mlp.up_proj.weight") list.emplace_back(k, v);
        writeSafetensors(dir + "/model.safetensors", list);
        QAT_CHECK_THROWS_WITH(LlamaModel::load(dir), "model.safetensors", "model.layers.1.mlp.up_proj.weight",
                              "missing");
        QAT_CHECK_THROWS_WITH(inspectModel(dir), "model.layers.1.mlp.up_proj.weight");
    }
    {
        const std::string dir = copyModel(fixture);
        std::vector<std::pair<std::string, at::Tensor>> list;
        for (const auto& [k, v] : tensors)
            list.emplace_back(
                k, k == "model.layers.0.self_attn.k_proj.weight" ? v.slice(0, 0, 48).contiguous() : v);
        writeSafetensors(dir + "/model.safetensors", list);
        QAT_CHECK_THROWS_WITH(LlamaModel::load(dir), "model.safetensors",
                              "model.layers.0.self_attn.k_proj.weight.shape", "[48, 96]", "[96, 96]");
    }
    {
        const std::string dir = copyModel(fixture);
        std::vector<std::pair<std::string, at::Tensor>> list;
        for (const auto& [k, v] : tensors)
            list.emplace_back(k, k == "model.norm.weight" ? v.to(at::kLong) : v);
        writeSafetensors(dir + "/model.safetensors", list);
        QAT_CHECK_THROWS_WITH(LlamaModel::load(dir), "model.norm.weight.dtype", "I64");
    }
}

QAT_TEST(shardedCheckpointLoadsLikeSingleFile)
{
    const std::string fixture = "llama3-gqa-tied-rope-scaled";
    const std::string src = test::dataPath("models/parity/" + fixture);
    auto tensors = readSafetensors(src + "/model.safetensors");
    const std::string dir = test::tempDir();
    fs::copy_file(src + "/config.json", dir + "/config.json");
    std::vector<std::pair<std::string, at::Tensor>> a, b;
    nlohmann::json index = {{"metadata", {{"total_size", 0}}}, {"weight_map", nlohmann::json::object()}};
    for (const auto& [k, v] : tensors) {
        const bool first = k.find("layers.2") == std::string::npos && k.find("norm.weight") != 0;
        (first ? a : b).emplace_back(k, v);
        index["weight_map"][k] =
            first ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
    }
    writeSafetensors(dir + "/model-00001-of-00002.safetensors", a);
    writeSafetensors(dir + "/model-00002-of-00002.safetensors", b);
    test::writeFile(dir + "/model.safetensors.index.json", index.dump());
    const ModelInfo info = inspectModel(dir);
    QAT_CHECK_EQ(info.weightFiles.size(), size_t(2));
    at::NoGradGuard g;
    auto ref = readSafetensors(src + "/reference.safetensors");
    const double diff =
        test::maxAbsDiff(LlamaModel::load(dir).forward(ref.at("input_ids")), ref.at("logits"));
    QAT_CHECK(diff <= 1e-4);
    // a shard that the index names but that is missing
    fs::remove(dir + "/model-00002-of-00002.safetensors");
    QAT_CHECK_THROWS_WITH(findWeightFiles(dir), "model.safetensors.index.json", "model-00002-of-00002",
                          "missing");
}

QAT_TEST(pickleRefusedWithConversionHint)
{
    const std::string dir = test::tempDir();
    fs::copy_file(test::dataPath("models/stories260K/config.json"), dir + "/config.json");
    test::writeFile(dir + "/pytorch_model.bin", "PK\x03\x04 pickle");
    QAT_CHECK_THROWS_WITH(LlamaModel::load(dir), "pytorch_model.bin", "arbitrary code", "save_pretrained",
                          "safe_serialization=True");
}

QAT_TEST(inspectCountsParameters)
{
    const ModelInfo m = inspectModel(test::dataPath("models/gutenberg-llama-22M"));
    QAT_CHECK_EQ(m.params.total, 21730176);
    QAT_CHECK_EQ(m.params.embedding, 12288000);
    QAT_CHECK_EQ(m.params.quantizable, 9437184);
    QAT_CHECK_EQ(m.params.lmHead, 0);
    QAT_CHECK(m.storedDType == DType::BF16);
    QAT_CHECK(m.tokenizerFile.find("tokenizer.model") != std::string::npos);
    const ModelInfo u = inspectModel(test::dataPath("models/parity/llama2-mha-untied"));
    QAT_CHECK_EQ(u.params.lmHead, 300 * 96);
    QAT_CHECK(u.tokenizerFile.empty());
}

QAT_TEST_MAIN()
