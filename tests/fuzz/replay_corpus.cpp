// core/test_fuzz_corpus: replays tests/fuzz/corpus/<target>/* through the fuzz targets' bodies (tests/fuzz/
// fuzz_*.cpp) in the normal build. Each file must be accepted or refused with a qat::Error naming its file or
// field; a crash, another exception or a broken promise fails the test and names the file.
#include "fuzz_replay.h"
#include "qat_test.h"

#include "qatbench/method.h"

#include <algorithm>
#include <filesystem>
#include <set>

namespace fs = std::filesystem;

namespace qat::fuzz {

void registerMethodsForFuzzing()
{
    registerBuiltinMethods();
}

} // namespace qat::fuzz

namespace {

std::vector<std::string> corpusFiles(const std::string& target)
{
    const fs::path dir = fs::path(QAT_FUZZ_CORPUS_DIR) / target;
    std::vector<std::string> files;
    if (fs::is_directory(dir))
        for (const auto& e : fs::directory_iterator(dir))
            if (e.is_regular_file()) files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    return files;
}

void replay(const std::string& target)
{
    const auto& targets = qat::fuzz::registeredTargets();
    const auto it =
        std::find_if(targets.begin(), targets.end(), [&](const auto& t) { return t.first == target; });
    QAT_CHECK_MSG(it != targets.end(), "no fuzz target '" + target + "' is linked into this test");
    const auto files = corpusFiles(target);
    QAT_CHECK_MSG(!files.empty(), "tests/fuzz/corpus/" + target + " holds no file");
    for (const auto& f : files) {
        const std::string bytes = qat::test::readFile(f);
        try {
            qat::fuzz::runOne(it->second, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
        } catch (const std::exception& e) {
            QAT_FAIL_AT(f + ": " + e.what());
        }
    }
}

} // namespace

QAT_TEST(everyTargetHasACorpusAndEveryCorpusATarget)
{
    std::set<std::string> linked, corpora;
    for (const auto& [name, body] : qat::fuzz::registeredTargets())
        linked.insert(name);
    for (const auto& e : fs::directory_iterator(QAT_FUZZ_CORPUS_DIR))
        if (e.is_directory()) corpora.insert(e.path().filename().string());
    QAT_CHECK_EQ(linked.size(), size_t(7));
    for (const auto& n : linked)
        QAT_CHECK_MSG(corpora.count(n), "target " + n + " has no tests/fuzz/corpus/" + n);
    for (const auto& n : corpora)
        QAT_CHECK_MSG(linked.count(n), "tests/fuzz/corpus/" + n + " has no fuzz_" + n + ".cpp");
}

QAT_TEST(safetensorsCorpus)
{
    replay("safetensors");
}
QAT_TEST(modelConfigCorpus)
{
    replay("model_config");
}
QAT_TEST(sentencepieceCorpus)
{
    replay("sentencepiece");
}
QAT_TEST(bytelevelBpeCorpus)
{
    replay("bytelevel_bpe");
}
QAT_TEST(experimentCorpus)
{
    replay("experiment");
}
QAT_TEST(sweepCorpus)
{
    replay("sweep");
}
QAT_TEST(eventsCorpus)
{
    replay("events");
}

QAT_TEST_MAIN()
