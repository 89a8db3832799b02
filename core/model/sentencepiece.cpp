// SentencePiece tokenizer.model without libsentencepiece: a reader for the protobuf wire format of ModelProto
// and the BPE encoder of sentencepiece's bpe_model.cc (merge the adjacent pair whose merged piece scores
// highest, leftmost on ties; byte fallback for what no piece covers), with the identity normalizer.

#include "model/unicode.h"
#include "qatbench/error.h"

#include <cstring>
#include <fstream>
#include <memory>
#include <queue>
#include <sstream>
#include <unordered_map>

namespace qat::detail {

namespace {

const std::string kSpace = "\xE2\x96\x81"; // U+2581, sentencepiece's visible space

enum PieceType
{
    Normal = 1,
    Unknown = 2,
    Control = 3,
    UserDefined = 4,
    Unused = 5,
    Byte = 6,
};

// Protobuf wire format: (field << 3 | wire type) varint keys, then varint / fixed64 / length-delimited /
// fixed32.
class WireReader
{
public:
    WireReader(std::string_view data, const std::string& file, std::string where)
        : m_data(data), m_file(file), m_where(std::move(where))
    {}
    bool next()
    {
        if (m_pos >= m_data.size()) return false;
        const uint64_t key = varint();
        m_field = int(key >> 3);
        m_wire = int(key & 7);
        return true;
    }
    int field() const { return m_field; }
    int wire() const { return m_wire; }
    uint64_t varint()
    {
        uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (m_pos >= m_data.size()) fail("truncated varint");
            const uint8_t b = uint8_t(m_data[m_pos++]);
            v |= uint64_t(b & 0x7f) << shift;
            if (!(b & 0x80)) return v;
        }
        fail("varint too long");
    }
    std::string_view bytes()
    {
        expect(2);
        const uint64_t n = varint();
        if (n > m_data.size() - m_pos) fail("length past the end (truncated file?)");
        std::string_view out = m_data.substr(m_pos, size_t(n));
        m_pos += size_t(n);
        return out;
    }
    float fixed32()
    {
        expect(5);
        if (m_data.size() - m_pos < 4) fail("truncated float");
        uint32_t u = 0;
        for (int i = 3; i >= 0; --i)
            u = (u << 8) | uint8_t(m_data[m_pos + size_t(i)]);
        m_pos += 4;
        float f;
        std::memcpy(&f, &u, 4);
        return f;
    }
    uint64_t value()
    {
        expect(0);
        return varint();
    }
    void skip()
    {
        switch (m_wire) {
        case 0:
            varint();
            break;
        case 1:
            advance(8);
            break;
        case 2:
            bytes();
            break;
        case 5:
            advance(4);
            break;
        default:
            fail("unsupported wire type " + std::to_string(m_wire));
        }
    }
    [[noreturn]] void fail(const std::string& msg) const
    {
        throw InputError(m_file, m_where, "not a valid SentencePiece model: " + msg);
    }

private:
    void expect(int wire) const
    {
        if (m_wire != wire)
            fail("field " + std::to_string(m_field) + " has wire type " + std::to_string(m_wire));
    }
    void advance(size_t n)
    {
        if (m_data.size() - m_pos < n) fail("truncated");
        m_pos += n;
    }
    std::string_view m_data;
    const std::string& m_file;
    std::string m_where;
    size_t m_pos = 0;
    int m_field = 0;
    int m_wire = 0;
};

// The byte a BYTE piece stands for: its text is "<0xHH>"; -1 for any other text.
int bytePieceValue(const std::string& text)
{
    auto hex = [](char c) {
        return c >= '0' && c <= '9'   ? c - '0'
               : c >= 'A' && c <= 'F' ? c - 'A' + 10
               : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                      : -1;
    };
    if (text.size() != 6 || text.compare(0, 3, "<0x") != 0 || text[5] != '>') return -1;
    const int hi = hex(text[3]), lo = hex(text[4]);
    return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

struct Piece
{
    std::string text;
    float score = 0;
    int type = Normal;
};

class SentencePieceBpe final : public TokenizerImpl
{
public:
    explicit SentencePieceBpe(const std::string& path);
    std::vector<int32_t> encode(std::string_view text) const override { return encode(text, true); }
    bool cutsAtNewlines() const override { return m_cutsAtNewlines; }
    std::vector<int32_t> encodeAfterNewline(std::string_view text) const override
    {
        return encode(text, false);
    }
    std::string decode(const std::vector<int32_t>& ids) const override;
    int32_t vocabSize() const override { return int32_t(m_pieces.size()); }
    std::string piece(int32_t id) const override
    {
        return id >= 0 && id < vocabSize() ? m_pieces[size_t(id)].text : std::string();
    }
    int32_t pieceId(const std::string& p) const override
    {
        auto it = m_all.find(p);
        return it == m_all.end() ? -1 : it->second;
    }
    std::string kind() const override { return "sentencepiece-bpe"; }
    TokenizerVocabulary vocabulary() const override
    {
        TokenizerVocabulary v;
        for (const auto& p : m_pieces) {
            v.pieces.push_back(p.text);
            v.scores.push_back(p.score);
            v.types.push_back(p.type);
        }
        v.unkId = m_unk;
        v.addDummyPrefix = m_addDummyPrefix;
        return v;
    }
    int32_t defaultBos() const override { return m_bos; }
    int32_t defaultEos() const override { return m_eos; }

private:
    void readTrainerSpec(std::string_view data);
    void readNormalizerSpec(std::string_view data);
    std::vector<int32_t> encode(std::string_view text, bool atTextStart) const;
    std::string normalize(std::string_view text, bool atTextStart) const;
    void emit(std::string_view symbol, std::vector<int32_t>& out) const;

    std::string m_file;
    std::vector<Piece> m_pieces;
    std::unordered_map<std::string_view, int32_t> m_mergeable; // NORMAL, USER_DEFINED, UNUSED
    std::unordered_map<std::string, int32_t> m_all;
    int32_t m_byteIds[256];
    std::vector<std::string> m_userDefined;
    int m_modelType = 1; // UNIGRAM is protobuf's default
    bool m_byteFallback = false;
    bool m_addDummyPrefix = true;
    bool m_removeExtraWhitespaces = true;
    bool m_escapeWhitespaces = true;
    bool m_whitespaceAsSuffix = false;
    bool m_cutsAtNewlines = false; // set after reading the model: see TokenizerImpl::cutsAtNewlines
    int32_t m_unk = 0, m_bos = 1, m_eos = 2;
    std::string m_unkSurface = " \xE2\x81\x87 ";
};

SentencePieceBpe::SentencePieceBpe(const std::string& path) : m_file(path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path, "", "cannot read the tokenizer");
    const std::string data((std::istreambuf_iterator<char>(in)), {});
    std::fill(std::begin(m_byteIds), std::end(m_byteIds), -1);
    WireReader r(data, m_file, "ModelProto");
    while (r.next()) {
        if (r.field() == 1) {
            WireReader p(r.bytes(), m_file, "pieces[" + std::to_string(m_pieces.size()) + "]");
            Piece piece;
            while (p.next()) {
                if (p.field() == 1)
                    piece.text = std::string(p.bytes());
                else if (p.field() == 2)
                    piece.score = p.fixed32();
                else if (p.field() == 3)
                    piece.type = int(p.value());
                else
                    p.skip();
            }
            m_pieces.push_back(std::move(piece));
        } else if (r.field() == 2) {
            readTrainerSpec(r.bytes());
        } else if (r.field() == 3) {
            readNormalizerSpec(r.bytes());
        } else {
            r.skip();
        }
    }
    if (m_pieces.empty()) throw InputError(m_file, "pieces", "no pieces: not a SentencePiece model");
    if (m_modelType != 2)
        throw InputError(m_file, "trainer_spec.model_type",
                         std::string(m_modelType == 1 ? "unigram" : "word/char") +
                             " SentencePiece models are not supported (only BPE, as LLaMA 1/2 use)");
    for (size_t i = 0; i < m_pieces.size(); ++i) {
        const Piece& p = m_pieces[i];
        m_all.emplace(p.text, int32_t(i));
        if (p.type == Normal || p.type == UserDefined || p.type == Unused)
            m_mergeable.emplace(std::string_view(p.text), int32_t(i));
        if (p.type == UserDefined) m_userDefined.push_back(p.text);
        if (p.type == Byte) {
            const int b = bytePieceValue(p.text);
            if (b < 0)
                throw InputError(m_file, "pieces[" + std::to_string(i) + "]",
                                 "a BYTE piece must be <0xHH>, found '" + p.text + "'");
            m_byteIds[b] = int32_t(i);
        }
        if (p.type == Unknown) m_unk = int32_t(i);
    }
    if (m_unk < 0 || size_t(m_unk) >= m_pieces.size())
        throw InputError(m_file, "trainer_spec.unk_id",
                         "is " + std::to_string(m_unk) + ", outside the " + std::to_string(m_pieces.size()) +
                             " pieces (and no piece has type UNKNOWN)");
    if (m_byteFallback)
        for (int b = 0; b < 256; ++b)
            if (m_byteIds[b] < 0)
                throw InputError(m_file, "pieces", "byte_fallback is set but a <0xXX> piece is missing");
    // A newline cuts the text when no multi-character piece holds one (so no merge crosses it), it is emitted
    // as a piece or as a byte (never as an unknown that would merge with the next one), and the normalizer
    // keeps no state across it (extra whitespace removal and suffix whitespace look at the text's ends).
    bool newlineInPiece = false;
    for (const auto& [text, id] : m_mergeable)
        newlineInPiece = newlineInPiece || (text.size() > 1 && text.find('\n') != std::string_view::npos);
    m_cutsAtNewlines = !newlineInPiece && !m_removeExtraWhitespaces && !m_whitespaceAsSuffix &&
                       (m_byteFallback || m_mergeable.count("\n"));
}

void SentencePieceBpe::readTrainerSpec(std::string_view data)
{
    WireReader r(data, m_file, "trainer_spec");
    while (r.next()) {
        switch (r.field()) {
        case 3:
            m_modelType = int(r.value());
            break;
        case 24:
            m_whitespaceAsSuffix = r.value() != 0;
            break;
        case 35:
            m_byteFallback = r.value() != 0;
            break;
        case 40:
            m_unk = int32_t(r.value());
            break;
        case 41:
            m_bos = int32_t(int64_t(r.value()));
            break;
        case 42:
            m_eos = int32_t(int64_t(r.value()));
            break;
        case 44:
            m_unkSurface = std::string(r.bytes());
            break;
        default:
            r.skip();
        }
    }
}

void SentencePieceBpe::readNormalizerSpec(std::string_view data)
{
    WireReader r(data, m_file, "normalizer_spec");
    std::string name;
    bool charsmap = false;
    while (r.next()) {
        switch (r.field()) {
        case 1:
            name = std::string(r.bytes());
            break;
        case 2:
            charsmap = !r.bytes().empty();
            break;
        case 3:
            m_addDummyPrefix = r.value() != 0;
            break;
        case 4:
            m_removeExtraWhitespaces = r.value() != 0;
            break;
        case 5:
            m_escapeWhitespaces = r.value() != 0;
            break;
        default:
            r.skip();
        }
    }
    if (charsmap || (!name.empty() && name != "identity"))
        throw InputError(m_file, "normalizer_spec.name",
                         "normalizer '" + name +
                             "' with a character map is not supported (only 'identity', as "
                             "LLaMA's tokenizer uses)");
}

// sentencepiece's Normalizer::Normalize with the identity rule: drop extra spaces if asked, add the dummy
// prefix (at the start of the text only), escape ' ' as U+2581.
std::string SentencePieceBpe::normalize(std::string_view in, bool atTextStart) const
{
    std::string out;
    if (in.empty()) return out;
    const std::string space = m_escapeWhitespaces ? kSpace : " ";
    if (m_removeExtraWhitespaces)
        while (!in.empty() && in.front() == ' ')
            in.remove_prefix(1);
    if (in.empty()) return out;
    if (!m_whitespaceAsSuffix && m_addDummyPrefix && atTextStart) out += space;
    bool prevSpace = m_removeExtraWhitespaces;
    for (char c : in) {
        if (c == ' ') {
            if (!prevSpace) out += space;
            prevSpace = m_removeExtraWhitespaces;
        } else {
            out += c;
            prevSpace = false;
        }
    }
    if (m_whitespaceAsSuffix && m_addDummyPrefix) out += space;
    if (m_removeExtraWhitespaces)
        while (out.size() >= space.size() && out.compare(out.size() - space.size(), space.size(), space) == 0)
            out.resize(out.size() - space.size());
    return out;
}

void SentencePieceBpe::emit(std::string_view symbol, std::vector<int32_t>& out) const
{
    auto it = m_mergeable.find(symbol);
    if (it != m_mergeable.end()) {
        out.push_back(it->second);
        return;
    }
    auto other = m_all.find(std::string(symbol)); // a control or byte piece spelled out in the text
    if (other != m_all.end() && m_pieces[size_t(other->second)].type != Byte) {
        out.push_back(other->second);
        return;
    }
    if (m_byteFallback) {
        for (unsigned char b : symbol)
            out.push_back(m_byteIds[b]);
        return;
    }
    if (out.empty() || out.back() != m_unk) out.push_back(m_unk); // consecutive unknowns merge
}

std::vector<int32_t> SentencePieceBpe::encode(std::string_view text, bool atTextStart) const
{
    const std::string norm = normalize(text, atTextStart);
    struct Symbol
    {
        size_t begin, size;
        int prev, next;
        bool freeze;
    };
    std::vector<Symbol> sym;
    for (size_t i = 0; i < norm.size();) {
        size_t len = 0;
        bool freeze = false;
        for (const auto& u : m_userDefined)
            if (u.size() > len && norm.compare(i, u.size(), u) == 0) len = u.size(), freeze = true;
        if (!len) len = std::max<size_t>(1, utf8Length(norm, i));
        len = std::min(len, norm.size() - i);
        sym.push_back({i, len, int(sym.size()) - 1, 0, freeze});
        i += len;
    }
    for (size_t i = 0; i < sym.size(); ++i)
        sym[i].next = i + 1 < sym.size() ? int(i + 1) : -1;

    struct Pair
    {
        float score;
        int left, right;
        size_t size;
    };
    auto worse = [](const Pair& a, const Pair& b) {
        return a.score < b.score || (a.score == b.score && a.left > b.left);
    };
    std::priority_queue<Pair, std::vector<Pair>, decltype(worse)> agenda(worse);
    auto addPair = [&](int l, int r) {
        if (l < 0 || r < 0 || sym[size_t(l)].freeze || sym[size_t(r)].freeze) return;
        const std::string_view merged(norm.data() + sym[size_t(l)].begin,
                                      sym[size_t(l)].size + sym[size_t(r)].size);
        auto it = m_mergeable.find(merged);
        if (it == m_mergeable.end()) return;
        agenda.push({m_pieces[size_t(it->second)].score, l, r, merged.size()});
    };
    for (size_t i = 1; i < sym.size(); ++i)
        addPair(int(i - 1), int(i));
    while (!agenda.empty()) {
        const Pair top = agenda.top();
        agenda.pop();
        Symbol& l = sym[size_t(top.left)];
        Symbol& r = sym[size_t(top.right)];
        if (l.size == 0 || r.size == 0 || l.size + r.size != top.size) continue; // stale
        l.size += r.size;
        l.next = r.next;
        if (r.next >= 0) sym[size_t(r.next)].prev = top.left;
        r.size = 0;
        addPair(l.prev, top.left);
        addPair(top.left, l.next);
    }
    std::vector<int32_t> out;
    for (int i = sym.empty() ? -1 : 0; i != -1; i = sym[size_t(i)].next)
        emit(std::string_view(norm.data() + sym[size_t(i)].begin, sym[size_t(i)].size), out);
    return out;
}

std::string SentencePieceBpe::decode(const std::vector<int32_t>& ids) const
{
    std::string out;
    std::string bytes; // pending byte-fallback bytes, flushed as UTF-8 (invalid bytes -> U+FFFD)
    bool atStart = true;
    auto flush = [&] {
        for (size_t i = 0; i < bytes.size();) {
            const size_t n = utf8Length(bytes, i);
            if (n == 0) {
                out += "\xEF\xBF\xBD";
                ++i;
            } else {
                out.append(bytes, i, n);
                i += n;
            }
        }
        if (!bytes.empty()) atStart = false;
        bytes.clear();
    };
    for (int32_t id : ids) {
        if (id < 0 || id >= vocabSize()) continue;
        const Piece& p = m_pieces[size_t(id)];
        if (p.type == Byte) {
            bytes.push_back(char(bytePieceValue(p.text))); // checked when the model was read
            continue;
        }
        flush();
        if (p.type == Control) continue;
        if (p.type == Unknown) {
            out += m_unkSurface;
            atStart = false;
            continue;
        }
        std::string_view text = p.text;
        // Only the first piece loses the dummy prefix, so " x" (encoded "▁▁x") decodes back to " x".
        if (atStart && m_addDummyPrefix && text.substr(0, kSpace.size()) == kSpace)
            text.remove_prefix(kSpace.size());
        atStart = false;
        for (size_t i = 0; i < text.size();) {
            if (text.compare(i, kSpace.size(), kSpace) == 0) {
                out += ' ';
                i += kSpace.size();
            } else {
                out += text[i++];
            }
        }
    }
    flush();
    return out;
}

} // namespace

std::unique_ptr<TokenizerImpl> loadSentencePiece(const std::string& path)
{
    return std::make_unique<SentencePieceBpe>(path);
}

} // namespace qat::detail
