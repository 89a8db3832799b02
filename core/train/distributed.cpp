// Data-parallel runs on c10d (docs/SCALE.md): the launcher (one process per rank, a local TCPStore), the
// handoff of the prepared run from rank 0 to the followers, and what TrainLoop calls each step (rank 0's
// decision, the window shards, the gradient all-reduce). Builds against Debian's LibTorch 1.13 (c10d's
// process groups derive from ProcessGroup) and LibTorch 2.x (they derive from Backend): only the concrete
// classes' constructors, Options::create, allreduce and Work::wait are used, which both have.
#include "qatbench/distributed.h"
#include "qatbench/device.h"
#include "qatbench_sdk/distributed.h"
#include "qatbench_sdk/trainer.h"

#include "qatbench_sdk/torch.h"
#include <torch/version.h>

#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

// Gloo's process group needs gloo's headers (Debian: libgloo-dev); LibTorch has the symbols either way.
#if __has_include(<gloo/algorithm.h>) && __has_include(<torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>)
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO 1
#endif
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#define QAT_HAVE_GLOO 1
#endif
// NCCL's only in a CUDA build whose include path has nccl.h (core/CMakeLists.txt looks for it).
#if defined(QATBENCH_HAVE_CUDA) && __has_include(<nccl.h>) &&                                                   \
    __has_include(<torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>)
#ifndef USE_C10D_NCCL
#define USE_C10D_NCCL 1
#endif
#include <c10/cuda/CUDAFunctions.h>
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#define QAT_HAVE_NCCL 1
#endif

#include <atomic>
#include <chrono>
#include <climits>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <map>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace qat::dist {

