// config.json of a model folder: qat::parseModelConfig (core/model/config.cpp), the text entry point that
// loadModelConfig uses.
#include "fuzz_target.h"

#include "qatbench/model.h"

QAT_FUZZ_TARGET(model_config)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    const qat::ModelConfig c = qat::parseModelConfig(text, "config.json");

    // What an accepted config promises to the model code that sizes tensors from it.
    QAT_FUZZ_REQUIRE(c.hiddenSize >= 1 && c.intermediateSize >= 1 && c.numLayers >= 1, "sizes");
    QAT_FUZZ_REQUIRE(c.numHeads >= 1 && c.numKvHeads >= 1 && c.numHeads % c.numKvHeads == 0, "heads");
    QAT_FUZZ_REQUIRE(c.headDim >= 2 && c.headDim % 2 == 0, "head_dim");
    QAT_FUZZ_REQUIRE(c.vocabSize >= 1 && c.maxPositions >= 1, "vocab_size, max_position_embeddings");
    QAT_FUZZ_REQUIRE(c.rmsNormEps > 0 && c.ropeTheta > 0, "rms_norm_eps, rope_theta");
    QAT_FUZZ_REQUIRE(c.bosTokenId >= -1 && c.eosTokenId >= -1, "bos/eos");
    QAT_FUZZ_REQUIRE(c.eosTokenIds.empty() ? c.eosTokenId == -1 : c.eosTokenId == c.eosTokenIds.front(),
                     "eos");
    const auto& r = c.ropeScaling;
    QAT_FUZZ_REQUIRE(r.type == "default" || r.type == "linear" || r.type == "llama3", r.type);
    if (r.type != "default") QAT_FUZZ_REQUIRE(r.factor > 0, "rope factor");
    if (r.type == "llama3")
        QAT_FUZZ_REQUIRE(r.originalMaxPositions >= 1 && r.lowFreqFactor > 0 &&
                             r.highFreqFactor > r.lowFreqFactor,
                         "llama3 rope");
    (void)qat::dtypeName(c.dtype);
}
