// The experiment document: defaults, and bad configs rejected before any work starts, with the field named.
#include "qat_test.h"

#include "qatbench/error.h"
#include "qatbench/experiment.h"
#include "qatbench_plugins/builtin.h"

#include <limits>
#include <set>

namespace {

using nlohmann::json;

std::string g_dir;

json goodExperiment()
{
    qat::registerBuiltinMethods();
    if (g_dir.empty()) {
        g_dir = qat::test::tempDir();
        qat::test::writeFile(g_dir + "/train.txt", "some training text\n");
        qat::test::writeFile(g_dir + "/eval.txt", "some eval text\n");
        qat::test::writeFile(g_dir + "/config.json", "{}");
    }
    json e = {{"model", {{"path", g_dir}}},
              {"data", {{"train", g_dir + "/train.txt"}, {"eval", g_dir + "/eval.txt"}}},
              {"method", {{"name", "dlqat"}, {"options", {{"bits", 3}, {"group_size", 32}, {"rank", 4}}}}}};
    return e;
}

bool hasIssue(const std::vector<qat::ValidationIssue>& issues, const std::string& field)
{
    for (const auto& i : issues)
        if (i.field == field) return true;
    return false;
}

std::string dump(const std::vector<qat::ValidationIssue>& issues)
{
    std::string s;
    for (const auto& i : issues)
        s += i.field + ": " + i.message + "\n";
    return s;
}

qat::ModelConfig tinyConfig()
{
    qat::ModelConfig c;
    c.hiddenSize = 64;
    c.intermediateSize = 172; // like stories260K: 32 does not divide it
    c.numLayers = 2;
    c.numHeads = 8;
    c.numKvHeads = 4;
    c.headDim = 8;
    c.vocabSize = 512;
    c.maxPositions = 512;
    return c;
}

} // namespace

QAT_TEST(defaultsAreFilledIn)
{
    json e = goodExperiment();
    auto issues = qat::validateExperiment(e);
    QAT_CHECK_MSG(issues.empty(), dump(issues));
    QAT_CHECK_EQ(e["data"]["seq_len"].get<int>(), 256);
    QAT_CHECK_EQ(e["training"]["schedule"].get<std::string>(), std::string("cosine"));
    QAT_CHECK_EQ(e["device"].get<std::string>(), std::string("auto"));
    QAT_CHECK_EQ(e["method"]["options"]["calib_steps"].get<int>(), 1000);
    QAT_CHECK_EQ(e["method"]["options"]["rank"].get<int>(), 4);
    QAT_CHECK(e["method"]["options"]["train_m"].get<bool>());
}

QAT_TEST(defaultExperimentHasEverySection)
{
    qat::registerBuiltinMethods();
    json d = qat::defaultExperiment();
    for (const char* k : {"name", "seed", "device", "dtype", "model", "data", "method", "training"})
        QAT_CHECK_MSG(d.contains(k), k);
    QAT_CHECK_EQ(d["method"]["options"]["bits"].get<int>(), 3);
    // Only the user's choices are missing.
    auto issues = qat::validateExperiment(d);
    QAT_CHECK(hasIssue(issues, "model.path"));
    QAT_CHECK(hasIssue(issues, "data.train"));
    QAT_CHECK(hasIssue(issues, "data.eval"));
    QAT_CHECK_EQ(issues.size(), size_t(3));
}

QAT_TEST(bitsOneOrNineAreRejected)
{
    for (int bits : {1, 9}) {
        json e = goodExperiment();
        e["method"]["options"]["bits"] = bits;
        QAT_CHECK_THROWS_WITH(qat::requireValidExperiment(e), "method.options.bits", "2 to 8");
    }
}

QAT_TEST(rankZeroIsRejected)
{
    json e = goodExperiment();
    e["method"]["options"]["rank"] = 0;
    QAT_CHECK_THROWS_WITH(qat::requireValidExperiment(e), "method.options.rank", "allowed");
}