namespace {

constexpr const char* kRankVar = "QATBENCH_RANK";
constexpr const char* kWorldVar = "QATBENCH_WORLD_SIZE";
constexpr const char* kPortVar = "QATBENCH_DIST_PORT";
constexpr const char* kBackendVar = "QATBENCH_DIST_BACKEND";
constexpr const char* kTimeoutVar = "QATBENCH_DIST_TIMEOUT_S";

int envInt(const char* name, int fallback, int lo, int hi)
{
    const char* v = std::getenv(name);
    if (!v || !*v) return fallback;
    char* end = nullptr;
    const long x = std::strtol(v, &end, 10);
    if (*end || x < lo || x > hi)
        throw Error(std::string("environment variable ") + name + ": '" + v + "' is not a number in [" +
                    std::to_string(lo) + ", " + std::to_string(hi) + "]");
    return int(x);
}

RankInfo readRankInfo()
{
    RankInfo r;
    r.world = envInt(kWorldVar, 1, 1, 4096);
    if (const char* t = std::getenv(kTimeoutVar); t && *t) {
        char* end = nullptr;
        r.timeoutS = std::strtod(t, &end);
        if (*end || !(r.timeoutS > 0))
            throw Error(std::string("environment variable ") + kTimeoutVar + ": '" + t +
                        "' is not a positive number of seconds");
    }
    if (r.world == 1) return r;
    r.rank = envInt(kRankVar, -1, 0, r.world - 1);
    if (r.rank < 0) throw Error(std::string("environment variable ") + kRankVar + " is missing");
    r.port = envInt(kPortVar, 0, 1, 65535);
    const std::string b = std::getenv(kBackendVar) ? std::getenv(kBackendVar) : "";
    if (b == "gloo")
        r.backend = Backend::Gloo;
    else if (b == "nccl")
        r.backend = Backend::Nccl;
    else
        throw Error(std::string("environment variable ") + kBackendVar + ": '" + b + "' (gloo or nccl)");
    return r;
}

std::chrono::milliseconds timeoutMs()
{
    return std::chrono::milliseconds(int64_t(rankInfo().timeoutS * 1000));
}

std::string firstLine(const std::exception& e)
{
    std::string what = e.what();
    if (const auto* c = dynamic_cast<const c10::Error*>(&e)) what = c->what_without_backtrace();
    return what.substr(0, what.find('\n'));
}

// The client of the launcher's store (one per rank process; used from the training thread only).
c10::intrusive_ptr<c10d::Store>& store()
{
    static c10::intrusive_ptr<c10d::Store> s;
    if (!s) {
        c10d::TCPStoreOptions o;
        o.port = uint16_t(rankInfo().port);
        o.isServer = false;
        o.waitWorkers = false;
        o.timeout = timeoutMs();
        try {
            s = c10::make_intrusive<c10d::TCPStore>("127.0.0.1", o);
        } catch (const std::exception& e) {
            throw RankLost("rank " + std::to_string(rankInfo().rank) +
                           ": cannot reach the launcher's store on 127.0.0.1:" +
                           std::to_string(rankInfo().port) + ": " + firstLine(e));
        }
    }
    return s;
}

// The key the launcher sets when a rank ended before the run did (its value says which and how).
constexpr const char* kLostKey = "qat/lost";

// Waits for keys without a timeout (rank 0 may be paused or loading a large model): polls check(), first
// back to back, then every few milliseconds. A rank the launcher saw end (kLostKey) or a vanished store (the
// launcher died) throws RankLost.
void waitForKeys(const std::vector<std::string>& keys)
{
    for (int i = 0;; ++i) {
        try {
            if (store()->check(keys)) return;
            if (i % 8 == 0 && store()->check({kLostKey})) {
                const auto v = store()->get(kLostKey);
                throw RankLost("rank " + std::to_string(rankInfo().rank) +
                               " stopped waiting: " + std::string(v.begin(), v.end()));
            }
        } catch (const RankLost&) {
            throw;
        } catch (const std::exception& e) {
            throw RankLost("rank " + std::to_string(rankInfo().rank) + ": the launcher's store went away (" +
                           firstLine(e) + ")");
        }
        if (i > 200) std::this_thread::sleep_for(std::chrono::microseconds(200 * std::min(i - 200, 25)));
    }
}

void waitForKey(const std::string& key)
{
    waitForKeys({key});
}

std::vector<uint8_t> bytesOf(const std::string& s)
{
    return std::vector<uint8_t>(s.begin(), s.end());
}

// The process group of this rank, made at its first collective (after the model is loaded everywhere).
struct Group
{
#ifdef QAT_HAVE_GLOO
    c10::intrusive_ptr<c10d::ProcessGroupGloo> gloo;
#endif
#ifdef QAT_HAVE_NCCL
    c10::intrusive_ptr<c10d::ProcessGroupNCCL> nccl;
#endif
};

// Never destroyed: a group whose peer died may block in its destructor; the process is about to end anyway.
Group& group()
{
    static Group* g = nullptr;
    if (g) return *g;
    const RankInfo& r = rankInfo();
    // Every rank present first (no timeout: the model loads may differ by minutes), so that the group's own
    // rendezvous and the collectives' timeout only measure the ranks' skew within a step; a rank that ended
    // meanwhile (the launcher's kLostKey) ends the wait at once.
    std::vector<std::string> ready;
    for (int k = 0; k < r.world; ++k)
        ready.push_back("qat/ready/" + std::to_string(k));
    try {
        store()->set(ready[size_t(r.rank)], bytesOf("1"));
    } catch (const std::exception& e) {
        throw RankLost("rank " + std::to_string(r.rank) + ": the launcher's store went away (" +
                       firstLine(e) + ")");
    }
    waitForKeys(ready);
    auto prefixed = c10::make_intrusive<c10d::PrefixStore>("qat/pg", store());
    auto* made = new Group;
    try {
        if (r.backend == Backend::Gloo) {
#ifdef QAT_HAVE_GLOO
            auto opts = c10d::ProcessGroupGloo::Options::create(timeoutMs());
            opts->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
            opts->threads = 1;
            made->gloo = c10::make_intrusive<c10d::ProcessGroupGloo>(prefixed, r.rank, r.world, opts);
#endif
        } else if (r.backend == Backend::Nccl) {
#ifdef QAT_HAVE_NCCL
            c10::cuda::set_device(c10::DeviceIndex(r.rank));
            auto opts = c10d::ProcessGroupNCCL::Options::create();
            opts->timeout = timeoutMs();
            made->nccl = c10::make_intrusive<c10d::ProcessGroupNCCL>(prefixed, r.rank, r.world, opts);
#endif
        }
    } catch (const std::exception& e) {
        throw RankLost("rank " + std::to_string(r.rank) + " of " + std::to_string(r.world) +
                       ": the process group (" + backendName(r.backend) + ") did not form within " +
                       std::to_string(int(r.timeoutS)) + " s: " + firstLine(e));
    }
    g = made;
    return *g;
}

// Sum over the ranks, in place.
void allReduceSum(at::Tensor& t)
{
    Group& g = group();
    std::vector<at::Tensor> one{t};
#ifdef QAT_HAVE_NCCL
    if (g.nccl) {
        g.nccl->allreduce(one)->wait();
        return;
    }
#endif
#ifdef QAT_HAVE_GLOO
    if (g.gloo) {
        if (t.is_cuda()) { // Gloo reduces host memory
            std::vector<at::Tensor> host{t.cpu()};
            g.gloo->allreduce(host)->wait();
            t.copy_(host[0]);
        } else {
            g.gloo->allreduce(one)->wait();
        }
        return;
    }
#endif
    (void)g;
    throw Error(std::string("this LibTorch has no c10d ") + backendName(rankInfo().backend) +
                " process group");
}

// --- the launcher ---

std::atomic<int> g_termSignals{0};
std::atomic<int> g_userInts{0};

extern "C" void onLauncherSignal(int sig, siginfo_t* info, void*)
{
    // SIGINT from the terminal reaches every process of the foreground group (rank 0 stops on it itself); one
    // sent to the launcher alone (kill) is passed on.
    if (sig == SIGINT) {
        if (info && (info->si_code == SI_USER || info->si_code == SI_QUEUE)) g_userInts.fetch_add(1);
        return;
    }
    g_termSignals.fetch_add(1);
}

double monotonicSeconds()
{
    using namespace std::chrono;
    return duration<double>(steady_clock::now().time_since_epoch()).count();
}

} // namespace

