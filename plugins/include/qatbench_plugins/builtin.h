#pragma once
// The built-in quantization methods, for the applications (app/cli, app/gui), the tests and the benches: core
// knows methods only through its registry (qatbench/method.h), so whoever starts the program fills it.
//
// Intended usage (once, at start-up, before any experiment is read):
//   qat::registerBuiltinMethods();   // RTN, DL-QAT, GPTQ, LLM-QAT, QA-LoRA, L4Q, LR-QAT; DL-QAT the default

namespace qat {

// Registers every built-in method once (later calls do nothing) and names the default method of a new
// experiment (setDefaultMethod).
void registerBuiltinMethods();

} // namespace qat
