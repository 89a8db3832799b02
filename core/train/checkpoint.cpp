// Stop/resume checkpoints: the trainable state, the optimizer, the data position, the RNG state and the step,
// in one torch archive written atomically, so a crash mid-write never leaves a half checkpoint behind.
#include "qatbench/error.h"
#include "qatbench_sdk/trainer.h"

#include "optimizer_impl.h"

#include "qatbench_sdk/torch.h"
#include <torch/serialize.h>

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace qat {

namespace {

void fsyncPath(const std::string& path, bool directory)
{
    const int fd = ::open(path.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

std::string readAll(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path, "", "cannot open the checkpoint");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void readArchive(const std::string& dir, torch::serialize::InputArchive& ar)
{
    const std::string bytes = readAll(checkpointPath(dir));
    std::istringstream in(bytes);
    try {
        ar.load_from(in);
    } catch (const c10::Error& e) {
        throw InputError(checkpointPath(dir), "",
                         std::string("not a readable checkpoint: ") + e.what_without_backtrace());
    }
}

CheckpointState readMeta(torch::serialize::InputArchive& ar, const std::string& dir)
{
    c10::IValue meta;
    if (!ar.try_read("meta", meta) || !meta.isString())
        throw InputError(checkpointPath(dir), "meta", "missing: not a QATBench checkpoint");
    const auto j = nlohmann::json::parse(meta.toStringRef());
    CheckpointState s;
    s.phase = j.value("phase", std::string());
    s.step = j.value("step", int64_t(0));
    s.samplerPosition = j.value("sampler_position", int64_t(0));
    s.extra = j.value("extra", nlohmann::json::object());
    s.identity = j.value("identity", nlohmann::json());
    for (const auto& name : j.value("tensors", std::vector<std::string>())) {
        at::Tensor t;
        if (!ar.try_read("t/" + name, t)) throw InputError(checkpointPath(dir), name, "tensor missing");
        s.tensors.emplace_back(name, t);
    }
    return s;
}

} // namespace

std::string checkpointPath(const std::string& dir)
{
    return (std::filesystem::path(dir) / "checkpoint.pt").string();
}

std::string runIdentityPath(const std::string& dir)
{
    return (std::filesystem::path(dir) / "run-identity.json").string();
}

nlohmann::json readRunIdentity(const std::string& dir)
{
    const std::string path = runIdentityPath(dir);
    std::error_code ec;
    if (dir.empty() || !std::filesystem::is_regular_file(path, ec)) return nullptr;
    auto j = nlohmann::json::parse(readAll(path), nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("store") || !j.contains("run"))
        throw InputError(path, "", "not a run identity (expected a JSON object with store and run)");
    return j;
}

void writeRunIdentity(const std::string& dir, const nlohmann::json& identity)
{
    std::filesystem::create_directories(dir);
    writeFileAtomic(runIdentityPath(dir), identity.dump(2) + "\n");
}

bool hasCheckpoint(const std::string& dir)
{
    std::error_code ec;
    return !dir.empty() && std::filesystem::is_regular_file(checkpointPath(dir), ec);
}

void writeFileAtomic(const std::string& path, const std::string& bytes)
{
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), std::streamsize(bytes.size()));
        out.flush();
        if (!out) throw Error("cannot write " + tmp + " (disk full or no permission?)");
    }
    fsyncPath(tmp, false);
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) throw Error("cannot rename " + tmp + " to " + path + ": " + ec.message());
    fsyncPath(std::filesystem::path(path).parent_path().string(), true);
}

void TrainLoop::writeCheckpoint(const std::string& dir, CheckpointState state)
{
    if (saveState) saveState(state);
    torch::serialize::OutputArchive ar;
    nlohmann::json meta = {{"phase", state.phase.empty() ? m_settings.phase : state.phase},
                           {"step", m_step},
                           {"sampler_position", state.samplerPosition},
                           {"extra", state.extra},
                           {"identity", readRunIdentity(dir)},
                           {"format", 1}};
    std::vector<std::string> names;
    for (auto& [name, t] : state.tensors) {
        names.push_back(name);
        ar.write("t/" + name, t.detach().to(at::kCPU));
    }
    meta["tensors"] = names;
    ar.write("meta", c10::IValue(meta.dump()));
    ar.write("rng", at::detail::getDefaultCPUGenerator().get_state());
    if (m_opt->adam) {
        torch::serialize::OutputArchive optAr;
        m_opt->adam->save(optAr);
        ar.write("optimizer", optAr);
    }
    std::ostringstream out;
    ar.save_to(out);
    std::filesystem::create_directories(dir);
    writeFileAtomic(checkpointPath(dir), out.str());
}

CheckpointState TrainLoop::readCheckpoint(const std::string& dir)
{
    torch::serialize::InputArchive ar;
    readArchive(dir, ar);
    CheckpointState s = readMeta(ar, dir);
    at::Tensor rng;
    if (ar.try_read("rng", rng)) {
        at::Generator gen = at::detail::getDefaultCPUGenerator();
        gen.set_state(rng);
    }
    torch::serialize::InputArchive optAr;
    if (m_opt->adam && ar.try_read("optimizer", optAr)) m_opt->adam->load(optAr);
    m_step = s.step;
    return s;
}

CheckpointState peekCheckpoint(const std::string& dir)
{
    torch::serialize::InputArchive ar;
    readArchive(dir, ar);
    return readMeta(ar, dir);
}

} // namespace qat
