// The GGUF writer, read back with a reader written here from ggml's docs/gguf.md and the block layouts
// (block_q4_1: fp16 d, fp16 m, 16 bytes of nibbles, element j in the low nibble of byte j and element j+16 in
// the high one; block_q5_1: the same with a 32-bit word of fifth bits before the nibbles). The llama.cpp
// check itself is test_gguf_llamacpp.cpp.
#include "qat_test.h"

#include "qatbench/error.h"
#include "qatbench/export.h"
#include "qatbench/tokenizer.h"
#include "qatbench_sdk/export.h"
#include "qatbench_sdk/quant_linear.h"

#include <nlohmann/json.hpp>
#include "qatbench_sdk/torch.h"

#include <cstring>
#include <filesystem>
#include <map>

using namespace qat;
namespace fs = std::filesystem;

namespace {

// ---- an independent GGUF reader (enough for the files we write) ----
struct Reader
{
    std::string bytes;
    size_t pos = 0;
    template <typename T> T get()
    {
        QAT_CHECK(pos + sizeof(T) <= bytes.size());
        T v;
        std::memcpy(&v, bytes.data() + pos, sizeof v);
        pos += sizeof v;
        return v;
    }
    std::string str()
    {
        const auto n = get<uint64_t>();
        QAT_CHECK(pos + n <= bytes.size());
        std::string s = bytes.substr(pos, n);
        pos += n;
        return s;
    }
};

struct TensorInfo
{
    std::vector<uint64_t> dims;
    uint32_t type = 0;
    uint64_t offset = 0;
};

struct Gguf
{
    std::map<std::string, nlohmann::json> kv; // scalars and arrays as JSON
    std::map<std::string, TensorInfo> tensors;
    std::vector<std::string> order;
    size_t dataStart = 0;
    std::string bytes;
    const char* data(const std::string& name) const
    {
        return bytes.data() + dataStart + tensors.at(name).offset;
    }
};

nlohmann::json readValue(Reader& r, uint32_t type)
{
    switch (type) {
    case 0:
        return r.get<uint8_t>();
    case 1:
        return r.get<int8_t>();
    case 2:
        return r.get<uint16_t>();
    case 3:
        return r.get<int16_t>();
    case 4:
        return r.get<uint32_t>();
    case 5:
        return r.get<int32_t>();
    case 6:
        return r.get<float>();
    case 7:
        return r.get<uint8_t>() != 0;
    case 8:
        return r.str();
    case 10:
        return r.get<uint64_t>();
    case 11:
        return r.get<int64_t>();
    case 12:
        return r.get<double>();
    case 9: {
        const auto et = r.get<uint32_t>();
        const auto n = r.get<uint64_t>();
        auto a = nlohmann::json::array();
        for (uint64_t i = 0; i < n; ++i)
            a.push_back(readValue(r, et));
        return a;
    }
    }
    QAT_FAIL_AT("unknown GGUF value type " + std::to_string(type));
}

Gguf readGguf(const std::string& path)
{
    Gguf g;
    Reader r{test::readFile(path)};
    QAT_CHECK(r.bytes.substr(0, 4) == "GGUF");
    r.pos = 4;
    QAT_CHECK_EQ(r.get<uint32_t>(), 3u);
    const auto nt = r.get<uint64_t>(), nkv = r.get<uint64_t>();
    for (uint64_t i = 0; i < nkv; ++i) {
        const std::string key = r.str();
        const auto type = r.get<uint32_t>();
        g.kv[key] = readValue(r, type);
    }
    for (uint64_t i = 0; i < nt; ++i) {
        const std::string name = r.str();
        TensorInfo t;
        const auto nd = r.get<uint32_t>();
        for (uint32_t d = 0; d < nd; ++d)
            t.dims.push_back(r.get<uint64_t>());
        t.type = r.get<uint32_t>();
        t.offset = r.get<uint64_t>();
        QAT_CHECK_MSG(t.offset % 32 == 0, name + " is not aligned");
        g.tensors[name] = t;
        g.order.push_back(name);
    }
    g.dataStart = (r.pos + 31) / 32 * 32;
    g.bytes = std::move(r.bytes);
    return g;
}

float half(const char* p)
{
    uint16_t h;
    std::memcpy(&h, p, 2);
    return at::Half(h, at::Half::from_bits());
}

// Decodes a Q4_1 / Q5_1 tensor [rows, cols] into its codes, d and min per block.
struct Blocks
{
    std::vector<int> codes; // rows * cols
    std::vector<float> d, m;
};
Blocks decode(const Gguf& g, const std::string& name, bool q5)
{
    const auto& t = g.tensors.at(name);
    const int64_t cols = int64_t(t.dims[0]), rows = int64_t(t.dims[1]), nb = cols / 32;
    const int64_t bsize = q5 ? 24 : 20;
    Blocks b;
    b.codes.resize(size_t(rows * cols));
    const char* p = g.data(name);
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t k = 0; k < nb; ++k) {
            const char* blk = p + (r * nb + k) * bsize;
            b.d.push_back(half(blk));
            b.m.push_back(half(blk + 2));
            uint32_t qh = 0;
            if (q5) std::memcpy(&qh, blk + 4, 4);
            const auto* qs = reinterpret_cast<const uint8_t*>(blk + (q5 ? 8 : 4));
            for (int j = 0; j < 16; ++j) {
                int lo = qs[j] & 15, hi = qs[j] >> 4;
                if (q5) lo |= int((qh >> j) & 1) << 4, hi |= int((qh >> (j + 16)) & 1) << 4;
                b.codes[size_t(r * cols + k * 32 + j)] = lo;
                b.codes[size_t(r * cols + k * 32 + j + 16)] = hi;
            }
        }
    return b;
}

