// Tokenizer front: picks the format, finds BOS/EOS in the config files, checks UTF-8.

#include "qatbench/tokenizer.h"

#include "util/threads.h"

#include <ATen/Parallel.h>

#include "model/unicode.h"
#include "qatbench/error.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace qat {

namespace detail {

std::unique_ptr<TokenizerImpl> loadSentencePiece(const std::string& path);
std::unique_ptr<TokenizerImpl> loadByteLevelBpe(const std::string& path);

size_t utf8Length(std::string_view s, size_t i, char32_t* cp)
{
    const auto b = [&](size_t k) { return uint8_t(s[k]); };
    const uint8_t c = b(i);
    size_t n;
    char32_t v;
    if (c < 0x80) {
        if (cp) *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF)
        n = 2, v = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3, v = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4, v = c & 0x07;
    else
        return 0;
    if (i + n > s.size()) return 0;
    for (size_t k = 1; k < n; ++k) {
        if ((b(i + k) & 0xC0) != 0x80) return 0;
        v = (v << 6) | (b(i + k) & 0x3F);
    }
    if ((n == 3 && (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF))) || (n == 4 && (v < 0x10000 || v > 0x10FFFF)))
        return 0;
    if (cp) *cp = v;
    return n;
}

void appendUtf8(std::string& out, char32_t c)
{
    if (c < 0x80) {
        out += char(c);
    } else if (c < 0x800) {
        out += char(0xC0 | (c >> 6));
        out += char(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += char(0xE0 | (c >> 12));
        out += char(0x80 | ((c >> 6) & 0x3F));
        out += char(0x80 | (c & 0x3F));
    } else {
        out += char(0xF0 | (c >> 18));
        out += char(0x80 | ((c >> 12) & 0x3F));
        out += char(0x80 | ((c >> 6) & 0x3F));
        out += char(0x80 | (c & 0x3F));
    }
}

} // namespace detail

void checkUtf8(std::string_view text, const std::string& fileForErrors)
{
    for (size_t i = 0; i < text.size();) {
        const size_t n = detail::utf8Length(text, i);
        if (n == 0) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "0x%02X", unsigned(uint8_t(text[i])));
            throw InputError(fileForErrors, "byte " + std::to_string(i),
                             std::string("not valid UTF-8 (") + hex + "); convert the text to UTF-8 first");
        }
        i += n;
    }
}

namespace {

// Opens a text file after refusing what is not one; its size in bytes.
int64_t checkTextFile(const std::string& path)
{
    std::error_code ec;
    const auto st = fs::status(path, ec);
    if (ec || !fs::exists(st)) throw InputError(path, "", "no such text file");
    if (fs::is_directory(st)) throw InputError(path, "", "is a folder, not a text file");
    if (!fs::is_regular_file(st))
        throw InputError(path, "",
                         "is not a regular file (a device, pipe or socket may never end); give a "
                         "text file");
    const int64_t size = int64_t(fs::file_size(path, ec));
    if (size > kMaxTextFileBytes)
        throw InputError(path, "",
                         "is " + std::to_string(size >> 20) + " MiB; text files are read up to " +
                             std::to_string(kMaxTextFileBytes >> 20) + " MiB: cut it first");
    return size;
}

// At most `bytes` bytes from the start, cut back to the last line end (or UTF-8 character) when the file
// goes on; `whole` says whether it did not.
std::string readTextHead(const std::string& path, int64_t bytes, bool& whole)
{
    const int64_t size = checkTextFile(path);
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path, "", "cannot read the text file");
    whole = size <= bytes;
    std::string text(size_t(std::min(size, bytes)), '\0');
    in.read(text.data(), std::streamsize(text.size()));
    text.resize(size_t(in.gcount()));
    if (!whole) {
        const size_t nl = text.rfind('\n');
        if (nl != std::string::npos && nl > 0) {
            text.resize(nl + 1);
        } else {
            while (!text.empty() && (uint8_t(text.back()) & 0xC0) == 0x80)
                text.pop_back();
            if (!text.empty() && uint8_t(text.back()) >= 0xC0) text.pop_back();
        }
    }
    checkUtf8(text, path);
    return text;
}

} // namespace

