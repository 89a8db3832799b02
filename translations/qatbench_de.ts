<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
<context>
    <name>QToolButton</name>
    <message>
        <location filename="../ui/common/plotexport.cpp" line="+100"/>
        <location line="+7"/>
        <location line="+5"/>
        <source>Export</source>
        <translation>Exportieren</translation>
    </message>
    <message>
        <location line="-11"/>
        <source>Save this view as a PNG image, a PDF document or CSV data.</source>
        <translation>Diese Ansicht als PNG-Bild, PDF-Dokument oder CSV-Daten speichern.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Could not write %1.</source>
        <translation>%1 konnte nicht geschrieben werden.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>PNG image...</source>
        <translation>PNG-Bild...</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>PNG image (*.png)</source>
        <translation>PNG-Bild (*.png)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>PDF document...</source>
        <translation>PDF-Dokument...</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>PDF document (*.pdf)</source>
        <translation>PDF-Dokument (*.pdf)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>CSV data...</source>
        <translation>CSV-Daten...</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>CSV data (*.csv)</source>
        <translation>CSV-Daten (*.csv)</translation>
    </message>
</context>
<context>
    <name>qat::ui::ChartPanel</name>
    <message>
        <location filename="../ui/workbench/chartpanel.cpp" line="+33"/>
        <source>x: step</source>
        <translation>x: Schritt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>x: wall time</source>
        <translation>x: Uhrzeit</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Log scale</source>
        <translation>Log. Skala</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Logarithmic y axis for loss and perplexity.</source>
        <translation>Logarithmische y-Achse für Verlust und Perplexität.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Smoothing </source>
        <translation>Glättung </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Weight of the exponential moving average drawn over the raw training loss.</source>
        <translation>Gewicht des exponentiellen gleitenden Mittels über dem rohen Trainingsverlust.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Follow</source>
        <translation>Folgen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show all data again and follow new points (or double-click a chart).</source>
        <translation>Wieder alle Daten zeigen und neuen Punkten folgen (oder Diagramm doppelklicken).</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Export</source>
        <translation>Exportieren</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>PNG image...</source>
        <translation>PNG-Bild...</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>PDF document...</source>
        <translation>PDF-Dokument...</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CSV data...</source>
        <translation>CSV-Daten...</translation>
    </message>
    <message>
        <source>Training loss</source>
        <translation type="vanished">Trainingsverlust</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Loss</source>
        <translation>Verlust</translation>
    </message>
    <message>
        <source>loss</source>
        <translation type="vanished">Verlust</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Evaluation perplexity</source>
        <translation>Perplexität der Auswertung</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Perplexity</source>
        <translation>Perplexität</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No loss logged yet: start a run or open a past one.</source>
        <translation>Noch kein Verlust protokolliert: einen Lauf starten oder einen früheren öffnen.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No evaluation yet: one every training.eval_every steps (when &gt; 0) and one at the end.</source>
        <translation>Noch keine Auswertung: eine alle training.eval_every Schritte (wenn &gt; 0) und eine am Ende.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No learning rate logged yet.</source>
        <translation>Noch keine Lernrate protokolliert.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Task accuracy</source>
        <translation>Aufgabengenauigkeit</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Accuracy</source>
        <translation>Genauigkeit</translation>
    </message>
    <message>
        <location line="+99"/>
        <source>calibration loss</source>
        <translation>Kalibrierungsverlust</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>training loss</source>
        <translation>Trainingsverlust</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>calibration</source>
        <translation>Kalibrierung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>training</source>
        <translation>Training</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>perplexity</source>
        <translation>Perplexität</translation>
    </message>
    <message>
        <location line="-146"/>
        <source>Learning rate</source>
        <translation>Lernrate</translation>
    </message>
    <message>
        <source>No data yet</source>
        <translation type="vanished">Noch keine Daten</translation>
    </message>
    <message>
        <source>No data yet: start a run or open a past one.</source>
        <translation type="vanished">Noch keine Daten: starten Sie einen Lauf oder öffnen Sie einen früheren.</translation>
    </message>
    <message>
        <location line="+198"/>
        <source>PNG image (*.png)</source>
        <translation>PNG-Bild (*.png)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>PDF document (*.pdf)</source>
        <translation>PDF-Dokument (*.pdf)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CSV data (*.csv)</source>
        <translation>CSV-Daten (*.csv)</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+6"/>
        <source>Export charts</source>
        <translation>Diagramme exportieren</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Could not write %1.</source>
        <translation>%1 konnte nicht geschrieben werden.</translation>
    </message>
</context>
<context>
    <name>qat::ui::CompareChart</name>
    <message>
        <location filename="../ui/compare/comparechart.cpp" line="+43"/>
        <source>Hover for every run&apos;s value; click to choose that step; drag to pan, wheel to zoom, double-click to fit.</source>
        <translation>Überfahren zeigt den Wert jedes Laufs; Klick wählt diesen Schritt; Ziehen verschiebt, Mausrad zoomt, Doppelklick passt ein.</translation>
    </message>
    <message>
        <location line="+53"/>
        <source>step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>wall time</source>
        <translation>Uhrzeit</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>seconds since start</source>
        <translation>Sekunden seit dem Start</translation>
    </message>
    <message>
        <location line="+125"/>
        <source>step %1</source>
        <translation>Schritt %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>x = %1</source>
        <translation>x = %1</translation>
    </message>
</context>
<context>
    <name>qat::ui::CompareMetricsModel</name>
    <message>
        <location filename="../ui/compare/comparemodels.cpp" line="+368"/>
        <source>Run</source>
        <translation>Lauf</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>At step %1</source>
        <translation>Bei Schritt %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>(from step)</source>
        <translation>(aus Schritt)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Final</source>
        <translation>Ende</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Final step</source>
        <translation>Letzter Schritt</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Best (lowest)</source>
        <translation>Bester (niedrigster)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Best (highest)</source>
        <translation>Bester (höchster)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Best (–)</source>
        <translation>Bester (–)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Best step</source>
        <translation>Bester Schritt</translation>
    </message>
</context>
<context>
    <name>qat::ui::CompareRunsModel</name>
    <message>
        <location line="-215"/>
        <source>Double-click the colour square to change the run&apos;s colour.</source>
        <translation>Doppelklicken Sie auf das Farbquadrat, um die Farbe des Laufs zu ändern.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>run %1</source>
        <translation>Lauf %1</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Run</source>
        <translation>Lauf</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Method</source>
        <translation>Methode</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Parameters</source>
        <translation>Parameter</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Started</source>
        <translation>Gestartet</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Final</source>
        <translation>Final</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Best ↓</source>
        <translation>Bester ↓</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Best ↑</source>
        <translation>Bester ↑</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Best</source>
        <translation>Bester</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Min</source>
        <translation>Min</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Max</source>
        <translation>Max</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Last</source>
        <translation>Letzter</translation>
    </message>
</context>
<context>
    <name>qat::ui::CompareTasksModel</name>
    <message>
        <location filename="../ui/compare/comparetasks.cpp" line="+140"/>
        <source>%1 (baseline)</source>
        <translation>%1 (Basis)</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>%1 was not scored on %2.</source>
        <translation>%1 wurde nicht auf %2 bewertet.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 %2: %3 % over %4 questions (%5)</source>
        <translation>%1 %2: %3 % über %4 Fragen (%5)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Difference to the baseline: %1 points (standard error %2)</source>
        <translation>Unterschied zur Basis: %1 Punkte (Standardfehler %2)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>n/a</source>
        <translation>k. A.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Scored on other questions or shots than the baseline: the difference compares different things.</source>
        <translation>Auf anderen Fragen oder mit anderen Beispielen bewertet als die Basis: der Unterschied vergleicht Verschiedenes.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Run</source>
        <translation>Lauf</translation>
    </message>
</context>
<context>
    <name>qat::ui::CompareTasksPanel</name>
    <message>
        <location line="+34"/>
        <source>The run the others are compared with.</source>
        <translation>Der Lauf, mit dem die anderen verglichen werden.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Task scores</source>
        <translation>Aufgabenergebnisse</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Baseline</source>
        <translation>Basis</translation>
    </message>
    <message>
        <location line="+48"/>
        <source>Tick runs to compare their task scores.</source>
        <translation>Haken Sie Läufe an, um ihre Aufgabenergebnisse zu vergleichen.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>None of the compared runs has task scores: add tasks to the experiment&apos;s evaluation section (docs/EVAL.md).</source>
        <translation>Keiner der verglichenen Läufe hat Aufgabenergebnisse: fügen Sie dem Abschnitt evaluation des Experiments Aufgaben hinzu (docs/EVAL.md).</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Accuracy in % ± standard error; in brackets the difference to the baseline in points, green or red where it exceeds twice its standard error.</source>
        <translation>Genauigkeit in % ± Standardfehler; in Klammern der Unterschied zur Basis in Punkten, grün oder rot, wo er den doppelten Standardfehler übersteigt.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>≠: scored on other questions or shots than the baseline, so that difference compares different things.</source>
        <translation>≠: auf anderen Fragen oder mit anderen Beispielen bewertet als die Basis, dieser Unterschied vergleicht also Verschiedenes.</translation>
    </message>
</context>
<context>
    <name>qat::ui::CompareView</name>
    <message numerus="yes">
        <location filename="../ui/compare/compareview.cpp" line="+288"/>
        <source>%n run(s) in the store.</source>
        <translation>
            <numerusform>%n Lauf in der Datenbank.</numerusform>
            <numerusform>%n Läufe in der Datenbank.</numerusform>
        </translation>
    </message>
    <message>
        <source>Tick the runs to compare; double-click a run&apos;s colour square to change it.</source>
        <translation type="vanished">Haken Sie die zu vergleichenden Läufe an; ein Doppelklick auf das Farbquadrat ändert die Farbe.</translation>
    </message>
    <message>
        <source>The metric drawn and summarized.</source>
        <translation type="vanished">Der gezeichnete und zusammengefasste Messwert.</translation>
    </message>
    <message>
        <location line="-219"/>
        <source>x: step</source>
        <translation>x: Schritt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>x: wall time</source>
        <translation>x: Uhrzeit</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>x: time since start</source>
        <translation>x: Zeit seit Start</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Group by parameters</source>
        <translation>Nach Parametern gruppieren</translation>
    </message>
    <message>
        <source>Runs that differ only in their seed form one group: the line is their mean, the band spans their minimum and maximum.</source>
        <translation type="vanished">Läufe, die sich nur im Startwert unterscheiden, bilden eine Gruppe: die Linie ist ihr Mittelwert, das Band reicht von ihrem Minimum bis zum Maximum.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Step </source>
        <translation>Schritt </translation>
    </message>
    <message>
        <source>The table shows each run&apos;s value at this step (the nearest point at or before it).</source>
        <translation type="vanished">Die Tabelle zeigt den Wert jedes Laufs bei diesem Schritt (den nächsten Punkt an oder vor ihm).</translation>
    </message>
    <message>
        <location line="-29"/>
        <source>The metric of the first chart, of the tables and of the scatter plot.</source>
        <translation>Die Metrik des ersten Diagramms, der Tabellen und des Streudiagramms.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Panels</source>
        <translation>Diagramme</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>More metrics as charts beside the first one.</source>
        <translation>Weitere Metriken als Diagramme neben dem ersten.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Smoothing </source>
        <translation>Glättung </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Debiased exponential moving average, as in the live charts and TensorBoard (0 = raw values). Tables always show raw values.</source>
        <translation>Entzerrter exponentieller gleitender Mittelwert wie in den Live-Diagrammen und in TensorBoard (0 = Rohwerte). Tabellen zeigen immer Rohwerte.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Log y</source>
        <translation>Log y</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Runs that differ only in their seed form one group: the line is their mean, the band their spread.</source>
        <translation>Läufe, die sich nur im Startwert unterscheiden, bilden eine Gruppe: die Linie ist ihr Mittelwert, das Band ihre Streuung.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>band: min–max</source>
        <translation>Band: Min–Max</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>band: ± std</source>
        <translation>Band: ± Std.-Abw.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>band: ± SEM</source>
        <translation>Band: ± SEM</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The band around a group&apos;s mean: the members&apos; range, standard deviation or standard error of the mean.</source>
        <translation>Das Band um den Mittelwert einer Gruppe: Spannweite, Standardabweichung oder Standardfehler des Mittelwerts ihrer Läufe.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The table shows each run&apos;s value at this step (the nearest point at or before it); a click on a chart chooses it too.</source>
        <translation>Die Tabelle zeigt den Wert jedes Laufs bei diesem Schritt (den nächsten Punkt bei oder vor ihm); auch ein Klick in ein Diagramm wählt ihn.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Live</source>
        <translation>Live</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>While a run is going, read the store again every few seconds.</source>
        <translation>Während ein Lauf läuft, den Speicher alle paar Sekunden neu lesen.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reload</source>
        <translation>Neu laden</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>Metric</source>
        <translation>Messwert</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The parameter on the x axis (those that differ between the runs).</source>
        <translation>Der Parameter auf der x-Achse (die, in denen sich die Läufe unterscheiden).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Log x</source>
        <translation>Log x</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Final value against</source>
        <translation>Endwert gegen</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Filter: bits=2 method=dlqat g!=32 ...</source>
        <translation>Filter: bits=2 method=dlqat g!=32 ...</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Words separated by spaces, all must hold: key=value or key!=value on a parameter (full key or its last part: bits, g, method, lr_m), or text in the run&apos;s name, method or status.</source>
        <translation>Durch Leerzeichen getrennte Wörter, die alle zutreffen müssen: key=value oder key!=value für einen Parameter (voller Schlüssel oder sein letzter Teil: bits, g, method, lr_m) oder Text im Namen, in der Methode oder im Status des Laufs.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Tick the runs to compare; click a header to sort; double-click a run&apos;s colour square to change it.</source>
        <translation>Die zu vergleichenden Läufe ankreuzen; Klick auf eine Spaltenüberschrift sortiert; Doppelklick auf das Farbquadrat eines Laufs ändert seine Farbe.</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Only parameters that differ</source>
        <translation>Nur abweichende Parameter</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Metrics</source>
        <translation>Messwerte</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Config diff</source>
        <translation>Konfigurationsunterschiede</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Tasks</source>
        <translation>Aufgaben</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Scatter</source>
        <translation>Streudiagramm</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Open a run store to compare its runs.</source>
        <translation>Öffnen Sie eine Lauf-Datenbank, um ihre Läufe zu vergleichen.</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Reading runs...</source>
        <translation>Läufe werden gelesen...</translation>
    </message>
    <message numerus="yes">
        <location line="+144"/>
        <source>%n run(s) compared.</source>
        <translation>
            <numerusform>%n Lauf verglichen.</numerusform>
            <numerusform>%n Läufe verglichen.</numerusform>
        </translation>
    </message>
    <message>
        <source>step</source>
        <translation type="vanished">Schritt</translation>
    </message>
    <message>
        <source>wall time</source>
        <translation type="vanished">Uhrzeit</translation>
    </message>
    <message>
        <source>seconds since start</source>
        <translation type="vanished">Sekunden seit Start</translation>
    </message>
    <message>
        <location line="+94"/>
        <source>Colour of the run</source>
        <translation>Farbe des Laufs</translation>
    </message>
    <message>
        <location line="+147"/>
        <source>Compare: %1</source>
        <translation>Vergleich: %1</translation>
    </message>
    <message>
        <location filename="../ui/compare/compareplots.cpp" line="+33"/>
        <source>%1: no training; its value is drawn as a line</source>
        <translation>%1: kein Training; sein Wert wird als Linie gezeichnet</translation>
    </message>
    <message>
        <location line="+51"/>
        <source>%1 (smoothed %2)</source>
        <translation>%1 (geglättet %2)</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>%1 (last value)</source>
        <translation>%1 (letzter Wert)</translation>
    </message>
