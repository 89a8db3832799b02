#pragma once
// Texts that come from core's declarations (method titles, summaries, option labels, help, group names) are
// English in core; the GUI translates them here. optiontext.cpp lists the known texts for lupdate, so that
// translators see them; a text not listed (a new plugin) is shown in English.

#include <QString>

#include <string>

namespace qat::ui {

QString optionText(const std::string& english);

} // namespace qat::ui
