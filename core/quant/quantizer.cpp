#include "qatbench_sdk/quantizer.h"

#include "qatbench/error.h"

#include "qatbench_sdk/torch.h"

namespace qat {

GroupLayout groupLayout(int64_t rows, int64_t cols, const QuantSpec& spec)
{
    GroupLayout lay;
    lay.rows = rows;
    lay.cols = cols;
    lay.group = (spec.groupSize <= 0 || spec.groupSize >= cols) ? cols : spec.groupSize;
    if (cols % lay.group != 0 && !spec.allowPartialGroup)
        throw ConfigError("method.options.group_size",
                          "is " + std::to_string(spec.groupSize) + ", which does not divide a row of " +
                              std::to_string(cols) +
                              " input features; choose a divisor, 0 (per-channel) or set "
                              "allow_partial_group");
    lay.groups = (cols + lay.group - 1) / lay.group;
    return lay;
}

at::Tensor toGroups(const at::Tensor& w, const GroupLayout& lay)
{
    if (!lay.partial()) return w.reshape({lay.rows, lay.groups, lay.group});
    // Repeat the last column: the shorter last group keeps its own min and max.
    at::Tensor pad = w.narrow(1, lay.cols - 1, 1).expand({lay.rows, lay.padded() - lay.cols});
    return at::cat({w, pad}, 1).reshape({lay.rows, lay.groups, lay.group});
}

at::Tensor fromGroups(const at::Tensor& g, const GroupLayout& lay)
{
    at::Tensor flat = g.reshape({lay.rows, lay.padded()});
    return lay.partial() ? flat.narrow(1, 0, lay.cols) : flat;
}

at::Tensor expandGroups(const at::Tensor& perGroup, const GroupLayout& lay)
{
    return fromGroups(perGroup.unsqueeze(-1).expand({lay.rows, lay.groups, lay.group}), lay);
}

at::Tensor roundSte(const at::Tensor& x)
{
    return x + (at::round(x) - x).detach();
}

namespace {

QuantParams paramsFromRange(const at::Tensor& lo, const at::Tensor& hi, double levels)
{
    QuantParams p;
    p.scale = ((hi - lo) / levels).clamp_min(1e-8);
    p.zero = at::round(-lo / p.scale).clamp(0, levels);
    return p;
}

// Shrinks each group's range by the factor (1.0 down to 0.5) that minimizes its squared error.
QuantParams searchRange(const at::Tensor& wg, const at::Tensor& lo, const at::Tensor& hi,
                        const QuantSpec& spec)
{
    const double levels = double(spec.levels());
    QuantParams best = paramsFromRange(lo, hi, levels);
    at::Tensor bestErr;
    const int n = std::max(1, spec.searchGrid);
    for (int i = 0; i < n; ++i) {
        const double f = 1.0 - 0.5 * double(i) / double(n);
        QuantParams p = paramsFromRange(lo * f, hi * f, levels);
        at::Tensor s = p.scale.unsqueeze(-1), z = p.zero.unsqueeze(-1);
        at::Tensor q = (at::round(wg / s) + z).clamp(0, levels);
        at::Tensor err = (s * (q - z) - wg).pow(2).sum(-1);
        if (!bestErr.defined()) {
            bestErr = err;
            best = p;
            continue;
        }
        at::Tensor better = err < bestErr;
        bestErr = at::where(better, err, bestErr);
        best.scale = at::where(better, p.scale, best.scale);
        best.zero = at::where(better, p.zero, best.zero);
    }
    return best;
}

} // namespace

QuantParams initQuantParams(const at::Tensor& w, const QuantSpec& spec)
{
    at::NoGradGuard noGrad;
    const GroupLayout lay = groupLayout(w.size(0), w.size(1), spec);
    at::Tensor wg = toGroups(w.detach().to(at::kFloat), lay);
    at::Tensor lo = std::get<0>(wg.min(-1));
    at::Tensor hi = std::get<0>(wg.max(-1));
    if (spec.init != RangeInit::MinMax) {
        lo = lo.clamp_max(0);
        hi = hi.clamp_min(0);
    }
    if (spec.init == RangeInit::Search) return searchRange(wg, lo, hi, spec);
    return paramsFromRange(lo, hi, double(spec.levels()));
}

at::Tensor fakeQuantUnits(const at::Tensor& u, const at::Tensor& scale, const at::Tensor& zero,
                          const QuantSpec& spec)
{
    const GroupLayout lay = groupLayout(u.size(0), u.size(1), spec);
    at::Tensor s = scale.unsqueeze(-1), z = zero.unsqueeze(-1);
    at::Tensor q = (roundSte(toGroups(u.to(at::kFloat), lay)) + z).clamp(0, double(spec.levels()));
    return fromGroups(s * (q - z), lay);
}

at::Tensor fakeQuant(const at::Tensor& w, const at::Tensor& scale, const at::Tensor& zero,
                     const QuantSpec& spec)
{
    const GroupLayout lay = groupLayout(w.size(0), w.size(1), spec);
    at::Tensor s = scale.unsqueeze(-1), z = zero.unsqueeze(-1);
    at::Tensor q = (roundSte(toGroups(w.to(at::kFloat), lay) / s) + z).clamp(0, double(spec.levels()));
    return fromGroups(s * (q - z), lay);
}

at::Tensor quantCodes(const at::Tensor& w, const QuantParams& p, const QuantSpec& spec)
{
    at::NoGradGuard noGrad;
    const GroupLayout lay = groupLayout(w.size(0), w.size(1), spec);
    at::Tensor q =
        (at::round(toGroups(w.detach().to(at::kFloat), lay) / p.scale.unsqueeze(-1)) + p.zero.unsqueeze(-1))
            .clamp(0, double(spec.levels()));
    return fromGroups(q, lay).to(at::kByte);
}

at::Tensor dequantCodes(const at::Tensor& codes, const at::Tensor& scale, const at::Tensor& zero,
                        const QuantSpec& spec)
{
    at::NoGradGuard noGrad;
    const GroupLayout lay = groupLayout(codes.size(0), codes.size(1), spec);
    at::Tensor q = toGroups(codes.to(at::kFloat), lay);
    return fromGroups(scale.unsqueeze(-1).to(at::kFloat) * (q - zero.unsqueeze(-1).to(at::kFloat)), lay);
}

at::Tensor groupSquaredError(const at::Tensor& w, const QuantParams& p, const QuantSpec& spec)
{
    at::NoGradGuard noGrad;
    const GroupLayout lay = groupLayout(w.size(0), w.size(1), spec);
    at::Tensor diff = fakeQuant(w.detach(), p.scale, p.zero, spec) - w.detach().to(at::kFloat);
    return toGroups(diff, lay).pow(2).sum(-1);
}

} // namespace qat