</context>
<context>
    <name>qat::ui::ConfigDiffModel</name>
    <message>
        <location filename="../ui/compare/comparemodels.cpp" line="+246"/>
        <source>The runs differ in this parameter.</source>
        <translation>Die Läufe unterscheiden sich in diesem Parameter.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Parameter</source>
        <translation>Parameter</translation>
    </message>
</context>
<context>
    <name>qat::ui::DeviceProbe</name>
    <message>
        <location filename="../ui/common/enginesettings.cpp" line="+184"/>
        <source>%1 devices --json failed (exit code %2)%3</source>
        <translation>%1 devices --json ist fehlgeschlagen (Exit-Code %2)%3</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Could not start the engine %1: %2</source>
        <translation>Die Engine %1 konnte nicht gestartet werden: %2</translation>
    </message>
</context>
<context>
    <name>qat::ui::EngineClient</name>
    <message>
        <location filename="../ui/common/engineclient.cpp" line="+76"/>
        <source>A run is already active; stop it first.</source>
        <translation>Es läuft bereits ein Lauf; halten Sie ihn zuerst an.</translation>
    </message>
    <message>
        <location line="+217"/>
        <source>Unknown engine event: %1</source>
        <translation>Unbekanntes Engine-Ereignis: %1</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>The engine was ended before it could report how the run ended.</source>
        <translation>Die Engine wurde beendet, bevor sie melden konnte, wie der Lauf endete.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The engine crashed.</source>
        <translation>Die Engine ist abgestürzt.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The engine exited with code %1.</source>
        <translation>Die Engine wurde mit Code %1 beendet.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Could not start the engine: %1</source>
        <translation>Die Engine konnte nicht gestartet werden: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Expected qatbench-cli at %1. Choose the engine in Settings, or set QATBENCH_CLI.</source>
        <translation>qatbench-cli wurde unter %1 erwartet. Wählen Sie die Engine in den Einstellungen oder setzen Sie QATBENCH_CLI.</translation>
    </message>
    <message>
        <source>Expected qatbench-cli at %1. Reinstall QATBench or set QATBENCH_CLI.</source>
        <translation type="vanished">qatbench-cli wurde unter %1 erwartet. Installieren Sie QATBench neu oder setzen Sie QATBENCH_CLI.</translation>
    </message>
</context>
<context>
    <name>qat::ui::EngineSettings</name>
    <message>
        <location filename="../ui/common/enginesettings.cpp" line="-159"/>
        <source>qatbench-cli</source>
        <translation>qatbench-cli</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>: built without CUDA, runs on the CPU only (README, &quot;Training on your GPU&quot;, builds one with CUDA).</source>
        <translation>: ohne CUDA gebaut, läuft nur auf der CPU (README, „Training on your GPU“, baut eine mit CUDA).</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>: built with CUDA, but it sees no GPU (driver?).</source>
        <translation>: mit CUDA gebaut, sieht aber keine GPU (Treiber?).</translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>: %n GPU(s)</source>
        <translation>
            <numerusform>: %n GPU</numerusform>
            <numerusform>: %n GPUs</numerusform>
        </translation>
    </message>
    <message>
        <location line="+8"/>
        <source>This build of qatbench-cli has no NCCL, so it cannot train on several GPUs at once: rebuild it against a LibTorch with CUDA and NCCL (see docs/SCALE.md).</source>
        <translation>Dieser Build von qatbench-cli hat kein NCCL und kann daher nicht auf mehreren GPUs zugleich trainieren: bauen Sie ihn gegen ein LibTorch mit CUDA und NCCL neu (siehe docs/SCALE.md).</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The engine&apos;s device list (devices --json) is unreadable: %1</source>
        <translation>Die Geräteliste der Engine (devices --json) ist nicht lesbar: %1</translation>
    </message>
</context>
<context>
    <name>qat::ui::EvalDialog</name>
    <message>
        <location filename="../ui/runs/evaldialog.cpp" line="+46"/>
        <source>Evaluate and generate</source>
        <translation>Auswerten und generieren</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A Hugging Face LLaMA folder</source>
        <translation>Ein Hugging-Face-LLaMA-Ordner</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A UTF-8 text file</source>
        <translation>Eine UTF-8-Textdatei</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>all</source>
        <translation>alle</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>BOS at the start of every window (bos-window)</source>
        <translation>BOS am Anfang jedes Fensters (bos-window)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Evaluate</source>
        <translation>Auswerten</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Generate</source>
        <translation>Generieren</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The model&apos;s continuation appears here (greedy).</source>
        <translation>Die Fortsetzung des Modells erscheint hier (greedy).</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Model folder</source>
        <translation>Modellordner</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Device / dtype</source>
        <translation>Gerät / Datentyp</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Perplexity on a text</source>
        <translation>Perplexität auf einem Text</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+1"/>
        <source>Text</source>
        <translation>Text</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Text (*.txt *.raw);;All files (*)</source>
        <translation>Text (*.txt *.raw);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Tokens per window</source>
        <translation>Tokens pro Fenster</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Windows at most</source>
        <translation>Höchstens Fenster</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Generation preview</source>
        <translation>Generierungsvorschau</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Prompt</source>
        <translation>Prompt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New tokens at most</source>
        <translation>Höchstens neue Tokens</translation>
    </message>
    <message>
        <location line="+81"/>
        <source>Evaluating...</source>
        <translation>Auswertung läuft...</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>could not start %1: %2</source>
        <translation>%1 konnte nicht gestartet werden: %2</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+8"/>
        <source>Failed: %1</source>
        <translation>Fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>exit code %1</source>
        <translation>Exit-Code %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>perplexity %1 (NLL %2 nats/token over %3 tokens, %4 windows)</source>
        <translation>Perplexität %1 (NLL %2 nats/Token über %3 Tokens, %4 Fenster)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1: %2 (%3 % against the result above)</source>
        <translation>%1: %2 (%3 % gegenüber dem Ergebnis oben)</translation>
    </message>
</context>
<context>
    <name>qat::ui::ExperimentForm</name>
    <message>
        <location filename="../ui/workbench/experimentform.cpp" line="+68"/>
        <source>Allowed: %1 to %2.</source>
        <translation>Erlaubt: %1 bis %2.</translation>
    </message>
    <message>
        <location line="+49"/>
        <location line="+7"/>
        <source>Method</source>
        <translation>Methode</translation>
    </message>
    <message>
        <location line="-2"/>
        <source>The quantization method. Its options appear below.</source>
        <translation>Das Quantisierungsverfahren. Seine Optionen erscheinen darunter.</translation>
    </message>
    <message>
        <source>Data</source>
        <translation type="vanished">Daten</translation>
    </message>
    <message>
        <source>Training text</source>
        <translation type="vanished">Trainingstext</translation>
    </message>
    <message>
        <source>Plain-text file the model is trained on.</source>
        <translation type="vanished">Textdatei, auf der das Modell trainiert wird.</translation>
    </message>
    <message>
        <source>Calibration text</source>
        <translation type="vanished">Kalibrierungstext</translation>
    </message>
    <message>
        <source>Text for calibrating s and z; empty = the training text.</source>
        <translation type="vanished">Text zum Kalibrieren von s und z; leer = der Trainingstext.</translation>
    </message>
    <message>
        <source>Evaluation text</source>
        <translation type="vanished">Auswertungstext</translation>
    </message>
    <message>
        <source>Held-out text for perplexity.</source>
        <translation type="vanished">Zurückgehaltener Text für die Perplexität.</translation>
    </message>
    <message>
        <source>Sequence length</source>
        <translation type="vanished">Sequenzlänge</translation>
    </message>
    <message>
        <source>Tokens per training window.</source>
        <translation type="vanished">Tokens pro Trainingsfenster.</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation type="vanished">Batchgröße</translation>
    </message>
    <message>
        <source>Windows per step.</source>
        <translation type="vanished">Fenster pro Schritt.</translation>
    </message>
    <message>
        <source>Gradient accumulation</source>
        <translation type="vanished">Gradientenakkumulation</translation>
    </message>
    <message>
        <source>Batches summed before each optimizer step.</source>
        <translation type="vanished">Batches, die vor jedem Optimiererschritt summiert werden.</translation>
    </message>
    <message>
        <source>Eval sequence length</source>
        <translation type="vanished">Sequenzlänge der Auswertung</translation>
    </message>
    <message>
        <source>Tokens per perplexity window.</source>
        <translation type="vanished">Tokens pro Perplexitätsfenster.</translation>
    </message>
    <message>
        <source>Eval windows</source>
        <translation type="vanished">Auswertungsfenster</translation>
    </message>
    <message>
        <source>At most this many eval windows; 0 = the whole file.</source>
        <translation type="vanished">Höchstens so viele Auswertungsfenster; 0 = die ganze Datei.</translation>
    </message>
    <message>
        <source>BOS in every window</source>
        <translation type="vanished">BOS in jedem Fenster</translation>
    </message>
    <message>
        <source>Start every training and evaluation window with BOS (for models pretrained that way); off: one BOS, then a running stream.</source>
        <translation type="vanished">Jedes Trainings- und Auswertungsfenster mit BOS beginnen (für Modelle, die so vortrainiert wurden); aus: ein BOS, dann ein fortlaufender Strom.</translation>
    </message>
    <message>
        <source>Training</source>
        <translation type="vanished">Training</translation>
    </message>
    <message>
        <location line="+50"/>
        <source>This method does not train: the training settings do not apply.</source>
        <translation>Diese Methode trainiert nicht: Die Trainingseinstellungen gelten nicht.</translation>
    </message>
    <message>
        <source>Training steps</source>
        <translation type="vanished">Trainingsschritte</translation>
    </message>
    <message>
        <source>Optimizer steps after calibration.</source>
        <translation type="vanished">Optimiererschritte nach der Kalibrierung.</translation>
    </message>
    <message>
        <source>Warm-up steps</source>
        <translation type="vanished">Aufwärmschritte</translation>
    </message>
    <message>
        <source>Steps of linear learning-rate warm-up.</source>
        <translation type="vanished">Schritte mit linearem Anstieg der Lernrate.</translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation type="vanished">Zeitplan</translation>
    </message>
    <message>
        <source>Learning-rate schedule after warm-up.</source>
        <translation type="vanished">Verlauf der Lernrate nach dem Aufwärmen.</translation>
    </message>
    <message>
        <source>Weight decay</source>
        <translation type="vanished">Gewichtsabnahme</translation>
    </message>
    <message>
        <source>AdamW weight decay.</source>
        <translation type="vanished">Gewichtsabnahme von AdamW.</translation>
    </message>
    <message>
        <source>Gradient clipping</source>
        <translation type="vanished">Gradientenbegrenzung</translation>
    </message>
    <message>
        <source>Maximum gradient norm; 0 = off.</source>
        <translation type="vanished">Maximale Gradientennorm; 0 = aus.</translation>
    </message>
    <message>
        <source>Evaluate every</source>
        <translation type="vanished">Auswerten alle</translation>
    </message>
    <message>
        <source>Steps between perplexity evaluations; 0 = only at the end.</source>
        <translation type="vanished">Schritte zwischen Perplexitätsauswertungen; 0 = nur am Ende.</translation>
    </message>
    <message>
        <source>Checkpoint every</source>
        <translation type="vanished">Checkpoint alle</translation>
    </message>
    <message>
        <source>Steps between checkpoints; 0 = only at the end.</source>
        <translation type="vanished">Schritte zwischen Checkpoints; 0 = nur am Ende.</translation>
    </message>
    <message>
        <source>Log every</source>
        <translation type="vanished">Protokollieren alle</translation>
    </message>
    <message>
        <source>Steps between logged metrics.</source>
        <translation type="vanished">Schritte zwischen protokollierten Messwerten.</translation>
    </message>
    <message>
        <source>Histograms every</source>
        <translation type="vanished">Histogramme alle</translation>
    </message>
    <message>
        <source>Steps between magnitude histograms; 0 = off.</source>
        <translation type="vanished">Schritte zwischen Magnituden-Histogrammen; 0 = aus.</translation>
    </message>
    <message>
        <source>Gradient checkpointing</source>
        <translation type="vanished">Gradienten-Checkpointing</translation>
    </message>
    <message>
        <source>Recompute each block in the backward pass: less memory, more time.</source>
        <translation type="vanished">Jeden Block im Rückwärtsdurchlauf neu berechnen: weniger Speicher, mehr Zeit.</translation>
    </message>
    <message>
        <source>Run</source>
        <translation type="vanished">Lauf</translation>
    </message>
    <message>
        <source>Experiment name</source>
        <translation type="vanished">Name des Experiments</translation>
    </message>
    <message>
        <source>Runs are grouped by this name in the runs table.</source>
        <translation type="vanished">Läufe werden in der Lauftabelle nach diesem Namen gruppiert.</translation>
    </message>
    <message>
        <source>Device</source>
        <translation type="vanished">Gerät</translation>
    </message>
    <message>
        <source>Where the engine runs: auto picks the first GPU, else the CPU.</source>
        <translation type="vanished">Wo die Engine läuft: auto wählt die erste GPU, sonst die CPU.</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation type="vanished">Genauigkeit</translation>
    </message>
    <message>
        <source>Compute dtype of the model.</source>
        <translation type="vanished">Rechen-Datentyp des Modells.</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation type="vanished">Startwert</translation>
    </message>
    <message>
        <source>Seed of data order and initialisation.</source>
        <translation type="vanished">Startwert für Datenreihenfolge und Initialisierung.</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Unknown method &apos;%1&apos;.</source>
        <translation>Unbekannte Methode &apos;%1&apos;.</translation>
    </message>
    <message>
        <location line="+75"/>
        <source>Choose a file</source>
        <translation>Datei wählen</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Choose a text file</source>
        <translation>Textdatei wählen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Text files (*.txt);;All files (*)</source>
        <translation>Textdateien (*.txt);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location line="+252"/>
        <source>Ready to run.</source>
        <translation>Bereit zum Start.</translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>%n problem(s) to fix before a run can start.</source>
        <translation>
            <numerusform>%n Problem muss behoben werden, bevor ein Lauf starten kann.</numerusform>
            <numerusform>%n Probleme müssen behoben werden, bevor ein Lauf starten kann.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&lt;b&gt;Model:&lt;/b&gt; none yet. Open one in the model panel.</source>
        <translation>&lt;b&gt;Modell:&lt;/b&gt; noch keines. Öffnen Sie eines im Modellbereich.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&lt;b&gt;Model:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Modell:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <location line="+123"/>
        <source>auto (first GPU, else CPU)</source>
        <translation>auto (erste GPU, sonst CPU)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>All %1 GPUs (data-parallel)</source>
        <translation>Alle %1 GPUs (datenparallel)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1 GPUs (data-parallel)</source>
        <translation>%1 GPUs (datenparallel)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>One engine process per GPU (GPUs 0 to %1, NCCL). Each takes 1/%2 of every step&apos;s batch (data.batch_size must split evenly) and the gradients are averaged: the same run as on one GPU, with the step&apos;s work split %2 ways. Rank 0 writes the run, its checkpoints and exports. See docs/SCALE.md.</source>
        <translation>Ein Engine-Prozess pro GPU (GPUs 0 bis %1, NCCL). Jeder übernimmt 1/%2 des Batches jedes Schritts (data.batch_size muss sich gleichmäßig aufteilen lassen), und die Gradienten werden gemittelt: derselbe Lauf wie auf einer GPU, die Arbeit jedes Schritts auf %2 aufgeteilt. Rang 0 schreibt den Lauf, seine Checkpoints und Exporte. Siehe docs/SCALE.md.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1: needs NCCL</source>
        <translation>%1: braucht NCCL</translation>
    </message>
