// The explorer's side panel: the ideas behind the numbers, in plain words for students. Every sentence goes
// through tr() so the panel is translated with the rest of the GUI.
#include "explorer/explorerview.h"

#include "common/format.h"

#include <cmath>

namespace qat::ui {

QString ExplorerView::explanationHtml()
{
    const QString section = QStringLiteral("<h3>%1</h3><p>%2</p>");
    QString html;
    html += section.arg(
        tr("What you see"),
        tr("A weight matrix stores one real number per connection. To make the model small, each number is "
           "replaced by one of a few allowed values, the <b>levels</b> (the grey lines). The dots are the "
           "original weights of one group, the crosses are what they become. The distance between them is "
           "the "
           "<b>rounding error</b>."));
    html += section.arg(
        tr("Scale s"),
        tr("With N bits there are 2<sup>N</sup> levels, evenly spaced. The scale s is the spacing between "
           "two "
           "neighbouring levels. A group whose weights spread widely needs a large s, so its levels are far "
           "apart and the rounding error grows. Each weight moves by at most s/2 when it is rounded."));
    html += section.arg(
        tr("Zero-point z"),
        tr("The levels need not be centred on zero. The integer code z marks the level that stands for the "
           "value 0, so a group whose weights are mostly positive can spend most of its levels on positive "
           "values. A weight is stored as the integer code q = round(w / s) + z and read back as s (q - "
           "z)."));
    html += section.arg(
        tr("Groups"),
        tr("Every row of the matrix is cut into groups of consecutive weights (32, 64, 128, ...), and each "
           "group gets its own s and z. Smaller groups follow the local range of the weights more closely, "
           "so "
           "the error drops, but every group costs extra bits for its s and z: compare the bits per "
           "weight."));
    html += section.arg(
        tr("Clipping"),
        tr("Codes must stay between 0 and 2<sup>N</sup> - 1. A weight outside the range the levels cover is "
           "clamped to the first or last level (red). Shrinking the range on purpose clips a few outliers "
           "but "
           "makes the levels denser for all the other weights; the 'search' rule picks the shrink factor "
           "that "
           "gives the smallest error."));
    html += section.arg(
        tr("Straight-through rounding"),
        tr("Rounding is a staircase: its slope is zero almost everywhere, so training could never learn "
           "through "
           "it. Quantization-aware training pretends, only when computing gradients, that rounding was the "
           "identity. This straight-through estimator lets the gradient pass to the weights and to s and z "
           "as "
           "if the staircase were a ramp, while the forward pass still uses the rounded values."));
    html += section.arg(
        tr("LoRA inside the grid"),
        tr("DL-QAT leaves the original weights W<sub>0</sub> frozen and learns a small low-rank update B A "
           "(LoRA). The update is added before rounding, Q(W<sub>0</sub> + B A), so it can push individual "
           "weights across a rounding boundary into a neighbouring level. After training the result is again "
           "just integer codes with s and z: no adapter remains and inference costs nothing extra."));
    html += section.arg(
        tr("The magnitude m"),
        tr("DL-QAT also learns one number m per group, starting at 1, that stretches or shrinks all of the "
           "group's levels together: the weight used is m times the quantized value. It fixes the overall "
           "size "
           "of a group cheaply, while LoRA fixes its direction. The histogram view shows how the m of all "
           "groups spread out during training."));
    html += section.arg(
        tr("Output error"),
        tr("What matters in the end is not the weight error but how much the layer's output changes. The "
           "explorer feeds sample activations of the model through the original and the quantized layer and "
           "reports the relative difference of the two outputs."));
    return html;
}

namespace {

QString pct(double fraction)
{
    return std::isfinite(fraction) ? formatPercent(fraction, 2) : QStringLiteral("–");
}

QString num(double v, int digits = 4)
{
    return std::isfinite(v) ? formatNumber(v, digits) : QStringLiteral("–");
}

} // namespace

QString ExplorerView::numbersHtml(const ExplorerResult& r) const
{
    const ExplorerGroup& g = r.group;
    const ExplorerLayer& L = r.layer;
    int clippedHere = 0;
    for (uint8_t c : g.clipped)
        clippedHere += c;
    return tr("<b>This group</b> (row %1, columns %2–%3)<br>"
              "scale s = %4<br>zero-point z = %5<br>%6 levels from %7 to %8<br>"
              "RMS rounding error = %9 (%10 of s)<br>largest error = %11<br>clipped here: %12 of %13<br><br>"
              "<b>The whole layer</b> (%14 × %15, %16 groups per row)<br>"
              "weight error ‖Q(W)−W‖/‖W‖ = %17<br>"
              "<b>output error</b> on %18 sample tokens = %19<br>"
              "clipped weights: %20<br>bits per weight incl. s and z: %21<br><br>"
              "<small>computed in %22 ms</small>")
        .arg(g.row)
        .arg(g.firstColumn)
        .arg(g.firstColumn + qint64(g.weights.size()) - 1)
        .arg(num(g.scale))
        .arg(num(g.zero))
        .arg(g.levels.size())
        .arg(num(g.levels.empty() ? 0.0 : g.levels.front()))
        .arg(num(g.levels.empty() ? 0.0 : g.levels.back()))
        .arg(num(g.rmsError, 3))
        .arg(g.scale > 0 ? formatPercent(g.rmsError / g.scale, 0) : QString())
        .arg(num(g.maxAbsError, 3))
        .arg(clippedHere)
        .arg(g.weights.size())
        .arg(L.rows)
        .arg(L.cols)
        .arg(L.groupsPerRow)
        .arg(pct(L.weightRelError))
        .arg(L.sampleTokens)
        .arg(pct(L.outputRelError))
        .arg(pct(L.clippedFraction))
        .arg(formatDecimal(L.bitsPerWeight, 2))
        .arg(formatDecimal(r.seconds * 1000.0, 0));
}

QString ExplorerView::trainedHtml(const ExplorerResult& r) const
{
    const ExplorerTrainedGroup& t = *r.group.trained;
    const ExplorerTrainedLayer& L = *r.layer.trained;
    QString checkpoint = tr("no checkpoint: only m · s is known (set training.checkpoint_every)");
    if (m_run && m_run->hasCheckpoint())
        checkpoint = tr("LoRA from the checkpoint at %1 step %2")
                         .arg(QString::fromStdString(m_run->checkpointPhase()))
                         .arg(m_run->checkpointStep());
    const bool moved = !t.codesBefore.empty();
    return tr("<b>Trained run</b>: %1<br>"
              "<b>This group</b><br>"
              "before calibration: s = %2, z = %3<br>"
              "after calibration: s = %4, z = %5<br>"
              "learned magnitude m = %6<br>final step m · s = %7<br>"
              "codes LoRA moved: %8 of %9<br><br>"
              "<b>The whole layer: output error</b><br>"
              "round to nearest (before calibration): %10<br>"
              "after calibration: %11<br>after training: %12<br>"
              "codes LoRA moved: %13<br>m from %14 to %15 (mean %16)<br>"
              "s after / before calibration (mean): %17<br>‖(α/r)·B·A‖ / ‖W0‖: %18<br>"
              "<small>Training lowers the model's loss, not each layer's distance to W0: a layer's output "
              "error may grow while the model gets better.</small>")
        .arg(checkpoint)
        .arg(num(t.initScale))
        .arg(num(t.initZero))
        .arg(std::isfinite(t.magnitude) && t.magnitude != 0 ? num(r.group.scale / t.magnitude)
                                                            : QStringLiteral("–"))
        .arg(num(r.group.zero))
        .arg(num(t.magnitude))
        .arg(num(t.effectiveScale))
        .arg(moved ? QString::number(t.movedCodes) : QStringLiteral("–"))
        .arg(r.group.weights.size())
        .arg(pct(L.rtnOutputRelError))
        .arg(pct(L.calibOutputRelError))
        .arg(pct(r.layer.outputRelError))
        .arg(pct(L.movedCodesFraction))
        .arg(num(L.magnitudeMin))
        .arg(num(L.magnitudeMax))
        .arg(num(L.magnitudeMean))
        .arg(num(L.meanScaleRatio))
        .arg(pct(L.loraRelNorm));
}

QString ExplorerView::compareHtml(const ExplorerResult& a, const ExplorerResult& b) const
{
    auto setting = [this](const ExplorerResult& r) {
        return r.query.spec.groupSize > 0
                   ? tr("%1 bits, g%2").arg(r.query.spec.bits).arg(r.query.spec.groupSize)
                   : tr("%1 bits, per row").arg(r.query.spec.bits);
    };
    const QString row = QStringLiteral("<tr><td>%1</td><td align=right>%2</td><td align=right>%3</td></tr>");
    QString html = QStringLiteral("<table cellspacing=0 cellpadding=3>");
    html += QStringLiteral("<tr><th></th><th>%1</th><th>%2</th></tr>").arg(setting(a), setting(b));
    html += row.arg(tr("bits per weight"), formatDecimal(a.layer.bitsPerWeight, 2),
                    formatDecimal(b.layer.bitsPerWeight, 2));
    html += row.arg(tr("group's RMS error"), num(a.group.rmsError, 3), num(b.group.rmsError, 3));
    html += row.arg(tr("weight error"), pct(a.layer.weightRelError), pct(b.layer.weightRelError));
    html += row.arg(tr("<b>output error</b>"), pct(a.layer.outputRelError), pct(b.layer.outputRelError));
    html += row.arg(tr("clipped weights"), pct(a.layer.clippedFraction), pct(b.layer.clippedFraction));
    return html + QStringLiteral("</table>");
}

} // namespace qat::ui