// stories260K with RTN at the given grid, exported to a deployable file; returns its path.
struct Fixture
{
    std::string model, dir, deploy;
    std::vector<QuantLinear> mods;
};
Fixture quantized(int bits, int64_t group, const std::string& modelName = "stories260K")
{
    Fixture f;
    f.model = test::dataPath("models/" + modelName);
    f.dir = test::tempDir() + "/" + modelName + "b" + std::to_string(bits) + "g" + std::to_string(group);
    auto model = LlamaModel::load(f.model);
    QuantSpec spec;
    spec.bits = bits;
    spec.groupSize = group;
    spec.allowPartialGroup = true;
    spec.init = RangeInit::MinMax;
    std::vector<LinearKind> kinds;
    for (int k = 0; k < kLinearKinds; ++k)
        kinds.push_back(LinearKind(k));
    f.mods = makeQuantLinears(model, kinds, spec);
    f.deploy = exportQuantized(model, f.mods, f.model, f.dir).deployablePath;
    return f;
}

// HF row r of q_proj sits at GGUF row perm[r]: within each head, rows (i, half + i) become (2i, 2i + 1).
int64_t ggufRow(int64_t r, int64_t rows, int64_t heads)
{
    const int64_t per = rows / heads, halfHead = per / 2, h = r / per, i = r % per;
    return h * per + (i % halfHead) * 2 + i / halfHead;
}

} // namespace