</context>
<context>
    <name>qat::ui::ExplorerView</name>
    <message>
        <location filename="../ui/explorer/explorertext.cpp" line="+16"/>
        <source>What you see</source>
        <translation>Was Sie sehen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A weight matrix stores one real number per connection. To make the model small, each number is replaced by one of a few allowed values, the &lt;b&gt;levels&lt;/b&gt; (the grey lines). The dots are the original weights of one group, the crosses are what they become. The distance between them is the &lt;b&gt;rounding error&lt;/b&gt;.</source>
        <translation>Eine Gewichtsmatrix speichert eine reelle Zahl pro Verbindung. Um das Modell klein zu machen, wird jede Zahl durch einen von wenigen erlaubten Werten ersetzt, die &lt;b&gt;Stufen&lt;/b&gt; (die grauen Linien). Die Punkte sind die ursprünglichen Gewichte einer Gruppe, die Kreuze das, was aus ihnen wird. Der Abstand dazwischen ist der &lt;b&gt;Rundungsfehler&lt;/b&gt;.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Scale s</source>
        <translation>Skalierung s</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>With N bits there are 2&lt;sup&gt;N&lt;/sup&gt; levels, evenly spaced. The scale s is the spacing between two neighbouring levels. A group whose weights spread widely needs a large s, so its levels are far apart and the rounding error grows. Each weight moves by at most s/2 when it is rounded.</source>
        <translation>Mit N Bits gibt es 2&lt;sup&gt;N&lt;/sup&gt; gleichmäßig verteilte Stufen. Die Skalierung s ist der Abstand zwischen zwei benachbarten Stufen. Eine Gruppe mit weit gestreuten Gewichten braucht ein großes s, ihre Stufen liegen weit auseinander und der Rundungsfehler wächst. Beim Runden verschiebt sich jedes Gewicht um höchstens s/2.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Zero-point z</source>
        <translation>Nullpunkt z</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The levels need not be centred on zero. The integer code z marks the level that stands for the value 0, so a group whose weights are mostly positive can spend most of its levels on positive values. A weight is stored as the integer code q = round(w / s) + z and read back as s (q - z).</source>
        <translation>Die Stufen müssen nicht um null zentriert sein. Der ganzzahlige Code z markiert die Stufe, die für den Wert 0 steht; so kann eine Gruppe mit überwiegend positiven Gewichten die meisten Stufen für positive Werte verwenden. Ein Gewicht wird als ganzzahliger Code q = round(w / s) + z gespeichert und als s (q - z) zurückgelesen.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Groups</source>
        <translation>Gruppen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Every row of the matrix is cut into groups of consecutive weights (32, 64, 128, ...), and each group gets its own s and z. Smaller groups follow the local range of the weights more closely, so the error drops, but every group costs extra bits for its s and z: compare the bits per weight.</source>
        <translation>Jede Zeile der Matrix wird in Gruppen aufeinanderfolgender Gewichte zerlegt (32, 64, 128, ...), und jede Gruppe erhält ihr eigenes s und z. Kleinere Gruppen folgen dem lokalen Wertebereich genauer, der Fehler sinkt, aber jede Gruppe kostet zusätzliche Bits für ihr s und z: vergleichen Sie die Bits pro Gewicht.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Clipping</source>
        <translation>Abschneiden</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Codes must stay between 0 and 2&lt;sup&gt;N&lt;/sup&gt; - 1. A weight outside the range the levels cover is clamped to the first or last level (red). Shrinking the range on purpose clips a few outliers but makes the levels denser for all the other weights; the &apos;search&apos; rule picks the shrink factor that gives the smallest error.</source>
        <translation>Codes müssen zwischen 0 und 2&lt;sup&gt;N&lt;/sup&gt; - 1 bleiben. Ein Gewicht außerhalb des von den Stufen abgedeckten Bereichs wird auf die erste oder letzte Stufe begrenzt (rot). Ein absichtlich verkleinerter Bereich schneidet einige Ausreißer ab, macht die Stufen aber für alle anderen Gewichte dichter; die Regel &apos;search&apos; wählt den Verkleinerungsfaktor mit dem kleinsten Fehler.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Straight-through rounding</source>
        <translation>Gerade durchgereichtes Runden</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rounding is a staircase: its slope is zero almost everywhere, so training could never learn through it. Quantization-aware training pretends, only when computing gradients, that rounding was the identity. This straight-through estimator lets the gradient pass to the weights and to s and z as if the staircase were a ramp, while the forward pass still uses the rounded values.</source>
        <translation>Runden ist eine Treppe: ihre Steigung ist fast überall null, daher könnte das Training nie durch sie hindurch lernen. Quantisierungsbewusstes Training tut nur bei der Gradientenberechnung so, als wäre Runden die Identität. Dieser Straight-Through-Schätzer lässt den Gradienten zu den Gewichten und zu s und z durch, als wäre die Treppe eine Rampe, während der Vorwärtsdurchlauf weiterhin die gerundeten Werte verwendet.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>LoRA inside the grid</source>
        <translation>LoRA im Raster</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>DL-QAT leaves the original weights W&lt;sub&gt;0&lt;/sub&gt; frozen and learns a small low-rank update B A (LoRA). The update is added before rounding, Q(W&lt;sub&gt;0&lt;/sub&gt; + B A), so it can push individual weights across a rounding boundary into a neighbouring level. After training the result is again just integer codes with s and z: no adapter remains and inference costs nothing extra.</source>
        <translation>DL-QAT lässt die ursprünglichen Gewichte W&lt;sub&gt;0&lt;/sub&gt; eingefroren und lernt eine kleine Niedrigrang-Änderung B A (LoRA). Die Änderung wird vor dem Runden addiert, Q(W&lt;sub&gt;0&lt;/sub&gt; + B A), und kann so einzelne Gewichte über eine Rundungsgrenze in eine benachbarte Stufe schieben. Nach dem Training bleiben wieder nur ganzzahlige Codes mit s und z: kein Adapter bleibt übrig, die Inferenz kostet nichts extra.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The magnitude m</source>
        <translation>Die Magnitude m</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>DL-QAT also learns one number m per group, starting at 1, that stretches or shrinks all of the group&apos;s levels together: the weight used is m times the quantized value. It fixes the overall size of a group cheaply, while LoRA fixes its direction. The histogram view shows how the m of all groups spread out during training.</source>
        <translation>DL-QAT lernt außerdem eine Zahl m pro Gruppe, beginnend bei 1, die alle Stufen der Gruppe gemeinsam streckt oder staucht: verwendet wird m mal der quantisierte Wert. Sie korrigiert die Gesamtgröße einer Gruppe günstig, während LoRA ihre Richtung korrigiert. Die Histogramm-Ansicht zeigt, wie sich die m aller Gruppen während des Trainings auffächern.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Output error</source>
        <translation>Ausgabefehler</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>What matters in the end is not the weight error but how much the layer&apos;s output changes. The explorer feeds sample activations of the model through the original and the quantized layer and reports the relative difference of the two outputs.</source>
        <translation>Am Ende zählt nicht der Gewichtsfehler, sondern wie stark sich die Ausgabe der Schicht ändert. Der Explorer schickt Beispielaktivierungen des Modells durch die ursprüngliche und die quantisierte Schicht und meldet den relativen Unterschied der beiden Ausgaben.</translation>
    </message>
    <message>
        <location filename="../ui/explorer/explorerview.cpp" line="+127"/>
        <source>Pick a weight group</source>
        <translation>Gewichtsgruppe wählen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No model loaded.</source>
        <translation>Kein Modell geladen.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The output feature (row of the weight matrix).</source>
        <translation>Das Ausgabemerkmal (Zeile der Gewichtsmatrix).</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Which group of consecutive weights inside the row.</source>
        <translation>Welche Gruppe aufeinanderfolgender Gewichte innerhalb der Zeile.</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+17"/>
        <source> bits</source>
        <translation> Bits</translation>
    </message>
    <message>
        <location line="-14"/>
        <source>min/max with 0</source>
        <translation>Min/Max mit 0</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>min/max</source>
        <translation>Min/Max</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>search (clips outliers)</source>
        <translation>Suche (schneidet Ausreißer ab)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>How each group&apos;s range is chosen before s and z are computed.</source>
        <translation>Wie der Bereich jeder Gruppe gewählt wird, bevor s und z berechnet werden.</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Layer</source>
        <translation>Schicht</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Module</source>
        <translation>Modul</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Row</source>
        <translation>Zeile</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Group</source>
        <translation>Gruppe</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bits</source>
        <translation>Bits</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Group size</source>
        <translation>Gruppengröße</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Range</source>
        <translation>Bereich</translation>
    </message>
    <message>
        <location line="+51"/>
        <source>The group&apos;s weights and the levels they are rounded to</source>
        <translation>Die Gewichte der Gruppe und die Stufen, auf die sie gerundet werden</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+18"/>
        <source>input column</source>
        <translation>Eingabespalte</translation>
    </message>
    <message>
        <location line="-17"/>
        <source>weight</source>
        <translation>Gewicht</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>code q</source>
        <translation>Code q</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Rounding error Q(w) - w of each weight</source>
        <translation>Rundungsfehler Q(w) - w jedes Gewichts</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>How often each integer code is used in the whole layer</source>
        <translation>Wie oft jeder ganzzahlige Code in der ganzen Schicht verwendet wird</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>code</source>
        <translation>Code</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>weights</source>
        <translation>Gewichte</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>Open a model to explore how its weights are quantized.</source>
        <translation>Öffnen Sie ein Modell, um zu erkunden, wie seine Gewichte quantisiert werden.</translation>
    </message>
    <message>
        <location line="+121"/>
        <source>Loading %1 ...</source>
        <translation>%1 wird geladen ...</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>%1
%2 layers, hidden %3, intermediate %4
sample activations from %5</source>
        <translation>%1
