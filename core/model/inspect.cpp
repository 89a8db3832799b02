// A model directory without loading weights: which files, which tokenizer, how many parameters, how much
// memory.

#include "model/weights.h"
#include "qatbench/error.h"
#include "qatbench/model.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

namespace qat {

namespace detail {

std::string layerTensorName(int layer, const char* part)
{
    return "model.layers." + std::to_string(layer) + "." + part;
}

std::string linearTensorName(int layer, LinearKind k)
{
    const bool attn = int(k) <= int(LinearKind::O);
    return layerTensorName(layer, attn ? "self_attn." : "mlp.") + linearName(k) + ".weight";
}

std::vector<ExpectedTensor> expectedTensors(const ModelConfig& c)
{
    const int64_t h = c.hiddenSize, qDim = c.numHeads * c.headDim, kvDim = c.numKvHeads * c.headDim,
                  ffn = c.intermediateSize;
    std::vector<ExpectedTensor> out;
    out.push_back({"model.embed_tokens.weight", {c.vocabSize, h}});
    const std::vector<int64_t> shapes[kLinearKinds] = {{qDim, h}, {kvDim, h}, {kvDim, h}, {h, qDim},
                                                       {ffn, h},  {ffn, h},   {h, ffn}};
    for (int l = 0; l < int(c.numLayers); ++l) {
        out.push_back({layerTensorName(l, "input_layernorm.weight"), {h}});
        for (int k = 0; k < kLinearKinds; ++k)
            out.push_back({linearTensorName(l, LinearKind(k)), shapes[k]});
        out.push_back({layerTensorName(l, "post_attention_layernorm.weight"), {h}});
    }
    out.push_back({"model.norm.weight", {h}});
    out.push_back({"lm_head.weight", {c.vocabSize, h}, c.tieWordEmbeddings});
    return out;
}

static std::string shapeText(const std::vector<int64_t>& s)
{
    std::string out = "[";
    for (size_t i = 0; i < s.size(); ++i)
        out += (i ? ", " : "") + std::to_string(s[i]);
    return out + "]";
}

WeightFiles::WeightFiles(const std::vector<std::string>& paths)
{
    for (const auto& p : paths) {
        m_files.emplace_back(p);
        for (const auto& t : m_files.back().tensors())
            m_where.emplace(t.name, m_files.size() - 1);
    }
}

const SafetensorsFile* WeightFiles::fileOf(const std::string& name) const
{
    auto it = m_where.find(name);
    return it == m_where.end() ? nullptr : &m_files[it->second];
}

const StTensorInfo& WeightFiles::require(const ExpectedTensor& e, const SafetensorsFile** file) const
{
    const SafetensorsFile* f = fileOf(e.name);
    const std::string where =
        m_files.size() == 1 ? m_files[0].path() : fs::path(m_files[0].path()).parent_path().string();
    if (!f) throw InputError(where, e.name, "tensor missing from the checkpoint");
    const StTensorInfo* t = f->find(e.name);
    if (t->shape != e.shape)
        throw InputError(f->path(), e.name + ".shape",
                         "is " + shapeText(t->shape) + " but config.json implies " + shapeText(e.shape));
    if (t->dtype != StDType::F32 && t->dtype != StDType::F16 && t->dtype != StDType::BF16)
        throw InputError(f->path(), e.name + ".dtype",
                         std::string("is ") + stDTypeName(t->dtype) +
                             "; model weights must be F32, F16 or BF16");
    *file = f;
    return *t;
}

void checkWeightsMatchConfig(const ModelConfig& c, const WeightFiles& files, const std::string& modelDir,
                             std::vector<std::string>& ignored)
{
    const std::string prefix = "model.layers.";
    int64_t layersInFiles = 0;
    std::set<std::string> known = {"model.embed_tokens.weight", "model.norm.weight", "lm_head.weight"};
    for (int k = 0; k < kLinearKinds; ++k)
        known.insert(linearTensorName(0, LinearKind(k)).substr(prefix.size() + 2));
    known.insert("input_layernorm.weight");
    known.insert("post_attention_layernorm.weight");
    for (const auto& f : files.files())
        for (const auto& t : f.tensors()) {
            if (t.name.rfind(prefix, 0) == 0) {
                // model.layers.<n>.<part>: n counts only when it is a plain number of at most 6 digits.
                const size_t dot = t.name.find('.', prefix.size());
                const std::string num = t.name.substr(prefix.size(), dot - prefix.size());
                if (dot != std::string::npos && !num.empty() && num.size() <= 6 &&
                    std::all_of(num.begin(), num.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
                    layersInFiles = std::max<int64_t>(layersInFiles, std::stoll(num) + 1);
                    if (known.count(t.name.substr(dot + 1))) continue;
                }
            } else if (known.count(t.name)) {
                continue;
            }
            ignored.push_back(t.name + " (" + fs::path(f.path()).filename().string() + ")");
        }
    if (layersInFiles != c.numLayers)
        throw InputError((fs::path(modelDir) / "config.json").string(), "num_hidden_layers",
                         "is " + std::to_string(c.numLayers) + " but the weights hold " +
                             std::to_string(layersInFiles) + " layers (model.layers.0 .. " +
                             std::to_string(layersInFiles - 1) +
                             "): the config does not belong to these weights");
}

} // namespace detail

static const char* const kConvertHint =
    "pickle checkpoints (.bin, .pth) can run arbitrary code when loaded, so QATBench reads safetensors only. "
    "Convert once with Python: from transformers import AutoModelForCausalLM; "
    "AutoModelForCausalLM.from_pretrained('DIR').save_pretrained('DIR-safetensors', safe_serialization=True) "
    "(then copy the tokenizer files next to it)";

std::vector<std::string> findWeightFiles(const std::string& modelDir)
{
    const fs::path dir(modelDir);
    if (!fs::is_directory(dir)) throw InputError(modelDir, "", "not a directory (expected a model folder)");
    const fs::path index = dir / "model.safetensors.index.json";
    if (fs::exists(index)) {
        std::ifstream in(index);
        nlohmann::json j;
        try {
            j = nlohmann::json::parse(in);
        } catch (const nlohmann::json::exception& e) {
            throw InputError(index.string(), "", std::string("not valid JSON: ") + e.what());
        }
        const auto map = j.find("weight_map");
        if (!j.is_object() || map == j.end() || !map->is_object())
            throw InputError(index.string(), "weight_map", "missing or not an object");
        std::set<std::string> files;
        for (auto it = map->begin(); it != map->end(); ++it) {
            if (!it->is_string())
                throw InputError(index.string(), "weight_map." + it.key(), "must be a file name");
            const std::string f = it->get<std::string>();
            if (f.empty() || f.find('/') != std::string::npos || f.find("..") != std::string::npos)
                throw InputError(index.string(), "weight_map." + it.key(),
                                 "'" + f + "' is not a plain file name");
            files.insert(f);
        }
        std::vector<std::string> out;
        for (const auto& f : files) {
            if (!fs::exists(dir / f))
                throw InputError(index.string(), "weight_map", "shard '" + f + "' is missing");
            out.push_back((dir / f).string());
        }
        return out;
    }
    if (fs::exists(dir / "model.safetensors")) return {(dir / "model.safetensors").string()};
    std::vector<std::string> found, pickles;
    for (const auto& e : fs::directory_iterator(dir)) {
        const std::string ext = e.path().extension().string();
        if (ext == ".safetensors") found.push_back(e.path().string());
        if (ext == ".bin" || ext == ".pth" || ext == ".pt" || ext == ".ckpt")
            pickles.push_back(e.path().string());
    }
    std::sort(found.begin(), found.end());
    if (!found.empty()) return found;
    if (!pickles.empty()) throw InputError(pickles.front(), "", std::string("refused: ") + kConvertHint);
    throw InputError(modelDir, "model.safetensors", "no safetensors weights in this folder");
}

std::string findTokenizerFile(const std::string& modelDir)
{
    for (const char* name : {"tokenizer.model", "tokenizer.json"})
        if (fs::exists(fs::path(modelDir) / name)) return (fs::path(modelDir) / name).string();
    return {};
}

ModelInfo inspectModel(const std::string& modelDir)
{
    ModelInfo info;
    info.dir = modelDir;
    info.config = loadModelConfig(modelDir);
    info.weightFiles = findWeightFiles(modelDir);
    info.tokenizerFile = findTokenizerFile(modelDir);
    const ModelConfig& c = info.config;
    detail::WeightFiles files(info.weightFiles);
    detail::checkWeightsMatchConfig(c, files, modelDir, info.ignoredTensors);
    for (const auto& f : files.files())
        info.bytesOnDisk += f.fileSize();
    ParamCounts& p = info.params;
    for (const auto& e : detail::expectedTensors(c)) {
        const SafetensorsFile* f = nullptr;
        if (e.optional && !files.fileOf(e.name)) continue;
        const StTensorInfo& t = files.require(e, &f);
        const int64_t n = t.numel();
        if (e.name == "model.embed_tokens.weight")
            p.embedding += n;
        else if (e.name == "lm_head.weight")
            p.lmHead += c.tieWordEmbeddings ? 0 : n;
        else if (e.name.find("self_attn") != std::string::npos)
            p.attention += n;
        else if (e.name.find(".mlp.") != std::string::npos)
            p.mlp += n;
        else
            p.norms += n;
        if (e.name == detail::linearTensorName(0, LinearKind::Q))
            info.storedDType = t.dtype == StDType::BF16  ? DType::BF16
                               : t.dtype == StDType::F16 ? DType::F16
                                                         : DType::F32;
    }
    p.quantizable = p.attention + p.mlp;
    p.total = p.embedding + p.attention + p.mlp + p.norms + p.lmHead;
    info.bytesFloat32 = p.total * 4;
    info.bytesBFloat16 = p.total * 2;
    return info;
}

} // namespace qat
