#pragma once
// The fuzz targets: one per reader of untrusted bytes (docs/FUZZING.md).
//
// Each tests/fuzz/fuzz_<name>.cpp defines its body with QAT_FUZZ_TARGET(name) { ... } and is built twice:
//   - by scripts/fuzz.sh with clang and QAT_LIBFUZZER defined: a libFuzzer binary (ASan + UBSan) whose
//     LLVMFuzzerTestOneInput runs the body;
//   - by tests/fuzz/CMakeLists.txt with the normal build: all bodies linked into one CTest test
//     (core/test_fuzz_corpus) that replays every file of tests/fuzz/corpus/<name>/ through them, so a crash
//     once found stays fixed.
//
// The contract a body checks: an input is either accepted, and then what the reader promises holds
// (QAT_FUZZ_REQUIRE), or refused with a qat::Error that names the file (InputError) or the field
// (ConfigError). Anything else is a finding: a crash, a sanitizer report, another exception type (a raw
// nlohmann or std:: exception reaches the user as a message without file or field), a broken promise.
//
// Adding a reader: write tests/fuzz/fuzz_<name>.cpp, list it in scripts/fuzz.sh (TARGETS and its sources) and
// in tests/fuzz/CMakeLists.txt, and put a few small seeds in tests/fuzz/corpus/<name>/. The GGUF and GPTQ
// export readers are meant to be added this way once they land.

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace qat::fuzz {

using Body = void (*)(const uint8_t* data, size_t size);

// A promise of the reader that did not hold. Not a qat::Error, so it is never mistaken for a refusal.
struct Violation : std::logic_error
{
    using std::logic_error::logic_error;
};

// Runs a body: a qat::Error with its file or field named is a refusal and ends the call quietly; every other
// exception propagates (libFuzzer: an abort, reported with the input; the replay test: a failure).
void runOne(Body body, const uint8_t* data, size_t size);

// A file path in this process's scratch folder (created on first use, removed at exit), in a subfolder per
// target so that readers which look at neighbouring files (the tokenizer reads config.json next to its file)
// see only what the target wrote.
std::string scratchFile(const std::string& target, const std::string& name);
// Writes bytes to path (replacing it); returns path.
const std::string& writeScratch(const std::string& path, const uint8_t* data, size_t size);

// The methods the experiment and sweep readers validate against. The replay test registers the real built-in
// methods; the fuzz build (which links no LibTorch) registers DL-QAT's declaration and a post-training
// method with the shared quantizer options.
void registerMethodsForFuzzing();

// Replay registry (only used without QAT_LIBFUZZER).
struct Registrar
{
    Registrar(const char* name, Body body);
};

} // namespace qat::fuzz

#define QAT_FUZZ_REQUIRE(cond, what)                                                                         \
    do {                                                                                                     \
        if (!(cond))                                                                                         \
            throw ::qat::fuzz::Violation(std::string(__FILE__) + ":" + std::to_string(__LINE__) +            \
                                         ": promise broken: " #cond ": " + std::string(what));               \
    } while (0)

#ifdef QAT_LIBFUZZER
#define QAT_FUZZ_TARGET(name)                                                                                \
    static void qatFuzzBody(const uint8_t* data, size_t size);                                               \
    extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)                                  \
    {                                                                                                        \
        ::qat::fuzz::runOne(qatFuzzBody, data, size);                                                        \
        return 0;                                                                                            \
    }                                                                                                        \
    static void qatFuzzBody(const uint8_t* data, size_t size)
#else
#define QAT_FUZZ_TARGET(name)                                                                                \
    static void qatFuzzBody(const uint8_t* data, size_t size);                                               \
    static ::qat::fuzz::Registrar qatFuzzRegistrar(#name, qatFuzzBody);                                      \
    static void qatFuzzBody(const uint8_t* data, size_t size)
#endif
