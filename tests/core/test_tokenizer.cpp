// Our SentencePiece and byte-level BPE tokenizers against the reference encodings (sentencepiece library and
// Hugging Face tokenizers) on all 16 fixture texts, plus decoding round trips and UTF-8 errors.

#include "qat_test.h"

#include <ATen/Parallel.h>

#include "qatbench/error.h"
#include "qatbench/tokenizer.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <iostream>

using namespace qat;

namespace {

struct Fixture
{
    std::vector<std::string> texts;
    nlohmann::json encodings;
};

const Fixture& fixture()
{
    static Fixture f = [] {
        auto j =
            nlohmann::json::parse(test::readFile(test::dataPath("data/tokenizer-fixtures/encodings.json")));
        return Fixture{j["texts"].get<std::vector<std::string>>(), j["encodings"]};
    }();
    return f;
}

void checkEncodings(const Tokenizer& tok, const std::string& name)
{
    const Fixture& f = fixture();
    int bad = 0;
    for (size_t i = 0; i < f.texts.size(); ++i) {
        const auto ids = tok.encode(f.texts[i]);
        const auto want = f.encodings[name][i].get<std::vector<int32_t>>();
        if (ids == want) continue;
        ++bad;
        size_t k = 0;
        while (k < ids.size() && k < want.size() && ids[k] == want[k])
            ++k;
        std::cout << "  " << name << " text " << i << ": first difference at token " << k << " of "
                  << want.size() << " (got " << (k < ids.size() ? tok.piece(ids[k]) : "<end>") << ", want "
                  << (k < want.size() ? tok.piece(want[k]) : "<end>") << ")\n";
    }
    QAT_CHECK_EQ(bad, 0);
}

// Decoding gives the text back (for tok512, whose normalizer removes extra spaces, up to that removal).
void checkRoundTrip(const Tokenizer& tok, bool collapsesSpaces)
{
    for (const auto& text : fixture().texts) {
        std::string want = text;
        if (collapsesSpaces) {
            std::string c;
            for (char ch : text)
                if (ch != ' ' || (!c.empty() && c.back() != ' ')) c += ch;
            while (!c.empty() && c.back() == ' ')
                c.pop_back();
            want = c;
        }
        QAT_CHECK_EQ(tok.decode(tok.encode(text, true, true)), want);
    }
}

} // namespace

QAT_TEST(llama2SentencePiece)
{
    Tokenizer tok = Tokenizer::load(test::dataPath("data/tokenizers/llama2/tokenizer.model"));
    QAT_CHECK_EQ(tok.vocabSize(), 32000);
    QAT_CHECK_EQ(tok.bosId(), 1);
    QAT_CHECK_EQ(tok.eosId(), 2);
    QAT_CHECK_EQ(tok.kind(), std::string("sentencepiece-bpe"));
    checkEncodings(tok, "llama2-sentencepiece");
    checkRoundTrip(tok, false);
}

QAT_TEST(tok512SentencePiece)
{
    Tokenizer tok = Tokenizer::load(test::dataPath("data/llama2c/stories260K/tok512.model"));
    QAT_CHECK_EQ(tok.vocabSize(), 512);
    checkEncodings(tok, "tok512-sentencepiece");
    checkRoundTrip(tok, true);
}

QAT_TEST(byteLevelBpe)
{
    Tokenizer tok = Tokenizer::load(test::dataPath("data/tokenizer-fixtures/bytelevel-bpe/tokenizer.json"));
    QAT_CHECK_EQ(tok.kind(), std::string("bytelevel-bpe"));
    checkEncodings(tok, "bytelevel-bpe");
    checkRoundTrip(tok, false);
    // special tokens written in the text are matched as themselves
    const auto ids = tok.encode("<|begin_of_text|>Hello");
    QAT_CHECK(!ids.empty() && ids[0] == 0);
}

QAT_TEST(modelDirectoryBosEos)
{
    Tokenizer tok = Tokenizer::load(test::dataPath("models/stories260K"));
    QAT_CHECK_EQ(tok.bosId(), 1);
    QAT_CHECK_EQ(tok.eosId(), 2);
    const auto ids = tok.encode("Once upon a time", true);
    const std::vector<int32_t> want{1, 403, 407, 261, 378};
    QAT_CHECK(ids == want);
}

