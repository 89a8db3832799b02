// An experiment file (qatbench-cli run --config, the GUI's Open): qat::loadExperimentFile, then the checks
// the engine runs before any work: validateExperiment (defaults filled in place), validateAgainstModel,
// checkTokenCounts (core/train/experiment.cpp, the methods' option declarations in core/quant/registry.cpp).
#include "fuzz_target.h"

#include "qatbench/error.h"
#include "qatbench/experiment.h"

namespace {

void checkIssues(const std::vector<qat::ValidationIssue>& issues, const nlohmann::json& exp)
{
    for (const auto& i : issues) {
        QAT_FUZZ_REQUIRE(!i.field.empty() || !exp.is_object(), "an issue names no field: " + i.message);
        QAT_FUZZ_REQUIRE(!i.message.empty(), i.field);
    }
}

} // namespace

QAT_FUZZ_TARGET(experiment)
{
    qat::fuzz::registerMethodsForFuzzing();
    static const std::string path = qat::fuzz::scratchFile("experiment", "experiment.json");
    qat::fuzz::writeScratch(path, data, size);
    nlohmann::json exp = qat::loadExperimentFile(path);

    const qat::ExperimentCheck check{.checkFiles = false};
    const auto issues = qat::validateExperiment(exp, check);
    checkIssues(issues, exp);
    // Validation fills the defaults in place; validating the filled document again changes nothing and
    // finds the same issues.
    nlohmann::json again = exp;
    const auto issues2 = qat::validateExperiment(again, check);
    QAT_FUZZ_REQUIRE(again == exp, "a second validation changed the document");
    QAT_FUZZ_REQUIRE(issues2.size() == issues.size(), "a second validation found other issues");
    if (!issues.empty()) {
        qat::throwIfIssues(issues); // a ConfigError naming the first field
        QAT_FUZZ_REQUIRE(false, "throwIfIssues did not throw");
    }

    // Accepted: the checks that follow once the model's config and the token counts are known.
    qat::ModelConfig cfg; // stories260K's shape: intermediate 172 is not a multiple of most group sizes
    cfg.hiddenSize = 64;
    cfg.intermediateSize = 172;
    cfg.numLayers = 5;
    cfg.numHeads = 8;
    cfg.numKvHeads = 4;
    cfg.headDim = 8;
    cfg.vocabSize = 512;
    cfg.maxPositions = 512;
    checkIssues(qat::validateAgainstModel(exp, cfg), exp);
    checkIssues(qat::checkTokenCounts(exp, 4096, 4096), exp);
    checkIssues(qat::checkTokenCounts(exp, 0, 0, 0), exp);
}