const char* backendName(Backend b)
{
    switch (b) {
    case Backend::Gloo:
        return "gloo";
    case Backend::Nccl:
        return "nccl";
    case Backend::None:
        break;
    }
    return "none";
}

const RankInfo& rankInfo()
{
    static const RankInfo info = readRankInfo();
    return info;
}

bool available(Backend b)
{
    if (b == Backend::None) return true;
#ifdef QAT_HAVE_GLOO
    if (b == Backend::Gloo) return true;
#endif
#ifdef QAT_HAVE_NCCL
    if (b == Backend::Nccl) return true;
#endif
    return false;
}

std::string unavailableReason(Backend b)
{
    if (available(b)) return {};
    return std::string("this qatbench-cli was built without c10d's ") + backendName(b) + " process group" +
           (b == Backend::Gloo ? " (install libgloo-dev and rebuild)"
                               : " (rebuild against a LibTorch with CUDA, with nccl.h at build time: "
                                 "docs/SCALE.md)");
}

nlohmann::json dataParallelSupport()
{
    return {{"gloo", available(Backend::Gloo)}, {"nccl", available(Backend::Nccl)}};
}

std::string rankDevice(const std::string& resolved)
{
    const RankInfo& r = rankInfo();
    if (r.world == 1 || r.backend != Backend::Nccl) return resolved;
    if (resolved.rfind("cuda", 0) != 0)
        throw ConfigError("run.device",
                          "is '" + resolved + "'; --gpus trains on CUDA devices (cuda or auto)");
    if (resolved != "cuda" && resolved != "cuda:0")
        throw ConfigError("run.device",
                          "is '" + resolved +
                              "'; with --gpus N rank r uses cuda:r, so give cuda, cuda:0 or auto");
    return "cuda:" + std::to_string(r.rank);
}