std::string readTextFile(const std::string& path)
{
    bool whole = false;
    return readTextHead(path, kMaxTextFileBytes, whole);
}

std::vector<int32_t> encodeTextFile(const Tokenizer& tokenizer, const std::string& path, bool addBos,
                                    int64_t tokens)
{
    if (tokens <= 0) return tokenizer.encode(readTextFile(path), addBos);
    // Tokens near the cut may differ from the whole file's; a margin of 256 keeps them out of the result.
    constexpr int64_t kMargin = 256;
    for (int64_t bytes = std::max<int64_t>(int64_t(1) << 16, (tokens + kMargin) * 8);; bytes *= 4) {
        bool whole = false;
        auto ids = tokenizer.encode(readTextHead(path, bytes, whole), addBos);
        if (whole) return ids;
        if (int64_t(ids.size()) >= tokens + kMargin) {
            ids.resize(size_t(tokens + (addBos ? 1 : 0)));
            return ids;
        }
    }
}

void checkTokenizerFitsModel(const Tokenizer& tokenizer, int64_t vocabSize, const std::string& modelDir)
{
    if (tokenizer.vocabSize() > vocabSize)
        throw InputError(tokenizer.file(), "vocabulary",
                         "has " + std::to_string(tokenizer.vocabSize()) +
                             " tokens but the model's vocab_size (" +
                             (fs::path(modelDir) / "config.json").string() + ") is " +
                             std::to_string(vocabSize) + ": ids from " + std::to_string(vocabSize) +
                             " up have no embedding. The tokenizer does not belong to this model");
    for (const auto& [name, id] : {std::pair{"bos", tokenizer.bosId()}, std::pair{"eos", tokenizer.eosId()}})
        if (id >= vocabSize)
            throw InputError(tokenizer.file(), std::string(name) + "_token_id",
                             "is " + std::to_string(id) + ", outside the model's vocabulary of " +
                                 std::to_string(vocabSize));
}

namespace {

// "bos_token": "<s>" or {"content": "<s>", ...} in tokenizer_config.json.
std::string tokenText(const nlohmann::json& j, const char* key)
{
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return {};
    if (it->is_string()) return it->get<std::string>();
    if (it->is_object() && it->contains("content") && (*it)["content"].is_string())
        return (*it)["content"].get<std::string>();
    return {};
}

nlohmann::json readJsonIfPresent(const fs::path& p)
{
    if (!fs::exists(p)) return nlohmann::json::object();
    std::ifstream in(p);
    try {
        return nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
        throw InputError(p.string(), "", std::string("not valid JSON: ") + e.what());
    }
}

} // namespace

Tokenizer Tokenizer::load(const std::string& pathOrDir)
{
    fs::path file(pathOrDir), dir;
    if (fs::is_directory(file)) {
        dir = file;
        if (fs::exists(dir / "tokenizer.model"))
            file = dir / "tokenizer.model";
        else if (fs::exists(dir / "tokenizer.json"))
            file = dir / "tokenizer.json";
        else
            throw InputError(pathOrDir, "tokenizer.model",
                             "no tokenizer in this folder (expected tokenizer.model or tokenizer.json)");
    } else {
        if (!fs::exists(file)) throw InputError(pathOrDir, "", "tokenizer file not found");
        dir = file.parent_path();
    }
    Tokenizer t;
    t.m_file = file.string();
    if (file.extension() == ".model")
        t.m_impl = detail::loadSentencePiece(t.m_file);
    else if (file.extension() == ".json")
        t.m_impl = detail::loadByteLevelBpe(t.m_file);
    else
        throw InputError(t.m_file, "",
                         "unknown tokenizer format (expected tokenizer.model or tokenizer.json)");

    t.m_bos = t.m_impl->defaultBos();
    t.m_eos = t.m_impl->defaultEos();
    // config.json's ids, then tokenizer_config.json's token strings, which say what the tokenizer itself
    // adds.
    const auto config = readJsonIfPresent(dir / "config.json");
    auto id = [&](const char* key, int32_t& out) {
        auto it = config.find(key);
        if (it == config.end()) return;
        const nlohmann::json* v = it->is_array() && !it->empty() ? &(*it)[0] : &*it;
        if (!v->is_number_integer()) return;
        // Read wide, then checked: get<int32_t>() would wrap 4294967297 to 1 without a word.
        const int64_t x = v->get<int64_t>();
        if (x < -1 || x >= t.m_impl->vocabSize())
            throw InputError((dir / "config.json").string(), key,
                             "is " + std::to_string(x) + ", outside the tokenizer's " +
                                 std::to_string(t.m_impl->vocabSize()) + " ids");
        out = int32_t(x);
    };
    id("bos_token_id", t.m_bos);
    id("eos_token_id", t.m_eos);
    const auto tc = readJsonIfPresent(dir / "tokenizer_config.json");
    for (auto [key, out] : {std::pair{"bos_token", &t.m_bos}, std::pair{"eos_token", &t.m_eos}}) {
        const std::string text = tokenText(tc, key);
        if (text.empty()) continue;
        const int32_t found = t.m_impl->pieceId(text);
        if (found < 0)
            throw InputError((dir / "tokenizer_config.json").string(), key,
                             "'" + text + "' is not in the vocabulary of " + t.m_file);
        *out = found;
    }
    const int32_t n = t.m_impl->vocabSize();
    if (t.m_bos < 0 || t.m_bos >= n) t.m_bos = -1; // -1: none (the files may hold other negatives)
    if (t.m_eos < 0 || t.m_eos >= n) t.m_eos = -1;
    return t;
}

