#pragma once
// QCustomPlot's header uses Qt's keyword macros (signals, slots, emit, foreach), which QT_NO_KEYWORDS turns
// off project-wide (they collide with LibTorch). Include QCustomPlot only through this header.

#define signals Q_SIGNALS
#define slots Q_SLOTS
#define emit Q_EMIT
#define foreach Q_FOREACH
#include <qcustomplot.h>
#undef signals
#undef slots
#undef emit
#undef foreach