void publishRun(const nlohmann::json& run)
{
    if (!active() || isFollower()) return;
    try {
        store()->set("qat/run", bytesOf(run.dump()));
    } catch (const RankLost&) {
        throw;
    } catch (const std::exception& e) {
        throw RankLost("rank 0: cannot hand the run to the other ranks: " + firstLine(e));
    }
}

nlohmann::json receiveRun()
{
    waitForKey("qat/run");
    const auto v = store()->get("qat/run");
    return nlohmann::json::parse(std::string(v.begin(), v.end()));
}

std::string batchSplitProblem(int64_t batch, int world)
{
    if (world <= 1 || batch % world == 0) return {};
    return "is " + std::to_string(batch) + ", which does not split over " + std::to_string(world) +
           " ranks: give a multiple of " + std::to_string(world) + " (the batch of the whole step)";
}

void checkBatch(int64_t batch)
{
    if (const std::string why = batchSplitProblem(batch, rankInfo().world); !why.empty())
        throw ConfigError("data.batch_size", why);
}

at::Tensor nextShard(WindowSampler& sampler, int64_t batch, const at::Device& device)
{
    const RankInfo& r = rankInfo();
    const int64_t local = batch / r.world;
    const int64_t start = sampler.position();
    sampler.seek(start + int64_t(r.rank) * local);
    at::Tensor windows = sampler.next(local, device);
    sampler.seek(start + batch);
    return windows;
}

bool agree(bool rankZeroGoes)
{
    static int64_t round = 0;
    const std::string key = "qat/go/" + std::to_string(round++);
    if (!isFollower()) {
        try {
            store()->set(key, bytesOf(rankZeroGoes ? "1" : "0"));
        } catch (const RankLost&) {
            throw;
        } catch (const std::exception& e) {
            throw RankLost("rank 0: the launcher's store went away (" + firstLine(e) + ")");
        }
        return rankZeroGoes;
    }
    waitForKey(key);
    const auto v = store()->get(key);
    return !v.empty() && v[0] == '1';
}

void averageGradients(const std::vector<at::Tensor>& params, at::Tensor& loss)
{
    const RankInfo& r = rankInfo();
    constexpr int64_t kBucketBytes = int64_t(64) << 20;
    // Buckets of gradients of one dtype and device, in parameter order (the same on every rank).
    struct Bucket
    {
        std::vector<at::Tensor> grads;
        int64_t bytes = 0;
    };
    std::vector<Bucket> buckets;
    std::map<std::pair<at::ScalarType, std::string>, size_t> open;
    for (const auto& p : params) {
        const at::Tensor g = p.grad();
        if (!g.defined()) continue;
        const auto key = std::make_pair(g.scalar_type(), g.device().str());
        const int64_t bytes = g.numel() * int64_t(g.element_size());
        auto it = open.find(key);
        if (it == open.end() || buckets[it->second].bytes + bytes > kBucketBytes) {
            buckets.emplace_back();
            open[key] = buckets.size() - 1;
            it = open.find(key);
        }
        buckets[it->second].grads.push_back(g);
        buckets[it->second].bytes += bytes;
    }
    try {
        at::NoGradGuard noGrad;
        const double inv = 1.0 / double(r.world);
        for (auto& b : buckets) {
            std::vector<at::Tensor> flat;
            for (const auto& g : b.grads)
                flat.push_back(g.reshape({-1}));
            at::Tensor buf = at::cat(flat);
            allReduceSum(buf);
            buf.mul_(inv);
            int64_t off = 0;
            for (auto& g : b.grads) {
                g.copy_(buf.narrow(0, off, g.numel()).view(g.sizes()));
                off += g.numel();
            }
        }
        if (loss.defined()) {
            at::Tensor l = loss.detach().to(at::kDouble).reshape({1}).contiguous();
            allReduceSum(l);
            loss = (l * inv).reshape({}).to(loss.scalar_type());
        }
    } catch (const RankLost&) {
        throw;
    } catch (const std::exception& e) {
        throw RankLost("rank " + std::to_string(r.rank) + " of " + std::to_string(r.world) +
                       ": the gradient all-reduce failed (another rank died or did not answer within " +
                       std::to_string(int(r.timeoutS)) + " s): " + firstLine(e));
    }
}

