#pragma once
// A scripted fake engine for the ui tests: a test executable runs it when started with --fake-engine SCRIPT
// (see fakeEngineMain). It prints events like `qatbench-cli run --events jsonl`, obeys pause/resume/stop on
// stdin and can crash, so EngineClient and the windows are tested without the real engine.

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <thread>

namespace qat::test {

inline void emitLine(const std::string& json)
{
    std::cout << json << '\n' << std::flush;
}

inline std::string event(const std::string& name, const std::string& fields = {})
{
    const double t =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    return "{\"event\":\"" + name + "\",\"t\":" + std::to_string(t) + (fields.empty() ? "" : "," + fields) +
           "}";
}

// Scripts: "complete" runs 5 steps; "slow" runs 400 steps of 10 ms and obeys stdin; "crash" aborts mid-run;
// "fail" reports failed and exits 1; "exit3" dies with code 3 without a word; "noise" mixes in non-JSON
// lines.
inline int fakeEngine(const std::string& script)
{
    std::atomic<bool> pausedFlag{false}, stopFlag{false};
    std::thread reader([&] {
        std::string line;
        while (std::getline(std::cin, line)) {
            if (line == "pause") pausedFlag = true;
            if (line == "resume") pausedFlag = false;
            if (line == "stop") stopFlag = true;
        }
    });
    reader.detach();

    if (script == "textprogress") { // what `qatbench-cli demo` prints when its stderr is not a terminal
        std::cerr << "pretrain: 35% (350/1000) ETA 1m05s\n" << std::flush;
        std::cerr << "dlqat w3: 100% (200/200)\n" << std::flush;
        std::cout << "method      ppl\nDL-QAT W3   3.21\n" << std::flush;
        return 0;
    }
    const bool slow = script == "slow" || script == "live";
    const int steps = script == "slow" ? 400 : script == "live" ? 2000 : 5;
    emitLine(event("started", "\"run_id\":42,\"method\":\"dlqat\",\"total_steps\":" + std::to_string(steps)));
    emitLine(event("phase", "\"phase\":\"training\""));
    if (script == "noise") emitLine("loading model... (plain text)");
    if (script == "noise") { // lines core's parser refuses or reads with care (qat::parseEventLine)
        emitLine("{\"event\": 7}");
        emitLine(std::string(200, '[') + std::string(200, ']'));
        emitLine(event("metric", "\"name\":\"train/loss\",\"step\":2,\"value\":null,"
                                 "\"context\":{\"layer\":3,\"module\":\"q_proj\"},"
                                 "\"context_key\":\"layer=3,module=q_proj\""));
    }
    if (script == "fail") {
        emitLine(event("failed",
                       "\"message\":\"data.train: file not found: /nope.txt\",\"hint\":\"choose a file\""));
        return 1;
    }
    if (script == "exit3") {
        std::cerr << "something went wrong\n";
        return 3;
    }
    bool wasPaused = false;
    for (int step = 1; step <= steps; ++step) {
        while (pausedFlag && !stopFlag) {
            if (!wasPaused) emitLine(event("paused"));
            wasPaused = true;
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        if (wasPaused) emitLine(event("resumed"));
        wasPaused = false;
        if (stopFlag) {
            emitLine(event("checkpoint", "\"path\":\"/tmp/ckpt\",\"step\":" + std::to_string(step - 1)));
            emitLine(event("finished", "\"status\":\"cancelled\",\"message\":\"stopped at step " +
                                           std::to_string(step - 1) + "\""));
            return 0;
        }
        const std::string s = std::to_string(step);
        emitLine(event("progress", "\"phase\":\"training\",\"step\":" + s +
                                       ",\"total\":" + std::to_string(steps) +
                                       ",\"eta_s\":1.5,\"tokens_per_s\":1000,\"mem_bytes\":1048576"));
        // "live": a loss curve that looks like training, with noise, a learning rate and evaluations.
        const double loss = script == "live" ? 2.2 + 1.6 * std::exp(-step / 150.0) +
                                                   0.15 * std::sin(step * 1.7) * std::cos(step * 0.31)
                                             : 3.0 / step;
        emitLine(event("metric", "\"name\":\"train/loss\",\"step\":" + s + ",\"value\":" +
                                     std::to_string(loss) + ",\"context\":{\"split\":\"train\"}"));
        if (script == "live") {
            const double lr =
                step < 50 ? 2e-3 * step / 50 : 2e-3 * 0.5 * (1 + std::cos(3.14159 * step / steps));
            emitLine(event("metric", "\"name\":\"lr/m\",\"step\":" + s + ",\"value\":" + std::to_string(lr)));
            emitLine(event("metric",
                           "\"name\":\"lr/lora\",\"step\":" + s + ",\"value\":" + std::to_string(lr / 2)));
            if (step % 100 == 0)
                emitLine(event("eval", "\"step\":" + s + ",\"ppl\":" +
                                           std::to_string(9.0 + 12.0 * std::exp(-step / 200.0)) +
                                           ",\"nll\":2.2,\"tokens\":65536"));
        }
        if (script == "crash" && step == 3) std::abort();
        if (slow) std::this_thread::sleep_for(std::chrono::milliseconds(script == "live" ? 2 : 10));
    }
    emitLine(
        event("eval", "\"step\":" + std::to_string(steps) + ",\"ppl\":12.5,\"nll\":2.526,\"tokens\":4096"));
    emitLine(event("finished", "\"status\":\"completed\",\"message\":\"done\""));
    return 0;
}

// Call first thing in main(): returns true (and sets exitCode) when this process is the fake engine.
inline bool fakeEngineMain(int argc, char** argv, int& exitCode)
{
    if (argc < 3 || std::strcmp(argv[1], "--fake-engine") != 0) return false;
    exitCode = fakeEngine(argv[2]);
    return true;
}

} // namespace qat::test