QAT_TEST(nonUtf8TextNamesFileAndByte)
{
    const std::string dir = test::tempDir();
    test::writeFile(dir + "/bad.txt", std::string("fine text\n caf\xE9 latin-1", 22));
    QAT_CHECK_THROWS_WITH(readTextFile(dir + "/bad.txt"), "bad.txt", "byte 14", "UTF-8");
    QAT_CHECK_THROWS_WITH(checkUtf8(std::string("\xED\xA0\x80", 3), "x.txt"), "x.txt", "byte 0"); // surrogate
}

QAT_TEST(missingTokenizerNamesFolder)
{
    const std::string dir = test::tempDir();
    QAT_CHECK_THROWS_WITH(Tokenizer::load(dir), dir.c_str(), "tokenizer.model");
}

QAT_TEST(unigramModelRefused)
{
    // A minimal ModelProto: one piece, trainer_spec.model_type = UNIGRAM (1).
    std::string proto;
    const std::string piece("\x0A\x01"
                            "a\x15\x00\x00\x00\x00",
                            8);
    proto += "\x0A" + std::string(1, char(piece.size())) + piece;
    proto += std::string("\x12\x02\x18\x01", 4);
    const std::string path = test::tempDir() + "/tokenizer.model";
    test::writeFile(path, proto);
    QAT_CHECK_THROWS_WITH(Tokenizer::load(path), "tokenizer.model", "model_type", "unigram");
}

QAT_TEST(otherPreTokenizerRefused)
{
    // GPT-2 style (ByteLevel with its own regex): our hand-written matcher is LLaMA-3's only, so refuse.
    const std::string path = test::tempDir() + "/tokenizer.json";
    test::writeFile(path, R"({"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}, "normalizer": null,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "use_regex": true}})");
    QAT_CHECK_THROWS_WITH(Tokenizer::load(path), "tokenizer.json", "pre_tokenizer");
}

QAT_TEST(wholeFileTokenCounts)
{
    // Token counts of MANIFEST.md / REFERENCE.md: 393,012 tok512 tokens (TinyStories head), 809,284
    // (wiki.test), 335,687 LLaMA-2 tokens (wiki.test).
    const auto t0 = std::chrono::steady_clock::now();
    Tokenizer tok512 = Tokenizer::load(test::dataPath("models/stories260K"));
    QAT_CHECK_EQ(
        tok512.encode(readTextFile(test::dataPath("data/tinystories/TinyStories-validation-head.txt")))
            .size(),
        size_t(393012));
    const std::string wiki = readTextFile(test::dataPath("data/wikitext-2-raw/wiki.test.raw"));
    QAT_CHECK_EQ(tok512.encode(wiki).size(), size_t(809284));
    Tokenizer llama = Tokenizer::load(test::dataPath("data/tokenizers/llama2/tokenizer.model"));
    QAT_CHECK_EQ(llama.encode(wiki).size(), size_t(335687));
    std::cout << "  encoded 2.9 MB in "
              << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() << " s\n";
}

QAT_TEST(longTextsEncodedInParallelGiveTheSameIds)
{
    // Texts over 512 KiB are cut after newlines and encoded on several threads; one thread encodes them
    // whole.
    const std::string wiki = readTextFile(test::dataPath("data/wikitext-2-raw/wiki.test.raw"));
    for (const char* model : {"data/tokenizers/llama2/tokenizer.model", "models/stories260K"}) {
        Tokenizer tok = Tokenizer::load(test::dataPath(model));
        const int threads = at::get_num_threads();
        at::set_num_threads(1);
        const auto whole = tok.encode(wiki, true);
        at::set_num_threads(4);
        const auto pieces = tok.encode(wiki, true);
        at::set_num_threads(threads);
        QAT_CHECK_EQ(pieces.size(), whole.size());
        QAT_CHECK(pieces == whole);
    }
}

QAT_TEST_MAIN()