%2 Schichten, verborgen %3, MLP %4
Beispielaktivierungen aus %5</translation>
    </message>
    <message>
        <location line="-358"/>
        <source>whole row (%1)</source>
        <translation>ganze Zeile (%1)</translation>
    </message>
    <message>
        <location line="+486"/>
        <source>Computing...</source>
        <translation>Wird berechnet...</translation>
    </message>
    <message>
        <location filename="../ui/explorer/explorertext.cpp" line="+27"/>
        <source>&lt;b&gt;This group&lt;/b&gt; (row %1, columns %2–%3)&lt;br&gt;scale s = %4&lt;br&gt;zero-point z = %5&lt;br&gt;%6 levels from %7 to %8&lt;br&gt;RMS rounding error = %9 (%10 of s)&lt;br&gt;largest error = %11&lt;br&gt;clipped here: %12 of %13&lt;br&gt;&lt;br&gt;&lt;b&gt;The whole layer&lt;/b&gt; (%14 × %15, %16 groups per row)&lt;br&gt;weight error ‖Q(W)−W‖/‖W‖ = %17&lt;br&gt;&lt;b&gt;output error&lt;/b&gt; on %18 sample tokens = %19&lt;br&gt;clipped weights: %20&lt;br&gt;bits per weight incl. s and z: %21&lt;br&gt;&lt;br&gt;&lt;small&gt;computed in %22 ms&lt;/small&gt;</source>
        <translation>&lt;b&gt;Diese Gruppe&lt;/b&gt; (Zeile %1, Spalten %2–%3)&lt;br&gt;Skalierung s = %4&lt;br&gt;Nullpunkt z = %5&lt;br&gt;%6 Stufen von %7 bis %8&lt;br&gt;RMS-Rundungsfehler = %9 (%10 von s)&lt;br&gt;größter Fehler = %11&lt;br&gt;hier abgeschnitten: %12 von %13&lt;br&gt;&lt;br&gt;&lt;b&gt;Die ganze Schicht&lt;/b&gt; (%14 × %15, %16 Gruppen pro Zeile)&lt;br&gt;Gewichtsfehler ‖Q(W)−W‖/‖W‖ = %17&lt;br&gt;&lt;b&gt;Ausgabefehler&lt;/b&gt; auf %18 Beispiel-Tokens = %19&lt;br&gt;abgeschnittene Gewichte: %20&lt;br&gt;Bits pro Gewicht inkl. s und z: %21&lt;br&gt;&lt;br&gt;&lt;small&gt;berechnet in %22 ms&lt;/small&gt;</translation>
    </message>
    <message>
        <location filename="../ui/explorer/explorerview.cpp" line="+49"/>
        <source>Layer %1 %2: %3 bits, %4.</source>
        <translation>Schicht %1 %2: %3 Bits, %4.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>groups of %1</source>
        <translation>Gruppen zu %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>one group per row</source>
        <translation>eine Gruppe pro Zeile</translation>
    </message>
    <message>
        <location filename="../ui/explorer/explorerplots.cpp" line="+67"/>
        <source>weight w</source>
        <translation>Gewicht w</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>quantized Q(w)</source>
        <translation>quantisiert Q(w)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>clipped</source>
        <translation>abgeschnitten</translation>
    </message>
    <message>
        <location filename="../ui/explorer/explorerview.cpp" line="+23"/>
        <source>Quantization explorer</source>
        <translation>Quantisierungs-Explorer</translation>
    </message>
    <message>
        <location line="-554"/>
        <source>query (q_proj)</source>
        <translation>Query (q_proj)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>key (k_proj)</source>
        <translation>Key (k_proj)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>value (v_proj)</source>
        <translation>Value (v_proj)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>attention output (o_proj)</source>
        <translation>Attention-Ausgabe (o_proj)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>MLP gate (gate_proj)</source>
        <translation>MLP-Gate (gate_proj)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>MLP up (up_proj)</source>
        <translation>MLP hoch (up_proj)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>MLP down (down_proj)</source>
        <translation>MLP runter (down_proj)</translation>
    </message>
    <message>
        <location line="+55"/>
        <source>the loaded weights (settings below)</source>
        <translation>die geladenen Gewichte (Einstellungen unten)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A completed run of this model from the run store: its calibrated s and z, the learned m and what LoRA moved.</source>
        <translation>Ein abgeschlossener Lauf dieses Modells aus dem Lauf-Speicher: seine kalibrierten s und z, das gelernte m und was LoRA verschoben hat.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Compare with</source>
        <translation>Vergleichen mit</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A second setting computed beside the first: the numbers side by side, its quantized values in the group plot and its output error in the overview.</source>
        <translation>Eine zweite Einstellung neben der ersten: die Zahlen nebeneinander, ihre quantisierten Werte im Gruppendiagramm und ihr Ausgabefehler in der Übersicht.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Show</source>
        <translation>Anzeigen</translation>
    </message>
    <message>
        <location line="+90"/>
        <source>Output error of every quantized linear (sample activations)</source>
        <translation>Ausgabefehler jeder quantisierten linearen Schicht (Beispiel-Aktivierungen)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>output error (%)</source>
        <translation>Ausgabefehler (%)</translation>
    </message>
    <message>
        <location line="+119"/>
        <source>Loading run #%1 ...</source>
        <translation>Lade Lauf #%1 ...</translation>
    </message>
    <message>
        <location line="+99"/>
        <source>%1 (last group partial)</source>
        <translation>%1 (letzte Gruppe unvollständig)</translation>
    </message>
    <message>
        <location filename="../ui/explorer/explorerplots.cpp" line="+8"/>
        <source>code moved by LoRA</source>
        <translation>von LoRA verschobener Code</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Q(w) at %1 bits</source>
        <translation>Q(w) bei %1 Bit</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Q(w) − w</source>
        <translation>Q(w) − w</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>LoRA update (α/r)·B·A</source>
        <translation>LoRA-Änderung (α/r)·B·A</translation>
    </message>
    <message>
        <location line="+55"/>
        <source>layer and module</source>
        <translation>Schicht und Modul</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>round to nearest</source>
        <translation>Runden auf den nächsten Wert</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>calibrated</source>
        <translation>kalibriert</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>trained</source>
        <translation>trainiert</translation>
    </message>
    <message>
        <location line="+3"/>
        <location filename="../ui/explorer/explorertext.cpp" line="+80"/>
        <source>%1 bits, g%2</source>
        <translation>%1 Bit, g%2</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../ui/explorer/explorertext.cpp" line="+1"/>
        <source>%1 bits, per row</source>
        <translation>%1 Bit, pro Zeile</translation>
    </message>
    <message>
        <location filename="../ui/explorer/explorertext.cpp" line="-45"/>
        <source>no checkpoint: only m · s is known (set training.checkpoint_every)</source>
        <translation>kein Checkpoint: nur m · s ist bekannt (training.checkpoint_every setzen)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>LoRA from the checkpoint at %1 step %2</source>
        <translation>LoRA aus dem Checkpoint bei %1 Schritt %2</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&lt;b&gt;Trained run&lt;/b&gt;: %1&lt;br&gt;&lt;b&gt;This group&lt;/b&gt;&lt;br&gt;before calibration: s = %2, z = %3&lt;br&gt;after calibration: s = %4, z = %5&lt;br&gt;learned magnitude m = %6&lt;br&gt;final step m · s = %7&lt;br&gt;codes LoRA moved: %8 of %9&lt;br&gt;&lt;br&gt;&lt;b&gt;The whole layer: output error&lt;/b&gt;&lt;br&gt;round to nearest (before calibration): %10&lt;br&gt;after calibration: %11&lt;br&gt;after training: %12&lt;br&gt;codes LoRA moved: %13&lt;br&gt;m from %14 to %15 (mean %16)&lt;br&gt;s after / before calibration (mean): %17&lt;br&gt;‖(α/r)·B·A‖ / ‖W0‖: %18&lt;br&gt;&lt;small&gt;Training lowers the model&apos;s loss, not each layer&apos;s distance to W0: a layer&apos;s output error may grow while the model gets better.&lt;/small&gt;</source>
        <translation>&lt;b&gt;Trainierter Lauf&lt;/b&gt;: %1&lt;br&gt;&lt;b&gt;Diese Gruppe&lt;/b&gt;&lt;br&gt;vor der Kalibrierung: s = %2, z = %3&lt;br&gt;nach der Kalibrierung: s = %4, z = %5&lt;br&gt;gelernte Magnitude m = %6&lt;br&gt;endgültiger Abstand m · s = %7&lt;br&gt;von LoRA verschobene Codes: %8 von %9&lt;br&gt;&lt;br&gt;&lt;b&gt;Die ganze Schicht: Ausgabefehler&lt;/b&gt;&lt;br&gt;Runden auf den nächsten Wert (vor der Kalibrierung): %10&lt;br&gt;nach der Kalibrierung: %11&lt;br&gt;nach dem Training: %12&lt;br&gt;von LoRA verschobene Codes: %13&lt;br&gt;m von %14 bis %15 (Mittel %16)&lt;br&gt;s nach / vor der Kalibrierung (Mittel): %17&lt;br&gt;‖(α/r)·B·A‖ / ‖W0‖: %18&lt;br&gt;&lt;small&gt;Das Training senkt den Verlust des Modells, nicht den Abstand jeder Schicht zu W0: der Ausgabefehler einer Schicht kann wachsen, während das Modell besser wird.&lt;/small&gt;</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>bits per weight</source>
        <translation>Bit pro Gewicht</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>group&apos;s RMS error</source>
        <translation>RMS-Fehler der Gruppe</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>weight error</source>
        <translation>Gewichtsfehler</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&lt;b&gt;output error&lt;/b&gt;</source>
        <translation>&lt;b&gt;Ausgabefehler&lt;/b&gt;</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>clipped weights</source>
        <translation>abgeschnittene Gewichte</translation>
    </message>
</context>
<context>
    <name>qat::ui::ExportDialog</name>
    <message>
        <location filename="../ui/runs/exportdialog.cpp" line="+194"/>
        <source>Q4_K (approximate: scales refit to 6 bits)</source>
        <translation>Q4_K (näherungsweise: Skalen auf 6 Bit neu angepasst)</translation>
    </message>
    <message>
        <location line="-146"/>
        <source>Export run %1</source>
        <translation>Lauf %1 exportieren</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>GGUF (llama.cpp, ollama, LM Studio)</source>
        <translation>GGUF (llama.cpp, ollama, LM Studio)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>GPTQ v2 checkpoint (GPTQModel)</source>
        <translation>GPTQ-v2-Checkpoint (GPTQModel)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hugging Face, dequantized</source>
        <translation>Hugging Face, dequantisiert</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Browse...</source>
        <translation>Durchsuchen...</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Format:</source>
        <translation>Format:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Type:</source>
        <translation>Typ:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save as:</source>
        <translation>Speichern unter:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Estimated size:</source>
        <translation>Geschätzte Größe:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bits per weight:</source>
        <translation>Bits pro Gewicht:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Trained grid:</source>
        <translation>Trainiertes Gitter:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Export</source>
        <translation>Exportieren</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel export</source>
        <translation>Export abbrechen</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Export to</source>
        <translation>Exportieren nach</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Choose a format; the estimate comes from the run&apos;s quantized state.</source>
        <translation>Wählen Sie ein Format; die Schätzung stammt aus dem quantisierten Zustand des Laufs.</translation>
    </message>
    <message>
        <location line="+77"/>
        <source>Automatic: Q4_1 for 2-4 bits, Q5_1 for 5 (exact)</source>
        <translation>Automatisch: Q4_1 für 2-4 Bit, Q5_1 für 5 (exakt)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>F16 (dequantized)</source>
        <translation>F16 (dequantisiert)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>BF16 (dequantized)</source>
        <translation>BF16 (dequantisiert)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>F32 (dequantized)</source>
        <translation>F32 (dequantisiert)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The model&apos;s own dtype</source>
        <translation>Der eigene Datentyp des Modells</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The run&apos;s bit width</source>
        <translation>Die Bitbreite des Laufs</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>estimating...</source>
        <translation>wird geschätzt...</translation>
    </message>
    <message>
        <location line="+30"/>
        <location line="+154"/>
        <source>Expected qatbench-cli at %1. Reinstall QATBench or set QATBENCH_CLI.</source>
        <translation>qatbench-cli wurde unter %1 erwartet. Installieren Sie QATBench neu oder setzen Sie QATBENCH_CLI.</translation>
    </message>
    <message>
        <location line="-151"/>
        <source>cannot export</source>
        <translation>kann nicht exportiert werden</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>%1 over the block linears</source>
        <translation>%1 über die Block-Linearschichten</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>; %1 over the whole file</source>
        <translation>; %1 über die ganze Datei</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>exact: every quantized linear holds the trained grid (fp16 scales)</source>
        <translation>exakt: jede quantisierte Linearschicht enthält das trainierte Gitter (fp16-Skalen)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>exact for %1 of %2 linears; the others are dequantized (see the warnings)</source>
        <translation>exakt für %1 von %2 Linearschichten; die übrigen sind dequantisiert (siehe Warnungen)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>approximate: the dequantized weights are rounded to a 16-bit type</source>
        <translation>näherungsweise: die dequantisierten Gewichte werden auf einen 16-Bit-Typ gerundet</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>approximate</source>
        <translation>näherungsweise</translation>
    </message>
    <message numerus="yes">
        <location line="+7"/>
        <source>%n warning(s); hover to read them</source>
        <translation>
            <numerusform>%n Warnung; zum Lesen mit der Maus darüberfahren</numerusform>
            <numerusform>%n Warnungen; zum Lesen mit der Maus darüberfahren</numerusform>
        </translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Choose where to save the export.</source>
        <translation>Wählen Sie, wo der Export gespeichert wird.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Replace export</source>
        <translation>Export ersetzen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1 exists. Replace it?</source>
        <translation>%1 existiert. Ersetzen?</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Exporting to %1...</source>
        <translation>Exportiere nach %1...</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Cancelling...</source>
        <translation>Wird abgebrochen...</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Exporting to %1: tensor %2 of %3</source>
        <translation>Exportiere nach %1: Tensor %2 von %3</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Done: %1</source>
        <translation>Fertig: %1</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>(%n warning(s))</source>
        <translation>
            <numerusform>(%n Warnung)</numerusform>
            <numerusform>(%n Warnungen)</numerusform>
        </translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Cancelled; nothing was written.</source>
        <translation>Abgebrochen; nichts wurde geschrieben.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Export failed: %1</source>
        <translation>Export fehlgeschlagen: %1</translation>
    </message>
</context>
<context>
    <name>qat::ui::HistogramStatsModel</name>
    <message>
        <location filename="../ui/histograms/histogrammodel.cpp" line="+83"/>
        <source>Step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Groups</source>
        <translation>Gruppen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Min</source>
        <translation>Min</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Max</source>
        <translation>Max</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Mean</source>
        <translation>Mittelwert</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Std</source>
        <translation>Std.-Abw.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Mean (overlay)</source>
        <translation>Mittelwert (Überlagerung)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Std (overlay)</source>
        <translation>Std.-Abw. (Überlagerung)</translation>
    </message>
