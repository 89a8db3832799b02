// tokenizer.json with a byte-level BPE model (GPT-2 / LLaMA-3 style) as Hugging Face tokenizers runs it:
// added tokens split the text first, then the pre-tokenizer regex (written out by hand below), then every
// piece's UTF-8 bytes are mapped to printable characters and merged by rank (lowest rank first, leftmost on
// ties).

#include "model/unicode.h"
#include "qatbench/error.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <memory>
#include <unordered_map>

namespace qat::detail {

namespace {

using nlohmann::json;

// GPT-2's bytes_to_unicode: printable bytes map to themselves, the rest to U+0100 + n in byte order.
struct ByteMap
{
    std::string encode[256];
    std::unordered_map<char32_t, uint8_t> decode;
    ByteMap()
    {
        int n = 0;
        for (int b = 0; b < 256; ++b) {
            const bool printable =
                (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            const char32_t c = printable ? char32_t(b) : char32_t(256 + n++);
            appendUtf8(encode[b], c);
            decode[c] = uint8_t(b);
        }
    }
};

const ByteMap& byteMap()
{
    static const ByteMap m;
    return m;
}

// The LLaMA-3 / GPT-4 pre-tokenizer:
//   (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|
//   ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
// as a hand-written matcher over code points: each alternative tried in order at position i, with the
// backtracking the regex engine would do. Every code point is matched by some alternative.
class PreTokenizer
{
public:
    explicit PreTokenizer(const std::u32string& s) : m_s(s) {}
    size_t matchAt(size_t i) const
    {
        if (size_t n = contraction(i)) return n;
        if (size_t n = letters(i)) return n;
        if (size_t n = digits(i)) return n;
        if (size_t n = punctuation(i)) return n;
        if (size_t n = newlines(i)) return n;
        return spaces(i);
    }

private:
    bool at(size_t i, bool (*pred)(char32_t)) const { return i < m_s.size() && pred(m_s[i]); }
    static bool nl(char32_t c) { return c == '\r' || c == '\n'; }
    static bool other(char32_t c) { return !isWhitespace(c) && !isLetter(c) && !isNumber(c); }
    static char32_t lower(char32_t c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

    size_t contraction(size_t i) const
    {
        if (i >= m_s.size() || m_s[i] != '\'' || i + 1 >= m_s.size()) return 0;
        const char32_t a = lower(m_s[i + 1]);
        const char32_t b = i + 2 < m_s.size() ? lower(m_s[i + 2]) : 0;
        if (a == 's' || a == 't') return 2;
        if ((a == 'r' || a == 'v') && b == 'e') return 3;
        if (a == 'm') return 2;
        if (a == 'l' && b == 'l') return 3;
        if (a == 'd') return 2;
        return 0;
    }
    size_t letters(size_t i) const
    {
        size_t j = i;
        if (i < m_s.size() && !nl(m_s[i]) && !isLetter(m_s[i]) && !isNumber(m_s[i]) && at(i + 1, isLetter))
            ++j;
        if (!at(j, isLetter)) return 0;
        while (at(j, isLetter))
            ++j;
        return j - i;
    }
    size_t digits(size_t i) const
    {
        size_t j = i;
        while (j - i < 3 && at(j, isNumber))
            ++j;
        return j - i;
    }
    size_t punctuation(size_t i) const
    {
        size_t j = i;
        if (j < m_s.size() && m_s[j] == ' ' && at(j + 1, other)) ++j;
        if (!at(j, other)) return 0;
        while (at(j, other))
            ++j;
        while (at(j, nl))
            ++j;
        return j - i;
    }
    size_t newlines(size_t i) const
    {
        size_t end = i;
        while (at(end, isWhitespace))
            ++end;
        for (size_t k = end; k > i; --k)
            if (nl(m_s[k - 1])) return k - i; // \s* backs off to the last newline of the run
        return 0;
    }
    size_t spaces(size_t i) const
    {
        size_t end = i;
        while (at(end, isWhitespace))
            ++end;
        if (end == i) return 1; // unreachable for valid input; keeps the loop moving
        if (end == m_s.size() || end - i == 1) return end - i; // \s+(?!\S), else plain \s+
        return end - i - 1;
    }
    const std::u32string& m_s;
};

// The pre-tokenizer is implemented by hand for one regex; a tokenizer.json with another is refused rather
// than tokenized differently from its reference.
const char* const kLlama3Pattern = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| "
                                   "?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

// obj[key], or null when obj is no object or lacks key (json::value() throws a type_error that names no file
// when either has another type).
const json& member(const json& obj, const char* key)
{
    static const json null;
    if (!obj.is_object()) return null;
    const auto it = obj.find(key);
    return it == obj.end() ? null : *it;
}

std::string text(const json& v)
{
    return v.is_string() ? v.get<std::string>() : std::string();
}

bool flag(const json& obj, const char* key, bool dflt, const std::string& path, const std::string& field)
{
    const json& v = member(obj, key);
    if (v.is_null()) return dflt;
    if (!v.is_boolean()) throw InputError(path, field, "must be true or false, found " + v.dump());
    return v.get<bool>();
}

void checkPreTokenizer(const json& pre, const std::string& path)
{
    const std::string dumped = pre.dump();
    bool split = false, byteLevel = false;
    const json list =
        text(member(pre, "type")) == "Sequence" ? member(pre, "pretokenizers") : json::array({pre});
    if (!list.is_array()) throw InputError(path, "pre_tokenizer.pretokenizers", "must be a list");
    for (const auto& p : list) {
        const std::string type = text(member(p, "type"));
        if (type == "ByteLevel") {
            byteLevel = true;
            const std::string field = "pre_tokenizer.ByteLevel";
            if (flag(p, "use_regex", true, path, field + ".use_regex") ||
                flag(p, "add_prefix_space", false, path, field + ".add_prefix_space"))
                throw InputError(path, field,
                                 "only use_regex=false, add_prefix_space=false (LLaMA-3 style) is supported");
        } else if (type == "Split") {
            const std::string pattern = text(member(member(p, "pattern"), "Regex"));
            if (pattern != kLlama3Pattern || text(member(p, "behavior")) != "Isolated" ||
                flag(p, "invert", false, path, "pre_tokenizer.Split.invert"))
                throw InputError(path, "pre_tokenizer.Split.pattern",
                                 "only LLaMA-3's pre-tokenizer regex (Isolated) is supported");
            split = true;
        } else {
            throw InputError(path, "pre_tokenizer", "unsupported pre-tokenizer '" + type + "'");
        }
    }
    if (!split || !byteLevel)
        throw InputError(path, "pre_tokenizer",
                         "only byte-level BPE with LLaMA-3's Split regex is supported, found " +
                             dumped.substr(0, 200));
}

struct AddedToken
{
    std::string content;
    int32_t id;
    bool special;
};

class ByteLevelBpe final : public TokenizerImpl
{
public:
    explicit ByteLevelBpe(const std::string& path);
    std::vector<int32_t> encode(std::string_view text) const override;
    std::string decode(const std::vector<int32_t>& ids) const override;
    int32_t vocabSize() const override { return int32_t(m_pieces.size()); }
    std::string piece(int32_t id) const override
    {
        return id >= 0 && id < vocabSize() ? m_pieces[size_t(id)] : std::string();
    }
    int32_t pieceId(const std::string& p) const override
    {
        auto it = m_vocab.find(p);
        return it == m_vocab.end() ? -1 : it->second;
    }
    std::string kind() const override { return "bytelevel-bpe"; }
    TokenizerVocabulary vocabulary() const override;

private:
    void encodeWord(const std::string& mapped, std::vector<int32_t>& out) const;
    void encodeText(std::string_view text, std::vector<int32_t>& out) const;