namespace {

// A long text is encoded in pieces cut after newlines, spread over LibTorch's threads, when the tokenizer
// gives the same ids that way (TokenizerImpl::cutsAtNewlines): the 41 MB Gutenberg training text takes about
// a minute on one thread.
std::vector<int32_t> encodeLong(const detail::TokenizerImpl& impl, std::string_view text)
{
    constexpr size_t kPieceBytes = size_t(256) << 10;
    if (text.size() < 2 * kPieceBytes || at::get_num_threads() < 2 || !impl.cutsAtNewlines())
        return impl.encode(text);
    std::vector<size_t> cuts{0};
    for (size_t from = kPieceBytes; from < text.size(); from = cuts.back() + kPieceBytes) {
        const size_t nl = text.find('\n', from);
        if (nl == std::string_view::npos || nl + 1 >= text.size()) break;
        cuts.push_back(nl + 1);
    }
    cuts.push_back(text.size());
    const int64_t n = int64_t(cuts.size()) - 1;
    std::vector<std::vector<int32_t>> parts(static_cast<size_t>(n));
    detail::parallelRanges(n, false, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i) {
            const auto piece = text.substr(cuts[size_t(i)], cuts[size_t(i) + 1] - cuts[size_t(i)]);
            parts[size_t(i)] = i == 0 ? impl.encode(piece) : impl.encodeAfterNewline(piece);
        }
    });
    size_t total = 0;
    for (const auto& p : parts)
        total += p.size();
    std::vector<int32_t> ids;
    ids.reserve(total);
    for (const auto& p : parts)
        ids.insert(ids.end(), p.begin(), p.end());
    return ids;
}

} // namespace

std::vector<int32_t> Tokenizer::encode(std::string_view text, bool addBos, bool addEos) const
{
    checkUtf8(text, "text");
    std::vector<int32_t> ids;
    if (addBos && m_bos >= 0) ids.push_back(m_bos);
    auto body = encodeLong(*m_impl, text);
    ids.insert(ids.end(), body.begin(), body.end());
    if (addEos && m_eos >= 0) ids.push_back(m_eos);
    return ids;
}

std::string Tokenizer::decode(const std::vector<int32_t>& ids) const
{
    return m_impl->decode(ids);
}
std::string Tokenizer::piece(int32_t id) const
{
    return m_impl->piece(id);
}
std::optional<int32_t> Tokenizer::pieceId(const std::string& p) const
{
    const int32_t id = m_impl->pieceId(p);
    return id < 0 ? std::nullopt : std::optional<int32_t>(id);
}
int32_t Tokenizer::vocabSize() const
{
    return m_impl->vocabSize();
}
std::string Tokenizer::kind() const
{
    return m_impl->kind();
}

TokenizerVocabulary Tokenizer::vocabulary() const
{
    return m_impl->vocabulary();
}

} // namespace qat
