#pragma once
// The qatbench-cli commands. Each lives in its own cmd_<name>.cpp and returns the process exit code.

#include <string>
#include <vector>

namespace qat::cli {

using Argv = std::vector<std::string>; // the arguments after the command name

struct Command
{
    const char* name;
    const char* summary;
    int (*run)(const Argv& args);
    const char* usage; // printed by `qatbench-cli help NAME` and `NAME --help`
};

int cmdInspect(const Argv&);
int cmdEval(const Argv&);
int cmdGenerate(const Argv&);
int cmdRun(const Argv&);
int cmdRuns(const Argv&);
int cmdCompare(const Argv&);
int cmdDemo(const Argv&);
int cmdMethods(const Argv&);
int cmdSweep(const Argv&);
int cmdExport(const Argv&);
int cmdTasks(const Argv&);
int cmdDevices(const Argv&);

extern const char* const kInspectUsage;
extern const char* const kEvalUsage;
extern const char* const kGenerateUsage;
extern const char* const kRunUsage;
extern const char* const kRunsUsage;
extern const char* const kCompareUsage;
extern const char* const kDemoUsage;
extern const char* const kMethodsUsage;
extern const char* const kSweepUsage;
extern const char* const kExportUsage;
extern const char* const kTasksUsage;
extern const char* const kDevicesUsage;

} // namespace qat::cli