QAT_TEST(q4_1BlocksHoldTheTrainedGridAndLlamaMetadata)
{
    const Fixture f = quantized(4, 32);
    GgufResult r = exportGguf(f.deploy, f.model, f.dir + "/m.gguf");
    const Gguf g = readGguf(f.dir + "/m.gguf");
    QAT_CHECK_EQ(int64_t(g.bytes.size()), r.bytes);
    QAT_CHECK_EQ(g.kv.at("general.architecture").get<std::string>(), std::string("llama"));
    QAT_CHECK_EQ(g.kv.at("general.file_type").get<int>(), 3); // MOSTLY_Q4_1
    QAT_CHECK_EQ(g.kv.at("llama.block_count").get<int>(), 5);
    QAT_CHECK_EQ(g.kv.at("llama.embedding_length").get<int>(), 64);
    QAT_CHECK_EQ(g.kv.at("llama.feed_forward_length").get<int>(), 172);
    QAT_CHECK_EQ(g.kv.at("llama.attention.head_count").get<int>(), 8);
    QAT_CHECK_EQ(g.kv.at("llama.attention.head_count_kv").get<int>(), 4);
    QAT_CHECK_EQ(g.kv.at("llama.context_length").get<int>(), 512);
    QAT_CHECK_NEAR(g.kv.at("llama.attention.layer_norm_rms_epsilon").get<double>(), 1e-5, 1e-10);
    QAT_CHECK_EQ(g.kv.at("tokenizer.ggml.model").get<std::string>(), std::string("llama"));
    const auto tokens = g.kv.at("tokenizer.ggml.tokens");
    QAT_CHECK_EQ(int(tokens.size()), 512);
    const Tokenizer tok = Tokenizer::load(f.model);
    QAT_CHECK_EQ(tokens[300].get<std::string>(), tok.piece(300));
    QAT_CHECK_EQ(g.kv.at("tokenizer.ggml.token_type")[0].get<int>(), 2); // <unk>
    QAT_CHECK_EQ(g.kv.at("tokenizer.ggml.token_type")[1].get<int>(), 3); // <s>: control
    QAT_CHECK_EQ(g.kv.at("tokenizer.ggml.token_type")[3].get<int>(), 6); // <0x00>: byte
    QAT_CHECK_EQ(g.kv.at("tokenizer.ggml.bos_token_id").get<int>(), 1);
    QAT_CHECK_EQ(g.kv.at("tokenizer.ggml.eos_token_id").get<int>(), 2);
    QAT_CHECK(g.tensors.count("output.weight") == 0); // tied: llama.cpp uses token_embd
    QAT_CHECK_EQ(g.tensors.at("token_embd.weight").type, 0u);
    QAT_CHECK_EQ(g.tensors.at("blk.0.attn_norm.weight").type, 0u);

    // Every linear with rows of a multiple of 32 is Q4_1 holding the codes exactly, with fp16 d = m s and
    // min = -m s z; ffn_down (172 inputs) falls back to F16 with a warning naming it.
    for (const auto& q : f.mods) {
        const std::string kind = std::string(linearName(q.kind));
        static const std::map<std::string, std::string> names = {
            {"q_proj", "attn_q"},      {"k_proj", "attn_k"},      {"v_proj", "attn_v"},
            {"o_proj", "attn_output"}, {"gate_proj", "ffn_gate"}, {"up_proj", "ffn_up"},
            {"down_proj", "ffn_down"}};
        const std::string name = "blk." + std::to_string(q.layer) + "." + names.at(kind) + ".weight";
        const auto& info = g.tensors.at(name);
        if (q.kind == LinearKind::Down) {
            QAT_CHECK_EQ(info.type, 1u);
            bool named = false;
            for (const auto& w : r.warnings)
                named = named || w.find(name) != std::string::npos;
            QAT_CHECK_MSG(named, "no warning names " + name);
            // The F16 fallback holds the grid's weights m s (q - z), rounded once to float16.
            const at::Tensor c = q.codes().to(at::kFloat), z = at::round(q.zero).to(at::kFloat);
            const int64_t cols = c.size(1), gs = q.spec.groupSize;
            auto expand = [&](const at::Tensor& x) { return x.repeat_interleave(gs, 1).narrow(1, 0, cols); };
            const at::Tensor want = (expand(q.exportScale().to(at::kFloat)) * (c - expand(z))).to(at::kHalf);
            const at::Tensor got =
                at::from_blob(const_cast<char*>(g.data(name)), {c.size(0), cols}, at::kHalf).clone();
            QAT_CHECK_MSG(got.equal(want), name);
            continue;
        }
        QAT_CHECK_EQ(info.type, 3u);
        const at::Tensor codes = q.codes(), scale = q.exportScale(), zero = at::round(q.zero);
        const int64_t rows = codes.size(0), cols = codes.size(1);
        QAT_CHECK_EQ(int64_t(info.dims[0]), cols);
        const int64_t heads = q.kind == LinearKind::Q ? 8 : q.kind == LinearKind::K ? 4 : 0;
        const Blocks b = decode(g, name, false);
        const auto* c = codes.data_ptr<uint8_t>();
        for (int64_t row = 0; row < rows; ++row) {
            const int64_t gr = heads ? ggufRow(row, rows, heads) : row;
            for (int64_t j = 0; j < cols; ++j)
                QAT_CHECK_EQ(b.codes[size_t(gr * cols + j)], int(c[row * cols + j]));
            for (int64_t k = 0; k < cols / 32; ++k) {
                const float s = scale[row][k].item<float>(), z = zero[row][k].item<float>();
                QAT_CHECK_EQ(b.d[size_t(gr * (cols / 32) + k)], float(at::Half(s)));
                QAT_CHECK_EQ(b.m[size_t(gr * (cols / 32) + k)], float(at::Half(-s * z)));
            }
        }
    }
    QAT_CHECK_EQ(r.exactLinears, 30);
    QAT_CHECK_EQ(r.fallbackLinears, 5);
    QAT_CHECK(r.weightRelRmsError > 0 && r.weightRelRmsError < 1e-3);
    QAT_CHECK(r.maxScaleRelError <= 1.0 / 2048);
}

