// config.json parsing: both rope styles, llama3 scaling, GQA, head_dim, tied embeddings, dtype keys, and the
// errors for bad configs (each names the file and the field).

#include "qat_test.h"

#include "qatbench/error.h"
#include "qatbench/model.h"

using namespace qat;

static const char* const kBase = R"({"hidden_size": 64, "intermediate_size": 176, "num_hidden_layers": 2,
  "num_attention_heads": 4, "vocab_size": 256)";

static ModelConfig parse(const std::string& extra)
{
    return parseModelConfig(std::string(kBase) + extra + "}", "cfg/config.json");
}

QAT_TEST(transformers5RopeParameters)
{
    const ModelConfig c = loadModelConfig(test::dataPath("models/parity/llama3-gqa-tied-rope-scaled"));
    QAT_CHECK_EQ(c.numKvHeads, 2);
    QAT_CHECK_EQ(c.headDim, 16);
    QAT_CHECK(c.tieWordEmbeddings);
    QAT_CHECK_EQ(c.ropeScaling.type, std::string("llama3"));
    QAT_CHECK_NEAR(c.ropeTheta, 500000.0, 0);
    QAT_CHECK_NEAR(c.ropeScaling.factor, 8.0, 0);
    QAT_CHECK_EQ(c.ropeScaling.originalMaxPositions, 64);
    QAT_CHECK(c.dtype == DType::F32);
}

QAT_TEST(legacyRopeScalingEqualsTransformers5)
{
    const ModelConfig a = loadModelConfig(test::dataPath("models/parity/llama3-gqa-tied-rope-scaled"));
    const ModelConfig b =
        loadModelConfig(test::dataPath("models/parity/llama3-gqa-tied-rope-scaled-legacy-config"));
    QAT_CHECK_NEAR(a.ropeTheta, b.ropeTheta, 0);
    QAT_CHECK_EQ(a.ropeScaling.type, b.ropeScaling.type);
    QAT_CHECK_NEAR(a.ropeScaling.lowFreqFactor, b.ropeScaling.lowFreqFactor, 0);
    QAT_CHECK_NEAR(a.ropeScaling.highFreqFactor, b.ropeScaling.highFreqFactor, 0);
}

QAT_TEST(defaultsAndDtypes)
{
    ModelConfig c = parse("");
    QAT_CHECK_EQ(c.numKvHeads, 4);
    QAT_CHECK_EQ(c.headDim, 16);
    QAT_CHECK(!c.tieWordEmbeddings);
    QAT_CHECK_EQ(c.ropeScaling.type, std::string("default"));
    QAT_CHECK(parse(R"(, "torch_dtype": "bfloat16")").dtype == DType::BF16);
    QAT_CHECK(parse(R"(, "dtype": "float16")").dtype == DType::F16);
    c = parse(R"(, "eos_token_id": [128001, 128008], "bos_token_id": null, "rope_scaling": null)");
    QAT_CHECK_EQ(c.eosTokenId, 128001);
    QAT_CHECK_EQ(c.eosTokenIds.size(), size_t(2));
    QAT_CHECK_EQ(c.bosTokenId, -1);
    QAT_CHECK_EQ(parse(R"(, "rope_scaling": {"type": "linear", "factor": 2.0})").ropeScaling.type,
                 std::string("linear"));
    QAT_CHECK(parseLinearName("gate") == LinearKind::Gate);
    QAT_CHECK(parseLinearName("down_proj") == LinearKind::Down);
    QAT_CHECK(!parseLinearName("lm_head"));
}

QAT_TEST(badConfigsNameFileAndField)
{
    QAT_CHECK_THROWS_WITH(parseModelConfig(R"({"hidden_size": 64})", "m/config.json"), "m/config.json",
                          "intermediate_size", "missing");
    QAT_CHECK_THROWS_WITH(parse(R"(, "rope_scaling": {"rope_type": "yarn", "factor": 4.0})"),
                          "cfg/config.json", "rope_scaling.rope_type", "yarn");
    QAT_CHECK_THROWS_WITH(parse(R"(, "rope_parameters": {"rope_type": "dynamic", "rope_theta": 1e4})"),
                          "rope_parameters.rope_type");
    QAT_CHECK_THROWS_WITH(parse(R"(, "rope_scaling": {"rope_type": "llama3", "factor": 8.0})"),
                          "rope_scaling.low_freq_factor", "missing");
    QAT_CHECK_THROWS_WITH(parse(R"(, "num_key_value_heads": 3)"), "num_key_value_heads", "divide");
    QAT_CHECK_THROWS_WITH(parse(R"(, "hidden_size": "64")"), "hidden_size", "integer");
    QAT_CHECK_THROWS_WITH(parse(R"(, "torch_dtype": "int8")"), "torch_dtype", "int8");
    QAT_CHECK_THROWS_WITH(parse(R"(, "model_type": "gpt2")"), "model_type", "gpt2");
    QAT_CHECK_THROWS_WITH(parse(R"(, "attention_bias": true)"), "attention_bias");
    QAT_CHECK_THROWS_WITH(parseModelConfig("{not json", "x/config.json"), "x/config.json", "JSON");
    QAT_CHECK_THROWS_WITH(loadModelConfig(test::tempDir()), "config.json", "missing");
}

QAT_TEST_MAIN()
