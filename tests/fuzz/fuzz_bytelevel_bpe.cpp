// tokenizer.json: the byte-level BPE reader (vocab, merges, added tokens, pre-tokenizer check) and encoder
// (core/model/bytelevel_bpe.cpp) through qat::Tokenizer::load, which takes a path (a scratch file).
#include "fuzz_tokenizer.h"

QAT_FUZZ_TARGET(bytelevel_bpe)
{
    static const std::string path = qat::fuzz::scratchFile("bytelevel_bpe", "tokenizer.json");
    qat::fuzz::writeScratch(path, data, size);
    qat::fuzz::checkTokenizer(qat::Tokenizer::load(path), data, size);
}