// ggml's block_q4_K: fp16 d, fp16 dmin, 12 bytes of 6-bit scales and mins (sub-blocks 0-3 in the low 6 bits
// of bytes 0-3 / 4-7; sub-blocks 4-7 in the nibbles of bytes 8-11 with their top 2 bits in the top bits of
// bytes 0-3 / 4-7), then per 64 inputs 32 bytes: input l in the low nibble of byte l, input 32 + l in the
// high. Returns the codes and the decoded weights d*sc*q - dmin*m of a [rows, cols] tensor.
std::pair<std::vector<int>, std::vector<float>> decodeQ4K(const Gguf& g, const std::string& name)
{
    const auto& t = g.tensors.at(name);
    const int64_t cols = int64_t(t.dims[0]), rows = int64_t(t.dims[1]), nb = cols / 256;
    std::vector<int> codes(size_t(rows * cols));
    std::vector<float> w(size_t(rows * cols));
    const char* p = g.data(name);
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t k = 0; k < nb; ++k) {
            const char* blk = p + (r * nb + k) * 144;
            const float d = half(blk), dmin = half(blk + 2);
            const auto* sc = reinterpret_cast<const uint8_t*>(blk + 4);
            const auto* qs = reinterpret_cast<const uint8_t*>(blk + 16);
            for (int j = 0; j < 8; ++j) {
                const int s = j < 4 ? sc[j] & 63 : (sc[j + 4] & 15) | ((sc[j - 4] >> 6) << 4);
                const int m = j < 4 ? sc[j + 4] & 63 : (sc[j + 4] >> 4) | ((sc[j] >> 6) << 4);
                for (int l = 0; l < 32; ++l) {
                    const uint8_t byte = qs[(j / 2) * 32 + l];
                    const int q = j % 2 == 0 ? byte & 15 : byte >> 4;
                    const size_t i = size_t(r * cols + k * 256 + j * 32 + l);
                    codes[i] = q;
                    w[i] = d * float(s) * float(q) - dmin * float(m);
                }
            }
        }
    return {codes, w};
}

QAT_TEST(q4_kKeepsTheCodesAndRefitsTheScales)
{
    // gutenberg-llama-22M: down_proj has 1024 inputs (4 super-blocks); the 384-wide rows stay Q4_1.
    at::NoGradGuard noGrad;
    const Fixture f = quantized(4, 32, "gutenberg-llama-22M");
    GgufOptions o;
    o.type = "q4_k";
    const GgufResult r = exportGguf(f.deploy, f.model, f.dir + "/k.gguf", o);
    QAT_CHECK_EQ(r.fileType, std::string("Q4_K"));
    QAT_CHECK_EQ(r.approximateLinears, 6);
    QAT_CHECK_EQ(r.exactLinears, 36);
    const Gguf g = readGguf(f.dir + "/k.gguf");
    QAT_CHECK_EQ(int64_t(g.bytes.size()), r.bytes);
    QAT_CHECK_EQ(g.kv.at("general.file_type").get<int>(), 14); // MOSTLY_Q4_K_S
    QAT_CHECK_EQ(g.tensors.at("blk.0.attn_v.weight").type, 3u);
    double err = 0, ref = 0;
    for (const auto& q : f.mods) {
        if (q.kind != LinearKind::Down) continue;
        const std::string name = "blk." + std::to_string(q.layer) + ".ffn_down.weight";
        QAT_CHECK_EQ(g.tensors.at(name).type, 12u);
        const auto [codes, w] = decodeQ4K(g, name);
        const at::Tensor c = q.codes().contiguous();
        // The deployable grid m*s*(q - z), groups of 32.
        const at::Tensor grid =
            (q.exportScale().repeat_interleave(32, 1) *
             (c.to(at::kFloat) - at::round(q.zero).to(at::kFloat).repeat_interleave(32, 1)))
                .contiguous();
        const auto* cp = c.data_ptr<uint8_t>();
        const auto* wp = grid.data_ptr<float>();
        for (int64_t i = 0; i < c.numel(); ++i) {
            QAT_CHECK_EQ(codes[size_t(i)], int(cp[i]));
            err += std::pow(double(w[size_t(i)]) - double(wp[i]), 2);
            ref += double(wp[i]) * double(wp[i]);
        }
    }
    // 6-bit scales and mins per 32 inputs: the weights move by about 2 % (rms) here; the GGUF's own weights
    // are what the exporter reports.
    const double rel = std::sqrt(err / ref);
    QAT_CHECK_NEAR(rel, r.approximateRelRmsError, 1e-3);
    QAT_CHECK_MSG(rel < 0.05, test::describe(rel, 0.05));
}

