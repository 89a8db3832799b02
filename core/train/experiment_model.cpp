// An experiment against a model and its texts: the module list, the group sizes that fit the model's linears,
// and the checks that need the model's shape or the token counts (validateAgainstModel, checkTokenCounts).
#include "qatbench/experiment.h"

#include "qatbench/error.h"

#include <algorithm>
#include <numeric>
#include <sstream>

namespace qat {

using nlohmann::json;

namespace {
constexpr const char* kShortNames[kLinearKinds] = {"q", "k", "v", "o", "gate", "up", "down"};
} // namespace

std::vector<LinearKind> parseModuleList(const std::string& text, const std::string& field)
{
    std::vector<LinearKind> out;
    auto add = [&](LinearKind k) {
        for (auto e : out)
            if (e == k) return;
        out.push_back(k);
    };
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
        item.erase(0, item.find_first_not_of(" \t"));
        item.erase(item.find_last_not_of(" \t") + 1);
        if (item.empty()) continue;
        if (item == "all") {
            for (int i = 0; i < kLinearKinds; ++i)
                add(LinearKind(i));
            continue;
        }
        if (item == "attn") {
            for (int i = 0; i < 4; ++i)
                add(LinearKind(i));
            continue;
        }
        if (item == "mlp") {
            for (int i = 4; i < kLinearKinds; ++i)
                add(LinearKind(i));
            continue;
        }
        std::string base = item;
        if (base.size() > 5 && base.substr(base.size() - 5) == "_proj") base.resize(base.size() - 5);
        bool found = false;
        for (int i = 0; i < kLinearKinds; ++i)
            if (base == kShortNames[i]) {
                add(LinearKind(i));
                found = true;
            }
        if (!found)
            throw ConfigError(field, "unknown module '" + item +
                                         "'; use all, attn, mlp or a comma list of q,k,v,o,gate,up,down");
    }
    if (out.empty())
        throw ConfigError(field, "selects no module; use all, attn, mlp or q,k,v,o,gate,up,down");
    return out;
}

int64_t linearInputs(LinearKind k, const ModelConfig& cfg)
{
    switch (k) {
    case LinearKind::Q:
    case LinearKind::K:
    case LinearKind::V:
    case LinearKind::Gate:
    case LinearKind::Up:
        return cfg.hiddenSize;
    case LinearKind::O:
        return cfg.numHeads *
               (cfg.headDim > 0 ? cfg.headDim : cfg.hiddenSize / std::max<int64_t>(1, cfg.numHeads));
    case LinearKind::Down:
        return cfg.intermediateSize;
    }
    return 0;
}

std::vector<int64_t> validGroupSizes(const ModelConfig& cfg, const std::vector<LinearKind>& kinds)
{
    int64_t g = 0;
    for (auto k : kinds)
        if (const int64_t row = linearInputs(k, cfg); row > 0) g = std::gcd(g, row);
    std::vector<int64_t> out;
    for (int64_t d = 2; d <= g; ++d)
        if (g % d == 0) out.push_back(d);
    return out;
}

int64_t fittingGroupSize(const ModelConfig& cfg, const std::vector<LinearKind>& kinds, int64_t preferred)
{
    if (preferred <= 0) return preferred;
    int64_t best = 0;
    for (const int64_t g : validGroupSizes(cfg, kinds)) {
        if (g == preferred) return g;
        if (g < preferred) best = g;
    }
    return best;
}

std::vector<ValidationIssue> validateAgainstModel(const Experiment& exp, const ModelConfig& cfg)
{
    std::vector<ValidationIssue> issues;
    const DataSettings& data = exp.data;
    const json& opts = exp.method.options;
    const std::string maxText = ", the model's max_position_embeddings)";
    if (cfg.maxPositions > 0 && data.evalSeqLen > cfg.maxPositions)
        issues.push_back({"data.eval_seq_len", "is " + std::to_string(data.evalSeqLen) + " (allowed: 2 to " +
                                                   std::to_string(cfg.maxPositions) + maxText});
    if (cfg.maxPositions > 0 && data.seqLen > cfg.maxPositions)
        issues.push_back({"data.seq_len", "is " + std::to_string(data.seqLen) + " (allowed: 2 to " +
                                              std::to_string(cfg.maxPositions) + maxText});
    if (!opts.is_object() || !opts.contains("group_size") || !opts["group_size"].is_number_integer())
        return issues;
    const int64_t g = opts["group_size"].get<int64_t>();
    if (g <= 0) return issues; // per-channel
    const bool partialOk = opts.contains("allow_partial_group") && opts["allow_partial_group"].is_boolean() &&
                           opts["allow_partial_group"].get<bool>();
    std::vector<LinearKind> kinds;
    try {
        const bool named = opts.contains("modules") && opts["modules"].is_string();
        kinds = parseModuleList(named ? opts["modules"].get<std::string>() : std::string("all"));
    } catch (const ConfigError& e) {
        issues.push_back({e.field(), e.what()});
        return issues;
    }
    // One issue for the option, however many modules it misses (a group size is one choice, not seven).
    std::map<int64_t, std::string> missed; // row -> "q_proj, k_proj"
    for (auto k : kinds) {
        const int64_t row = linearInputs(k, cfg);
        if (row <= 0 || row % g == 0) continue;
        if (partialOk && g < row) continue;
        std::string& names = missed[row];
        names += (names.empty() ? "" : ", ") + std::string(kShortNames[int(k)]) + "_proj";
    }
    if (missed.empty()) return issues;
    std::string rows;
    size_t i = 0;
    for (const auto& [row, names] : missed)
        rows += std::string(i++ == 0             ? ""
                            : i == missed.size() ? " and "
                                                 : "; ") +
                names + " (" + std::to_string(row) + " input features)";
    std::string msg = "is " + std::to_string(g) + ", which does not divide the row of " + rows;
    if (partialOk) {
        msg += "; it must be smaller than the row";
    } else {
        std::string fits = "0 (per-channel)";
        for (const int64_t v : validGroupSizes(cfg, kinds))
            fits += ", " + std::to_string(v);
        msg += "; sizes that fit: " + fits + "; or leave the module out (modules) or set allow_partial_group";
    }
    issues.push_back({"method.options.group_size", msg});
    return issues;
}

int64_t windowCount(int64_t tokens, int64_t seqLen)
{
    if (seqLen <= 0 || tokens <= 0) return 0;
    return tokens / seqLen;
}

std::vector<ValidationIssue> checkTokenCounts(const Experiment& exp, int64_t trainTokens, int64_t evalTokens,
                                              int64_t calibTokens)
{
    std::vector<ValidationIssue> issues;
    const int64_t evalSeq = exp.data.evalSeqLen;
    const int64_t seq = exp.data.seqLen;
    if (windowCount(evalTokens, evalSeq) < 1)
        issues.push_back({"data.eval", "holds " + std::to_string(evalTokens) +
                                           " tokens, fewer than one window of " +
                                           "eval_seq_len = " + std::to_string(evalSeq)});
    if (trainTokens < seq + 1)
        issues.push_back({"data.train", "holds " + std::to_string(trainTokens) +
                                            " tokens, fewer than one training window of seq_len + 1 = " +
                                            std::to_string(seq + 1)});
    if (calibTokens >= 0 && calibTokens < seq + 1)
        issues.push_back({"data.calibration",
                          "holds " + std::to_string(calibTokens) +
                              " tokens, fewer than one window of seq_len + 1 = " + std::to_string(seq + 1)});
    return issues;
}

} // namespace qat
