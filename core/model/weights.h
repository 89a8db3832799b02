#pragma once
// Internal to core/model: the tensors a LLaMA config expects, and the safetensors files of a directory opened
// together so a tensor can be found by name whatever shard holds it.

#include "qatbench/model.h"
#include "qatbench/safetensors.h"

#include <map>
#include <string>
#include <vector>

namespace qat::detail {

struct ExpectedTensor
{
    std::string name;
    std::vector<int64_t> shape;
    bool optional = false; // lm_head.weight when the embeddings are tied
};

// model.embed_tokens.weight, the 9 tensors of each block, model.norm.weight, lm_head.weight (optional when
// tied).
std::vector<ExpectedTensor> expectedTensors(const ModelConfig& c);
std::string layerTensorName(int layer, const char* part); // "model.layers.3." + part
std::string linearTensorName(int layer, LinearKind k);    // "model.layers.3.self_attn.q_proj.weight"

class WeightFiles
{
public:
    explicit WeightFiles(const std::vector<std::string>& paths);
    // The file holding the tensor, nullptr when none does.
    const SafetensorsFile* fileOf(const std::string& name) const;
    // Finds the tensor and checks its shape; InputError(file, name) when missing or misshapen.
    const StTensorInfo& require(const ExpectedTensor& e, const SafetensorsFile** file) const;
    const std::vector<SafetensorsFile>& files() const { return m_files; }

private:
    std::vector<SafetensorsFile> m_files;
    std::map<std::string, size_t> m_where;
};

// Checks the files against the config before any tensor is allocated: the layers the files hold must be the
// config's num_hidden_layers (InputError naming config.json otherwise: fewer layers in the config silently
// dropped tensors, more made the loader allocate what no file holds). Tensors no LLaMA part uses go to
// `ignored` ("name (file)").
void checkWeightsMatchConfig(const ModelConfig& c, const WeightFiles& files, const std::string& modelDir,
                             std::vector<std::string>& ignored);

} // namespace qat::detail
