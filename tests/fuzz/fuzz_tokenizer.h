#pragma once
// What the two tokenizer targets check once a tokenizer file was accepted: every id encode() gives is inside
// the vocabulary (an id past it indexes the embedding out of bounds), decode() of any id list and piece() of
// any id return, and BOS/EOS are -1 or real ids.
#include "fuzz_target.h"

#include "qatbench/tokenizer.h"

#include <algorithm>
#include <string>
#include <vector>

namespace qat::fuzz {

// Text for encode(): fixed samples (spaces, newlines, digits, contractions, non-Latin scripts, the special
// tokens' spelling) and the fuzz input itself with invalid UTF-8 replaced, so the encoder is fuzzed too.
inline std::vector<std::string> tokenizerTexts(const uint8_t* data, size_t size)
{
    std::vector<std::string> texts = {
        "",
        " ",
        "Hello world, it's 2024!\n\n  Two  spaces\tand a tab. I'LL don't 123456789",
        "Grüße aus Köln: 日本語のテキスト, emoji \xF0\x9F\x98\x80 and <s> </s> <unk> <|begin_of_text|>",
        "<0x0A>\xE2\x96\x81\xE2\x96\x81x \r\n\r\n   \n",
    };
    std::string own;
    for (size_t i = 0; i < std::min<size_t>(size, 512); ++i)
        own += (data[i] >= 0x20 && data[i] < 0x7F) || data[i] == '\n' || data[i] == ' ' ? char(data[i]) : '?';
    texts.push_back(own);
    return texts;
}

inline void checkTokenizer(const Tokenizer& tok, const uint8_t* data, size_t size)
{
    const int32_t n = tok.vocabSize();
    QAT_FUZZ_REQUIRE(n > 0, "an empty vocabulary was accepted");
    QAT_FUZZ_REQUIRE(tok.bosId() >= -1 && tok.bosId() < n, "bos " + std::to_string(tok.bosId()));
    QAT_FUZZ_REQUIRE(tok.eosId() >= -1 && tok.eosId() < n, "eos " + std::to_string(tok.eosId()));
    for (const auto& text : tokenizerTexts(data, size)) {
        const auto ids = tok.encode(text, true, true);
        for (int32_t id : ids)
            QAT_FUZZ_REQUIRE(id >= 0 && id < n, "encode gave id " + std::to_string(id) +
                                                    " of a vocabulary of " + std::to_string(n));
        (void)tok.decode(ids);
    }
    std::vector<int32_t> all = {-1, n, n + 1, INT32_MAX, INT32_MIN};
    for (int32_t i = 0; i < std::min(n, 4096); ++i) {
        all.push_back(i);
        const std::string p = tok.piece(i);
        if (!p.empty())
            QAT_FUZZ_REQUIRE(tok.pieceId(p).has_value(), "piece " + std::to_string(i) + " not found");
    }
    (void)tok.decode(all);
    (void)tok.piece(-1);
    (void)tok.piece(n);
}

} // namespace qat::fuzz
