<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>QToolButton</name>
    <message>
        <location filename="../ui/common/plotexport.cpp" line="+100"/>
        <location line="+7"/>
        <location line="+5"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location line="-11"/>
        <source>Save this view as a PNG image, a PDF document or CSV data.</source>
        <translation>将此视图保存为 PNG 图像、PDF 文档或 CSV 数据。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Could not write %1.</source>
        <translation>无法写入 %1。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>PNG image...</source>
        <translation>PNG 图像...</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>PNG image (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>PDF document...</source>
        <translation>PDF 文档...</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>PDF document (*.pdf)</source>
        <translation>PDF 文档 (*.pdf)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>CSV data...</source>
        <translation>CSV 数据...</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>CSV data (*.csv)</source>
        <translation>CSV 数据 (*.csv)</translation>
    </message>
</context>
<context>
    <name>qat::ui::ChartPanel</name>
    <message>
        <location filename="../ui/workbench/chartpanel.cpp" line="+33"/>
        <source>x: step</source>
        <translation>x: 步数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>x: wall time</source>
        <translation>x: 实际时间</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Log scale</source>
        <translation>对数刻度</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Logarithmic y axis for loss and perplexity.</source>
        <translation>损失和困惑度使用对数 y 轴。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Smoothing </source>
        <translation>平滑 </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Weight of the exponential moving average drawn over the raw training loss.</source>
        <translation>绘制在原始训练损失上的指数移动平均的权重。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Follow</source>
        <translation>跟随</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show all data again and follow new points (or double-click a chart).</source>
        <translation>重新显示全部数据并跟随新数据点（或双击图表）。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>PNG image...</source>
        <translation>PNG 图像...</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>PDF document...</source>
        <translation>PDF 文档...</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CSV data...</source>
        <translation>CSV 数据...</translation>
    </message>
    <message>
        <source>Training loss</source>
        <translation type="vanished">训练损失</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>loss</source>
        <translation type="vanished">损失</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Evaluation perplexity</source>
        <translation>评估困惑度</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Perplexity</source>
        <translation>困惑度</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No loss logged yet: start a run or open a past one.</source>
        <translation>尚未记录损失：请开始一次运行或打开以往的运行。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No evaluation yet: one every training.eval_every steps (when &gt; 0) and one at the end.</source>
        <translation>尚无评估：每 training.eval_every 步评估一次（大于 0 时），结束时再评估一次。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No learning rate logged yet.</source>
        <translation>尚未记录学习率。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Task accuracy</source>
        <translation>任务准确率</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <location line="+99"/>
        <source>calibration loss</source>
        <translation>校准损失</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>training loss</source>
        <translation>训练损失</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>calibration</source>
        <translation>校准</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>training</source>
        <translation>训练</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>perplexity</source>
        <translation>困惑度</translation>
    </message>
    <message>
        <location line="-146"/>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>No data yet</source>
        <translation type="vanished">暂无数据</translation>
    </message>
    <message>
        <source>No data yet: start a run or open a past one.</source>
        <translation type="vanished">暂无数据：请开始一次运行或打开以前的运行。</translation>
    </message>
    <message>
        <location line="+198"/>
        <source>PNG image (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>PDF document (*.pdf)</source>
        <translation>PDF 文档 (*.pdf)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CSV data (*.csv)</source>
        <translation>CSV 数据 (*.csv)</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+6"/>
        <source>Export charts</source>
        <translation>导出图表</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Could not write %1.</source>
        <translation>无法写入 %1。</translation>
    </message>
</context>
<context>
    <name>qat::ui::CompareChart</name>
    <message>
        <location filename="../ui/compare/comparechart.cpp" line="+43"/>
        <source>Hover for every run&apos;s value; click to choose that step; drag to pan, wheel to zoom, double-click to fit.</source>
        <translation>悬停显示每个运行的值；单击选择该步；拖动平移，滚轮缩放，双击适配。</translation>
    </message>
    <message>
        <location line="+53"/>
        <source>step</source>
        <translation>步数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>wall time</source>
        <translation>挂钟时间</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>seconds since start</source>
        <translation>自开始以来的秒数</translation>
    </message>
    <message>
        <location line="+125"/>
        <source>step %1</source>
        <translation>第 %1 步</translation>
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
        <translation>运行</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>At step %1</source>
        <translation>第 %1 步</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>(from step)</source>
        <translation>（来自步数）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Final</source>
        <translation>最终</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Final step</source>
        <translation>最终步数</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Best (lowest)</source>
        <translation>最佳（最低）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Best (highest)</source>
        <translation>最佳（最高）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Best (–)</source>
        <translation>最佳 (–)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Best step</source>
        <translation>最佳步数</translation>
    </message>
</context>
<context>
    <name>qat::ui::CompareRunsModel</name>
    <message>
        <location line="-215"/>
        <source>Double-click the colour square to change the run&apos;s colour.</source>
        <translation>双击颜色方块可更改该运行的颜色。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>run %1</source>
        <translation>运行 %1</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Method</source>
        <translation>方法</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Started</source>
        <translation>开始时间</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Final</source>
        <translation>最终</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Best ↓</source>
        <translation>最佳 ↓</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Best ↑</source>
        <translation>最佳 ↑</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Best</source>
        <translation>最佳</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Min</source>
        <translation>最小</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Max</source>
        <translation>最大</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Last</source>
        <translation>最后</translation>
    </message>
</context>
<context>
    <name>qat::ui::CompareTasksModel</name>
    <message>
        <location filename="../ui/compare/comparetasks.cpp" line="+140"/>
        <source>%1 (baseline)</source>
        <translation>%1（基线）</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>%1 was not scored on %2.</source>
        <translation>%1 未在 %2 上评测。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 %2: %3 % over %4 questions (%5)</source>
        <translation>%1 %2：%3 %，共 %4 道题（%5）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Difference to the baseline: %1 points (standard error %2)</source>
        <translation>与基线之差：%1 个百分点（标准误 %2）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>n/a</source>
        <translation>无</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Scored on other questions or shots than the baseline: the difference compares different things.</source>
        <translation>评测所用题目或示例数与基线不同：该差值比较的是不同的东西。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Run</source>
        <translation>运行</translation>
    </message>
</context>
<context>
    <name>qat::ui::CompareTasksPanel</name>
    <message>
        <location line="+34"/>
        <source>The run the others are compared with.</source>
        <translation>其他运行与之比较的运行。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Task scores</source>
        <translation>任务得分</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Baseline</source>
        <translation>基线</translation>
    </message>
    <message>
        <location line="+48"/>
        <source>Tick runs to compare their task scores.</source>
        <translation>勾选运行以比较其任务得分。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>None of the compared runs has task scores: add tasks to the experiment&apos;s evaluation section (docs/EVAL.md).</source>
        <translation>所比较的运行都没有任务得分：请在实验的 evaluation 部分添加任务（docs/EVAL.md）。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Accuracy in % ± standard error; in brackets the difference to the baseline in points, green or red where it exceeds twice its standard error.</source>
        <translation>准确率（%）± 标准误；括号内为与基线之差（百分点），超过两倍标准误时以绿色或红色显示。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>≠: scored on other questions or shots than the baseline, so that difference compares different things.</source>
        <translation>≠：评测所用题目或示例数与基线不同，该差值比较的是不同的东西。</translation>
    </message>
</context>
<context>
    <name>qat::ui::CompareView</name>
    <message numerus="yes">
        <location filename="../ui/compare/compareview.cpp" line="+288"/>
        <source>%n run(s) in the store.</source>
        <translation>
            <numerusform>数据库中有 %n 个运行。</numerusform>
        </translation>
    </message>
    <message>
        <source>Tick the runs to compare; double-click a run&apos;s colour square to change it.</source>
        <translation type="vanished">勾选要比较的运行；双击运行的颜色方块可更改颜色。</translation>
    </message>
    <message>
        <source>The metric drawn and summarized.</source>
        <translation type="vanished">绘制并汇总的指标。</translation>
    </message>
    <message>
        <location line="-219"/>
        <source>x: step</source>
        <translation>x: 步数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>x: wall time</source>
        <translation>x: 实际时间</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>x: time since start</source>
        <translation>x: 自开始以来的时间</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Group by parameters</source>
        <translation>按参数分组</translation>
    </message>
    <message>
        <source>Runs that differ only in their seed form one group: the line is their mean, the band spans their minimum and maximum.</source>
        <translation type="vanished">仅随机种子不同的运行组成一组：线条是它们的平均值，色带覆盖最小值到最大值。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Step </source>
        <translation>步数 </translation>
    </message>
    <message>
        <source>The table shows each run&apos;s value at this step (the nearest point at or before it).</source>
        <translation type="vanished">表格显示每个运行在该步的值（该步或之前最近的数据点）。</translation>
    </message>
    <message>
        <location line="-29"/>
        <source>The metric of the first chart, of the tables and of the scatter plot.</source>
        <translation>第一个图表、表格和散点图所用的指标。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Panels</source>
        <translation>面板</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>More metrics as charts beside the first one.</source>
        <translation>在第一个图表旁以图表显示更多指标。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Smoothing </source>
        <translation>平滑 </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Debiased exponential moving average, as in the live charts and TensorBoard (0 = raw values). Tables always show raw values.</source>
        <translation>去偏的指数移动平均，与实时图表和 TensorBoard 相同（0 = 原始值）。表格始终显示原始值。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Log y</source>
        <translation>对数 y</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Runs that differ only in their seed form one group: the line is their mean, the band their spread.</source>
        <translation>仅随机种子不同的运行组成一组：线为其均值，带为其离散程度。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>band: min–max</source>
        <translation>带：最小–最大</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>band: ± std</source>
        <translation>带：± 标准差</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>band: ± SEM</source>
        <translation>带：± 标准误</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The band around a group&apos;s mean: the members&apos; range, standard deviation or standard error of the mean.</source>
        <translation>组均值周围的带：成员的范围、标准差或均值的标准误。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The table shows each run&apos;s value at this step (the nearest point at or before it); a click on a chart chooses it too.</source>
        <translation>表格显示每个运行在此步的值（该步或之前最近的点）；在图表上单击也可选择该步。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Live</source>
        <translation>实时</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>While a run is going, read the store again every few seconds.</source>
        <translation>运行进行期间，每隔几秒重新读取存储。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reload</source>
        <translation>重新加载</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>Metric</source>
        <translation>指标</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The parameter on the x axis (those that differ between the runs).</source>
        <translation>x 轴上的参数（各运行之间不同的参数）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Log x</source>
        <translation>对数 x</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Final value against</source>
        <translation>最终值对应</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Filter: bits=2 method=dlqat g!=32 ...</source>
        <translation>筛选：bits=2 method=dlqat g!=32 ...</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Words separated by spaces, all must hold: key=value or key!=value on a parameter (full key or its last part: bits, g, method, lr_m), or text in the run&apos;s name, method or status.</source>
        <translation>以空格分隔的词，须全部满足：对参数使用 key=value 或 key!=value（完整键名或其最后一部分：bits、g、method、lr_m），或运行名称、方法、状态中的文字。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Tick the runs to compare; click a header to sort; double-click a run&apos;s colour square to change it.</source>
        <translation>勾选要比较的运行；单击表头排序；双击运行的颜色方块可更改颜色。</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Only parameters that differ</source>
        <translation>仅显示不同的参数</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Metrics</source>
        <translation>指标</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Config diff</source>
        <translation>配置差异</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Tasks</source>
        <translation>任务</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Scatter</source>
        <translation>散点图</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Open a run store to compare its runs.</source>
        <translation>打开一个运行数据库以比较其中的运行。</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Reading runs...</source>
        <translation>正在读取运行...</translation>
    </message>
    <message numerus="yes">
        <location line="+144"/>
        <source>%n run(s) compared.</source>
        <translation>
            <numerusform>已比较 %n 个运行。</numerusform>
        </translation>
    </message>
    <message>
        <source>step</source>
        <translation type="vanished">步数</translation>
    </message>
    <message>
        <source>wall time</source>
        <translation type="vanished">实际时间</translation>
    </message>
    <message>
        <source>seconds since start</source>
        <translation type="vanished">自开始以来的秒数</translation>
    </message>
    <message>
        <location line="+94"/>
        <source>Colour of the run</source>
        <translation>运行的颜色</translation>
    </message>
    <message>
        <location line="+147"/>
        <source>Compare: %1</source>
        <translation>比较：%1</translation>
    </message>
    <message>
        <location filename="../ui/compare/compareplots.cpp" line="+33"/>
        <source>%1: no training; its value is drawn as a line</source>
        <translation>%1：无训练；其值绘制为一条线</translation>
    </message>
    <message>
        <location line="+51"/>
        <source>%1 (smoothed %2)</source>
        <translation>%1（平滑 %2）</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>%1 (last value)</source>
        <translation>%1（最后的值）</translation>
    </message>
</context>
<context>
    <name>qat::ui::ConfigDiffModel</name>
    <message>
        <location filename="../ui/compare/comparemodels.cpp" line="+246"/>
        <source>The runs differ in this parameter.</source>
        <translation>这些运行在此参数上不同。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Parameter</source>
        <translation>参数</translation>
    </message>
</context>
<context>
    <name>qat::ui::DeviceProbe</name>
    <message>
        <location filename="../ui/common/enginesettings.cpp" line="+184"/>
        <source>%1 devices --json failed (exit code %2)%3</source>
        <translation>%1 devices --json 失败（退出码 %2）%3</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Could not start the engine %1: %2</source>
        <translation>无法启动引擎 %1：%2</translation>
    </message>
</context>
<context>
    <name>qat::ui::EngineClient</name>
    <message>
        <location filename="../ui/common/engineclient.cpp" line="+76"/>
        <source>A run is already active; stop it first.</source>
        <translation>已有一个运行正在进行；请先停止它。</translation>
    </message>
    <message>
        <location line="+217"/>
        <source>Unknown engine event: %1</source>
        <translation>未知的引擎事件：%1</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>The engine was ended before it could report how the run ended.</source>
        <translation>引擎在报告运行结果之前就被终止了。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The engine crashed.</source>
        <translation>引擎崩溃了。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The engine exited with code %1.</source>
        <translation>引擎以代码 %1 退出。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Could not start the engine: %1</source>
        <translation>无法启动引擎：%1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Expected qatbench-cli at %1. Choose the engine in Settings, or set QATBENCH_CLI.</source>
        <translation>预期 qatbench-cli 位于 %1。请在设置中选择引擎，或设置 QATBENCH_CLI。</translation>
    </message>
    <message>
        <source>Expected qatbench-cli at %1. Reinstall QATBench or set QATBENCH_CLI.</source>
        <translation type="vanished">应在 %1 找到 qatbench-cli。请重新安装 QATBench 或设置 QATBENCH_CLI。</translation>
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
        <translation>：未启用 CUDA 构建，仅在 CPU 上运行（README 的“Training on your GPU”一节介绍如何构建 CUDA 版本）。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>: built with CUDA, but it sees no GPU (driver?).</source>
        <translation>：已启用 CUDA 构建，但看不到 GPU（驱动？）。</translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>: %n GPU(s)</source>
        <translation>
            <numerusform>：%n 个 GPU</numerusform>
        </translation>
    </message>
    <message>
        <location line="+8"/>
        <source>This build of qatbench-cli has no NCCL, so it cannot train on several GPUs at once: rebuild it against a LibTorch with CUDA and NCCL (see docs/SCALE.md).</source>
        <translation>此 qatbench-cli 构建不含 NCCL，因此无法同时在多块 GPU 上训练：请基于带 CUDA 和 NCCL 的 LibTorch 重新构建（见 docs/SCALE.md）。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The engine&apos;s device list (devices --json) is unreadable: %1</source>
        <translation>引擎的设备列表（devices --json）无法读取：%1</translation>
    </message>
</context>
<context>
    <name>qat::ui::EvalDialog</name>
    <message>
        <location filename="../ui/runs/evaldialog.cpp" line="+46"/>
        <source>Evaluate and generate</source>
        <translation>评估与生成</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A Hugging Face LLaMA folder</source>
        <translation>Hugging Face LLaMA 文件夹</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A UTF-8 text file</source>
        <translation>UTF-8 文本文件</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>all</source>
        <translation>全部</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>BOS at the start of every window (bos-window)</source>
        <translation>每个窗口开头加 BOS（bos-window）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Evaluate</source>
        <translation>评估</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Generate</source>
        <translation>生成</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The model&apos;s continuation appears here (greedy).</source>
        <translation>模型的续写显示在这里（贪心解码）。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Model folder</source>
        <translation>模型文件夹</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Device / dtype</source>
        <translation>设备 / 数据类型</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Perplexity on a text</source>
        <translation>文本上的困惑度</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+1"/>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Text (*.txt *.raw);;All files (*)</source>
        <translation>文本 (*.txt *.raw);;所有文件 (*)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Tokens per window</source>
        <translation>每个窗口的词元数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Windows at most</source>
        <translation>最多窗口数</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Generation preview</source>
        <translation>生成预览</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New tokens at most</source>
        <translation>最多新词元数</translation>
    </message>
    <message>
        <location line="+81"/>
        <source>Evaluating...</source>
        <translation>正在评估...</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>could not start %1: %2</source>
        <translation>无法启动 %1：%2</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+8"/>
        <source>Failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>exit code %1</source>
        <translation>退出码 %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>perplexity %1 (NLL %2 nats/token over %3 tokens, %4 windows)</source>
        <translation>困惑度 %1（%3 个词元、%4 个窗口上的 NLL 为 %2 nats/词元）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1: %2 (%3 % against the result above)</source>
        <translation>%1：%2（相对上面的结果 %3 %）</translation>
    </message>
</context>
<context>
    <name>qat::ui::ExperimentForm</name>
    <message>
        <location filename="../ui/workbench/experimentform.cpp" line="+68"/>
        <source>Allowed: %1 to %2.</source>
        <translation>允许范围：%1 到 %2。</translation>
    </message>
    <message>
        <location line="+49"/>
        <location line="+7"/>
        <source>Method</source>
        <translation>方法</translation>
    </message>
    <message>
        <location line="-2"/>
        <source>The quantization method. Its options appear below.</source>
        <translation>量化方法。其选项显示在下方。</translation>
    </message>
    <message>
        <source>Data</source>
        <translation type="vanished">数据</translation>
    </message>
    <message>
        <source>Training text</source>
        <translation type="vanished">训练文本</translation>
    </message>
    <message>
        <source>Plain-text file the model is trained on.</source>
        <translation type="vanished">用于训练模型的纯文本文件。</translation>
    </message>
    <message>
        <source>Calibration text</source>
        <translation type="vanished">校准文本</translation>
    </message>
    <message>
        <source>Text for calibrating s and z; empty = the training text.</source>
        <translation type="vanished">用于校准 s 和 z 的文本；留空 = 使用训练文本。</translation>
    </message>
    <message>
        <source>Evaluation text</source>
        <translation type="vanished">评估文本</translation>
    </message>
    <message>
        <source>Held-out text for perplexity.</source>
        <translation type="vanished">用于计算困惑度的留出文本。</translation>
    </message>
    <message>
        <source>Sequence length</source>
        <translation type="vanished">序列长度</translation>
    </message>
    <message>
        <source>Tokens per training window.</source>
        <translation type="vanished">每个训练窗口的词元数。</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation type="vanished">批大小</translation>
    </message>
    <message>
        <source>Windows per step.</source>
        <translation type="vanished">每步的窗口数。</translation>
    </message>
    <message>
        <source>Gradient accumulation</source>
        <translation type="vanished">梯度累积</translation>
    </message>
    <message>
        <source>Batches summed before each optimizer step.</source>
        <translation type="vanished">每次优化器更新前累加的批次数。</translation>
    </message>
    <message>
        <source>Eval sequence length</source>
        <translation type="vanished">评估序列长度</translation>
    </message>
    <message>
        <source>Tokens per perplexity window.</source>
        <translation type="vanished">每个困惑度窗口的词元数。</translation>
    </message>
    <message>
        <source>Eval windows</source>
        <translation type="vanished">评估窗口数</translation>
    </message>
    <message>
        <source>At most this many eval windows; 0 = the whole file.</source>
        <translation type="vanished">最多使用这么多评估窗口；0 = 整个文件。</translation>
    </message>
    <message>
        <source>BOS in every window</source>
        <translation type="vanished">每个窗口以 BOS 开头</translation>
    </message>
    <message>
        <source>Start every training and evaluation window with BOS (for models pretrained that way); off: one BOS, then a running stream.</source>
        <translation type="vanished">每个训练和评估窗口都以 BOS 开头（适用于以这种方式预训练的模型）；关闭：只有一个 BOS，然后是连续的文本流。</translation>
    </message>
    <message>
        <source>Training</source>
        <translation type="vanished">训练</translation>
    </message>
    <message>
        <location line="+50"/>
        <source>This method does not train: the training settings do not apply.</source>
        <translation>此方法不进行训练：训练设置不适用。</translation>
    </message>
    <message>
        <source>Training steps</source>
        <translation type="vanished">训练步数</translation>
    </message>
    <message>
        <source>Optimizer steps after calibration.</source>
        <translation type="vanished">校准之后的优化器步数。</translation>
    </message>
    <message>
        <source>Warm-up steps</source>
        <translation type="vanished">预热步数</translation>
    </message>
    <message>
        <source>Steps of linear learning-rate warm-up.</source>
        <translation type="vanished">学习率线性预热的步数。</translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation type="vanished">调度</translation>
    </message>
    <message>
        <source>Learning-rate schedule after warm-up.</source>
        <translation type="vanished">预热之后的学习率调度。</translation>
    </message>
    <message>
        <source>Weight decay</source>
        <translation type="vanished">权重衰减</translation>
    </message>
    <message>
        <source>AdamW weight decay.</source>
        <translation type="vanished">AdamW 权重衰减。</translation>
    </message>
    <message>
        <source>Gradient clipping</source>
        <translation type="vanished">梯度裁剪</translation>
    </message>
    <message>
        <source>Maximum gradient norm; 0 = off.</source>
        <translation type="vanished">最大梯度范数；0 = 关闭。</translation>
    </message>
    <message>
        <source>Evaluate every</source>
        <translation type="vanished">评估间隔</translation>
    </message>
    <message>
        <source>Steps between perplexity evaluations; 0 = only at the end.</source>
        <translation type="vanished">两次困惑度评估之间的步数；0 = 仅在结束时。</translation>
    </message>
    <message>
        <source>Checkpoint every</source>
        <translation type="vanished">检查点间隔</translation>
    </message>
    <message>
        <source>Steps between checkpoints; 0 = only at the end.</source>
        <translation type="vanished">两个检查点之间的步数；0 = 仅在结束时。</translation>
    </message>
    <message>
        <source>Log every</source>
        <translation type="vanished">记录间隔</translation>
    </message>
    <message>
        <source>Steps between logged metrics.</source>
        <translation type="vanished">两次记录指标之间的步数。</translation>
    </message>
    <message>
        <source>Histograms every</source>
        <translation type="vanished">直方图间隔</translation>
    </message>
    <message>
        <source>Steps between magnitude histograms; 0 = off.</source>
        <translation type="vanished">两次幅度直方图之间的步数；0 = 关闭。</translation>
    </message>
    <message>
        <source>Gradient checkpointing</source>
        <translation type="vanished">梯度检查点</translation>
    </message>
    <message>
        <source>Recompute each block in the backward pass: less memory, more time.</source>
        <translation type="vanished">在反向传播中重新计算每个块：占用更少内存，耗时更多。</translation>
    </message>
    <message>
        <source>Run</source>
        <translation type="vanished">运行</translation>
    </message>
    <message>
        <source>Experiment name</source>
        <translation type="vanished">实验名称</translation>
    </message>
    <message>
        <source>Runs are grouped by this name in the runs table.</source>
        <translation type="vanished">运行表中的运行按此名称分组。</translation>
    </message>
    <message>
        <source>Device</source>
        <translation type="vanished">设备</translation>
    </message>
    <message>
        <source>Where the engine runs: auto picks the first GPU, else the CPU.</source>
        <translation type="vanished">引擎运行的位置：auto 选择第一块 GPU，否则使用 CPU。</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation type="vanished">精度</translation>
    </message>
    <message>
        <source>Compute dtype of the model.</source>
        <translation type="vanished">模型的计算数据类型。</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation type="vanished">随机种子</translation>
    </message>
    <message>
        <source>Seed of data order and initialisation.</source>
        <translation type="vanished">数据顺序和初始化的随机种子。</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Unknown method &apos;%1&apos;.</source>
        <translation>未知方法“%1”。</translation>
    </message>
    <message>
        <location line="+75"/>
        <source>Choose a file</source>
        <translation>选择文件</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Choose a text file</source>
        <translation>选择文本文件</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Text files (*.txt);;All files (*)</source>
        <translation>文本文件 (*.txt);;所有文件 (*)</translation>
    </message>
    <message>
        <location line="+252"/>
        <source>Ready to run.</source>
        <translation>可以开始运行。</translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>%n problem(s) to fix before a run can start.</source>
        <translation>
            <numerusform>开始运行前需要修正 %n 个问题。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&lt;b&gt;Model:&lt;/b&gt; none yet. Open one in the model panel.</source>
        <translation>&lt;b&gt;模型：&lt;/b&gt;尚未打开。请在模型面板中打开一个。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&lt;b&gt;Model:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;模型：&lt;/b&gt;%1</translation>
    </message>
    <message>
        <location line="+123"/>
        <source>auto (first GPU, else CPU)</source>
        <translation>auto（第一块 GPU，否则 CPU）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>All %1 GPUs (data-parallel)</source>
        <translation>全部 %1 块 GPU（数据并行）</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1 GPUs (data-parallel)</source>
        <translation>%1 块 GPU（数据并行）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>One engine process per GPU (GPUs 0 to %1, NCCL). Each takes 1/%2 of every step&apos;s batch (data.batch_size must split evenly) and the gradients are averaged: the same run as on one GPU, with the step&apos;s work split %2 ways. Rank 0 writes the run, its checkpoints and exports. See docs/SCALE.md.</source>
        <translation>每块 GPU 一个引擎进程（GPU 0 到 %1，NCCL）。每个进程处理每步批次的 1/%2（data.batch_size 必须能被整除），梯度取平均：与单块 GPU 上的运行相同，只是每步的计算分给 %2 块 GPU。rank 0 写入运行记录、检查点和导出文件。见 docs/SCALE.md。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1: needs NCCL</source>
        <translation>%1：需要 NCCL</translation>
    </message>
</context>
<context>
    <name>qat::ui::ExplorerView</name>
    <message>
        <location filename="../ui/explorer/explorertext.cpp" line="+16"/>
        <source>What you see</source>
        <translation>你看到的是什么</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A weight matrix stores one real number per connection. To make the model small, each number is replaced by one of a few allowed values, the &lt;b&gt;levels&lt;/b&gt; (the grey lines). The dots are the original weights of one group, the crosses are what they become. The distance between them is the &lt;b&gt;rounding error&lt;/b&gt;.</source>
        <translation>权重矩阵为每个连接存储一个实数。为了让模型变小，每个数都被替换为少数几个允许值之一，即&lt;b&gt;量化级&lt;/b&gt;（灰色线）。圆点是一组中的原始权重，叉号是它们量化后的值。两者之间的距离就是&lt;b&gt;舍入误差&lt;/b&gt;。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Scale s</source>
        <translation>缩放 s</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>With N bits there are 2&lt;sup&gt;N&lt;/sup&gt; levels, evenly spaced. The scale s is the spacing between two neighbouring levels. A group whose weights spread widely needs a large s, so its levels are far apart and the rounding error grows. Each weight moves by at most s/2 when it is rounded.</source>
        <translation>N 位时共有 2&lt;sup&gt;N&lt;/sup&gt; 个均匀分布的量化级。缩放 s 是相邻两个量化级之间的间距。权重分布很广的组需要较大的 s，因此量化级相距较远，舍入误差也随之增大。舍入时每个权重最多移动 s/2。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Zero-point z</source>
        <translation>零点 z</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The levels need not be centred on zero. The integer code z marks the level that stands for the value 0, so a group whose weights are mostly positive can spend most of its levels on positive values. A weight is stored as the integer code q = round(w / s) + z and read back as s (q - z).</source>
        <translation>量化级不必以零为中心。整数码 z 标记代表数值 0 的那个量化级，因此权重大多为正的组可以把大部分量化级用于正值。权重以整数码 q = round(w / s) + z 存储，读回时为 s (q - z)。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Groups</source>
        <translation>分组</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Every row of the matrix is cut into groups of consecutive weights (32, 64, 128, ...), and each group gets its own s and z. Smaller groups follow the local range of the weights more closely, so the error drops, but every group costs extra bits for its s and z: compare the bits per weight.</source>
        <translation>矩阵的每一行被切分成若干组连续权重（32、64、128……），每组有自己的 s 和 z。组越小越能贴合权重的局部范围，误差随之下降，但每组都要为其 s 和 z 付出额外的位数：请比较每个权重的位数。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Clipping</source>
        <translation>截断</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Codes must stay between 0 and 2&lt;sup&gt;N&lt;/sup&gt; - 1. A weight outside the range the levels cover is clamped to the first or last level (red). Shrinking the range on purpose clips a few outliers but makes the levels denser for all the other weights; the &apos;search&apos; rule picks the shrink factor that gives the smallest error.</source>
        <translation>整数码必须位于 0 到 2&lt;sup&gt;N&lt;/sup&gt; - 1 之间。超出量化级覆盖范围的权重会被截断到第一个或最后一个量化级（红色）。有意缩小范围会截断少数离群值，但能让其余权重的量化级更密；“search”规则会选择误差最小的缩小系数。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Straight-through rounding</source>
        <translation>直通舍入</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rounding is a staircase: its slope is zero almost everywhere, so training could never learn through it. Quantization-aware training pretends, only when computing gradients, that rounding was the identity. This straight-through estimator lets the gradient pass to the weights and to s and z as if the staircase were a ramp, while the forward pass still uses the rounded values.</source>
        <translation>舍入是一个阶梯函数：它的斜率几乎处处为零，因此训练无法穿过它学习。量化感知训练只在计算梯度时假装舍入是恒等函数。这种直通估计器让梯度像经过斜坡一样传到权重以及 s 和 z，而前向计算仍使用舍入后的值。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>LoRA inside the grid</source>
        <translation>网格内的 LoRA</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>DL-QAT leaves the original weights W&lt;sub&gt;0&lt;/sub&gt; frozen and learns a small low-rank update B A (LoRA). The update is added before rounding, Q(W&lt;sub&gt;0&lt;/sub&gt; + B A), so it can push individual weights across a rounding boundary into a neighbouring level. After training the result is again just integer codes with s and z: no adapter remains and inference costs nothing extra.</source>
        <translation>DL-QAT 冻结原始权重 W&lt;sub&gt;0&lt;/sub&gt;，只学习一个小的低秩更新 B A（LoRA）。更新在舍入之前加入，即 Q(W&lt;sub&gt;0&lt;/sub&gt; + B A)，因此可以把个别权重推过舍入边界进入相邻的量化级。训练后结果仍然只是带有 s 和 z 的整数码：不留下任何适配器，推理没有额外开销。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The magnitude m</source>
        <translation>幅度 m</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>DL-QAT also learns one number m per group, starting at 1, that stretches or shrinks all of the group&apos;s levels together: the weight used is m times the quantized value. It fixes the overall size of a group cheaply, while LoRA fixes its direction. The histogram view shows how the m of all groups spread out during training.</source>
        <translation>DL-QAT 还为每组学习一个从 1 开始的数 m，它把该组所有量化级一起拉伸或压缩：实际使用的权重是 m 乘以量化值。它以很小的代价修正组的整体大小，而 LoRA 修正其方向。直方图视图显示所有组的 m 在训练中如何散开。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Output error</source>
        <translation>输出误差</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>What matters in the end is not the weight error but how much the layer&apos;s output changes. The explorer feeds sample activations of the model through the original and the quantized layer and reports the relative difference of the two outputs.</source>
        <translation>最终重要的不是权重误差，而是该层输出改变了多少。探索器把模型的样本激活分别送入原始层和量化层，并报告两个输出的相对差异。</translation>
    </message>
    <message>
        <location filename="../ui/explorer/explorerview.cpp" line="+127"/>
        <source>Pick a weight group</source>
        <translation>选择权重组</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No model loaded.</source>
        <translation>未加载模型。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The output feature (row of the weight matrix).</source>
        <translation>输出特征（权重矩阵的行）。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Which group of consecutive weights inside the row.</source>
        <translation>行内的第几组连续权重。</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+17"/>
        <source> bits</source>
        <translation> 位</translation>
    </message>
    <message>
        <location line="-14"/>
        <source>min/max with 0</source>
        <translation>含 0 的最小/最大值</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>min/max</source>
        <translation>最小/最大值</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>search (clips outliers)</source>
        <translation>搜索（截断离群值）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>How each group&apos;s range is chosen before s and z are computed.</source>
        <translation>在计算 s 和 z 之前如何选择每组的范围。</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Module</source>
        <translation>模块</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Row</source>
        <translation>行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Group</source>
        <translation>分组</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bits</source>
        <translation>位数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Group size</source>
        <translation>分组大小</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Range</source>
        <translation>范围</translation>
    </message>
    <message>
        <location line="+51"/>
        <source>The group&apos;s weights and the levels they are rounded to</source>
        <translation>该组的权重及其被舍入到的量化级</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+18"/>
        <source>input column</source>
        <translation>输入列</translation>
    </message>
    <message>
        <location line="-17"/>
        <source>weight</source>
        <translation>权重</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>code q</source>
        <translation>整数码 q</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Rounding error Q(w) - w of each weight</source>
        <translation>每个权重的舍入误差 Q(w) - w</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>How often each integer code is used in the whole layer</source>
        <translation>整层中每个整数码的使用频率</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>code</source>
        <translation>整数码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>weights</source>
        <translation>权重数</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>Open a model to explore how its weights are quantized.</source>
        <translation>打开一个模型，探索其权重如何被量化。</translation>
    </message>
    <message>
        <location line="+121"/>
        <source>Loading %1 ...</source>
        <translation>正在加载 %1 ...</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>%1
%2 layers, hidden %3, intermediate %4
sample activations from %5</source>
        <translation>%1
%2 层，隐藏层 %3，中间层 %4
样本激活来自 %5</translation>
    </message>
    <message>
        <location line="-358"/>
        <source>whole row (%1)</source>
        <translation>整行（%1）</translation>
    </message>
    <message>
        <location line="+486"/>
        <source>Computing...</source>
        <translation>正在计算...</translation>
    </message>
    <message>
        <location filename="../ui/explorer/explorertext.cpp" line="+27"/>
        <source>&lt;b&gt;This group&lt;/b&gt; (row %1, columns %2–%3)&lt;br&gt;scale s = %4&lt;br&gt;zero-point z = %5&lt;br&gt;%6 levels from %7 to %8&lt;br&gt;RMS rounding error = %9 (%10 of s)&lt;br&gt;largest error = %11&lt;br&gt;clipped here: %12 of %13&lt;br&gt;&lt;br&gt;&lt;b&gt;The whole layer&lt;/b&gt; (%14 × %15, %16 groups per row)&lt;br&gt;weight error ‖Q(W)−W‖/‖W‖ = %17&lt;br&gt;&lt;b&gt;output error&lt;/b&gt; on %18 sample tokens = %19&lt;br&gt;clipped weights: %20&lt;br&gt;bits per weight incl. s and z: %21&lt;br&gt;&lt;br&gt;&lt;small&gt;computed in %22 ms&lt;/small&gt;</source>
        <translation>&lt;b&gt;本组&lt;/b&gt;（第 %1 行，第 %2–%3 列）&lt;br&gt;缩放 s = %4&lt;br&gt;零点 z = %5&lt;br&gt;%6 个量化级，从 %7 到 %8&lt;br&gt;均方根舍入误差 = %9（s 的 %10）&lt;br&gt;最大误差 = %11&lt;br&gt;此处被截断：%13 个中的 %12 个&lt;br&gt;&lt;br&gt;&lt;b&gt;整层&lt;/b&gt;（%14 × %15，每行 %16 组）&lt;br&gt;权重误差 ‖Q(W)−W‖/‖W‖ = %17&lt;br&gt;%18 个样本词元上的&lt;b&gt;输出误差&lt;/b&gt; = %19&lt;br&gt;被截断的权重：%20&lt;br&gt;每个权重的位数（含 s 和 z）：%21&lt;br&gt;&lt;br&gt;&lt;small&gt;计算耗时 %22 毫秒&lt;/small&gt;</translation>
    </message>
    <message>
        <location filename="../ui/explorer/explorerview.cpp" line="+49"/>
        <source>Layer %1 %2: %3 bits, %4.</source>
        <translation>第 %1 层 %2：%3 位，%4。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>groups of %1</source>
        <translation>每组 %1 个</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>one group per row</source>
        <translation>每行一组</translation>
    </message>
    <message>
        <location filename="../ui/explorer/explorerplots.cpp" line="+67"/>
        <source>weight w</source>
        <translation>权重 w</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>quantized Q(w)</source>
        <translation>量化值 Q(w)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>clipped</source>
        <translation>被截断</translation>
    </message>
    <message>
        <location filename="../ui/explorer/explorerview.cpp" line="+23"/>
        <source>Quantization explorer</source>
        <translation>量化探索器</translation>
    </message>
    <message>
        <location line="-554"/>
        <source>query (q_proj)</source>
        <translation>查询 (q_proj)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>key (k_proj)</source>
        <translation>键 (k_proj)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>value (v_proj)</source>
        <translation>值 (v_proj)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>attention output (o_proj)</source>
        <translation>注意力输出 (o_proj)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>MLP gate (gate_proj)</source>
        <translation>MLP 门控 (gate_proj)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>MLP up (up_proj)</source>
        <translation>MLP 升维 (up_proj)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>MLP down (down_proj)</source>
        <translation>MLP 降维 (down_proj)</translation>
    </message>
    <message>
        <location line="+55"/>
        <source>the loaded weights (settings below)</source>
        <translation>已加载的权重（下方设置）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A completed run of this model from the run store: its calibrated s and z, the learned m and what LoRA moved.</source>
        <translation>运行库中此模型的一个已完成运行：其校准后的 s 和 z、学到的 m 以及 LoRA 移动了什么。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Compare with</source>
        <translation>对比</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A second setting computed beside the first: the numbers side by side, its quantized values in the group plot and its output error in the overview.</source>
        <translation>与第一个设置并列计算的第二个设置：数值并排显示，其量化值显示在分组图中，其输出误差显示在总览中。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <location line="+90"/>
        <source>Output error of every quantized linear (sample activations)</source>
        <translation>每个量化线性层的输出误差（样本激活）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>output error (%)</source>
        <translation>输出误差 (%)</translation>
    </message>
    <message>
        <location line="+119"/>
        <source>Loading run #%1 ...</source>
        <translation>正在加载运行 #%1 ...</translation>
    </message>
    <message>
        <location line="+99"/>
        <source>%1 (last group partial)</source>
        <translation>%1（最后一组不完整）</translation>
    </message>
    <message>
        <location filename="../ui/explorer/explorerplots.cpp" line="+8"/>
        <source>code moved by LoRA</source>
        <translation>被 LoRA 移动的码</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Q(w) at %1 bits</source>
        <translation>%1 位时的 Q(w)</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Q(w) − w</source>
        <translation>Q(w) − w</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>LoRA update (α/r)·B·A</source>
        <translation>LoRA 更新 (α/r)·B·A</translation>
    </message>
    <message>
        <location line="+55"/>
        <source>layer and module</source>
        <translation>层和模块</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>round to nearest</source>
        <translation>就近舍入</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>calibrated</source>
        <translation>校准后</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>trained</source>
        <translation>训练后</translation>
    </message>
    <message>
        <location line="+3"/>
        <location filename="../ui/explorer/explorertext.cpp" line="+80"/>
        <source>%1 bits, g%2</source>
        <translation>%1 位, g%2</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../ui/explorer/explorertext.cpp" line="+1"/>
        <source>%1 bits, per row</source>
        <translation>%1 位, 按行</translation>
    </message>
    <message>
        <location filename="../ui/explorer/explorertext.cpp" line="-45"/>
        <source>no checkpoint: only m · s is known (set training.checkpoint_every)</source>
        <translation>无检查点：仅知道 m · s（请设置 training.checkpoint_every）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>LoRA from the checkpoint at %1 step %2</source>
        <translation>LoRA 来自 %1 第 %2 步的检查点</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&lt;b&gt;Trained run&lt;/b&gt;: %1&lt;br&gt;&lt;b&gt;This group&lt;/b&gt;&lt;br&gt;before calibration: s = %2, z = %3&lt;br&gt;after calibration: s = %4, z = %5&lt;br&gt;learned magnitude m = %6&lt;br&gt;final step m · s = %7&lt;br&gt;codes LoRA moved: %8 of %9&lt;br&gt;&lt;br&gt;&lt;b&gt;The whole layer: output error&lt;/b&gt;&lt;br&gt;round to nearest (before calibration): %10&lt;br&gt;after calibration: %11&lt;br&gt;after training: %12&lt;br&gt;codes LoRA moved: %13&lt;br&gt;m from %14 to %15 (mean %16)&lt;br&gt;s after / before calibration (mean): %17&lt;br&gt;‖(α/r)·B·A‖ / ‖W0‖: %18&lt;br&gt;&lt;small&gt;Training lowers the model&apos;s loss, not each layer&apos;s distance to W0: a layer&apos;s output error may grow while the model gets better.&lt;/small&gt;</source>
        <translation>&lt;b&gt;训练后的运行&lt;/b&gt;：%1&lt;br&gt;&lt;b&gt;本组&lt;/b&gt;&lt;br&gt;校准前：s = %2, z = %3&lt;br&gt;校准后：s = %4, z = %5&lt;br&gt;学到的幅度 m = %6&lt;br&gt;最终间距 m · s = %7&lt;br&gt;LoRA 移动的码：%9 个中的 %8 个&lt;br&gt;&lt;br&gt;&lt;b&gt;整个层：输出误差&lt;/b&gt;&lt;br&gt;就近舍入（校准前）：%10&lt;br&gt;校准后：%11&lt;br&gt;训练后：%12&lt;br&gt;LoRA 移动的码：%13&lt;br&gt;m 从 %14 到 %15（均值 %16）&lt;br&gt;校准后 / 校准前的 s（均值）：%17&lt;br&gt;‖(α/r)·B·A‖ / ‖W0‖：%18&lt;br&gt;&lt;small&gt;训练降低的是模型的损失，而不是每一层与 W0 的距离：模型变好时，某一层的输出误差可能增大。&lt;/small&gt;</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>bits per weight</source>
        <translation>每权重位数</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>group&apos;s RMS error</source>
        <translation>组的 RMS 误差</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>weight error</source>
        <translation>权重误差</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&lt;b&gt;output error&lt;/b&gt;</source>
        <translation>&lt;b&gt;输出误差&lt;/b&gt;</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>clipped weights</source>
        <translation>被截断的权重</translation>
    </message>
</context>
<context>
    <name>qat::ui::ExportDialog</name>
    <message>
        <location filename="../ui/runs/exportdialog.cpp" line="+194"/>
        <source>Q4_K (approximate: scales refit to 6 bits)</source>
        <translation>Q4_K（近似：缩放重新拟合为 6 位）</translation>
    </message>
    <message>
        <location line="-146"/>
        <source>Export run %1</source>
        <translation>导出运行 %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>GGUF (llama.cpp, ollama, LM Studio)</source>
        <translation>GGUF（llama.cpp、ollama、LM Studio）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>GPTQ v2 checkpoint (GPTQModel)</source>
        <translation>GPTQ v2 检查点（GPTQModel）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hugging Face, dequantized</source>
        <translation>Hugging Face，反量化</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Browse...</source>
        <translation>浏览...</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Format:</source>
        <translation>格式：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Type:</source>
        <translation>类型：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save as:</source>
        <translation>保存为：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Estimated size:</source>
        <translation>估计大小：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bits per weight:</source>
        <translation>每权重位数：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Trained grid:</source>
        <translation>训练的量化网格：</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel export</source>
        <translation>取消导出</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Export to</source>
        <translation>导出到</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Choose a format; the estimate comes from the run&apos;s quantized state.</source>
        <translation>请选择格式；估计值来自该运行的量化状态。</translation>
    </message>
    <message>
        <location line="+77"/>
        <source>Automatic: Q4_1 for 2-4 bits, Q5_1 for 5 (exact)</source>
        <translation>自动：2-4 位用 Q4_1，5 位用 Q5_1（精确）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>F16 (dequantized)</source>
        <translation>F16（反量化）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>BF16 (dequantized)</source>
        <translation>BF16（反量化）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>F32 (dequantized)</source>
        <translation>F32（反量化）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The model&apos;s own dtype</source>
        <translation>模型自身的数据类型</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The run&apos;s bit width</source>
        <translation>该运行的位宽</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>estimating...</source>
        <translation>正在估计...</translation>
    </message>
    <message>
        <location line="+30"/>
        <location line="+154"/>
        <source>Expected qatbench-cli at %1. Reinstall QATBench or set QATBENCH_CLI.</source>
        <translation>应在 %1 找到 qatbench-cli。请重新安装 QATBench 或设置 QATBENCH_CLI。</translation>
    </message>
    <message>
        <location line="-151"/>
        <source>cannot export</source>
        <translation>无法导出</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>%1 over the block linears</source>
        <translation>%1（块线性层）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>; %1 over the whole file</source>
        <translation>；%1（整个文件）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>exact: every quantized linear holds the trained grid (fp16 scales)</source>
        <translation>精确：每个量化线性层都保存训练的网格（fp16 缩放）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>exact for %1 of %2 linears; the others are dequantized (see the warnings)</source>
        <translation>%2 个线性层中 %1 个精确；其余为反量化（见警告）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>approximate: the dequantized weights are rounded to a 16-bit type</source>
        <translation>近似：反量化的权重被舍入为 16 位类型</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>approximate</source>
        <translation>近似</translation>
    </message>
    <message numerus="yes">
        <location line="+7"/>
        <source>%n warning(s); hover to read them</source>
        <translation>
            <numerusform>%n 条警告；将鼠标悬停以查看</numerusform>
        </translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Choose where to save the export.</source>
        <translation>请选择导出的保存位置。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Replace export</source>
        <translation>替换导出</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1 exists. Replace it?</source>
        <translation>%1 已存在。是否替换？</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Exporting to %1...</source>
        <translation>正在导出到 %1...</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Cancelling...</source>
        <translation>正在取消...</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Exporting to %1: tensor %2 of %3</source>
        <translation>正在导出到 %1：张量 %2 / %3</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Done: %1</source>
        <translation>完成：%1</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>(%n warning(s))</source>
        <translation>
            <numerusform>（%n 条警告）</numerusform>
        </translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Cancelled; nothing was written.</source>
        <translation>已取消；未写入任何内容。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Export failed: %1</source>
        <translation>导出失败：%1</translation>
    </message>
</context>
<context>
    <name>qat::ui::HistogramStatsModel</name>
    <message>
        <location filename="../ui/histograms/histogrammodel.cpp" line="+83"/>
        <source>Step</source>
        <translation>步数</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Groups</source>
        <translation>分组</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Min</source>
        <translation>最小值</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Max</source>
        <translation>最大值</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Mean</source>
        <translation>平均值</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Std</source>
        <translation>标准差</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Mean (overlay)</source>
        <translation>平均值（叠加）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Std (overlay)</source>
        <translation>标准差（叠加）</translation>
    </message>
</context>
<context>
    <name>qat::ui::HistogramView</name>
    <message>
        <location filename="../ui/histograms/histogramview.cpp" line="+26"/>
        <source>run %1</source>
        <translation>运行 %1</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>step %1 · %2 values · min %3 · max %4 · mean %5 · std %6</source>
        <translation>第 %1 步 · %2 个值 · 最小 %3 · 最大 %4 · 平均 %5 · 标准差 %6</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>What is measured per group: the magnitude m, the scale s, the LoRA update size or the integer code usage, as the run logged them.</source>
        <translation>每组测量的量：幅度 m、缩放 s、LoRA 更新大小或整数码使用情况，按运行记录的内容显示。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Draw the same series of a second run on top.</source>
        <translation>在上方叠加绘制第二个运行的同一序列。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Reload</source>
        <translation>重新加载</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Series</source>
        <translation>序列</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Module</source>
        <translation>模块</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Overlay</source>
        <translation>叠加</translation>
    </message>
    <message>
        <location line="+26"/>
        <location line="+7"/>
        <source>share of values</source>
        <translation>数值占比</translation>
    </message>
    <message>
        <location line="-4"/>
        <source>step</source>
        <translation>步数</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Distribution against step: each column is one logged step. Right-click a column to show that step.</source>
        <translation>分布随步数的变化：每一列是一个记录的步。右键单击某列可显示该步。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The logged step shown on the left.</source>
        <translation>左侧显示的记录步。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Step</source>
        <translation>步数</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Open a run store to see the histograms its runs logged.</source>
        <translation>打开一个运行数据库以查看其运行记录的直方图。</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <location line="+54"/>
        <source>This run logged no histograms (DL-QAT logs them every training.histogram_every steps).</source>
        <translation>此运行没有记录直方图（DL-QAT 每隔 training.histogram_every 步记录一次）。</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n histogram series.</source>
        <translation>
            <numerusform>%n 个直方图序列。</numerusform>
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
        <translation>叠加的运行在该层和模块上没有 %1。</translation>
    </message>
    <message>
        <location line="+52"/>
        <source>No histogram to show.</source>
        <translation>没有可显示的直方图。</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>step %1</source>
        <translation>第 %1 步</translation>
    </message>
    <message>
        <location line="+59"/>
        <source>Histograms: %1</source>
        <translation>直方图：%1</translation>
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
        <translation>开始</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Experiment</source>
        <translation>实验</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Runs</source>
        <translation>运行记录</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Compare</source>
        <translation>比较</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Histograms</source>
        <translation>直方图</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Explorer</source>
        <translation>探索器</translation>
    </message>
    <message>
        <location line="+65"/>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <location line="+96"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Open model...</source>
        <translation>打开模型(&amp;O)...</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Load experiment...</source>
        <translation>加载实验(&amp;L)...</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Save experiment...</source>
        <translation>保存实验(&amp;S)...</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Se&amp;ttings...</source>
        <translation>设置(&amp;T)...</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>&amp;Run</source>
        <translation>运行(&amp;R)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Start</source>
        <translation>开始(&amp;S)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Pause</source>
        <translation>暂停(&amp;P)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Resume</source>
        <translation>继续(&amp;R)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>S&amp;top</source>
        <translation>停止(&amp;T)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Run the &amp;demo</source>
        <translation>运行演示(&amp;D)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;About QATBench</source>
        <translation>关于 QATBench(&amp;A)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>About QATBench</source>
        <translation>关于 QATBench</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&lt;b&gt;QATBench&lt;/b&gt; %1&lt;br&gt;A workbench for quantization-aware training of LLaMA-family language models.</source>
        <translation>&lt;b&gt;QATBench&lt;/b&gt; %1&lt;br&gt;用于 LLaMA 系列语言模型量化感知训练的工作台。</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>The new database is used from the next run on.</source>
        <translation>新数据库将从下一次运行起使用。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>A run is active</source>
        <translation>有运行正在进行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A run is still active. Stop it (it writes a checkpoint and can be resumed later), or let it finish and close QATBench afterwards?</source>
        <translation>仍有运行正在进行。要停止它（会写入检查点，之后可以继续），还是让它运行完毕后再关闭 QATBench？</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Stop the run</source>
        <translation>停止运行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Let it finish</source>
        <translation>让它运行完毕</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Stopping the run; QATBench closes when the engine has written its checkpoint.</source>
        <translation>正在停止运行；引擎写完检查点后 QATBench 将关闭。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>QATBench closes when the run has finished.</source>
        <translation>运行结束后 QATBench 将关闭。</translation>
    </message>
    <message>
        <location line="-85"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
</context>
<context>
    <name>qat::ui::MetricChart</name>
    <message>
        <location filename="../ui/common/metricchart.cpp" line="+40"/>
        <location line="+99"/>
        <source>Step</source>
        <translation>步数</translation>
    </message>
    <message>
        <location line="-79"/>
        <source>Drag to pan, wheel to zoom, double-click to follow the data again.</source>
        <translation>拖动以平移，滚轮缩放，双击重新跟随数据。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>%1 (raw)</source>
        <translation>%1（原始）</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>%1 (smoothed)</source>
        <translation>%1（平滑）</translation>
    </message>
    <message>
        <location line="+64"/>
        <source>Wall time (h:mm:ss)</source>
        <translation>实际时间 (h:mm:ss)</translation>
    </message>
</context>
<context>
    <name>qat::ui::ModelPanel</name>
    <message>
        <location filename="../ui/workbench/modelpanel.cpp" line="+31"/>
        <source>Open model...</source>
        <translation>打开模型...</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose a Hugging Face LLaMA folder (config.json + safetensors). You can also drop a folder here.</source>
        <translation>选择一个 Hugging Face LLaMA 文件夹（config.json + safetensors）。也可以把文件夹拖放到这里。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Recently opened models</source>
        <translation>最近打开的模型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No model open. Open a folder or drop one here.</source>
        <translation>未打开模型。请打开一个文件夹或将其拖放到这里。</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Open a LLaMA model folder</source>
        <translation>打开 LLaMA 模型文件夹</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Reading %1 ...</source>
        <translation>正在读取 %1 ...</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Could not open %1:
%2</source>
        <translation>无法打开 %1：
%2</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Layers</source>
        <translation>层数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hidden size</source>
        <translation>隐藏层大小</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>MLP size</source>
        <translation>MLP 大小</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Heads</source>
        <translation>注意力头</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 (key/value: %2)</source>
        <translation>%1（键/值：%2）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Head size</source>
        <translation>头维度</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Vocabulary</source>
        <translation>词表大小</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Context</source>
        <translation>上下文长度</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>RoPE</source>
        <translation>RoPE</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Tied embeddings</source>
        <translation>共享嵌入</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Quantizable</source>
        <translation>可量化</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 (%2 %)</source>
        <translation>%1（%2%）</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Embedding</source>
        <translation>嵌入</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stored as</source>
        <translation>存储类型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>On disk</source>
        <translation>磁盘占用</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>In memory (float32)</source>
        <translation>内存占用 (float32)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>In memory (bfloat16)</source>
        <translation>内存占用 (bfloat16)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Weight files</source>
        <translation>权重文件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tokenizer</source>
        <translation>分词器</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>none found</source>
        <translation>未找到</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>No recent models</source>
        <translation>没有最近的模型</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Recent models...</source>
        <translation>最近的模型...</translation>
    </message>
    <message>
        <location line="-42"/>
        <source>Quantizable linears</source>
        <translation>可量化的线性层</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1 per layer × %2 layers</source>
        <translation>每层 %1 个 × %2 层</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Input features</source>
        <translation>输入特征数</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Group sizes that fit</source>
        <translation>适用的分组大小</translation>
    </message>
    <message>
        <location line="-3"/>
        <source>0 (per channel)</source>
        <translation>0（按通道）</translation>
    </message>
</context>
<context>
    <name>qat::ui::OptionText</name>
    <message>
        <location filename="../ui/workbench/optiontext.cpp" line="+12"/>
        <source>Post-training round-to-nearest: every group&apos;s scale and zero-point from its min and max (0 included by default, the reference protocol), weights rounded once. No training.</source>
        <translation>训练后就近舍入：每组的缩放和零点由其最小值和最大值得出（默认包含 0，即参考协议），权重只舍入一次。不进行训练。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Bits</source>
        <translation>位数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bit-width N of the weight codes: 2^N levels per group.</source>
        <translation>权重整数码的位宽 N：每组 2^N 个量化级。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Quantization</source>
        <translation>量化</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Group size</source>
        <translation>分组大小</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Consecutive input columns that share one scale and zero-point; 0 = per-channel (whole row). Must divide the row of every quantized module unless allow_partial_group is set.</source>
        <translation>共享同一缩放和零点的连续输入列数；0 = 按通道（整行）。除非设置了 allow_partial_group，否则必须整除每个量化模块的行长度。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Allow a partial last group</source>
        <translation>允许最后一组不完整</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>When the group size does not divide a row, quantize the rest as a shorter last group instead of rejecting the config.</source>
        <translation>当分组大小不能整除一行时，将剩余部分作为较短的最后一组量化，而不是拒绝该配置。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Range init</source>
        <translation>范围初始化</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Initial scale and zero-point: minmax0 = min/max of the group with 0 included (the RTN reference), minmax = plain min/max, search = min/max shrunk to minimize the group&apos;s squared error.</source>
        <translation>初始缩放和零点：minmax0 = 含 0 的组最小/最大值（RTN 参考），minmax = 普通最小/最大值，search = 缩小最小/最大值以使该组的平方误差最小。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Modules</source>
        <translation>模块</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Block linears to quantize: all, attn, mlp or a comma list of q,k,v,o,gate,up,down.</source>
        <translation>要量化的块内线性层：all、attn、mlp，或由 q,k,v,o,gate,up,down 组成的逗号列表。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Weight-decomposed low-rank QAT: calibrate the scale s and zero-point z of every group with the weights fixed, freeze them, then train a magnitude m per group and LoRA matrices A, B per layer: W_hat = m * Q(W0 + (alpha/r) B A). The result is an ordinary group-wise quantized weight.</source>
        <translation>权重分解的低秩 QAT：在权重固定的情况下校准每组的缩放 s 和零点 z 并冻结，然后为每组训练幅度 m、为每层训练 LoRA 矩阵 A、B：W_hat = m * Q(W0 + (alpha/r) B A)。结果是普通的分组量化权重。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>LoRA rank r</source>
        <translation>LoRA 秩 r</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rank of the LoRA update B A added to W0 inside the quantizer.</source>
        <translation>在量化器内部加到 W0 上的 LoRA 更新 B A 的秩。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>LoRA</source>
        <translation>LoRA</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>LoRA alpha</source>
        <translation>LoRA alpha</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The LoRA update is scaled by alpha / r.</source>
        <translation>LoRA 更新按 alpha / r 缩放。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>LoRA A init</source>
        <translation>LoRA A 初始化</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Init of A (r x in): kaiming = uniform(+-1/sqrt(in)) as in PEFT, gaussian = N(0, 1/r). B starts at zero, so training starts from the calibrated model.</source>
        <translation>A（r x in）的初始化：kaiming = 均匀分布(+-1/sqrt(in))，与 PEFT 相同；gaussian = N(0, 1/r)。B 从零开始，因此训练从校准后的模型出发。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>LoRA inside the grid</source>
        <translation>网格内的 LoRA</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ablation: q = round(W0/s + (alpha/r) B A) + z (the update in integer units, LR-QAT style) instead of round((W0 + (alpha/r) B A) / s) + z.</source>
        <translation>消融实验：q = round(W0/s + (alpha/r) B A) + z（更新以整数单位计，LR-QAT 方式），而不是 round((W0 + (alpha/r) B A) / s) + z。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Train magnitude m</source>
        <translation>训练幅度 m</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Train the per-group magnitude m (init 1). Off: the paper&apos;s &apos;LoRA only&apos; ablation.</source>
        <translation>训练每组幅度 m（初始为 1）。关闭：即论文中的“仅 LoRA”消融。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Train LoRA</source>
        <translation>训练 LoRA</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Train A and B. Off: the paper&apos;s &apos;m only&apos; ablation.</source>
        <translation>训练 A 和 B。关闭：即论文中的“仅 m”消融。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>LR magnitude m</source>
        <translation>幅度 m 的学习率</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>AdamW learning rate of m.</source>
        <translation>m 的 AdamW 学习率。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>LR LoRA</source>
        <translation>LoRA 学习率</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>AdamW learning rate of A and B.</source>
        <translation>A 和 B 的 AdamW 学习率。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Calibration steps</source>
        <translation>校准步数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Steps that train only s and z (W0 fixed) before they are frozen; 0 = keep the init.</source>
        <translation>在冻结之前只训练 s 和 z（W0 固定）的步数；0 = 保持初始值。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Calibration</source>
        <translation>校准</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Calibration loss</source>
        <translation>校准损失</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>next_token = language-model loss on the calibration text; distill = KL to the full-precision model&apos;s next-token distribution; block_mse = MSE of every quantized linear&apos;s output against the full-precision one.</source>
        <translation>next_token = 校准文本上的语言模型损失；distill = 与全精度模型下一词元分布的 KL 散度；block_mse = 每个量化线性层输出与全精度输出之间的均方误差。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Training loss</source>
        <translation>训练损失</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The loss of the m + LoRA stage, as for calibration. distill keeps the model close to the full-precision one instead of fitting the training text (useful when that text is the model&apos;s own pretraining data).</source>
        <translation>m + LoRA 阶段的损失，与校准相同。distill 让模型保持接近全精度模型，而不是拟合训练文本（当该文本就是模型自己的预训练数据时很有用）。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>LR scale s</source>
        <translation>缩放 s 的学习率</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>AdamW learning rate of log s (s is learned in the log domain: the step is relative).</source>
        <translation>log s 的 AdamW 学习率（s 在对数域中学习：步长是相对的）。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>LR zero-point z</source>
        <translation>零点 z 的学习率</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>AdamW learning rate of z, in integer code units (z is rounded straight-through).</source>
        <translation>z 的 AdamW 学习率，以整数码为单位（z 采用直通舍入）。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Post-training quantization with second-order error feedback: layer by layer, the inputs of each linear give a Hessian H = 2 X^T X; columns are rounded one at a time and each rounding error is spread over the remaining columns through H^-1. No training.</source>
        <translation>带二阶误差反馈的训练后量化：逐层用每个线性层的输入得到 Hessian 矩阵 H = 2 X^T X；逐列舍入，并通过 H^-1 把每次舍入误差分摊到其余列。不进行训练。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Calibration windows</source>
        <translation>校准窗口数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Windows of the calibration text whose inputs form each layer&apos;s Hessian.</source>
        <translation>用于构成每层 Hessian 矩阵的校准文本窗口。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>GPTQ</source>
        <translation>GPTQ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Calibration window length</source>
        <translation>校准窗口长度</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tokens per calibration window; 0 = data.seq_len.</source>
        <translation>每个校准窗口的词元数；0 = data.seq_len。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Damping</source>
        <translation>阻尼</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Added to the Hessian&apos;s diagonal, as a fraction of its mean (GPTQ&apos;s percdamp).</source>
        <translation>加到 Hessian 对角线上的值，以其均值的比例表示（GPTQ 的 percdamp）。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Act-order</source>
        <translation>激活顺序</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Round columns by decreasing Hessian diagonal; the groups&apos; s, z are then fixed from W before rounding (static groups), so the result keeps contiguous groups.</source>
        <translation>按 Hessian 对角线从大到小的顺序舍入各列；各组的 s、z 在舍入前由 W 确定（静态分组），因此结果保持连续的分组。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Block size</source>
        <translation>块大小</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Columns whose error updates are applied to the rest together (lazy batch).</source>
        <translation>误差更新一起作用于其余列的列数（延迟批处理）。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Full quantization-aware training: every quantized weight is trained through the fake quantizer (straight-through rounding, MinMax range following the weights) with a KL distillation loss to the full-precision model, on text the full-precision model generated itself (first tokens greedy, then sampled; cached per model and settings).</source>
        <translation>完整的量化感知训练：每个量化权重都通过伪量化器训练（直通舍入，MinMax 范围跟随权重），使用对全精度模型的 KL 蒸馏损失，训练文本由全精度模型自己生成（前几个词元贪心选取，之后采样；按模型和设置缓存）。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>LR weights</source>
        <translation>权重学习率</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>AdamW learning rate of the weights.</source>
        <translation>权重的 AdamW 学习率。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Quantizer range</source>
        <translation>量化器范围</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>dynamic = s, z recomputed from the current weights every step (LLM-QAT&apos;s MinMax); fixed = the starting grid kept.</source>
        <translation>dynamic = 每步根据当前权重重新计算 s、z（LLM-QAT 的 MinMax）；fixed = 保持初始网格。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Training text</source>
        <translation>训练文本</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>generated = text sampled from the full-precision model (the paper); train = data.train (ablation).</source>
        <translation>generated = 从全精度模型采样的文本（论文做法）；train = data.train（消融）。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Generated sequences</source>
        <translation>生成的序列数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sequences the full-precision model generates.</source>
        <translation>全精度模型生成的序列数。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Generated length</source>
        <translation>生成长度</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tokens per generated sequence; 0 = data.seq_len + 1.</source>
        <translation>每个生成序列的词元数；0 = data.seq_len + 1。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Greedy tokens</source>
        <translation>贪心词元数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>After a random first token, this many tokens are taken by argmax; the rest are sampled (the paper uses 3 to 5).</source>
        <translation>在随机的第一个词元之后，按 argmax 选取这么多词元；其余采样得到（论文使用 3 到 5）。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sampling temperature of the generated tokens after the greedy ones.</source>
        <translation>贪心词元之后生成词元的采样温度。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Generation cache</source>
        <translation>生成缓存</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Folder of the generated-data cache; &quot;&quot; = $QATBENCH_CACHE, else $XDG_CACHE_HOME/QATBench, else ~/.cache/QATBench.</source>
        <translation>生成数据缓存的文件夹；&quot;&quot; = $QATBENCH_CACHE，否则 $XDG_CACHE_HOME/QATBench，否则 ~/.cache/QATBench。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Starting grid</source>
        <translation>初始网格</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>rtn = s, z from each group&apos;s range (the init option); gptq = GPTQ&apos;s s, z and codes (its weight s (q - z) replaces W0 as the starting point).</source>
        <translation>rtn = 由每组范围得出 s、z（init 选项）；gptq = 使用 GPTQ 的 s、z 和整数码（其权重 s (q - z) 取代 W0 作为起点）。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Initialization</source>
        <translation>初始化</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Quantization-aware LoRA: the base weights are quantized once and frozen; a LoRA A (r x groups), B (out x r) acts on the group-averaged input, so its update is one value per (row, group) and is merged into the zero-points after training: the result stays an integer model.</source>
        <translation>量化感知 LoRA：基础权重量化一次后冻结；LoRA 的 A（r x 组数）、B（out x r）作用于按组平均的输入，因此其更新对每个（行，组）只有一个值，并在训练后合并到零点中：结果仍是整数模型。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Rank of the low-rank update.</source>
        <translation>低秩更新的秩。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The low-rank update is scaled by alpha / r.</source>
        <translation>低秩更新按 alpha / r 缩放。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Init of the r x in factor: kaiming = uniform(+-1/sqrt(in)) as in PEFT, gaussian = N(0, 1/r). The other factor starts at zero, so training starts from the grid.</source>
        <translation>r x in 因子的初始化：kaiming = 均匀分布(+-1/sqrt(in))，与 PEFT 相同；gaussian = N(0, 1/r)。另一个因子从零开始，因此训练从网格出发。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>LoRA inside the quantizer with a learnable grid: W_hat = s (clamp(round((W0 + (alpha/r) B A) / s) + z) - z), with A, B, the scale s and the zero-point z trained together in one stage. The result is an ordinary group-wise quantized weight.</source>
        <translation>量化器内部带可学习网格的 LoRA：W_hat = s (clamp(round((W0 + (alpha/r) B A) / s) + z) - z)，A、B、缩放 s 和零点 z 在同一阶段一起训练。结果是普通的分组量化权重。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>AdamW learning rate of log s (learned in the log domain: a relative step).</source>
        <translation>log s 的 AdamW 学习率（在对数域中学习：相对步长）。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>AdamW learning rate of z in code units (rounded straight-through).</source>
        <translation>z 的 AdamW 学习率，以整数码为单位（直通舍入）。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Low-rank QAT: the low-rank update is added inside the integer grid, W_hat = s (clamp(round(phi(W0 / s0) + (alpha/r) A B) + z) - z), where the grid positions W0/s0 are computed once and stored down-cast (8-bit fixed point or bfloat16) instead of W0; A, B and s are trained.</source>
        <translation>低秩 QAT：低秩更新加在整数网格内部，W_hat = s (clamp(round(phi(W0 / s0) + (alpha/r) A B) + z) - z)，其中网格位置 W0/s0 只计算一次，并以降低的精度（8 位定点或 bfloat16）代替 W0 存储；训练 A、B 和 s。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>W0/s0 storage</source>
        <translation>W0/s0 存储方式</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>How the fixed grid positions W0/s0 are kept: int8 = 8-bit fixed point (N integer bits, 8 - N fraction bits), bf16, or fp32 (no down-cast).</source>
        <translation>固定网格位置 W0/s0 的保存方式：int8 = 8 位定点（N 位整数、8 - N 位小数），bf16，或 fp32（不降低精度）。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Memory</source>
        <translation>内存</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Free W0</source>
        <translation>释放 W0</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Release the model&apos;s full-precision copies of the quantized weights while training (the stored grid positions replace them); they are rewritten from the result at the end.</source>
        <translation>训练期间释放量化权重的全精度副本（由存储的网格位置代替）；结束时再根据结果重新写回。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Options</source>
        <translation>选项</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Evaluation</source>
        <translation>评估</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tasks</source>
        <translation>任务</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Multiple-choice tasks scored on the final model, as lm-evaluation-harness frames them.</source>
        <translation>在最终模型上评分的多项选择任务，按 lm-evaluation-harness 的方式构造。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Tasks folder</source>
        <translation>任务文件夹</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The folder of the task files (shared/data/tasks); required with tasks.</source>
        <translation>任务文件所在的文件夹（shared/data/tasks）；选择任务时必填。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Questions per task</source>
        <translation>每个任务的题目数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Score the first N questions of each task; 0 = all.</source>
        <translation>每个任务只评分前 N 道题；0 = 全部。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Shots</source>
        <translation>示例数（shots）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Solved examples shown before each question; -1 = the task&apos;s default.</source>
        <translation>每道题前展示的已解答示例数；-1 = 任务的默认值。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Tasks every</source>
        <translation>任务评估间隔</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Also score the tasks during training every N steps (on the fake-quantized model); 0 = only the final model.</source>
        <translation>训练期间每 N 步也对任务评分（在伪量化模型上）；0 = 仅最终模型。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Questions per task during training</source>
        <translation>训练期间每个任务的题目数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The first N questions of each task at the tasks_every steps; 0 = tasks_limit.</source>
        <translation>在 tasks_every 步时每个任务的前 N 道题；0 = tasks_limit。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Model folder</source>
        <translation>模型文件夹</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A Hugging Face LLaMA folder: config.json, safetensors weights, tokenizer.</source>
        <translation>Hugging Face LLaMA 文件夹：config.json、safetensors 权重和分词器。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Formats</source>
        <translation>格式</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Deployable files written after the final evaluation: gguf (llama.cpp), gptq (GPTQ v2 checkpoint), hf (dequantized Hugging Face checkpoint).</source>
        <translation>最终评估后写出的可部署文件：gguf（llama.cpp）、gptq（GPTQ v2 检查点）、hf（反量化的 Hugging Face 检查点）。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>GGUF type</source>
        <translation>GGUF 类型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Block type of the quantized tensors; auto = the exact type for the run&apos;s grid.</source>
        <translation>量化张量的块类型；auto = 与本次运行网格完全对应的类型。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>GGUF fallback</source>
        <translation>GGUF 备用类型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Type of the tensors the GGUF type cannot hold.</source>
        <translation>GGUF 类型无法容纳的张量所用的类型。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>HF dtype</source>
        <translation>HF 数据类型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Dtype of the dequantized checkpoint; empty = the model&apos;s own.</source>
        <translation>反量化检查点的数据类型；留空 = 模型自身的类型。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Scale parametrization</source>
        <translation>缩放参数化</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>log = calibration trains log s (lr_scale is a relative step, the same for every group whatever its size); linear = it trains s itself (lr_scale is in units of s, as a plain implementation of the formula does: a group with a small s then moves relatively more).</source>
        <translation>log = 校准训练 log s（lr_scale 是相对步长，对每个组都相同，与其大小无关）；linear = 直接训练 s（lr_scale 以 s 为单位，与公式的朴素实现相同：s 较小的组相对移动得更多）。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Calibration warm-up steps</source>
        <translation>校准预热步数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Linear warm-up steps of the calibration schedule (then cosine to 0); -1 = min(training.warmup_steps, calib_steps / 10).</source>
        <translation>校准调度的线性预热步数（之后余弦衰减到 0）；-1 = min(training.warmup_steps, calib_steps / 10)。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>AdamW learning rate of log s (scale_param log: a relative step) or of s (scale_param linear).</source>
        <translation>log s 的 AdamW 学习率（scale_param 为 log：相对步长）或 s 的学习率（scale_param 为 linear）。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Plain-text file the model is trained on.</source>
        <translation>用于训练模型的纯文本文件。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Calibration text</source>
        <translation>校准文本</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Text for calibrating s and z; empty = the training text.</source>
        <translation>用于校准 s 和 z 的文本；留空 = 使用训练文本。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Evaluation text</source>
        <translation>评估文本</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Held-out text for perplexity.</source>
        <translation>用于计算困惑度的留出文本。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sequence length</source>
        <translation>序列长度</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tokens per training window.</source>
        <translation>每个训练窗口的词元数。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Batch size</source>
        <translation>批大小</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Windows per step.</source>
        <translation>每步的窗口数。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Gradient accumulation</source>
        <translation>梯度累积</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Batches summed before each optimizer step.</source>
        <translation>每次优化器更新前累加的批次数。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Eval sequence length</source>
        <translation>评估序列长度</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tokens per perplexity window.</source>
        <translation>每个困惑度窗口的词元数。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Eval windows</source>
        <translation>评估窗口数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>At most this many eval windows; 0 = the whole file.</source>
        <translation>最多使用这么多评估窗口；0 = 整个文件。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>BOS in every window</source>
        <translation>每个窗口以 BOS 开头</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Start every training and evaluation window with BOS (for models pretrained that way); off: one BOS, then a running stream.</source>
        <translation>每个训练和评估窗口都以 BOS 开头（适用于以这种方式预训练的模型）；关闭：只有一个 BOS，然后是连续的文本流。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Training steps</source>
        <translation>训练步数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Optimizer steps after calibration.</source>
        <translation>校准之后的优化器步数。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Warm-up steps</source>
        <translation>预热步数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Steps of linear learning-rate warm-up.</source>
        <translation>学习率线性预热的步数。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Schedule</source>
        <translation>调度</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Learning-rate schedule after warm-up.</source>
        <translation>预热之后的学习率调度。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Weight decay</source>
        <translation>权重衰减</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>AdamW weight decay.</source>
        <translation>AdamW 权重衰减。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Gradient clipping</source>
        <translation>梯度裁剪</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Maximum gradient norm; 0 = off.</source>
        <translation>最大梯度范数；0 = 关闭。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Evaluate every</source>
        <translation>评估间隔</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Steps between perplexity evaluations; 0 = only at the end.</source>
        <translation>两次困惑度评估之间的步数；0 = 仅在结束时。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Checkpoint every</source>
        <translation>检查点间隔</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Steps between checkpoints; 0 = only at the end.</source>
        <translation>两个检查点之间的步数；0 = 仅在结束时。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Log every</source>
        <translation>记录间隔</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Steps between logged metrics.</source>
        <translation>两次记录指标之间的步数。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Histograms every</source>
        <translation>直方图间隔</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Steps between magnitude histograms; 0 = off.</source>
        <translation>两次幅度直方图之间的步数；0 = 关闭。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Gradient checkpointing</source>
        <translation>梯度检查点</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Recompute each block in the backward pass: less memory, more time.</source>
        <translation>在反向传播中重新计算每个块：占用更少内存，耗时更多。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Experiment name</source>
        <translation>实验名称</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Runs are grouped by this name in the runs table.</source>
        <translation>运行表中的运行按此名称分组。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Where the engine runs: auto picks the first GPU, else the CPU.</source>
        <translation>引擎运行的位置：auto 选择第一块 GPU，否则使用 CPU。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Precision</source>
        <translation>精度</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Compute dtype of the model.</source>
        <translation>模型的计算数据类型。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Seed of data order and initialisation.</source>
        <translation>数据顺序和初始化的随机种子。</translation>
    </message>
</context>
<context>
    <name>qat::ui::RunControl</name>
    <message>
        <location filename="../ui/workbench/runcontrol.cpp" line="+28"/>
        <source>Calibration</source>
        <translation>校准</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Evaluation</source>
        <translation>评估</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Loading</source>
        <translation>加载</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tokenizing</source>
        <translation>分词</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pretraining</source>
        <translation>预训练</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Start run</source>
        <translation>开始运行</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+177"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location line="-176"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The engine finishes the current step, writes a checkpoint and ends the run.</source>
        <translation>引擎会完成当前步骤、写入检查点并结束运行。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The whole run: calibration, training and the evaluations, by the time each has taken so far. The clock stops while the run is paused.</source>
        <translation>整个运行：校准、训练和各次评估，按各自至今所用的时间计。运行暂停时计时停止。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Idle</source>
        <translation>空闲</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Engine messages appear here.</source>
        <translation>引擎消息显示在这里。</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Whole run</source>
        <translation>整个运行</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Phase: %1</source>
        <translation>阶段：%1</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Run %1 started: %2, %3 steps</source>
        <translation>运行 %1 已开始：%2，%3 步</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Paused. Resume continues from the same step.</source>
        <translation>已暂停。继续后将从同一步开始。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Resumed.</source>
        <translation>已继续。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Checkpoint at step %1: %2</source>
        <translation>第 %1 步的检查点：%2</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Evaluation at step %1: perplexity %2 over %3 tokens</source>
        <translation>第 %1 步评估：%3 个词元上的困惑度为 %2</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Run completed.</source>
        <translation>运行已完成。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Run stopped. It can be resumed from its last checkpoint.</source>
        <translation>运行已停止。可以从最后一个检查点继续。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stopped before any run had started.</source>
        <translation>在任何运行开始之前已停止。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Run ended: %1</source>
        <translation>运行结束：%1</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Start the experiment in the background engine.</source>
        <translation>在后台引擎中开始此实验。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Stopping...</source>
        <translation>正在停止...</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Starting...</source>
        <translation>正在启动...</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>step %1 / %2</source>
        <translation>第 %1 / %2 步</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>step %1</source>
        <translation>第 %1 步</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+25"/>
        <source>ETA %1</source>
        <translation>剩余 %1</translation>
    </message>
    <message>
        <location line="-25"/>
        <source>ETA unknown</source>
        <translation>剩余时间未知</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 tokens/s</source>
        <translation>%1 词元/秒</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>memory %1</source>
        <translation>内存 %1</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>timing...</source>
        <translation>计时中...</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>calibration %1/%2</source>
        <translation>校准 %1/%2</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>training %1/%2</source>
        <translation>训练 %1/%2</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>evaluations %1/%2</source>
        <translation>评估 %1/%2</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>elapsed %1</source>
        <translation>已用 %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>ETA once a step is timed</source>
        <translation>计时一步后显示剩余时间</translation>
    </message>
    <message>
        <location line="+1"/>
        <source> + what is not timed yet</source>
        <translation> + 尚未计时的部分</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>paused: the clock is stopped, %1 left when resumed</source>
        <translation>已暂停：计时停止，继续后剩余 %1</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>warning: </source>
        <translation>警告：</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>error: </source>
        <translation>错误：</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>The run failed: %1</source>
        <translation>运行失败：%1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../ui/common/format.cpp" line="+45"/>
        <source>%1 h %2 min</source>
        <translation>%1 小时 %2 分</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 min %2 s</source>
        <translation>%1 分 %2 秒</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
</context>
<context>
    <name>qat::ui::RunFilesDialog</name>
    <message>
        <location filename="../ui/runs/runfiles.cpp" line="+35"/>
        <source>checkpoint</source>
        <translation>检查点</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>other</source>
        <translation>其他</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Files of %1</source>
        <translation>%1 的文件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This run has no work directory.</source>
        <translation>此运行没有工作目录。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>No files yet.</source>
        <translation>尚无文件。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The work directory is gone (moved or deleted).</source>
        <translation>工作目录已不存在（被移动或删除）。</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n file(s), %1</source>
        <translation>
            <numerusform>%n 个文件，%1</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
</context>
<context>
    <name>qat::ui::RunsModel</name>
    <message>
        <location filename="../ui/common/runsmodel.cpp" line="+55"/>
        <source>queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>completed</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>interrupted</source>
        <translation>已中断</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Method</source>
        <translation>方法</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Bits</source>
        <translation>位数</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Group</source>
        <translation>分组</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Rank</source>
        <translation>秩</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Final PPL</source>
        <translation>最终 PPL</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Best PPL</source>
        <translation>最佳 PPL</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Duration</source>
        <translation>时长</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Started</source>
        <translation>开始时间</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>row</source>
        <translation>整行</translation>
    </message>
</context>
<context>
    <name>qat::ui::RunsView</name>
    <message>
        <location filename="../ui/runs/runsview.cpp" line="+67"/>
        <source>Filter runs (name, method, tag, ...)</source>
        <translation>筛选运行（名称、方法、标签……）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>All statuses</source>
        <translation>所有状态</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Open charts</source>
        <translation>打开图表</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Show the selected run&apos;s charts (or double-click it).</source>
        <translation>显示所选运行的图表（或双击它）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rename...</source>
        <translation>重命名...</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Rename the selected run (or edit its name in the table).</source>
        <translation>重命名所选运行（或在表格中编辑其名称）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tags...</source>
        <translation>标签...</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Edit the selected run&apos;s tags.</source>
        <translation>编辑所选运行的标签。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete...</source>
        <translation>删除...</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Delete the selected run and its metrics from the database.</source>
        <translation>从数据库中删除所选运行及其指标。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Export...</source>
        <translation>导出...</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Export the selected completed run for llama.cpp (GGUF), GPTQModel or as a Hugging Face checkpoint.</source>
        <translation>将选中的已完成运行导出为 llama.cpp（GGUF）、GPTQModel 或 Hugging Face 检查点。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Read the database again.</source>
        <translation>重新读取数据库。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Continue the selected stopped, interrupted or failed run from its last checkpoint (same run, live in the Experiment view).</source>
        <translation>从最后一个检查点继续所选的已停止、中断或失败的运行（同一运行，在实验视图中实时显示）。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Clone</source>
        <translation>克隆</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Load the selected run&apos;s experiment into the form, to change and run it.</source>
        <translation>将所选运行的实验载入表单，以便修改并运行。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>FP baseline</source>
        <translation>全精度基线</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>The full-precision model on the run&apos;s evaluation text with the run&apos;s protocol, next to the run&apos;s perplexity.</source>
        <translation>在该运行的评估文本上按其协议评估全精度模型，并与该运行的困惑度并列显示。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Evaluate...</source>
        <translation>评估...</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+109"/>
        <source>The run&apos;s model on any text, and a short generation preview.</source>
        <translation>在任意文本上评估该运行的模型，并给出简短的生成预览。</translation>
    </message>
    <message>
        <location line="-108"/>
        <source>Files...</source>
        <translation>文件...</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>The run&apos;s checkpoints and exports with their sizes.</source>
        <translation>该运行的检查点和导出文件及其大小。</translation>
    </message>
    <message numerus="yes">
        <location line="+58"/>
        <source>%n run(s) in %1</source>
        <translation>
            <numerusform>%1 中有 %n 个运行</numerusform>
        </translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Database: %1</source>
        <translation>数据库：%1</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>This run has no dequantized model (export/hf) yet: the original model is offered instead.</source>
        <translation>此运行尚无反量化模型（export/hf）：改为提供原始模型。</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>run %1 (%2)</source>
        <translation>运行 %1（%2）</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Evaluate and generate: %1</source>
        <translation>评估与生成：%1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1, its final evaluation</source>
        <translation>%1，其最终评估</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Full-precision baseline of %1</source>
        <translation>%1 的全精度基线</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1, quantized</source>
        <translation>%1，量化后</translation>
    </message>
    <message>
        <location line="+49"/>
        <source>Rename run</source>
        <translation>重命名运行</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>New name:</source>
        <translation>新名称：</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Edit tags</source>
        <translation>编辑标签</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Tags, separated by commas:</source>
        <translation>标签，用逗号分隔：</translation>
    </message>
    <message>
        <location line="+11"/>
        <location line="+5"/>
        <source>Delete run</source>
        <translation>删除运行</translation>
    </message>
    <message>
        <location line="-5"/>
        <source>This run is still active. Stop it first.</source>
        <translation>此运行仍在进行。请先停止它。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Delete run &quot;%1&quot; with all its metrics? Checkpoint files on disk are kept.</source>
        <translation>删除运行“%1”及其所有指标？磁盘上的检查点文件会保留。</translation>
    </message>
</context>
<context>
    <name>qat::ui::SettingsDialog</name>
    <message>
        <location filename="../ui/shell/settingsdialog.cpp" line="+24"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Default</source>
        <translation>默认</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The CLI&apos;s default: $QATBENCH_DB, else ~/.local/share/QATBench/runs.db</source>
        <translation>命令行的默认值：$QATBENCH_DB，否则为 ~/.local/share/QATBench/runs.db</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Automatic: %1</source>
        <translation>自动：%1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The qatbench-cli that runs experiments. Empty: $QATBENCH_CLI, else a CUDA build at %1 (README&apos;s GPU recipe), else the one next to QATBench.</source>
        <translation>运行实验的 qatbench-cli。留空：使用 $QATBENCH_CLI，否则使用 %1 处的 CUDA 构建（README 中的 GPU 步骤），否则使用 QATBench 旁边的那个。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Check</source>
        <translation>检查</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ask this engine which devices it can use (qatbench-cli devices --json).</source>
        <translation>询问此引擎可以使用哪些设备（qatbench-cli devices --json）。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>System language</source>
        <translation>系统语言</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>A new language applies after QATBench restarts.</source>
        <translation>新语言将在 QATBench 重启后生效。</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+15"/>
        <source>Run database</source>
        <translation>运行数据库</translation>
    </message>
    <message>
        <location line="-14"/>
        <source>Engine</source>
        <translation>引擎</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Default device</source>
        <translation>默认设备</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>QATBench database (*.db);;All files (*)</source>
        <translation>QATBench 数据库 (*.db);;所有文件 (*)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Engine (qatbench-cli)</source>
        <translation>引擎（qatbench-cli）</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Asking %1 for its devices...</source>
        <translation>正在询问 %1 的设备...</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>The device a new experiment starts with; with several GPUs also a data-parallel run on k of them (one engine process per GPU, docs/SCALE.md).</source>
        <translation>新实验默认使用的设备；有多块 GPU 时也可选择在其中 k 块上数据并行运行（每块 GPU 一个引擎进程，见 docs/SCALE.md）。</translation>
    </message>
    <message>
        <source>auto (first GPU, else CPU)</source>
        <translation type="vanished">auto（第一块 GPU，否则 CPU）</translation>
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
        <translation>选择一个运行以查看其任务得分。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Run &quot;%1&quot; has no task scores: add tasks to the experiment&apos;s evaluation section (docs/EVAL.md), or score its export with qatbench-cli tasks.</source>
        <translation>运行“%1”没有任务得分：请在实验的 evaluation 部分添加任务（docs/EVAL.md），或用 qatbench-cli tasks 评测其导出模型。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Tasks of run &quot;%1&quot;, scored as lm-evaluation-harness scores them:</source>
        <translation>运行“%1”的任务，按 lm-evaluation-harness 的方式评分：</translation>
    </message>
</context>
<context>
    <name>qat::ui::TaskTableModel</name>
    <message>
        <location line="-168"/>
        <source>n/a</source>
        <translation>无</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1-shot</source>
        <translation>%1-shot</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>first %1 per subject</source>
        <translation>每个学科前 %1 题</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>first %1</source>
        <translation>前 %1 题</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>all questions</source>
        <translation>全部题目</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n truncated</source>
        <translation>
            <numerusform>%n 个被截断</numerusform>
        </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>step %1</source>
        <translation>第 %1 步</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Weighted by subject size, as the harness&apos;s &quot;mmlu&quot;; macro average over subjects: %1 %</source>
        <translation>按学科题量加权，同 harness 的“mmlu”；各学科宏平均：%1 %</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The harness reports acc only for this task.</source>
        <translation>harness 对此任务只报告 acc。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Expected accuracy of a uniform guess: the mean of 1 / choices.</source>
        <translation>均匀随机猜测的期望准确率：1 / 选项数 的平均值。</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>n</source>
        <translation>n</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>acc % ± stderr</source>
        <translation>acc % ± 标准误</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>acc_norm % ± stderr</source>
        <translation>acc_norm % ± 标准误</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>chance %</source>
        <translation>随机 %</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Protocol</source>
        <translation>协议</translation>
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
        <translation>面向 LLaMA 系列模型的量化感知训练：打开检查点，选择位数、分组大小和 LoRA 秩，然后用 DL-QAT 校准和训练，并实时观察损失、困惑度和每组幅度。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Open model...</source>
        <translation>打开模型...</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Run the demo</source>
        <translation>运行演示</translation>
    </message>
    <message>
        <source>Builds a small LLaMA on this computer and compares full precision, RTN and DL-QAT. No download needed.</source>
        <translation type="vanished">在本机构建一个小型 LLaMA，并比较全精度、RTN 和 DL-QAT。无需下载。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Builds a small LLaMA on this computer, then quantizes it with RTN and DL-QAT at 3 and 2 bits as real runs: their curves are drawn live, and they stay in Runs, Compare and Histograms. No download needed.</source>
        <translation>在本机构建一个小型 LLaMA，然后以 RTN 和 DL-QAT 在 3 位和 2 位下量化，均为真实运行：其曲线实时绘制，并保留在运行记录、比较和直方图中。无需下载。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Click a model to open it.</source>
        <translation>单击模型即可打开。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Click a run to show its charts.</source>
        <translation>单击运行即可显示其图表。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>&lt;b&gt;Recent models&lt;/b&gt;</source>
        <translation>&lt;b&gt;最近的模型&lt;/b&gt;</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&lt;b&gt;Recent runs&lt;/b&gt;</source>
        <translation>&lt;b&gt;最近的运行&lt;/b&gt;</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>No model opened yet.</source>
        <translation>尚未打开任何模型。</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>perplexity %1</source>
        <translation>困惑度 %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>No run yet: open a model or run the demo.</source>
        <translation>还没有运行：请打开一个模型或运行演示。</translation>
    </message>
</context>
<context>
    <name>qat::ui::WorkbenchView</name>
    <message>
        <location filename="../ui/workbench/workbenchview.cpp" line="+33"/>
        <source>Load...</source>
        <translation>加载...</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Load an experiment JSON file.</source>
        <translation>加载实验 JSON 文件。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save...</source>
        <translation>保存...</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save the experiment as JSON (the same file `qatbench-cli run --config` reads).</source>
        <translation>将实验保存为 JSON（即 `qatbench-cli run --config` 读取的文件）。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&lt;b&gt;Experiment&lt;/b&gt;</source>
        <translation>&lt;b&gt;实验&lt;/b&gt;</translation>
    </message>
    <message>
        <source>%1 - %2, %3</source>
        <translation type="vanished">%1 - %2，%3</translation>
    </message>
    <message>
        <location line="+71"/>
        <source>Fix the experiment&apos;s problems first (shown in red).</source>
        <translation>请先修正实验中的问题（以红色显示）。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Demo: run %1 (%2) - live</source>
        <translation>演示：运行 %1（%2）- 实时</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Run %1 (%2) - live</source>
        <translation>运行 %1（%2）- 实时</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Cannot create %1</source>
        <translation>无法创建 %1</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Start run</source>
        <translation>开始运行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The experiment has problems; they are shown in red in the form.</source>
        <translation>实验存在问题；它们在表单中以红色显示。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Could not write the experiment file.</source>
        <translation>无法写入实验文件。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Starting...</source>
        <translation>正在启动...</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Experiment: %1</source>
        <translation>实验：%1</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+22"/>
        <source>Database: %1</source>
        <translation>数据库：%1</translation>
    </message>
    <message>
        <location line="-18"/>
        <source>Data-parallel on %1 GPUs: one engine process per GPU, each with 1/%1 of every step&apos;s batch (qatbench-cli run --gpus %1).</source>
        <translation>在 %1 块 GPU 上数据并行：每块 GPU 一个引擎进程，各处理每步批次的 1/%1（qatbench-cli run --gpus %1）。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Demo: pretraining a small LLaMA...</source>
        <translation>演示：正在预训练一个小型 LLaMA...</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Running the demo: a small LLaMA is built and pretrained here, then quantized with RTN and DL-QAT at 3 and 2 bits. Each of those is a real run in the database: its curves are drawn live and it stays in Runs, Compare and Histograms. No download needed.</source>
        <translation>正在运行演示：在本机构建并预训练一个小型 LLaMA，然后以 RTN 和 DL-QAT 在 3 位和 2 位下量化。每一个都是数据库中的真实运行：其曲线实时绘制，并保留在运行记录、比较和直方图中。无需下载。</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Resume run</source>
        <translation>继续运行</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>A run is active; stop it first.</source>
        <translation>有运行正在进行；请先停止它。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Resuming run %1...</source>
        <translation>正在继续运行 %1...</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Resuming run %1 from its last checkpoint.</source>
        <translation>从最后一个检查点继续运行 %1。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>It ran on %1 GPUs and continues on as many (data-parallel).</source>
        <translation>该运行上次在 %1 块 GPU 上进行，将在同样数量的 GPU 上继续（数据并行）。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>It ran on %1 GPUs; the engine lists %2, so it continues as one process (the same run: the batch of each step does not change).</source>
        <translation>该运行上次在 %1 块 GPU 上进行；引擎列出 %2 块，因此以单个进程继续（同一运行：每步的批次不变）。</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Clone run</source>
        <translation>克隆运行</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>The run&apos;s stored experiment is not a JSON object.</source>
        <translation>该运行存储的实验不是 JSON 对象。</translation>
    </message>
    <message>
        <source>Demo</source>
        <translation type="vanished">演示</translation>
    </message>
    <message>
        <source>Running the demo: a small LLaMA is built and trained here, then compared in full precision, RTN and DL-QAT. No download needed.</source>
        <translation type="vanished">正在运行演示：在本机构建并训练一个小型 LLaMA，然后比较全精度、RTN 和 DL-QAT。无需下载。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Open run</source>
        <translation>打开运行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A run is active; its live charts stay on screen.</source>
        <translation>有运行正在进行；其实时图表保持显示。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Run %1: %2</source>
        <translation>运行 %1：%2</translation>
    </message>
    <message>
        <location line="+11"/>
        <location line="+4"/>
        <source>Load experiment</source>
        <translation>加载实验</translation>
    </message>
    <message>
        <location line="-3"/>
        <source>Experiment JSON (*.json);;All files (*)</source>
        <translation>实验 JSON (*.json);;所有文件 (*)</translation>
    </message>
    <message>
        <location line="+10"/>
        <location line="+4"/>
        <source>Save experiment</source>
        <translation>保存实验</translation>
    </message>
    <message>
        <location line="-4"/>
        <source>Experiment JSON (*.json)</source>
        <translation>实验 JSON (*.json)</translation>
    </message>
</context>
</TS>
