// tokenizer.model: the SentencePiece protobuf reader and BPE encoder (core/model/sentencepiece.cpp) through
// qat::Tokenizer::load, which takes a path (the bytes go through a scratch file; no config.json next to it).
#include "fuzz_tokenizer.h"

QAT_FUZZ_TARGET(sentencepiece)
{
    static const std::string path = qat::fuzz::scratchFile("sentencepiece", "tokenizer.model");
    qat::fuzz::writeScratch(path, data, size);
    qat::fuzz::checkTokenizer(qat::Tokenizer::load(path), data, size);
}
