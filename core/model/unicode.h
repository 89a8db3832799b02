#pragma once
// Internal to core/model: UTF-8 decoding and the Unicode classes the tokenizers need.

#include "qatbench/tokenizer.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace qat::detail {

bool isLetter(char32_t c);     // general category L*
bool isNumber(char32_t c);     // general category N*
bool isWhitespace(char32_t c); // White_Space

// Length of the valid UTF-8 sequence at s[i], 0 when invalid (overlong, surrogate, truncated, > U+10FFFF).
size_t utf8Length(std::string_view s, size_t i, char32_t* cp = nullptr);
void appendUtf8(std::string& out, char32_t c);
// The character a byte-level BPE vocabulary writes for byte b (GPT-2's bytes_to_unicode, UTF-8): the piece of
// a token that is that single byte ("a" for 'a', "Ġ" for a space, "Ċ" for a newline).
std::string byteLevelPiece(uint8_t b);

class TokenizerImpl
{
public:
    virtual ~TokenizerImpl() = default;
    virtual std::vector<int32_t> encode(std::string_view text) const = 0;
    // True when encode(a + "\n" + b) == encode(a + "\n") + encodeAfterNewline(b) for all texts a, b: no piece
    // spans a newline and nothing else carries over it, so a long text can be encoded in pieces cut after
    // newlines, in parallel, with the same ids.
    virtual bool cutsAtNewlines() const { return false; }
    virtual std::vector<int32_t> encodeAfterNewline(std::string_view text) const { return encode(text); }
    virtual std::string decode(const std::vector<int32_t>& ids) const = 0;
    virtual int32_t vocabSize() const = 0;
    virtual std::string piece(int32_t id) const = 0;
    virtual int32_t pieceId(const std::string& piece) const = 0; // -1 when absent
    virtual std::string kind() const = 0;
    virtual TokenizerVocabulary vocabulary() const = 0;
    virtual int32_t defaultBos() const { return -1; }
    virtual int32_t defaultEos() const { return -1; }
};

} // namespace qat::detail
