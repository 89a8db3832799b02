// The GPTQ v2 checkpoint, unpacked by a reader written here from GPTQ's documented packing (not with the
// exporter's own packCodes): 2/4/8-bit codes sit 32/bits to an int32 word, lowest bits first, rows of
// qweight along the input dimension; 3-bit codes fill three words per 32 codes (10 codes, one split across
// words 0/1, 10 codes, one split across words 1/2, 10 codes). Codes, zero-points and scales come back
// exactly.
#include "qat_test.h"

#include "qatbench/error.h"
#include "qatbench/export.h"
#include "qatbench_sdk/export.h"
#include "qatbench_sdk/quant_linear.h"
#include "qatbench_sdk/tensor_io.h"

#include <nlohmann/json.hpp>
#include "qatbench_sdk/torch.h"

#include <filesystem>

using namespace qat;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// The codes packed in one column of words (a column of qweight, or a row of qzeros), `count` of them.
std::vector<int> unpackColumn(const std::vector<uint32_t>& w, int bits, int64_t count)
{
    std::vector<int> v;
    if (bits == 3) {
        for (size_t k = 0; k + 2 < w.size() + 0 && int64_t(v.size()) < count; k += 3) {
            const uint32_t a = w[k], b = w[k + 1], c = w[k + 2];
            for (int j = 0; j < 10; ++j)
                v.push_back(int((a >> (3 * j)) & 7));
            v.push_back(int((a >> 30) | ((b & 1) << 2)));
            for (int j = 0; j < 10; ++j)
                v.push_back(int((b >> (3 * j + 1)) & 7));
            v.push_back(int((b >> 31) | ((c & 3) << 1)));
            for (int j = 0; j < 10; ++j)
                v.push_back(int((c >> (3 * j + 2)) & 7));
        }
    } else {
        const int per = 32 / bits;
        for (uint32_t word : w)
            for (int j = 0; j < per; ++j)
                v.push_back(int((word >> (bits * j)) & ((1u << bits) - 1)));
    }
    v.resize(size_t(count));
    return v;
}

std::vector<uint32_t> column(const at::Tensor& t, int64_t c, bool byRow)
{
    at::Tensor x = (byRow ? t[c] : t.select(1, c)).contiguous();
    std::vector<uint32_t> out(size_t(x.numel()));
    std::memcpy(out.data(), x.data_ptr(), out.size() * 4);
    return out;
}

void checkBits(int bits)
{
    const std::string model = test::dataPath("models/stories260K");
    const std::string dir = test::tempDir() + "/gptq" + std::to_string(bits);
    auto m = LlamaModel::load(model);
    QuantSpec spec;
    spec.bits = bits;
    spec.groupSize = 32;
    spec.allowPartialGroup = true;
    spec.init = RangeInit::MinMax;
    std::vector<LinearKind> kinds;
    for (int k = 0; k < kLinearKinds; ++k)
        kinds.push_back(LinearKind(k));
    auto mods = makeQuantLinears(m, kinds, spec);
    const std::string deploy = exportQuantized(m, mods, model, dir + "/run").deployablePath;
    const GptqResult r = exportGptq(deploy, model, dir + "/gptq");

    const json cfg = json::parse(test::readFile(dir + "/gptq/config.json"));
    const json& qc = cfg.at("quantization_config");
    QAT_CHECK_EQ(qc.at("quant_method").get<std::string>(), std::string("gptq"));
    QAT_CHECK_EQ(qc.at("checkpoint_format").get<std::string>(), std::string("gptq_v2"));
    QAT_CHECK_EQ(qc.at("bits").get<int>(), bits);
    QAT_CHECK_EQ(qc.at("group_size").get<int>(), 32);
    QAT_CHECK(!qc.at("sym").get<bool>() && !qc.at("desc_act").get<bool>());
    QAT_CHECK(fs::exists(dir + "/gptq/tokenizer.model"));

    auto t = readSafetensors(dir + "/gptq/model.safetensors");
    int64_t checked = 0;
    for (const auto& q : mods) {
        const std::string base = hfLinearName(q.layer, q.kind, "");
        const at::Tensor codes = q.codes(), scale = q.exportScale(), zero = at::round(q.zero);
        const int64_t out = codes.size(0), in = codes.size(1);
        if (!t.count(base + ".qweight")) {
            // not packable: dequantized, and listed as unquantized for GPTQModel
            QAT_CHECK_MSG(t.count(base + ".weight"), base);
            QAT_CHECK(qc.contains("dynamic"));
            continue;
        }
        const at::Tensor qw = t.at(base + ".qweight"), qz = t.at(base + ".qzeros"),
                         sc = t.at(base + ".scales");
        const at::Tensor gi = t.at(base + ".g_idx");
        QAT_CHECK(qw.scalar_type() == at::kInt && qz.scalar_type() == at::kInt &&
                  sc.scalar_type() == at::kHalf);
        QAT_CHECK_EQ(qw.size(0), in * bits / 32);
        QAT_CHECK_EQ(qw.size(1), out);
        QAT_CHECK_EQ(qz.size(0), in / 32);
        QAT_CHECK_EQ(qz.size(1), out * bits / 32);
        for (int64_t o = 0; o < out; ++o) {
            const auto c = unpackColumn(column(qw, o, false), bits, in);
            for (int64_t i = 0; i < in; ++i)
                QAT_CHECK_EQ(c[size_t(i)], int(codes[o][i].item<uint8_t>()));
        }
        for (int64_t g = 0; g < in / 32; ++g) {
            const auto z = unpackColumn(column(qz, g, true), bits, out);
            for (int64_t o = 0; o < out; ++o) {
                QAT_CHECK_EQ(z[size_t(o)], int(zero[o][g].item<float>()));
                QAT_CHECK_EQ(sc[g][o].item<float>(), float(at::Half(scale[o][g].item<float>())));
            }
        }
        for (int64_t i = 0; i < in; ++i)
            QAT_CHECK_EQ(gi[i].item<int>(), int(i / 32));
        ++checked;
    }
    QAT_CHECK_EQ(checked, r.quantizedLinears);
    QAT_CHECK(checked >= 20); // q, k, v, o of every layer at least
}

} // namespace

QAT_TEST(gptqV2UnpacksToTheExactGridAt2Bits)
{
    checkBits(2);
}
QAT_TEST(gptqV2UnpacksToTheExactGridAt3Bits)
{
    checkBits(3);
}
QAT_TEST(gptqV2UnpacksToTheExactGridAt4Bits)
{
    checkBits(4);
}
QAT_TEST(gptqV2UnpacksToTheExactGridAt8Bits)
{
    checkBits(8);
}

QAT_TEST(gptqRefusesFiveBits)
{
    const std::string model = test::dataPath("models/stories260K");
    const std::string dir = test::tempDir() + "/gptq5";
    auto m = LlamaModel::load(model);
    QuantSpec spec;
    spec.bits = 5;
    spec.groupSize = 32;
    spec.allowPartialGroup = true;
    auto mods = makeQuantLinears(m, {LinearKind::Q}, spec);
    const std::string deploy = exportQuantized(m, mods, model, dir + "/run").deployablePath;
    QAT_CHECK_THROWS_WITH(exportGptq(deploy, model, dir + "/gptq"), "2, 3, 4 or 8-bit");
}

QAT_TEST_MAIN()
