#include "engine/deploy_step.h"

#include "qatbench/export.h"
#include "qatbench/store.h"

#include <filesystem>

namespace qat::engine {

namespace fs = std::filesystem;

void runExportSection(const Experiment& exp, const RunStore& store, int64_t runId, const std::string& workDir,
                      EngineSink& sink)
{
    if (!exp.exports || exp.exports->formats.empty()) return;
    const ExportSettings& e = *exp.exports;
    std::string deployable;
    for (const auto& a : store.artifacts(runId))
        if (a.kind == "export") deployable = a.path;
    if (deployable.empty() || workDir.empty()) {
        sink.message("warning", "export: method '" + exp.method.name +
                                    "' left no quantized state, so nothing was exported");
        return;
    }
    const std::string& modelDir = exp.model.path;
    const fs::path dir = fs::path(workDir) / "export";
    for (const std::string& format : e.formats) {
        DeployOptions o;
        o.format = format;
        o.type = e.ggufType;
        o.fallback = e.ggufFallback;
        o.dtype = e.hfDtype;
        o.replace = true; // a resumed run that stopped inside its export writes it again
        o.progress = [&](const Progress& p) { return sink.progress(p); };
        std::string out = (dir / (o.format == "gguf" ? "model.gguf" : o.format)).string();
        try {
            if (o.format == "hf")
                out = (dir / ("hf-" + estimateDeployable(deployable, modelDir, o).type)).string();
            sink.phase("export");
            const DeployResult r = exportDeployable(deployable, modelDir, out, o);
            for (const auto& w : r.warnings)
                sink.message("warning", "export " + o.format + ": " + w);
            sink.artifact("export_" + o.format, r.path);
        } catch (const std::exception& ex) {
            const bool stopped = dynamic_cast<const Cancelled*>(&ex) != nullptr;
            std::string redo = "qatbench-cli export " + std::to_string(runId) + " --format " + o.format;
            if (o.format == "gguf") redo += " --type " + o.type;
            if (o.format == "hf" && !o.dtype.empty()) redo += " --dtype " + o.dtype;
            sink.message("warning",
                         "export " + o.format +
                             (stopped ? " stopped" : " failed: " + std::string(ex.what())) +
                             "; nothing was written there. The run is complete; export it later with `" +
                             redo + " --out " + out + "`");
            if (stopped) return;
        }
    }
}

} // namespace qat::engine
