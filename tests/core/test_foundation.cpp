// The rails every later part stands on: error messages, option validation, the CLI's entry points.
#include "qat_test.h"

#include "qatbench/error.h"
#include "qatbench/method.h"
#include "qatbench/version.h"

#include <array>
#include <cstdio>
#include <memory>

namespace {

std::string runCli(const std::string& args, int* exitCode)
{
    std::string cmd = std::string(QATBENCH_CLI_PATH) + " " + args + " 2>&1";
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
    std::string out;
    std::array<char, 4096> buf;
    size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), pipe.get())) > 0) out.append(buf.data(), n);
    const int status = pclose(pipe.release());
    *exitCode = WEXITSTATUS(status);
    return out;
}

qat::MethodInfo sampleMethod()
{
    qat::MethodInfo m;
    m.id = "sample";
    m.options.push_back({"bits", qat::OptionType::Int, 4, 2, 8});
    qat::OptionSpec lr{"lr", qat::OptionType::Float, 1e-3, 1e-8, 1.0};
    m.options.push_back(lr);
    qat::OptionSpec init{"init", qat::OptionType::Choice, "minmax"};
    init.choices = {"minmax", "search"};
    m.options.push_back(init);
    return m;
}

} // namespace

QAT_TEST(inputErrorNamesFileAndField)
{
    qat::InputError e("model/config.json", "hidden_size", "must be a positive integer");
    QAT_CHECK_EQ(std::string(e.what()), std::string("model/config.json: hidden_size: must be a positive integer"));
}

QAT_TEST(optionDefaultsAreFilledIn)
{
    auto m = sampleMethod();
    nlohmann::json opts = nlohmann::json::object();
    auto issues = qat::validateOptions(m, opts);
    QAT_CHECK(issues.empty());
    QAT_CHECK_EQ(opts["bits"].get<int>(), 4);
    QAT_CHECK_EQ(opts["init"].get<std::string>(), std::string("minmax"));
}

QAT_TEST(badOptionsAreNamedWithTheAllowedRange)
{
    auto m = sampleMethod();
    nlohmann::json opts = {{"bits", 9}, {"lr", std::nan("")}, {"init", "magic"}, {"rnak", 4}};
    auto issues = qat::validateOptions(m, opts);
    QAT_CHECK_EQ(issues.size(), size_t(4));
    std::string all;
    for (const auto& i : issues) all += i.field + ": " + i.message + "\n";
    QAT_CHECK_MSG(all.find("method.options.bits: is 9 (allowed: 2 to 8)") != std::string::npos, all);
    QAT_CHECK_MSG(all.find("method.options.rnak: unknown option") != std::string::npos, all);
    QAT_CHECK_MSG(all.find("must be one of: minmax, search") != std::string::npos, all);
    QAT_CHECK_MSG(all.find("method.options.lr") != std::string::npos, all);
}

QAT_TEST(cliPrintsVersionAndHelp)
{
    int code = -1;
    std::string out = runCli("--version", &code);
    QAT_CHECK_EQ(code, 0);
    QAT_CHECK_MSG(out.find("QATBench " + qat::version()) != std::string::npos, out);
    out = runCli("--help", &code);
    QAT_CHECK_EQ(code, 0);
    for (const char* c : {"inspect", "eval", "generate", "run", "runs", "compare", "demo"})
        QAT_CHECK_MSG(out.find(std::string("  ") + c) != std::string::npos, out);
}

QAT_TEST(cliRejectsUnknownCommand)
{
    int code = -1;
    std::string out = runCli("frobnicate", &code);
    QAT_CHECK_EQ(code, 2);
    QAT_CHECK_MSG(out.find("unknown command 'frobnicate'") != std::string::npos, out);
}

QAT_TEST_MAIN()
