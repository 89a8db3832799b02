// qatbench-cli inspect / eval / generate end to end (the binary the user runs).

#include "cli_process.h"
#include "qat_test.h"

#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <memory>

namespace {

using Output = qat::test::CliOutput;

Output run(const std::string& args)
{
    return qat::test::runCli(args);
}

} // namespace

QAT_TEST(inspectPrintsArchitectureAndCounts)
{
    const auto r = run("inspect " + qat::test::dataPath("models/gutenberg-llama-22M"));
    QAT_CHECK_MSG(r.code == 0, r.text);
    QAT_CHECK_MSG(r.text.find("6 layers, hidden 384") != std::string::npos, r.text);
    QAT_CHECK(r.text.find("GQA") != std::string::npos);
    QAT_CHECK(r.text.find("21730176") != std::string::npos);
    QAT_CHECK(r.text.find("bfloat16") != std::string::npos);
    const auto j = run("inspect --json " + qat::test::dataPath("models/stories260K"));
    QAT_CHECK_MSG(j.code == 0, j.text);
    QAT_CHECK_EQ(nlohmann::json::parse(j.text)["config"]["num_key_value_heads"].get<int>(), 4);
}

QAT_TEST(evalPrintsPerplexityWithProtocol)
{
    const auto r = run("eval " + qat::test::dataPath("models/stories260K") + " --text " +
                       qat::test::dataPath("data/tinystories/TinyStories-validation-head.txt") +
                       " --seq-len 128 --max-windows 6 --batch 3 --json");
    QAT_CHECK_MSG(r.code == 0, r.text);
    const auto j = nlohmann::json::parse(r.text.substr(r.text.find("{\n")));
    QAT_CHECK_EQ(j["windows"].get<int>(), 6);
    QAT_CHECK_EQ(j["tokens_scored"].get<int>(), 6 * 127);
    QAT_CHECK_EQ(j["protocol"]["name"].get<std::string>(), std::string("stream"));
    QAT_CHECK(j["ppl"].get<double>() > 1 && j["ppl"].get<double>() < 20);
}

QAT_TEST(generateReproducesReferenceStory)
{
    const auto r = run("generate " + qat::test::dataPath("models/stories260K") +
                       " --prompt 'Once upon a time' --max-new 20");
    QAT_CHECK_MSG(r.code == 0, r.text);
    QAT_CHECK_MSG(r.text.find("Once upon a time, there was a little girl named Lily.") != std::string::npos,
                  r.text);
}

QAT_TEST(badInputEndsInReadableError)
{
    const std::string dir = qat::test::tempDir();
    qat::test::writeFile(dir + "/bad.txt", std::string("ok\xff", 3));
    auto r = run("eval " + qat::test::dataPath("models/stories260K") + " --text " + dir + "/bad.txt");
    QAT_CHECK(r.code != 0);
    QAT_CHECK_MSG(r.text.find("bad.txt: byte 2") != std::string::npos, r.text);
    r = run("inspect " + dir);
    QAT_CHECK(r.code != 0);
    QAT_CHECK_MSG(r.text.find("config.json") != std::string::npos, r.text);
    r = run("eval " + qat::test::dataPath("models/stories260K") + " --text " + dir +
            "/bad.txt --device cuda:7");
    QAT_CHECK(r.code != 0);
}

QAT_TEST_MAIN()