QAT_TEST(nanLearningRateIsRejected)
{
    json e = goodExperiment();
    e["method"]["options"]["lr_lora"] = std::numeric_limits<double>::quiet_NaN();
    QAT_CHECK_THROWS_WITH(qat::requireValidExperiment(e), "method.options.lr_lora", "finite");
    json f = goodExperiment();
    f["training"]["grad_clip"] = std::numeric_limits<double>::infinity();
    QAT_CHECK_THROWS_WITH(qat::requireValidExperiment(f), "training.grad_clip", "finite");
}

QAT_TEST(missingDataFileIsRejected)
{
    json e = goodExperiment();
    e["data"]["train"] = g_dir + "/no-such-file.txt";
    QAT_CHECK_THROWS_WITH(qat::requireValidExperiment(e), "data.train", "file not found", "no-such-file.txt");
    json f = goodExperiment();
    f["data"]["calibration"] = g_dir + "/missing-calib.txt";
    QAT_CHECK_THROWS_WITH(qat::requireValidExperiment(f), "data.calibration", "missing-calib.txt");
}

QAT_TEST(badEnumsAndTypesAreNamed)
{
    json e = goodExperiment();
    e["device"] = "tpu";
    e["dtype"] = "float16";
    e["training"]["schedule"] = "step";
    e["data"]["seq_len"] = "long";
    e["method"]["name"] = "nosuch";
    e["surprise"] = 1;
    auto issues = qat::validateExperiment(e);
    for (const char* f : {"device", "dtype", "training.schedule", "data.seq_len", "method.name", "surprise"})
        QAT_CHECK_MSG(hasIssue(issues, f), std::string(f) + "\n" + dump(issues));
    json ok = goodExperiment();
    ok["device"] = "cuda:1";
    QAT_CHECK(qat::validateExperiment(ok).empty());
}

QAT_TEST(groupSizeNotDividingTheRowIsRejected)
{
    json e = goodExperiment();
    QAT_CHECK(qat::validateExperiment(e).empty());
    e["method"]["options"]["group_size"] = 48; // divides neither 64 nor 172
    auto issues = qat::validateAgainstModel(e, tinyConfig());
    QAT_CHECK(hasIssue(issues, "method.options.group_size"));
    QAT_CHECK_THROWS_WITH(qat::throwIfIssues(issues), "method.options.group_size", "q_proj", "64");
    // 32 divides 64 but not 172 (down_proj)...
    e["method"]["options"]["group_size"] = 32;
    QAT_CHECK_THROWS_WITH(qat::throwIfIssues(qat::validateAgainstModel(e, tinyConfig())), "down_proj", "172");
    // ... fine without down_proj, or with an explicit partial last group, or per-channel.
    e["method"]["options"]["modules"] = "attn,gate,up";
    QAT_CHECK(qat::validateAgainstModel(e, tinyConfig()).empty());
    e["method"]["options"]["modules"] = "all";
    e["method"]["options"]["allow_partial_group"] = true;
    QAT_CHECK(qat::validateAgainstModel(e, tinyConfig()).empty());
    e["method"]["options"]["group_size"] = 0;
    e["method"]["options"]["allow_partial_group"] = false;
    QAT_CHECK(qat::validateAgainstModel(e, tinyConfig()).empty());
}

QAT_TEST(evalTextShorterThanOneWindowIsRejected)
{
    json e = goodExperiment();
    QAT_CHECK(qat::validateExperiment(e).empty());
    e["data"]["eval_seq_len"] = 128;
    QAT_CHECK(qat::checkTokenCounts(e, 10000, 128).empty());
    auto issues = qat::checkTokenCounts(e, 10000, 127);
    QAT_CHECK_THROWS_WITH(qat::throwIfIssues(issues), "data.eval", "127", "128");
    QAT_CHECK(hasIssue(qat::checkTokenCounts(e, 100, 1000), "data.train"));
    QAT_CHECK_EQ(qat::windowCount(1000, 128), int64_t(7));
}