</context>
<context>
    <name>qat::ui::HistogramView</name>
    <message>
        <location filename="../ui/histograms/histogramview.cpp" line="+26"/>
        <source>run %1</source>
        <translation>Lauf %1</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>step %1 · %2 values · min %3 · max %4 · mean %5 · std %6</source>
        <translation>Schritt %1 · %2 Werte · Min %3 · Max %4 · Mittel %5 · Std.-Abw. %6</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>What is measured per group: the magnitude m, the scale s, the LoRA update size or the integer code usage, as the run logged them.</source>
        <translation>Was pro Gruppe gemessen wird: die Magnitude m, die Skalierung s, die Größe der LoRA-Änderung oder die Nutzung der ganzzahligen Codes, so wie der Lauf sie protokolliert hat.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Draw the same series of a second run on top.</source>
        <translation>Dieselbe Reihe eines zweiten Laufs darüber zeichnen.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Reload</source>
        <translation>Neu laden</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Run</source>
        <translation>Lauf</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Series</source>
        <translation>Reihe</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Layer</source>
        <translation>Schicht</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Module</source>
        <translation>Modul</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Overlay</source>
        <translation>Überlagerung</translation>
    </message>
    <message>
        <location line="+26"/>
        <location line="+7"/>
        <source>share of values</source>
        <translation>Anteil der Werte</translation>
    </message>
    <message>
        <location line="-4"/>
        <source>step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Distribution against step: each column is one logged step. Right-click a column to show that step.</source>
        <translation>Verteilung über die Schritte: jede Spalte ist ein protokollierter Schritt. Rechtsklick auf eine Spalte zeigt diesen Schritt.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The logged step shown on the left.</source>
        <translation>Der links gezeigte protokollierte Schritt.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Open a run store to see the histograms its runs logged.</source>
        <translation>Öffnen Sie eine Lauf-Datenbank, um die Histogramme ihrer Läufe zu sehen.</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>(none)</source>
        <translation>(keiner)</translation>
    </message>
    <message>
        <location line="+54"/>
        <source>This run logged no histograms (DL-QAT logs them every training.histogram_every steps).</source>
        <translation>Dieser Lauf hat keine Histogramme protokolliert (DL-QAT protokolliert sie alle training.histogram_every Schritte).</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n histogram series.</source>
        <translation>
            <numerusform>%n Histogrammreihe.</numerusform>
            <numerusform>%n Histogrammreihen.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+25"/>
        <location line="+12"/>
        <source>–</source>
        <translation>–</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>The overlay run has no %1 for this layer and module.</source>
        <translation>Der überlagerte Lauf hat kein %1 für diese Schicht und dieses Modul.</translation>
    </message>
    <message>
        <location line="+52"/>
        <source>No histogram to show.</source>
        <translation>Kein Histogramm anzuzeigen.</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>step %1</source>
        <translation>Schritt %1</translation>
    </message>
    <message>
        <location line="+59"/>
        <source>Histograms: %1</source>
        <translation>Histogramme: %1</translation>
    </message>
</context>
<context>
    <name>qat::ui::MainWindow</name>
    <message>
        <location filename="../ui/shell/mainwindow.cpp" line="+36"/>
        <source>QATBench</source>
        <translation>QATBench</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Start</source>
        <translation>Start</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Experiment</source>
        <translation>Experiment</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Runs</source>
        <translation>Läufe</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Compare</source>
        <translation>Vergleich</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Histograms</source>
        <translation>Histogramme</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Explorer</source>
        <translation>Explorer</translation>
    </message>
    <message>
        <location line="+65"/>
        <source>Ready</source>
        <translation>Bereit</translation>
    </message>
    <message>
        <location line="+96"/>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Open model...</source>
        <translation>Modell ö&amp;ffnen...</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Load experiment...</source>
        <translation>Experiment &amp;laden...</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Save experiment...</source>
        <translation>Experiment &amp;speichern...</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Se&amp;ttings...</source>
        <translation>&amp;Einstellungen...</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>&amp;Run</source>
        <translation>&amp;Lauf</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Start</source>
        <translation>&amp;Starten</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Pause</source>
        <translation>&amp;Pausieren</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Resume</source>
        <translation>&amp;Fortsetzen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>S&amp;top</source>
        <translation>Anhal&amp;ten</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Run the &amp;demo</source>
        <translation>&amp;Demo ausführen</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;About QATBench</source>
        <translation>&amp;Über QATBench</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>About QATBench</source>
        <translation>Über QATBench</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&lt;b&gt;QATBench&lt;/b&gt; %1&lt;br&gt;A workbench for quantization-aware training of LLaMA-family language models.</source>
        <translation>&lt;b&gt;QATBench&lt;/b&gt; %1&lt;br&gt;Eine Werkbank für quantisierungsbewusstes Training von Sprachmodellen der LLaMA-Familie.</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>The new database is used from the next run on.</source>
        <translation>Die neue Datenbank wird ab dem nächsten Lauf verwendet.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>A run is active</source>
        <translation>Ein Lauf ist aktiv</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A run is still active. Stop it (it writes a checkpoint and can be resumed later), or let it finish and close QATBench afterwards?</source>
        <translation>Ein Lauf ist noch aktiv. Anhalten (er schreibt einen Checkpoint und kann später fortgesetzt werden) oder zu Ende laufen lassen und QATBench danach schließen?</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Stop the run</source>
        <translation>Lauf anhalten</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Let it finish</source>
        <translation>Zu Ende laufen lassen</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Stopping the run; QATBench closes when the engine has written its checkpoint.</source>
        <translation>Der Lauf wird angehalten; QATBench schließt, sobald die Engine ihren Checkpoint geschrieben hat.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>QATBench closes when the run has finished.</source>
        <translation>QATBench schließt, wenn der Lauf beendet ist.</translation>
    </message>
    <message>
        <location line="-85"/>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
</context>
<context>
    <name>qat::ui::MetricChart</name>
    <message>
        <location filename="../ui/common/metricchart.cpp" line="+40"/>
        <location line="+99"/>
        <source>Step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <location line="-79"/>
        <source>Drag to pan, wheel to zoom, double-click to follow the data again.</source>
        <translation>Ziehen zum Verschieben, Mausrad zum Zoomen, Doppelklick, um wieder den Daten zu folgen.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>%1 (raw)</source>
        <translation>%1 (roh)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>%1 (smoothed)</source>
        <translation>%1 (geglättet)</translation>
    </message>
    <message>
        <location line="+64"/>
        <source>Wall time (h:mm:ss)</source>
        <translation>Uhrzeit (h:mm:ss)</translation>
    </message>
</context>
<context>
    <name>qat::ui::ModelPanel</name>
    <message>
        <location filename="../ui/workbench/modelpanel.cpp" line="+31"/>
        <source>Open model...</source>
        <translation>Modell öffnen...</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose a Hugging Face LLaMA folder (config.json + safetensors). You can also drop a folder here.</source>
        <translation>Wählen Sie einen Hugging-Face-LLaMA-Ordner (config.json + safetensors). Sie können einen Ordner auch hierher ziehen.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Recently opened models</source>
        <translation>Zuletzt geöffnete Modelle</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No model open. Open a folder or drop one here.</source>
        <translation>Kein Modell geöffnet. Öffnen Sie einen Ordner oder ziehen Sie einen hierher.</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Open a LLaMA model folder</source>
        <translation>LLaMA-Modellordner öffnen</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Reading %1 ...</source>
        <translation>%1 wird gelesen ...</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Could not open %1:
%2</source>
        <translation>%1 konnte nicht geöffnet werden:
%2</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Layers</source>
        <translation>Schichten</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hidden size</source>
        <translation>Verborgene Größe</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>MLP size</source>
        <translation>MLP-Größe</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Heads</source>
        <translation>Köpfe</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 (key/value: %2)</source>
        <translation>%1 (Key/Value: %2)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Head size</source>
        <translation>Kopfgröße</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Vocabulary</source>
        <translation>Vokabular</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Context</source>
        <translation>Kontext</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>RoPE</source>
        <translation>RoPE</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Tied embeddings</source>
        <translation>Geteilte Einbettungen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>no</source>
        <translation>nein</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Parameters</source>
        <translation>Parameter</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Quantizable</source>
        <translation>Quantisierbar</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 (%2 %)</source>
        <translation>%1 (%2 %)</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Embedding</source>
        <translation>Einbettung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stored as</source>
        <translation>Gespeichert als</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>On disk</source>
        <translation>Auf der Festplatte</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>In memory (float32)</source>
        <translation>Im Speicher (float32)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>In memory (bfloat16)</source>
        <translation>Im Speicher (bfloat16)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Weight files</source>
        <translation>Gewichtsdateien</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tokenizer</source>
        <translation>Tokenizer</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>none found</source>
        <translation>keiner gefunden</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>No recent models</source>
        <translation>Keine zuletzt geöffneten Modelle</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Recent models...</source>
        <translation>Zuletzt geöffnete Modelle...</translation>
    </message>
    <message>
        <location line="-42"/>
        <source>Quantizable linears</source>
        <translation>Quantisierbare Linearschichten</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1 per layer × %2 layers</source>
        <translation>%1 pro Schicht × %2 Schichten</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Input features</source>
        <translation>Eingangsmerkmale</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Group sizes that fit</source>
        <translation>Passende Gruppengrößen</translation>
    </message>
    <message>
        <location line="-3"/>
        <source>0 (per channel)</source>
        <translation>0 (pro Kanal)</translation>
    </message>
