#include "optiontext.h"

#include <QCoreApplication>

namespace qat::ui {

namespace {
// The texts of the built-in methods' declarations, for lupdate. Regenerate when a declaration changes.
[[maybe_unused]] const char* const kKnownTexts[] = {
#include "optiontext_list.inc"
};
} // namespace

QString optionText(const std::string& english)
{
    if (english.empty()) return {};
    return QCoreApplication::translate("qat::ui::OptionText", english.c_str());
}

} // namespace qat::ui
