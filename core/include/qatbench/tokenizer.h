#pragma once
// Text <-> token ids for a model directory (no torch types). Two formats, both implemented here (Debian's
// libsentencepiece embeds protobuf symbols that clash with LibTorch's, so it cannot be linked):
//   - tokenizer.model: SentencePiece BPE (LLaMA 1/2, TinyLlama, llama2.c), identity normalizer, byte
//   fallback;
//   - tokenizer.json: byte-level BPE with the LLaMA-3 pre-tokenizer regex, added/special tokens.
//
// Intended usage:
//   1. Tokenizer tok = Tokenizer::load(modelDir);          // tokenizer.model if present, else tokenizer.json
//   2. auto ids = tok.encode(readTextFile(path), true);     // BOS prepended
//   3. std::string text = tok.decode(ids);                  // control tokens (BOS/EOS) dropped

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace qat {

namespace detail {
class TokenizerImpl;
}

class Tokenizer
{
public:
    // A model directory (tokenizer.model, else tokenizer.json; BOS/EOS from tokenizer_config.json, then
    // config.json, then the tokenizer file) or a tokenizer file itself. InputError when there is none.
    static Tokenizer load(const std::string& pathOrDir);

    // ids of UTF-8 text; text that is not valid UTF-8 throws InputError naming the byte offset.
    std::vector<int32_t> encode(std::string_view text, bool addBos = false, bool addEos = false) const;
    std::string decode(const std::vector<int32_t>& ids) const;
    std::string piece(int32_t id) const; // the vocabulary entry as stored ("▁the", "<0x0A>", "Ġthe")
    std::optional<int32_t> pieceId(const std::string& piece) const;

    int32_t vocabSize() const;
    int32_t bosId() const { return m_bos; } // -1 when none
    int32_t eosId() const { return m_eos; } // -1 when none
    const std::string& file() const { return m_file; }
    std::string kind() const; // "sentencepiece-bpe" or "bytelevel-bpe"

private:
    std::shared_ptr<const detail::TokenizerImpl> m_impl;
    std::string m_file;
    int32_t m_bos = -1;
    int32_t m_eos = -1;
};

// Reads a text file, checks that it is UTF-8 (InputError(path, "byte N") otherwise) and returns it unchanged.
std::string readTextFile(const std::string& path);
// Throws InputError(fileForErrors, "byte N", ...) at the first invalid UTF-8 sequence.
void checkUtf8(std::string_view text, const std::string& fileForErrors);

} // namespace qat