int launchRanks(const std::vector<std::string>& args, int world, Backend backend)
{
    if (!available(backend)) throw Error(unavailableReason(backend));
    // The store lives here, in the launcher, so that it outlives any one rank.
    c10d::TCPStoreOptions o;
    o.port = 0; // any free port
    o.isServer = true;
    o.waitWorkers = false;
    o.timeout = std::chrono::milliseconds(int64_t(rankInfo().timeoutS * 1000));
    auto server = c10::make_intrusive<c10d::TCPStore>("127.0.0.1", o);
    const int port = server->getPort();

    char exe[PATH_MAX];
    const ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) throw Error("cannot find this program (/proc/self/exe) to start the ranks");
    exe[n] = 0;
    // Everything the children get is built before fork (the store's threads make the child
    // async-signal-only).
    std::vector<std::string> argStrings{exe};
    argStrings.insert(argStrings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argStrings)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> baseEnv;
    for (char** e = environ; *e; ++e) {
        const std::string s = *e;
        bool ours = false;
        for (const char* v : {kRankVar, kWorldVar, kPortVar, kBackendVar})
            ours = ours || s.rfind(std::string(v) + "=", 0) == 0;
        if (!ours) baseEnv.push_back(s);
    }
    const bool hasThreads = std::getenv("QATBENCH_THREADS") != nullptr;
    if (backend == Backend::Gloo && !hasThreads) // the cores shared out: N ranks x all cores oversubscribes
        baseEnv.push_back(
            "QATBENCH_THREADS=" +
            std::to_string(std::max(1u, std::thread::hardware_concurrency() / unsigned(world))));
    if (backend == Backend::Nccl && !std::getenv("NCCL_NVLS_ENABLE"))
        baseEnv.push_back("NCCL_NVLS_ENABLE=0"); // NVLink multicast off (docs/GPU.md)
    for (const auto& [name, value] : engineEnvironment())
        baseEnv.push_back(name + "=" + value);
    std::vector<std::vector<std::string>> envStrings(size_t(world), baseEnv);
    std::vector<std::vector<char*>> envs(static_cast<size_t>(world));
    for (int r = 0; r < world; ++r) {
        auto& e = envStrings[size_t(r)];
        e.push_back(std::string(kRankVar) + "=" + std::to_string(r));
        e.push_back(std::string(kWorldVar) + "=" + std::to_string(world));
        e.push_back(std::string(kPortVar) + "=" + std::to_string(port));
        e.push_back(std::string(kBackendVar) + "=" + backendName(backend));
        for (auto& s : e)
            envs[size_t(r)].push_back(s.data());
        envs[size_t(r)].push_back(nullptr);
    }

    struct sigaction sa
    {
    };
    sa.sa_sigaction = onLauncherSignal;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGHUP, &sa, nullptr);

    const pid_t parent = ::getpid();
    std::vector<pid_t> pids(size_t(world), -1);
    std::vector<int> status(size_t(world), -1); // exit status once ended
    for (int r = 0; r < world; ++r) {
        const pid_t pid = ::fork();
        if (pid < 0) {
            for (pid_t p : pids)
                if (p > 0) ::kill(p, SIGKILL);
            throw Error("cannot start rank " + std::to_string(r) + ": fork failed");
        }
        if (pid == 0) {
            // No rank outlives the launcher: rank 0 stops with a checkpoint, the others (which write nothing)
            // end.
            ::prctl(PR_SET_PDEATHSIG, r == 0 ? SIGTERM : SIGKILL);
            if (::getppid() != parent) ::_exit(1);
            if (r > 0) {
                const int null = ::open("/dev/null", O_RDWR);
                if (null >= 0) {
                    ::dup2(null, 0);
                    ::dup2(null, 1);
                }
            }
            ::execve(exe, argv.data(), envs[size_t(r)].data());
            ::_exit(127);
        }
        pids[size_t(r)] = pid;
    }
    std::cerr << "qatbench-cli run: " << world << " ranks (" << backendName(backend)
              << ", store 127.0.0.1:" << port << "), pids";
    for (pid_t p : pids)
        std::cerr << " " << p;
    std::cerr << "\n";

    // Rank 0 decides; the launcher only makes sure nobody is left behind.
    const double grace = 5; // after rank 0 ends, the others (already done, normally) get this long
    const double lostGrace = rankInfo().timeoutS + 60; // rank 0 notices a lost rank at its next collective
    double rankZeroEnded = -1, followerFailed = -1;
    int signalsSeen = 0, intsSeen = 0;
    bool termSent = false, killSent = false, zeroTermed = false;
    auto running = [&] {
        int k = 0;
        for (int s : status)
            k += s < 0;
        return k;
    };
    while (running() > 0) {
        int st = 0;
        const pid_t done = ::waitpid(-1, &st, WNOHANG);
        if (done > 0) {
            for (int r = 0; r < world; ++r)
                if (pids[size_t(r)] == done) {
                    status[size_t(r)] = st;
                    const bool ok = WIFEXITED(st) && (WEXITSTATUS(st) == 0 || WEXITSTATUS(st) == 3);
                    const std::string how = WIFSIGNALED(st)
                                                ? "by signal " + std::to_string(WTERMSIG(st))
                                                : "with status " + std::to_string(WEXITSTATUS(st));
                    if (r == 0) {
                        rankZeroEnded = monotonicSeconds();
                    } else if (!ok && followerFailed < 0) {
                        followerFailed = monotonicSeconds();
                        std::cerr << "qatbench-cli run: rank " << r << " ended " << how << "\n";
                    }
                    // The others stop waiting for it (the store's waits have no timeout).
                    if (r == 0 || !ok) {
                        try {
                            server->set(kLostKey, bytesOf("rank " + std::to_string(r) + " of " +
                                                          std::to_string(world) + " ended " + how));
                        } catch (const std::exception&) {
                        }
                    }
                }
            continue;
        }
        // Stop requests go to rank 0, which stops every rank at its next step with a checkpoint.
        for (; signalsSeen < g_termSignals.load(); ++signalsSeen)
            if (status[0] < 0) ::kill(pids[0], SIGTERM);
        for (; intsSeen < g_userInts.load(); ++intsSeen)
            if (status[0] < 0) ::kill(pids[0], SIGINT);
        const double now = monotonicSeconds();
        if (rankZeroEnded >= 0) {
            // Rank 0 killed by a signal: nothing will finish the others' step; otherwise they are about done.
            const bool zeroKilled = WIFSIGNALED(status[0]);
            const double since = now - rankZeroEnded;
            if (!termSent && (zeroKilled || since > grace)) {
                for (int r = 1; r < world; ++r)
                    if (status[size_t(r)] < 0) ::kill(pids[size_t(r)], SIGTERM);
                termSent = true;
            }
            if (!killSent && since > grace + 10) {
                for (int r = 1; r < world; ++r)
                    if (status[size_t(r)] < 0) ::kill(pids[size_t(r)], SIGKILL);
                killSent = true;
            }
        } else if (followerFailed >= 0) {
            const double since = now - followerFailed;
            if (!zeroTermed && since > lostGrace) {
                ::kill(pids[0], SIGTERM);
                zeroTermed = true;
            }
            if (since > lostGrace + 30) ::kill(pids[0], SIGKILL);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    // Rank 0's status is the run's (it is also in the store); a lost follower made rank 0 end the run.
    const int st0 = status[0];
    return WIFSIGNALED(st0) ? 128 + WTERMSIG(st0) : WEXITSTATUS(st0);
}

} // namespace qat::dist
