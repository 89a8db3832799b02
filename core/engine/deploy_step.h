#pragma once
// The experiment's export section (issue 14, docs/EXPORT.md), run by the engine after the final evaluation
// (private to core/engine).

#include "engine/sink.h"
#include "qatbench/experiment.h"

#include <string>

namespace qat::engine {

// Writes every format of exp.exports->formats from the run's deployable state (its "export" artifact)
// into <workDir>/export/ and records each as an artifact (export_gguf, export_gptq, export_hf). The run's
// result is already complete: a failed or stopped export is reported as a warning naming the format and the
// `qatbench-cli export` command that redoes it, and leaves no partial file; the run stays completed.
void runExportSection(const Experiment& exp, const RunStore& store, int64_t runId, const std::string& workDir,
                      EngineSink& sink);

} // namespace qat::engine
