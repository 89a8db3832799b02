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

// The whole vocabulary as a runtime's file format needs it (GGUF's tokenizer.ggml.* keys).
struct TokenizerVocabulary
{
    std::vector<std::string> pieces; // by id; ids missing from a tokenizer.json become "[PAD<id>]" (unused)
    std::vector<float> scores;       // SentencePiece piece scores; empty for byte-level BPE
    // 1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte (SentencePiece's numbering, which
    // GGUF's token_type uses too); byte-level BPE: special added tokens are control, other added ones
    // user-defined
    std::vector<int32_t> types;
    std::vector<std::string> merges; // byte-level BPE: "left right" in rank order; empty for SentencePiece
    int32_t unkId = -1;              // -1 when none
    bool addDummyPrefix = false;     // SentencePiece's normalizer prepends a space to the text
};

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
    TokenizerVocabulary vocabulary() const;

private:
    std::shared_ptr<const detail::TokenizerImpl> m_impl;
    std::string m_file;
    int32_t m_bos = -1;
    int32_t m_eos = -1;
};

// Refuses a tokenizer whose ids the model cannot embed (issue 12: a tokenizer larger than config.json's
// vocab_size ended in a raw LibTorch index error, or garbage text from generate): InputError naming the
// tokenizer file, or config.json for a BOS/EOS id out of range.
void checkTokenizerFitsModel(const Tokenizer& tokenizer, int64_t vocabSize, const std::string& modelDir);

// The largest text file read whole (training and evaluation texts): 4 GiB.
constexpr int64_t kMaxTextFileBytes = int64_t(4) << 30;

// Reads a text file, checks that it is UTF-8 (InputError(path, "byte N") otherwise) and returns it unchanged.
// A folder, a device or pipe (which may never end) and a file over kMaxTextFileBytes are refused by name.
std::string readTextFile(const std::string& path);
// The ids of a text file's first `tokens` tokens (0 = the whole file), reading only as much of the file as
// they need: the same ids as encoding the whole file and keeping the first `tokens`.
std::vector<int32_t> encodeTextFile(const Tokenizer& tokenizer, const std::string& path, bool addBos,
                                    int64_t tokens = 0);
// Throws InputError(fileForErrors, "byte N", ...) at the first invalid UTF-8 sequence.
void checkUtf8(std::string_view text, const std::string& fileForErrors);

} // namespace qat