    std::string m_file;
    std::unordered_map<std::string, int32_t> m_vocab;
    std::vector<std::string> m_pieces;
    std::unordered_map<std::string, int32_t> m_mergeRank; // "left right" -> rank
    std::vector<std::string> m_merges;                    // by rank
    std::vector<AddedToken> m_added;
    bool m_addedStarts[256] = {}; // first bytes of the added tokens, to skip most positions quickly
    std::vector<bool> m_special;
    bool m_ignoreMerges = false;
};

ByteLevelBpe::ByteLevelBpe(const std::string& path) : m_file(path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path, "", "cannot read the tokenizer");
    json j;
    try {
        j = json::parse(in);
    } catch (const json::exception& e) {
        throw InputError(path, "", std::string("not valid JSON: ") + e.what());
    }
    if (!j.is_object()) throw InputError(path, "", "must be a JSON object");
    const json& model = member(j, "model");
    if (!model.is_object() || text(member(model, "type")) != "BPE")
        throw InputError(path, "model.type", "only BPE tokenizer.json models are supported");
    checkPreTokenizer(member(j, "pre_tokenizer"), path);
    if (!member(j, "normalizer").is_null())
        throw InputError(path, "normalizer", "tokenizer.json normalizers are not supported");
    const json& vocab = member(model, "vocab");
    if (!vocab.is_object() || vocab.empty()) throw InputError(path, "model.vocab", "missing or empty");
    const json& added = member(j, "added_tokens");
    if (!added.is_null() && !added.is_array()) throw InputError(path, "added_tokens", "must be a list");
    // Ids are dense: none reaches the number of entries, which bounds what is allocated for them.
    const int64_t entries = int64_t(vocab.size() + added.size());
    auto checkId = [&](const json& v, const std::string& field) {
        if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() >= entries)
            throw InputError(path, field,
                             "id must be an integer from 0 to " + std::to_string(entries - 1) +
                                 " (below the number of entries of model.vocab and added_tokens), found " +
                                 v.dump());
        return int32_t(v.get<int64_t>());
    };
    m_ignoreMerges = flag(model, "ignore_merges", false, path, "model.ignore_merges");
    for (auto it = vocab.begin(); it != vocab.end(); ++it)
        m_vocab[it.key()] = checkId(*it, "model.vocab." + it.key());
    for (size_t i = 0; i < added.size(); ++i) {
        const std::string field = "added_tokens[" + std::to_string(i) + "]";
        const json& a = added[i];
        AddedToken t{text(member(a, "content")), checkId(member(a, "id"), field + ".id"),
                     flag(a, "special", false, path, field + ".special")};
        if (t.content.empty()) throw InputError(path, field + ".content", "missing or empty");
        m_vocab[t.content] = t.id;
        m_addedStarts[uint8_t(t.content[0])] = true;
        m_added.push_back(t);
    }
    int32_t maxId = 0;
    for (const auto& [p, id] : m_vocab)
        maxId = std::max(maxId, id);
    m_pieces.resize(size_t(maxId) + 1);
    m_special.resize(size_t(maxId) + 1);
    for (const auto& [p, id] : m_vocab)
        m_pieces[size_t(id)] = p;
    for (const auto& t : m_added)
        m_special[size_t(t.id)] = t.special;
    int32_t rank = 0;
    const json& merges = member(model, "merges");
    if (!merges.is_null() && !merges.is_array()) throw InputError(path, "model.merges", "must be a list");
    for (const auto& m : merges) {
        std::string key;
        if (m.is_string())
            key = m.get<std::string>();
        else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string())
            key = m[0].get<std::string>() + " " + m[1].get<std::string>();
        else
            throw InputError(path, "model.merges[" + std::to_string(rank) + "]", "must be \"a b\" or [a, b]");
        m_mergeRank.emplace(key, rank++);
        m_merges.push_back(std::move(key));
    }
}

TokenizerVocabulary ByteLevelBpe::vocabulary() const
{
    TokenizerVocabulary v;
    v.pieces = m_pieces;
    v.types.assign(m_pieces.size(), 1);
    std::vector<bool> present(m_pieces.size());
    for (const auto& [p, id] : m_vocab)
        present[size_t(id)] = true;
    for (size_t i = 0; i < m_pieces.size(); ++i)
        if (!present[i]) {
            v.pieces[i] = "[PAD" + std::to_string(i) + "]";
            v.types[i] = 5;
        }
    for (const auto& t : m_added)
        v.types[size_t(t.id)] = t.special ? 3 : 4;
    v.merges = m_merges;
    return v;
}

void ByteLevelBpe::encodeWord(const std::string& mapped, std::vector<int32_t>& out) const
{
    if (m_ignoreMerges) {
        auto it = m_vocab.find(mapped);
        if (it != m_vocab.end()) {
            out.push_back(it->second);
            return;
        }
    }
    std::vector<std::string> parts;
    for (size_t i = 0; i < mapped.size();) {
        const size_t n = std::max<size_t>(1, utf8Length(mapped, i));
        parts.push_back(mapped.substr(i, n));
        i += n;
    }
    while (parts.size() > 1) {
        int32_t best = INT32_MAX;
        size_t at = 0;
        for (size_t i = 0; i + 1 < parts.size(); ++i) {
            auto it = m_mergeRank.find(parts[i] + " " + parts[i + 1]);
            if (it != m_mergeRank.end() && it->second < best) best = it->second, at = i;
        }
        if (best == INT32_MAX) break;
        parts[at] += parts[at + 1];
        parts.erase(parts.begin() + long(at) + 1);
    }
    for (const auto& p : parts) {
        auto it = m_vocab.find(p);
        if (it != m_vocab.end())
            out.push_back(it->second); // no unk token: tokenizers drops what it cannot map
    }
}

void ByteLevelBpe::encodeText(std::string_view text, std::vector<int32_t>& out) const
{
    std::u32string cps;
    std::vector<size_t> offsets; // byte offset of each code point
    for (size_t i = 0; i < text.size();) {
        char32_t c = 0;
        const size_t n = utf8Length(text, i, &c);
        cps.push_back(c);
        offsets.push_back(i);
        i += n;
    }
    offsets.push_back(text.size());
    PreTokenizer pre(cps);
    const ByteMap& bm = byteMap();
    for (size_t i = 0; i < cps.size();) {
        const size_t n = pre.matchAt(i);
        std::string mapped;
        for (size_t b = offsets[i]; b < offsets[i + n]; ++b)
            mapped += bm.encode[uint8_t(text[b])];
        encodeWord(mapped, out);
        i += n;
    }
}

std::vector<int32_t> ByteLevelBpe::encode(std::string_view text) const
{
    // Added tokens are cut out of the raw text first (leftmost, longest on a tie).
    std::vector<int32_t> out;
    size_t start = 0, pos = 0;
    while (pos < text.size()) {
        const AddedToken* hit = nullptr;
        if (m_addedStarts[uint8_t(text[pos])])
            for (const auto& t : m_added)
                if (text.compare(pos, t.content.size(), t.content) == 0 &&
                    (!hit || t.content.size() > hit->content.size()))
                    hit = &t;
        if (!hit) {
            ++pos;
            continue;
        }
        encodeText(text.substr(start, pos - start), out);
        out.push_back(hit->id);
        pos += hit->content.size();
        start = pos;
    }
    encodeText(text.substr(start), out);
    return out;
}

std::string ByteLevelBpe::decode(const std::vector<int32_t>& ids) const
{
    const ByteMap& bm = byteMap();
    std::string out;
    for (int32_t id : ids) {
        if (id < 0 || id >= vocabSize() || m_special[size_t(id)]) continue;
        const std::string& p = m_pieces[size_t(id)];
        for (size_t i = 0; i < p.size();) {
            char32_t c = 0;
            const size_t n = std::max<size_t>(1, utf8Length(p, i, &c));
            auto it = bm.decode.find(c);
            if (it != bm.decode.end())
                out += char(it->second);
            else
                out.append(p, i, n); // an added token's plain text
            i += n;
        }
    }
    return out;
}

} // namespace

std::unique_ptr<TokenizerImpl> loadByteLevelBpe(const std::string& path)
{
    return std::make_unique<ByteLevelBpe>(path);
}

std::string byteLevelPiece(uint8_t b)
{
    return byteMap().encode[b];
}

} // namespace qat::detail