QAT_TEST(seqLenBeyondTheModelIsRejected)
{
    json e = goodExperiment();
    e["data"]["eval_seq_len"] = 1024;
    QAT_CHECK(qat::validateExperiment(e).empty());
    QAT_CHECK(hasIssue(qat::validateAgainstModel(e, tinyConfig()), "data.eval_seq_len"));
}

QAT_TEST(misspeltKeysInEverySectionAreRefused)
{
    // Issue 12: top-level and method keys were refused, but "data.eval_max_window" was silently ignored.
    json e = goodExperiment();
    e["data"]["eval_max_window"] = 4;
    e["training"]["step"] = 10;
    e["model"]["paht"] = "x";
    e["method"]["option"] = json::object();
    const auto issues = qat::validateExperiment(e);
    for (const char* f : {"data.eval_max_window", "training.step", "model.paht", "method.option"})
        QAT_CHECK_MSG(hasIssue(issues, f), dump(issues));
}

QAT_TEST(aNumberBeyondDoubleNamesTheFile)
{
    const std::string dir = qat::test::tempDir();
    qat::test::writeFile(dir + "/exp.json", R"({"seed": 1e999})");
    try {
        qat::loadExperimentFile(dir + "/exp.json");
        QAT_FAIL_AT("accepted a number beyond double");
    } catch (const qat::InputError& e) {
        QAT_CHECK_MSG(std::string(e.what()).find(dir + "/exp.json") != std::string::npos, e.what());
    }
    try {
        qat::loadExperimentFile(dir);
        QAT_FAIL_AT("accepted a folder");
    } catch (const qat::InputError& e) {
        QAT_CHECK_MSG(std::string(e.what()).find("folder") != std::string::npos, e.what());
    }
}

QAT_TEST(moduleListsParse)
{
    QAT_CHECK_EQ(qat::parseModuleList("all").size(), size_t(7));
    QAT_CHECK_EQ(qat::parseModuleList("mlp").size(), size_t(3));
    auto k = qat::parseModuleList("q_proj, v");
    QAT_CHECK(k.size() == 2 && k[0] == qat::LinearKind::Q && k[1] == qat::LinearKind::V);
    QAT_CHECK_THROWS_WITH(qat::parseModuleList("qq"), "method.options.modules", "qq");
}

QAT_TEST(theTypedExperimentIsTheValidatedDocument)
{
    // Validation returns the typed experiment, and writing it back gives the very document the store keeps.
    json e = goodExperiment();
    e["data"]["batch_size"] = 3;
    e["training"]["schedule"] = "linear";
    e["training"]["grad_clip"] = 0; // a whole number in a real-valued setting is kept as a real
    e["evaluation"] = {{"tasks", {"arc_easy"}}, {"tasks_data", g_dir}};
    const qat::Experiment x = qat::requireValidExperiment(e);
    QAT_CHECK_EQ(x.data.batchSize, int64_t(3));
    QAT_CHECK_EQ(x.data.seqLen, int64_t(256));
    QAT_CHECK_EQ(x.training.schedule, std::string("linear"));
    QAT_CHECK_EQ(x.training.gradClip, 0.0);
    QAT_CHECK(e["training"]["grad_clip"].is_number_float());
    QAT_CHECK(x.evaluation && x.evaluation->tasks == std::vector<std::string>{"arc_easy"});
    QAT_CHECK(!x.exports);
    QAT_CHECK_EQ(x.method.options["rank"].get<int>(), 4);
    QAT_CHECK_MSG(qat::toJson(x) == e, qat::toJson(x).dump() + "\n" + e.dump());
    QAT_CHECK_EQ(qat::experimentHash(qat::toJson(x)), qat::experimentHash(e));
    // Read back from the stored text: the same typed values.
    const qat::Experiment y(json::parse(qat::toJson(x).dump()));
    QAT_CHECK(qat::toJson(y) == e);
    // A document without the optional sections stays without them.
    json plain = goodExperiment();
    qat::requireValidExperiment(plain);
    QAT_CHECK(!plain.contains("evaluation") && !plain.contains("export"));
    QAT_CHECK(qat::toJson(qat::Experiment(plain)) == plain);
}