</context>
<context>
    <name>qat::ui::OptionText</name>
    <message>
        <location filename="../ui/workbench/optiontext.cpp" line="+12"/>
        <source>Post-training round-to-nearest: every group&apos;s scale and zero-point from its min and max (0 included by default, the reference protocol), weights rounded once. No training.</source>
        <translation>Runden auf den nächsten Wert nach dem Training: Skalierung und Nullpunkt jeder Gruppe aus ihrem Minimum und Maximum (standardmäßig mit 0, das Referenzprotokoll), Gewichte einmal gerundet. Kein Training.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Bits</source>
        <translation>Bits</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bit-width N of the weight codes: 2^N levels per group.</source>
        <translation>Bitbreite N der Gewichtscodes: 2^N Stufen pro Gruppe.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Quantization</source>
        <translation>Quantisierung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Group size</source>
        <translation>Gruppengröße</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Consecutive input columns that share one scale and zero-point; 0 = per-channel (whole row). Must divide the row of every quantized module unless allow_partial_group is set.</source>
        <translation>Aufeinanderfolgende Eingabespalten, die sich Skalierung und Nullpunkt teilen; 0 = pro Kanal (ganze Zeile). Muss die Zeile jedes quantisierten Moduls teilen, außer allow_partial_group ist gesetzt.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Allow a partial last group</source>
        <translation>Unvollständige letzte Gruppe erlauben</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>When the group size does not divide a row, quantize the rest as a shorter last group instead of rejecting the config.</source>
        <translation>Wenn die Gruppengröße eine Zeile nicht teilt, den Rest als kürzere letzte Gruppe quantisieren, statt die Konfiguration abzulehnen.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Range init</source>
        <translation>Bereichsinitialisierung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Initial scale and zero-point: minmax0 = min/max of the group with 0 included (the RTN reference), minmax = plain min/max, search = min/max shrunk to minimize the group&apos;s squared error.</source>
        <translation>Anfängliche Skalierung und Nullpunkt: minmax0 = Min/Max der Gruppe mit 0 (die RTN-Referenz), minmax = einfaches Min/Max, search = Min/Max so verkleinert, dass der quadratische Fehler der Gruppe minimal ist.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Modules</source>
        <translation>Module</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Block linears to quantize: all, attn, mlp or a comma list of q,k,v,o,gate,up,down.</source>
        <translation>Zu quantisierende Linearschichten der Blöcke: all, attn, mlp oder eine Kommaliste aus q,k,v,o,gate,up,down.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Weight-decomposed low-rank QAT: calibrate the scale s and zero-point z of every group with the weights fixed, freeze them, then train a magnitude m per group and LoRA matrices A, B per layer: W_hat = m * Q(W0 + (alpha/r) B A). The result is an ordinary group-wise quantized weight.</source>
        <translation>Gewichtszerlegtes Niedrigrang-QAT: Skalierung s und Nullpunkt z jeder Gruppe bei festen Gewichten kalibrieren, einfrieren, dann eine Magnitude m pro Gruppe und LoRA-Matrizen A, B pro Schicht trainieren: W_hat = m * Q(W0 + (alpha/r) B A). Das Ergebnis ist ein gewöhnliches gruppenweise quantisiertes Gewicht.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>LoRA rank r</source>
        <translation>LoRA-Rang r</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rank of the LoRA update B A added to W0 inside the quantizer.</source>
        <translation>Rang der LoRA-Änderung B A, die im Quantisierer zu W0 addiert wird.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>LoRA</source>
        <translation>LoRA</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>LoRA alpha</source>
        <translation>LoRA-Alpha</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The LoRA update is scaled by alpha / r.</source>
        <translation>Die LoRA-Änderung wird mit alpha / r skaliert.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>LoRA A init</source>
        <translation>Initialisierung von LoRA A</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Init of A (r x in): kaiming = uniform(+-1/sqrt(in)) as in PEFT, gaussian = N(0, 1/r). B starts at zero, so training starts from the calibrated model.</source>
        <translation>Initialisierung von A (r x in): kaiming = gleichverteilt(+-1/sqrt(in)) wie in PEFT, gaussian = N(0, 1/r). B beginnt bei null, daher startet das Training beim kalibrierten Modell.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>LoRA inside the grid</source>
        <translation>LoRA im Raster</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ablation: q = round(W0/s + (alpha/r) B A) + z (the update in integer units, LR-QAT style) instead of round((W0 + (alpha/r) B A) / s) + z.</source>
        <translation>Ablation: q = round(W0/s + (alpha/r) B A) + z (die Änderung in ganzzahligen Einheiten, wie LR-QAT) statt round((W0 + (alpha/r) B A) / s) + z.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Train magnitude m</source>
        <translation>Magnitude m trainieren</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Train the per-group magnitude m (init 1). Off: the paper&apos;s &apos;LoRA only&apos; ablation.</source>
        <translation>Die Magnitude m pro Gruppe trainieren (Start 1). Aus: die Ablation &apos;nur LoRA&apos; des Artikels.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Training</source>
        <translation>Training</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Train LoRA</source>
        <translation>LoRA trainieren</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Train A and B. Off: the paper&apos;s &apos;m only&apos; ablation.</source>
        <translation>A und B trainieren. Aus: die Ablation &apos;nur m&apos; des Artikels.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>LR magnitude m</source>
        <translation>Lernrate Magnitude m</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>AdamW learning rate of m.</source>
        <translation>AdamW-Lernrate von m.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>LR LoRA</source>
        <translation>Lernrate LoRA</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>AdamW learning rate of A and B.</source>
        <translation>AdamW-Lernrate von A und B.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Calibration steps</source>
        <translation>Kalibrierungsschritte</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Steps that train only s and z (W0 fixed) before they are frozen; 0 = keep the init.</source>
        <translation>Schritte, die nur s und z trainieren (W0 fest), bevor sie eingefroren werden; 0 = Anfangswerte behalten.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Calibration</source>
        <translation>Kalibrierung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Calibration loss</source>
        <translation>Kalibrierungsverlust</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>next_token = language-model loss on the calibration text; distill = KL to the full-precision model&apos;s next-token distribution; block_mse = MSE of every quantized linear&apos;s output against the full-precision one.</source>
        <translation>next_token = Sprachmodell-Verlust auf dem Kalibrierungstext; distill = KL zur Nächstes-Token-Verteilung des Modells in voller Genauigkeit; block_mse = MSE der Ausgabe jeder quantisierten Linearschicht gegenüber der in voller Genauigkeit.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Training loss</source>
        <translation>Trainingsverlust</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The loss of the m + LoRA stage, as for calibration. distill keeps the model close to the full-precision one instead of fitting the training text (useful when that text is the model&apos;s own pretraining data).</source>
        <translation>Der Verlust der m + LoRA-Stufe, wie bei der Kalibrierung. distill hält das Modell nahe am Modell in voller Genauigkeit, statt den Trainingstext anzupassen (nützlich, wenn dieser Text die eigenen Vortrainingsdaten des Modells sind).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>LR scale s</source>
        <translation>Lernrate Skalierung s</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>AdamW learning rate of log s (s is learned in the log domain: the step is relative).</source>
        <translation>AdamW-Lernrate von log s (s wird logarithmisch gelernt: der Schritt ist relativ).</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>LR zero-point z</source>
        <translation>Lernrate Nullpunkt z</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>AdamW learning rate of z, in integer code units (z is rounded straight-through).</source>
        <translation>AdamW-Lernrate von z in ganzzahligen Code-Einheiten (z wird gerade durchgereicht gerundet).</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Post-training quantization with second-order error feedback: layer by layer, the inputs of each linear give a Hessian H = 2 X^T X; columns are rounded one at a time and each rounding error is spread over the remaining columns through H^-1. No training.</source>
        <translation>Quantisierung nach dem Training mit Fehlerrückführung zweiter Ordnung: Schicht für Schicht ergeben die Eingaben jeder Linearschicht eine Hesse-Matrix H = 2 X^T X; Spalten werden einzeln gerundet und jeder Rundungsfehler wird über H^-1 auf die übrigen Spalten verteilt. Kein Training.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Calibration windows</source>
        <translation>Kalibrierungsfenster</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Windows of the calibration text whose inputs form each layer&apos;s Hessian.</source>
        <translation>Fenster des Kalibrierungstexts, deren Eingaben die Hesse-Matrix jeder Schicht bilden.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>GPTQ</source>
        <translation>GPTQ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Calibration window length</source>
        <translation>Länge der Kalibrierungsfenster</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tokens per calibration window; 0 = data.seq_len.</source>
        <translation>Tokens pro Kalibrierungsfenster; 0 = data.seq_len.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Damping</source>
        <translation>Dämpfung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Added to the Hessian&apos;s diagonal, as a fraction of its mean (GPTQ&apos;s percdamp).</source>
        <translation>Zur Diagonale der Hesse-Matrix addiert, als Anteil ihres Mittelwerts (percdamp von GPTQ).</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Act-order</source>
        <translation>Aktivierungsreihenfolge</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Round columns by decreasing Hessian diagonal; the groups&apos; s, z are then fixed from W before rounding (static groups), so the result keeps contiguous groups.</source>
        <translation>Spalten nach absteigender Diagonale der Hesse-Matrix runden; s, z der Gruppen werden dann vor dem Runden aus W festgelegt (statische Gruppen), sodass das Ergebnis zusammenhängende Gruppen behält.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Block size</source>
        <translation>Blockgröße</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Columns whose error updates are applied to the rest together (lazy batch).</source>
        <translation>Spalten, deren Fehlerkorrekturen gemeinsam auf den Rest angewendet werden (Lazy Batch).</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Full quantization-aware training: every quantized weight is trained through the fake quantizer (straight-through rounding, MinMax range following the weights) with a KL distillation loss to the full-precision model, on text the full-precision model generated itself (first tokens greedy, then sampled; cached per model and settings).</source>
        <translation>Vollständiges quantisierungsbewusstes Training: jedes quantisierte Gewicht wird durch den simulierten Quantisierer trainiert (gerade durchgereichtes Runden, MinMax-Bereich folgt den Gewichten), mit einem KL-Destillationsverlust zum Modell in voller Genauigkeit, auf Text, den dieses Modell selbst erzeugt hat (erste Tokens gierig, dann gesampelt; pro Modell und Einstellungen zwischengespeichert).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>LR weights</source>
        <translation>Lernrate Gewichte</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>AdamW learning rate of the weights.</source>
        <translation>AdamW-Lernrate der Gewichte.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Quantizer range</source>
        <translation>Bereich des Quantisierers</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>dynamic = s, z recomputed from the current weights every step (LLM-QAT&apos;s MinMax); fixed = the starting grid kept.</source>
        <translation>dynamic = s, z in jedem Schritt aus den aktuellen Gewichten neu berechnet (MinMax von LLM-QAT); fixed = das Startraster bleibt.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Training text</source>
        <translation>Trainingstext</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>generated = text sampled from the full-precision model (the paper); train = data.train (ablation).</source>
        <translation>generated = aus dem Modell in voller Genauigkeit gesampelter Text (der Artikel); train = data.train (Ablation).</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Data</source>
        <translation>Daten</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Generated sequences</source>
        <translation>Erzeugte Sequenzen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sequences the full-precision model generates.</source>
        <translation>Sequenzen, die das Modell in voller Genauigkeit erzeugt.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Generated length</source>
        <translation>Erzeugte Länge</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tokens per generated sequence; 0 = data.seq_len + 1.</source>
        <translation>Tokens pro erzeugter Sequenz; 0 = data.seq_len + 1.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Greedy tokens</source>
        <translation>Gierige Tokens</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>After a random first token, this many tokens are taken by argmax; the rest are sampled (the paper uses 3 to 5).</source>
        <translation>Nach einem zufälligen ersten Token werden so viele Tokens per Argmax gewählt; der Rest wird gesampelt (der Artikel nutzt 3 bis 5).</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Temperature</source>
        <translation>Temperatur</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sampling temperature of the generated tokens after the greedy ones.</source>
        <translation>Sampling-Temperatur der erzeugten Tokens nach den gierigen.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Generation cache</source>
        <translation>Zwischenspeicher der Erzeugung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Folder of the generated-data cache; &quot;&quot; = $QATBENCH_CACHE, else $XDG_CACHE_HOME/QATBench, else ~/.cache/QATBench.</source>
        <translation>Ordner des Zwischenspeichers für erzeugte Daten; &quot;&quot; = $QATBENCH_CACHE, sonst $XDG_CACHE_HOME/QATBench, sonst ~/.cache/QATBench.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Starting grid</source>
        <translation>Startraster</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>rtn = s, z from each group&apos;s range (the init option); gptq = GPTQ&apos;s s, z and codes (its weight s (q - z) replaces W0 as the starting point).</source>
        <translation>rtn = s, z aus dem Bereich jeder Gruppe (Option init); gptq = s, z und Codes von GPTQ (sein Gewicht s (q - z) ersetzt W0 als Startpunkt).</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Initialization</source>
        <translation>Initialisierung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Quantization-aware LoRA: the base weights are quantized once and frozen; a LoRA A (r x groups), B (out x r) acts on the group-averaged input, so its update is one value per (row, group) and is merged into the zero-points after training: the result stays an integer model.</source>
        <translation>Quantisierungsbewusstes LoRA: die Basisgewichte werden einmal quantisiert und eingefroren; ein LoRA A (r x Gruppen), B (out x r) wirkt auf die über Gruppen gemittelte Eingabe, daher ist seine Änderung ein Wert pro (Zeile, Gruppe) und wird nach dem Training in die Nullpunkte übernommen: das Ergebnis bleibt ein ganzzahliges Modell.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Rank of the low-rank update.</source>
        <translation>Rang der Niedrigrang-Änderung.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The low-rank update is scaled by alpha / r.</source>
        <translation>Die Niedrigrang-Änderung wird mit alpha / r skaliert.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Init of the r x in factor: kaiming = uniform(+-1/sqrt(in)) as in PEFT, gaussian = N(0, 1/r). The other factor starts at zero, so training starts from the grid.</source>
        <translation>Initialisierung des Faktors r x in: kaiming = gleichverteilt(+-1/sqrt(in)) wie in PEFT, gaussian = N(0, 1/r). Der andere Faktor beginnt bei null, daher startet das Training beim Raster.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>LoRA inside the quantizer with a learnable grid: W_hat = s (clamp(round((W0 + (alpha/r) B A) / s) + z) - z), with A, B, the scale s and the zero-point z trained together in one stage. The result is an ordinary group-wise quantized weight.</source>
        <translation>LoRA im Quantisierer mit lernbarem Raster: W_hat = s (clamp(round((W0 + (alpha/r) B A) / s) + z) - z), wobei A, B, die Skalierung s und der Nullpunkt z gemeinsam in einer Stufe trainiert werden. Das Ergebnis ist ein gewöhnliches gruppenweise quantisiertes Gewicht.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>AdamW learning rate of log s (learned in the log domain: a relative step).</source>
        <translation>AdamW-Lernrate von log s (logarithmisch gelernt: ein relativer Schritt).</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>AdamW learning rate of z in code units (rounded straight-through).</source>
        <translation>AdamW-Lernrate von z in Code-Einheiten (gerade durchgereicht gerundet).</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Low-rank QAT: the low-rank update is added inside the integer grid, W_hat = s (clamp(round(phi(W0 / s0) + (alpha/r) A B) + z) - z), where the grid positions W0/s0 are computed once and stored down-cast (8-bit fixed point or bfloat16) instead of W0; A, B and s are trained.</source>
        <translation>Niedrigrang-QAT: die Niedrigrang-Änderung wird im ganzzahligen Raster addiert, W_hat = s (clamp(round(phi(W0 / s0) + (alpha/r) A B) + z) - z), wobei die Rasterpositionen W0/s0 einmal berechnet und statt W0 verkleinert gespeichert werden (8-Bit-Festkomma oder bfloat16); A, B und s werden trainiert.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>W0/s0 storage</source>
        <translation>Speicherung von W0/s0</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>How the fixed grid positions W0/s0 are kept: int8 = 8-bit fixed point (N integer bits, 8 - N fraction bits), bf16, or fp32 (no down-cast).</source>
        <translation>Wie die festen Rasterpositionen W0/s0 gehalten werden: int8 = 8-Bit-Festkomma (N ganzzahlige Bits, 8 - N Nachkommabits), bf16 oder fp32 (keine Verkleinerung).</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Memory</source>
        <translation>Speicher</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Free W0</source>
        <translation>W0 freigeben</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Release the model&apos;s full-precision copies of the quantized weights while training (the stored grid positions replace them); they are rewritten from the result at the end.</source>
        <translation>Die Kopien der quantisierten Gewichte in voller Genauigkeit während des Trainings freigeben (die gespeicherten Rasterpositionen ersetzen sie); am Ende werden sie aus dem Ergebnis neu geschrieben.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Options</source>
        <translation>Optionen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Evaluation</source>
        <translation>Auswertung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tasks</source>
        <translation>Aufgaben</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Multiple-choice tasks scored on the final model, as lm-evaluation-harness frames them.</source>
        <translation>Multiple-Choice-Aufgaben, auf denen das fertige Modell bewertet wird, so gestellt wie in lm-evaluation-harness.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Tasks folder</source>
        <translation>Aufgabenordner</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The folder of the task files (shared/data/tasks); required with tasks.</source>
        <translation>Der Ordner mit den Aufgabendateien (shared/data/tasks); nötig, wenn Aufgaben gewählt sind.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Questions per task</source>
        <translation>Fragen pro Aufgabe</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Score the first N questions of each task; 0 = all.</source>
        <translation>Die ersten N Fragen jeder Aufgabe bewerten; 0 = alle.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Shots</source>
        <translation>Beispiele (Shots)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Solved examples shown before each question; -1 = the task&apos;s default.</source>
        <translation>Gelöste Beispiele vor jeder Frage; -1 = die Voreinstellung der Aufgabe.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Tasks every</source>
        <translation>Aufgaben alle</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Also score the tasks during training every N steps (on the fake-quantized model); 0 = only the final model.</source>
        <translation>Die Aufgaben auch während des Trainings alle N Schritte bewerten (am fake-quantisierten Modell); 0 = nur das fertige Modell.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Questions per task during training</source>
        <translation>Fragen pro Aufgabe während des Trainings</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The first N questions of each task at the tasks_every steps; 0 = tasks_limit.</source>
        <translation>Die ersten N Fragen jeder Aufgabe bei den tasks_every-Schritten; 0 = tasks_limit.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Model folder</source>
        <translation>Modellordner</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A Hugging Face LLaMA folder: config.json, safetensors weights, tokenizer.</source>
        <translation>Ein Hugging-Face-LLaMA-Ordner: config.json, safetensors-Gewichte, Tokenizer.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Export</source>
        <translation>Export</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Formats</source>
        <translation>Formate</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Deployable files written after the final evaluation: gguf (llama.cpp), gptq (GPTQ v2 checkpoint), hf (dequantized Hugging Face checkpoint).</source>
        <translation>Einsatzfertige Dateien, die nach der abschließenden Auswertung geschrieben werden: gguf (llama.cpp), gptq (GPTQ-v2-Checkpoint), hf (dequantisierter Hugging-Face-Checkpoint).</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>GGUF type</source>
        <translation>GGUF-Typ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Block type of the quantized tensors; auto = the exact type for the run&apos;s grid.</source>
        <translation>Blocktyp der quantisierten Tensoren; auto = der exakte Typ für das Raster des Laufs.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>GGUF fallback</source>
        <translation>GGUF-Ersatztyp</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Type of the tensors the GGUF type cannot hold.</source>
        <translation>Typ der Tensoren, die der GGUF-Typ nicht aufnehmen kann.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>HF dtype</source>
        <translation>HF-Datentyp</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Dtype of the dequantized checkpoint; empty = the model&apos;s own.</source>
        <translation>Datentyp des dequantisierten Checkpoints; leer = der des Modells.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Scale parametrization</source>
        <translation>Parametrisierung der Skalierung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>log = calibration trains log s (lr_scale is a relative step, the same for every group whatever its size); linear = it trains s itself (lr_scale is in units of s, as a plain implementation of the formula does: a group with a small s then moves relatively more).</source>
        <translation>log = die Kalibrierung trainiert log s (lr_scale ist ein relativer Schritt, für jede Gruppe gleich, unabhängig von ihrer Größe); linear = sie trainiert s selbst (lr_scale ist in Einheiten von s, wie es eine einfache Umsetzung der Formel tut: eine Gruppe mit kleinem s bewegt sich dann relativ stärker).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Calibration warm-up steps</source>
        <translation>Aufwärmschritte der Kalibrierung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Linear warm-up steps of the calibration schedule (then cosine to 0); -1 = min(training.warmup_steps, calib_steps / 10).</source>
        <translation>Schritte mit linearem Anstieg im Kalibrierungsplan (danach Kosinus bis 0); -1 = min(training.warmup_steps, calib_steps / 10).</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>AdamW learning rate of log s (scale_param log: a relative step) or of s (scale_param linear).</source>
        <translation>AdamW-Lernrate von log s (scale_param log: ein relativer Schritt) oder von s (scale_param linear).</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Plain-text file the model is trained on.</source>
        <translation>Textdatei, auf der das Modell trainiert wird.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Calibration text</source>
        <translation>Kalibrierungstext</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Text for calibrating s and z; empty = the training text.</source>
        <translation>Text zum Kalibrieren von s und z; leer = der Trainingstext.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Evaluation text</source>
        <translation>Auswertungstext</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Held-out text for perplexity.</source>
        <translation>Zurückgehaltener Text für die Perplexität.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sequence length</source>
        <translation>Sequenzlänge</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tokens per training window.</source>
        <translation>Tokens pro Trainingsfenster.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Batch size</source>
        <translation>Batchgröße</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Windows per step.</source>
        <translation>Fenster pro Schritt.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Gradient accumulation</source>
        <translation>Gradientenakkumulation</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Batches summed before each optimizer step.</source>
        <translation>Batches, die vor jedem Optimiererschritt summiert werden.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Eval sequence length</source>
        <translation>Sequenzlänge der Auswertung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tokens per perplexity window.</source>
        <translation>Tokens pro Perplexitätsfenster.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Eval windows</source>
        <translation>Auswertungsfenster</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>At most this many eval windows; 0 = the whole file.</source>
        <translation>Höchstens so viele Auswertungsfenster; 0 = die ganze Datei.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>BOS in every window</source>
        <translation>BOS in jedem Fenster</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Start every training and evaluation window with BOS (for models pretrained that way); off: one BOS, then a running stream.</source>
        <translation>Jedes Trainings- und Auswertungsfenster mit BOS beginnen (für Modelle, die so vortrainiert wurden); aus: ein BOS, dann ein fortlaufender Strom.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Training steps</source>
        <translation>Trainingsschritte</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Optimizer steps after calibration.</source>
        <translation>Optimiererschritte nach der Kalibrierung.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Warm-up steps</source>
        <translation>Aufwärmschritte</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Steps of linear learning-rate warm-up.</source>
        <translation>Schritte mit linearem Anstieg der Lernrate.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Schedule</source>
        <translation>Zeitplan</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Learning-rate schedule after warm-up.</source>
        <translation>Verlauf der Lernrate nach dem Aufwärmen.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Weight decay</source>
        <translation>Gewichtsabnahme</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>AdamW weight decay.</source>
        <translation>Gewichtsabnahme von AdamW.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Gradient clipping</source>
        <translation>Gradientenbegrenzung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Maximum gradient norm; 0 = off.</source>
        <translation>Maximale Gradientennorm; 0 = aus.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Evaluate every</source>
        <translation>Auswerten alle</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Steps between perplexity evaluations; 0 = only at the end.</source>
        <translation>Schritte zwischen Perplexitätsauswertungen; 0 = nur am Ende.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Checkpoint every</source>
        <translation>Checkpoint alle</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Steps between checkpoints; 0 = only at the end.</source>
        <translation>Schritte zwischen Checkpoints; 0 = nur am Ende.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Log every</source>
        <translation>Protokollieren alle</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Steps between logged metrics.</source>
        <translation>Schritte zwischen protokollierten Messwerten.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Histograms every</source>
        <translation>Histogramme alle</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Steps between magnitude histograms; 0 = off.</source>
        <translation>Schritte zwischen Magnituden-Histogrammen; 0 = aus.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Gradient checkpointing</source>
        <translation>Gradienten-Checkpointing</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Recompute each block in the backward pass: less memory, more time.</source>
        <translation>Jeden Block im Rückwärtsdurchlauf neu berechnen: weniger Speicher, mehr Zeit.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Run</source>
        <translation>Lauf</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Experiment name</source>
        <translation>Name des Experiments</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Runs are grouped by this name in the runs table.</source>
        <translation>Läufe werden in der Lauftabelle nach diesem Namen gruppiert.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Device</source>
        <translation>Gerät</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Where the engine runs: auto picks the first GPU, else the CPU.</source>
        <translation>Wo die Engine läuft: auto wählt die erste GPU, sonst die CPU.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Precision</source>
        <translation>Genauigkeit</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Compute dtype of the model.</source>
        <translation>Rechen-Datentyp des Modells.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Seed</source>
        <translation>Startwert</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Seed of data order and initialisation.</source>
        <translation>Startwert für Datenreihenfolge und Initialisierung.</translation>
    </message>