QAT_TEST(q5_1KeepsTheFifthBitAndGroup64SpansTwoBlocks)
{
    const Fixture f = quantized(5, 64);
    GgufResult r = exportGguf(f.deploy, f.model, f.dir + "/m.gguf");
    QAT_CHECK_EQ(r.fileType, std::string("Q5_1"));
    const Gguf g = readGguf(f.dir + "/m.gguf");
    const QuantLinear& v = f.mods[2]; // layer 0 v_proj: no row permutation
    QAT_CHECK(v.kind == LinearKind::V);
    const Blocks b = decode(g, "blk.0.attn_v.weight", true);
    const at::Tensor codes = v.codes();
    const int64_t n = codes.numel();
    const auto* c = codes.data_ptr<uint8_t>();
    int high = 0;
    for (int64_t i = 0; i < n; ++i) {
        QAT_CHECK_EQ(b.codes[size_t(i)], int(c[i]));
        high += c[i] >= 16;
    }
    QAT_CHECK(high > 0);
    // Two blocks of one 64-wide group carry the same d and min.
    QAT_CHECK_EQ(b.d[0], b.d[1]);
    QAT_CHECK_EQ(b.m[0], b.m[1]);
}

QAT_TEST(impossibleTypesAreRefusedAndLeaveNoFile)
{
    const Fixture g48 = quantized(4, 48);
    for (const char* type : {"auto", "q4_1"}) {
        GgufOptions o;
        o.type = type;
        try {
            exportGguf(g48.deploy, g48.model, g48.dir + "/m.gguf", o);
            QAT_FAIL_AT(std::string("group 48 was accepted for ") + type);
        } catch (const ConfigError& e) {
            QAT_CHECK_MSG(std::string(e.what()).find("group size 48") != std::string::npos, e.what());
        }
    }
    QAT_CHECK(!fs::exists(g48.dir + "/m.gguf"));
    GgufOptions f16;
    f16.type = "f16";
    QAT_CHECK_EQ(exportGguf(g48.deploy, g48.model, g48.dir + "/m.gguf", f16).fileType, std::string("F16"));

    const Fixture five = quantized(5, 32);
    GgufOptions q4;
    q4.type = "q4_1";
    QAT_CHECK_THROWS_WITH(exportGguf(five.deploy, five.model, five.dir + "/m.gguf", q4), "at most 4 bits");

    // A cancelled export leaves neither the file nor its temporary.
    const Fixture ok = quantized(4, 32);
    GgufOptions cancel;
    cancel.progress = [](const Progress& p) { return p.done < 3; };
    QAT_CHECK_THROWS_WITH(exportGguf(ok.deploy, ok.model, ok.dir + "/c.gguf", cancel), "");
    for (const auto& e : fs::directory_iterator(ok.dir))
        QAT_CHECK_MSG(e.path().filename().string().rfind("c.gguf", 0) != 0, e.path().string());
}

QAT_TEST(eightBitsFallBackWithAWarning)
{
    const Fixture f = quantized(8, 32);
    GgufResult r = exportGguf(f.deploy, f.model, f.dir + "/m.gguf");
    QAT_CHECK_EQ(r.fileType, std::string("F16"));
    QAT_CHECK_EQ(r.exactLinears, 0);
    QAT_CHECK_EQ(r.fallbackLinears, 35);
    QAT_CHECK(!r.warnings.empty());
}

QAT_TEST_MAIN()