QAT_TEST(everyDefaultIsStatedOnceInTheDeclaration)
{
    qat::registerBuiltinMethods();
    const qat::Experiment defaults;
    const json doc = qat::toJson(defaults);
    std::set<std::string> paths;
    for (const auto& s : qat::experimentSettings()) {
        QAT_CHECK_MSG(paths.insert(s.path()).second, s.path() + " is declared twice");
        QAT_CHECK_MSG(!s.option.label.empty() && !s.option.help.empty() && !s.option.group.empty(), s.path());
        if (s.section == "evaluation" || s.section == "export") continue; // optional sections
        const json& v = s.section.empty() ? doc[s.option.name] : doc[s.section][s.option.name];
        QAT_CHECK_MSG(v == s.option.defaultValue, s.path() + ": " + v.dump());
    }
    // The batch size the engine and the trainer read is the declared one (they disagreed: 1 and 8).
    QAT_CHECK_EQ(defaults.data.batchSize, int64_t(8));
    QAT_CHECK_EQ(qat::findExperimentSetting("data.batch_size")->option.defaultValue.get<int64_t>(),
                 int64_t(8));
    // Every key of the default document is declared (method.* is the method's).
    json d = qat::defaultExperiment();
    for (const auto& [section, value] : d.items()) {
        if (section == "method") continue;
        if (!value.is_object()) {
            QAT_CHECK_MSG(qat::findExperimentSetting(section), section);
            continue;
        }
        for (const auto& [key, v] : value.items())
            QAT_CHECK_MSG(qat::findExperimentSetting(section + "." + key), section + "." + key);
    }
}

QAT_TEST(aSettingOfTheWrongTypeIsNamedWhenRead)
{
    QAT_CHECK_THROWS_WITH(qat::Experiment(json{{"data", {{"seq_len", "long"}}}}), "data.seq_len", "integer");
    QAT_CHECK_THROWS_WITH(qat::Experiment(json{{"training", 5}}), "training", "object");
    QAT_CHECK_EQ(qat::Experiment(json::object()).training.steps, int64_t(1000));
}

QAT_TEST(validGroupSizesFollowTheModel)
{
    const auto all = qat::parseModuleList("all");
    QAT_CHECK(qat::validGroupSizes(tinyConfig(), all) == (std::vector<int64_t>{2, 4}));
    QAT_CHECK_EQ(qat::fittingGroupSize(tinyConfig(), all, 128), int64_t(4));
    QAT_CHECK_EQ(qat::fittingGroupSize(tinyConfig(), qat::parseModuleList("attn"), 32), int64_t(32));
    qat::ModelConfig big = tinyConfig();
    big.hiddenSize = 4096;
    big.intermediateSize = 11008;
    big.numHeads = 32;
    big.headDim = 128;
    QAT_CHECK_EQ(qat::fittingGroupSize(big, all, 128), int64_t(128));
    QAT_CHECK_EQ(qat::linearInputs(qat::LinearKind::Down, big), int64_t(11008));
}

QAT_TEST(aGroupSizeThatFitsNoModuleIsOneIssue)
{
    // Seven modules missed by one choice were seven near-identical messages (issue 18 item 7).
    json e = goodExperiment();
    e["method"]["options"]["group_size"] = 48;
    qat::requireValidExperiment(e);
    const auto issues = qat::validateAgainstModel(e, tinyConfig());
    QAT_CHECK_EQ(issues.size(), size_t(1));
    const std::string& m = issues.at(0).message;
    for (const char* part :
         {"q_proj", "down_proj", "64 input features", "172 input features", "0 (per-channel), 2, 4"})
        QAT_CHECK_MSG(m.find(part) != std::string::npos, m);
}

QAT_TEST_MAIN()