</context>
<context>
    <name>qat::ui::RunControl</name>
    <message>
        <location filename="../ui/workbench/runcontrol.cpp" line="+28"/>
        <source>Calibration</source>
        <translation>Kalibrierung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Training</source>
        <translation>Training</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Evaluation</source>
        <translation>Auswertung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Loading</source>
        <translation>Laden</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tokenizing</source>
        <translation>Tokenisieren</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pretraining</source>
        <translation>Vortraining</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export</source>
        <translation>Exportieren</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Start run</source>
        <translation>Lauf starten</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+177"/>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <location line="-176"/>
        <source>Stop</source>
        <translation>Anhalten</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The engine finishes the current step, writes a checkpoint and ends the run.</source>
        <translation>Die Engine beendet den aktuellen Schritt, schreibt einen Checkpoint und beendet den Lauf.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The whole run: calibration, training and the evaluations, by the time each has taken so far. The clock stops while the run is paused.</source>
        <translation>Der ganze Lauf: Kalibrierung, Training und die Auswertungen, nach der Zeit, die jedes bisher gebraucht hat. Während der Lauf pausiert, steht die Uhr.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Idle</source>
        <translation>Bereit</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Engine messages appear here.</source>
        <translation>Meldungen der Engine erscheinen hier.</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Whole run</source>
        <translation>Ganzer Lauf</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Phase: %1</source>
        <translation>Phase: %1</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Run %1 started: %2, %3 steps</source>
        <translation>Lauf %1 gestartet: %2, %3 Schritte</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Paused. Resume continues from the same step.</source>
        <translation>Pausiert. Fortsetzen macht beim selben Schritt weiter.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Resumed.</source>
        <translation>Fortgesetzt.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Checkpoint at step %1: %2</source>
        <translation>Checkpoint bei Schritt %1: %2</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Evaluation at step %1: perplexity %2 over %3 tokens</source>
        <translation>Auswertung bei Schritt %1: Perplexität %2 über %3 Tokens</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Run completed.</source>
        <translation>Lauf abgeschlossen.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Run stopped. It can be resumed from its last checkpoint.</source>
        <translation>Lauf angehalten. Er kann vom letzten Checkpoint aus fortgesetzt werden.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stopped before any run had started.</source>
        <translation>Angehalten, bevor ein Lauf begonnen hatte.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Run ended: %1</source>
        <translation>Lauf beendet: %1</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Start the experiment in the background engine.</source>
        <translation>Das Experiment in der Hintergrund-Engine starten.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Stopping...</source>
        <translation>Wird angehalten...</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Paused</source>
        <translation>Pausiert</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Starting...</source>
        <translation>Wird gestartet...</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>step %1 / %2</source>
        <translation>Schritt %1 / %2</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>step %1</source>
        <translation>Schritt %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+25"/>
        <source>ETA %1</source>
        <translation>Restzeit %1</translation>
    </message>
    <message>
        <location line="-25"/>
        <source>ETA unknown</source>
        <translation>Restzeit unbekannt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 tokens/s</source>
        <translation>%1 Tokens/s</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>memory %1</source>
        <translation>Speicher %1</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>timing...</source>
        <translation>Zeitmessung...</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>calibration %1/%2</source>
        <translation>Kalibrierung %1/%2</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>training %1/%2</source>
        <translation>Training %1/%2</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>evaluations %1/%2</source>
        <translation>Auswertungen %1/%2</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>elapsed %1</source>
        <translation>vergangen %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>ETA once a step is timed</source>
        <translation>Restzeit, sobald ein Schritt gemessen ist</translation>
    </message>
    <message>
        <location line="+1"/>
        <source> + what is not timed yet</source>
        <translation> + was noch nicht gemessen ist</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>paused: the clock is stopped, %1 left when resumed</source>
        <translation>pausiert: die Uhr steht, %1 übrig nach dem Fortsetzen</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>warning: </source>
        <translation>Warnung: </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>error: </source>
        <translation>Fehler: </translation>
    </message>
    <message>
        <location line="+23"/>
        <source>The run failed: %1</source>
        <translation>Der Lauf ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Done</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <location filename="../ui/common/format.cpp" line="+45"/>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
</context>
<context>
    <name>qat::ui::RunFilesDialog</name>
    <message>
        <location filename="../ui/runs/runfiles.cpp" line="+35"/>
        <source>checkpoint</source>
        <translation>Checkpoint</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>export</source>
        <translation>Export</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>other</source>
        <translation>andere</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Files of %1</source>
        <translation>Dateien von %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This run has no work directory.</source>
        <translation>Dieser Lauf hat kein Arbeitsverzeichnis.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>No files yet.</source>
        <translation>Noch keine Dateien.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The work directory is gone (moved or deleted).</source>
        <translation>Das Arbeitsverzeichnis ist weg (verschoben oder gelöscht).</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n file(s), %1</source>
        <translation>
            <numerusform>%n Datei, %1</numerusform>
            <numerusform>%n Dateien, %1</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Open folder</source>
        <translation>Ordner öffnen</translation>
    </message>
</context>
<context>
    <name>qat::ui::RunsModel</name>
    <message>
        <location filename="../ui/common/runsmodel.cpp" line="+55"/>
        <source>queued</source>
        <translation>wartend</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>paused</source>
        <translation>pausiert</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>completed</source>
        <translation>abgeschlossen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>stopped</source>
        <translation>angehalten</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>interrupted</source>
        <translation>unterbrochen</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Run</source>
        <translation>Lauf</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Method</source>
        <translation>Methode</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Bits</source>
        <translation>Bits</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Group</source>
        <translation>Gruppe</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Rank</source>
        <translation>Rang</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Final PPL</source>
        <translation>PPL am Ende</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Best PPL</source>
        <translation>Beste PPL</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Started</source>
        <translation>Gestartet</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Tags</source>
        <translation>Schlagwörter</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>row</source>
        <translation>Zeile</translation>
    </message>
</context>
<context>
    <name>qat::ui::RunsView</name>
    <message>
        <location filename="../ui/runs/runsview.cpp" line="+67"/>
        <source>Filter runs (name, method, tag, ...)</source>
        <translation>Läufe filtern (Name, Methode, Schlagwort, ...)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>All statuses</source>
        <translation>Alle Status</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Open charts</source>
        <translation>Diagramme öffnen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Show the selected run&apos;s charts (or double-click it).</source>
        <translation>Die Diagramme des gewählten Laufs zeigen (oder doppelklicken).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rename...</source>
        <translation>Umbenennen...</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Rename the selected run (or edit its name in the table).</source>
        <translation>Den gewählten Lauf umbenennen (oder seinen Namen in der Tabelle bearbeiten).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tags...</source>
        <translation>Schlagwörter...</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Edit the selected run&apos;s tags.</source>
        <translation>Die Schlagwörter des gewählten Laufs bearbeiten.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete...</source>
        <translation>Löschen...</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Delete the selected run and its metrics from the database.</source>
        <translation>Den gewählten Lauf und seine Messwerte aus der Datenbank löschen.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Export...</source>
        <translation>Exportieren...</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Export the selected completed run for llama.cpp (GGUF), GPTQModel or as a Hugging Face checkpoint.</source>
        <translation>Den gewählten abgeschlossenen Lauf für llama.cpp (GGUF), GPTQModel oder als Hugging-Face-Checkpoint exportieren.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Read the database again.</source>
        <translation>Die Datenbank neu lesen.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Continue the selected stopped, interrupted or failed run from its last checkpoint (same run, live in the Experiment view).</source>
        <translation>Den gewählten angehaltenen, unterbrochenen oder fehlgeschlagenen Lauf vom letzten Checkpoint aus fortsetzen (derselbe Lauf, live in der Experiment-Ansicht).</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Clone</source>
        <translation>Klonen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Load the selected run&apos;s experiment into the form, to change and run it.</source>
        <translation>Das Experiment des gewählten Laufs ins Formular laden, um es zu ändern und zu starten.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>FP baseline</source>
        <translation>FP-Referenz</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>The full-precision model on the run&apos;s evaluation text with the run&apos;s protocol, next to the run&apos;s perplexity.</source>
        <translation>Das Modell in voller Genauigkeit auf dem Auswertungstext des Laufs mit dessen Protokoll, neben der Perplexität des Laufs.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Evaluate...</source>
        <translation>Auswerten...</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+109"/>
        <source>The run&apos;s model on any text, and a short generation preview.</source>
        <translation>Das Modell des Laufs auf einem beliebigen Text und eine kurze Generierungsvorschau.</translation>
    </message>
    <message>
        <location line="-108"/>
        <source>Files...</source>
        <translation>Dateien...</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>The run&apos;s checkpoints and exports with their sizes.</source>
        <translation>Die Checkpoints und Exporte des Laufs mit ihren Größen.</translation>
    </message>
    <message numerus="yes">
        <location line="+58"/>
        <source>%n run(s) in %1</source>
        <translation>
            <numerusform>%n Lauf in %1</numerusform>
            <numerusform>%n Läufe in %1</numerusform>
        </translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Database: %1</source>
        <translation>Datenbank: %1</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>This run has no dequantized model (export/hf) yet: the original model is offered instead.</source>
        <translation>Dieser Lauf hat noch kein dequantisiertes Modell (export/hf): stattdessen wird das ursprüngliche Modell angeboten.</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>run %1 (%2)</source>
        <translation>Lauf %1 (%2)</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Evaluate and generate: %1</source>
        <translation>Auswerten und generieren: %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1, its final evaluation</source>
        <translation>%1, seine abschließende Auswertung</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Full-precision baseline of %1</source>
        <translation>Referenz in voller Genauigkeit für %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1, quantized</source>
        <translation>%1, quantisiert</translation>
    </message>
    <message>
        <location line="+49"/>
        <source>Rename run</source>
        <translation>Lauf umbenennen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>New name:</source>
        <translation>Neuer Name:</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Edit tags</source>
        <translation>Schlagwörter bearbeiten</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Tags, separated by commas:</source>
        <translation>Schlagwörter, durch Kommas getrennt:</translation>
    </message>
    <message>
        <location line="+11"/>
        <location line="+5"/>
        <source>Delete run</source>
        <translation>Lauf löschen</translation>
    </message>
    <message>
        <location line="-5"/>
        <source>This run is still active. Stop it first.</source>
        <translation>Dieser Lauf ist noch aktiv. Halten Sie ihn zuerst an.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Delete run &quot;%1&quot; with all its metrics? Checkpoint files on disk are kept.</source>
        <translation>Lauf „%1“ mit allen Messwerten löschen? Checkpoint-Dateien auf der Festplatte bleiben erhalten.</translation>
    </message>
