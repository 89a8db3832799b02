// The explorer's side panel: the ideas behind the numbers, in plain words for students. Every sentence goes
// through tr() so the panel is translated with the rest of the GUI.
#include "explorerview.h"

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

} // namespace qat::ui