</context>
<context>
    <name>qat::ui::SettingsDialog</name>
    <message>
        <location filename="../ui/shell/settingsdialog.cpp" line="+24"/>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Default</source>
        <translation>Standard</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The CLI&apos;s default: $QATBENCH_DB, else ~/.local/share/QATBench/runs.db</source>
        <translation>Die Vorgabe der CLI: $QATBENCH_DB, sonst ~/.local/share/QATBench/runs.db</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Automatic: %1</source>
        <translation>Automatisch: %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The qatbench-cli that runs experiments. Empty: $QATBENCH_CLI, else a CUDA build at %1 (README&apos;s GPU recipe), else the one next to QATBench.</source>
        <translation>Das qatbench-cli, das die Experimente ausführt. Leer: $QATBENCH_CLI, sonst ein CUDA-Build unter %1 (GPU-Anleitung im README), sonst das neben QATBench.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Automatic</source>
        <translation>Automatisch</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Check</source>
        <translation>Prüfen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ask this engine which devices it can use (qatbench-cli devices --json).</source>
        <translation>Diese Engine fragen, welche Geräte sie nutzen kann (qatbench-cli devices --json).</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>System language</source>
        <translation>Systemsprache</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>A new language applies after QATBench restarts.</source>
        <translation>Eine neue Sprache gilt nach einem Neustart von QATBench.</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+15"/>
        <source>Run database</source>
        <translation>Lauf-Datenbank</translation>
    </message>
    <message>
        <location line="-14"/>
        <source>Engine</source>
        <translation>Engine</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Default device</source>
        <translation>Standardgerät</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>QATBench database (*.db);;All files (*)</source>
        <translation>QATBench-Datenbank (*.db);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Engine (qatbench-cli)</source>
        <translation>Engine (qatbench-cli)</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Asking %1 for its devices...</source>
        <translation>Frage %1 nach seinen Geräten...</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>The device a new experiment starts with; with several GPUs also a data-parallel run on k of them (one engine process per GPU, docs/SCALE.md).</source>
        <translation>Das Gerät, mit dem ein neues Experiment beginnt; bei mehreren GPUs auch ein datenparalleler Lauf auf k davon (ein Engine-Prozess pro GPU, docs/SCALE.md).</translation>
    </message>
    <message>
        <source>auto (first GPU, else CPU)</source>
        <translation type="vanished">auto (erste GPU, sonst CPU)</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation type="vanished">CPU</translation>
    </message>
</context>
<context>
    <name>qat::ui::TaskTable</name>
    <message>
        <location filename="../ui/common/tasktable.cpp" line="+179"/>
        <source>Select a run to see its task scores.</source>
        <translation>Wählen Sie einen Lauf, um seine Aufgabenergebnisse zu sehen.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Run &quot;%1&quot; has no task scores: add tasks to the experiment&apos;s evaluation section (docs/EVAL.md), or score its export with qatbench-cli tasks.</source>
        <translation>Lauf „%1“ hat keine Aufgabenergebnisse: fügen Sie dem Abschnitt evaluation des Experiments Aufgaben hinzu (docs/EVAL.md) oder bewerten Sie seinen Export mit qatbench-cli tasks.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Tasks of run &quot;%1&quot;, scored as lm-evaluation-harness scores them:</source>
        <translation>Aufgaben des Laufs „%1“, bewertet wie von lm-evaluation-harness:</translation>
    </message>
</context>
<context>
    <name>qat::ui::TaskTableModel</name>
    <message>
        <location line="-168"/>
        <source>n/a</source>
        <translation>k. A.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1-shot</source>
        <translation>%1-shot</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>first %1 per subject</source>
        <translation>erste %1 je Fach</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>first %1</source>
        <translation>erste %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>all questions</source>
        <translation>alle Fragen</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n truncated</source>
        <translation>
            <numerusform>%n gekürzt</numerusform>
            <numerusform>%n gekürzt</numerusform>
        </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>step %1</source>
        <translation>Schritt %1</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Weighted by subject size, as the harness&apos;s &quot;mmlu&quot;; macro average over subjects: %1 %</source>
        <translation>Nach Fachgröße gewichtet, wie „mmlu“ im Harness; Makromittel über die Fächer: %1 %</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The harness reports acc only for this task.</source>
        <translation>Der Harness meldet für diese Aufgabe nur acc.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Expected accuracy of a uniform guess: the mean of 1 / choices.</source>
        <translation>Erwartete Genauigkeit bei gleichverteiltem Raten: der Mittelwert von 1 / Antwortmöglichkeiten.</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>Task</source>
        <translation>Aufgabe</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>n</source>
        <translation>n</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>acc % ± stderr</source>
        <translation>acc % ± Std.-Fehler</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>acc_norm % ± stderr</source>
        <translation>acc_norm % ± Std.-Fehler</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>chance %</source>
        <translation>Zufall %</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Protocol</source>
        <translation>Protokoll</translation>
    </message>
</context>
<context>
    <name>qat::ui::WelcomeView</name>
    <message>
        <location filename="../ui/shell/welcomeview.cpp" line="+41"/>
        <source>&lt;h1&gt;QATBench&lt;/h1&gt;</source>
        <translation>&lt;h1&gt;QATBench&lt;/h1&gt;</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Quantization-aware training for LLaMA-family models: open a checkpoint, choose bits, group size and LoRA rank, then calibrate and train with DL-QAT and watch loss, perplexity and per-group magnitudes live.</source>
        <translation>Quantisierungsbewusstes Training für Modelle der LLaMA-Familie: Checkpoint öffnen, Bits, Gruppengröße und LoRA-Rang wählen, dann mit DL-QAT kalibrieren und trainieren und Verlust, Perplexität und Magnituden pro Gruppe live verfolgen.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Open model...</source>
        <translation>Modell öffnen...</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Run the demo</source>
        <translation>Demo ausführen</translation>
    </message>
    <message>
        <source>Builds a small LLaMA on this computer and compares full precision, RTN and DL-QAT. No download needed.</source>
        <translation type="vanished">Erstellt ein kleines LLaMA auf diesem Rechner und vergleicht volle Genauigkeit, RTN und DL-QAT. Kein Download nötig.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Builds a small LLaMA on this computer, then quantizes it with RTN and DL-QAT at 3 and 2 bits as real runs: their curves are drawn live, and they stay in Runs, Compare and Histograms. No download needed.</source>
        <translation>Baut auf diesem Rechner ein kleines LLaMA und quantisiert es dann mit RTN und DL-QAT auf 3 und 2 Bit als echte Läufe: ihre Kurven werden live gezeichnet, und sie bleiben in Läufe, Vergleich und Histogramme. Kein Download nötig.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Click a model to open it.</source>
        <translation>Ein Klick öffnet das Modell.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Click a run to show its charts.</source>
        <translation>Ein Klick zeigt die Diagramme des Laufs.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>&lt;b&gt;Recent models&lt;/b&gt;</source>
        <translation>&lt;b&gt;Zuletzt geöffnete Modelle&lt;/b&gt;</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&lt;b&gt;Recent runs&lt;/b&gt;</source>
        <translation>&lt;b&gt;Letzte Läufe&lt;/b&gt;</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>No model opened yet.</source>
        <translation>Noch kein Modell geöffnet.</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>perplexity %1</source>
        <translation>Perplexität %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>No run yet: open a model or run the demo.</source>
        <translation>Noch kein Lauf: öffnen Sie ein Modell oder starten Sie die Demo.</translation>
    </message>
</context>
<context>
    <name>qat::ui::WorkbenchView</name>
    <message>
        <location filename="../ui/workbench/workbenchview.cpp" line="+33"/>
        <source>Load...</source>
        <translation>Laden...</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Load an experiment JSON file.</source>
        <translation>Eine Experiment-JSON-Datei laden.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save...</source>
        <translation>Speichern...</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save the experiment as JSON (the same file `qatbench-cli run --config` reads).</source>
        <translation>Das Experiment als JSON speichern (dieselbe Datei, die `qatbench-cli run --config` liest).</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&lt;b&gt;Experiment&lt;/b&gt;</source>
        <translation>&lt;b&gt;Experiment&lt;/b&gt;</translation>
    </message>
    <message>
        <source>%1 - %2, %3</source>
        <translation type="vanished">%1 - %2, %3</translation>
    </message>
    <message>
        <location line="+71"/>
        <source>Fix the experiment&apos;s problems first (shown in red).</source>
        <translation>Beheben Sie zuerst die Probleme des Experiments (rot markiert).</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Demo: run %1 (%2) - live</source>
        <translation>Demo: Lauf %1 (%2) - live</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Run %1 (%2) - live</source>
        <translation>Lauf %1 (%2) - live</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Cannot create %1</source>
        <translation>%1 kann nicht angelegt werden</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Start run</source>
        <translation>Lauf starten</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The experiment has problems; they are shown in red in the form.</source>
        <translation>Das Experiment hat Probleme; sie sind im Formular rot markiert.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Could not write the experiment file.</source>
        <translation>Die Experimentdatei konnte nicht geschrieben werden.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Starting...</source>
        <translation>Wird gestartet...</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Experiment: %1</source>
        <translation>Experiment: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+22"/>
        <source>Database: %1</source>
        <translation>Datenbank: %1</translation>
    </message>
    <message>
        <location line="-18"/>
        <source>Data-parallel on %1 GPUs: one engine process per GPU, each with 1/%1 of every step&apos;s batch (qatbench-cli run --gpus %1).</source>
        <translation>Datenparallel auf %1 GPUs: ein Engine-Prozess pro GPU, jeder mit 1/%1 des Batches jedes Schritts (qatbench-cli run --gpus %1).</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Demo: pretraining a small LLaMA...</source>
        <translation>Demo: ein kleines LLaMA wird vortrainiert...</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Running the demo: a small LLaMA is built and pretrained here, then quantized with RTN and DL-QAT at 3 and 2 bits. Each of those is a real run in the database: its curves are drawn live and it stays in Runs, Compare and Histograms. No download needed.</source>
        <translation>Die Demo läuft: ein kleines LLaMA wird hier gebaut und vortrainiert, dann mit RTN und DL-QAT auf 3 und 2 Bit quantisiert. Jeder davon ist ein echter Lauf in der Datenbank: seine Kurven werden live gezeichnet, und er bleibt in Läufe, Vergleich und Histogramme. Kein Download nötig.</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Resume run</source>
        <translation>Lauf fortsetzen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>A run is active; stop it first.</source>
        <translation>Ein Lauf ist aktiv; halten Sie ihn zuerst an.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Resuming run %1...</source>
        <translation>Lauf %1 wird fortgesetzt...</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Resuming run %1 from its last checkpoint.</source>
        <translation>Lauf %1 wird vom letzten Checkpoint aus fortgesetzt.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>It ran on %1 GPUs and continues on as many (data-parallel).</source>
        <translation>Er lief auf %1 GPUs und wird auf ebenso vielen fortgesetzt (datenparallel).</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>It ran on %1 GPUs; the engine lists %2, so it continues as one process (the same run: the batch of each step does not change).</source>
        <translation>Er lief auf %1 GPUs; die Engine meldet %2, daher wird er als ein Prozess fortgesetzt (derselbe Lauf: der Batch jedes Schritts ändert sich nicht).</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Clone run</source>
        <translation>Lauf klonen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>The run&apos;s stored experiment is not a JSON object.</source>
        <translation>Das gespeicherte Experiment des Laufs ist kein JSON-Objekt.</translation>
    </message>
    <message>
        <source>Demo</source>
        <translation type="vanished">Demo</translation>
    </message>
    <message>
        <source>Running the demo: a small LLaMA is built and trained here, then compared in full precision, RTN and DL-QAT. No download needed.</source>
        <translation type="vanished">Die Demo läuft: ein kleines LLaMA wird hier erstellt und trainiert und dann in voller Genauigkeit, mit RTN und mit DL-QAT verglichen. Kein Download nötig.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Open run</source>
        <translation>Lauf öffnen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A run is active; its live charts stay on screen.</source>
        <translation>Ein Lauf ist aktiv; seine Live-Diagramme bleiben sichtbar.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Run %1: %2</source>
        <translation>Lauf %1: %2</translation>
    </message>
    <message>
        <location line="+11"/>
        <location line="+4"/>
        <source>Load experiment</source>
        <translation>Experiment laden</translation>
    </message>
    <message>
        <location line="-3"/>
        <source>Experiment JSON (*.json);;All files (*)</source>
        <translation>Experiment-JSON (*.json);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location line="+10"/>
        <location line="+4"/>
        <source>Save experiment</source>
        <translation>Experiment speichern</translation>
    </message>
    <message>
        <location line="-4"/>
        <source>Experiment JSON (*.json)</source>
        <translation>Experiment-JSON (*.json)</translation>
    </message>
</context>
</TS>
