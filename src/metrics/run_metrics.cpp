#include "polyrep/metrics/run_metrics.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "polyrep/core/error.hpp"
#include "polyrep/core/version.hpp"
#include "polyrep/mpi/agree.hpp"
#include "polyrep/mpi/comm.hpp"

namespace polyrep::metrics {
namespace {

using nlohmann::json;

void write_file(const std::filesystem::path& out, const std::string& text) {
  const std::filesystem::path tmp = out.string() + ".tmp";
  {
    std::ofstream file(tmp, std::ios::binary | std::ios::trunc);
    file << text << '\n';
    if (!file.flush()) {
      std::error_code ignored;
      std::filesystem::remove(tmp, ignored);
      throw IoError("--metrics: cannot write " + out.string());
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, out, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    throw IoError("--metrics: cannot write " + out.string());
  }
}

}  // namespace

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

std::int64_t peak_rss_bytes() {
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<std::int64_t>(usage.ru_maxrss) * 1024;  // Linux reports KiB
}

std::string rank_metrics_json(int rank, const std::string& host, const RankMetrics& mine,
                              const std::vector<std::string>& phases) {
  if (mine.seconds.size() != phases.size()) {
    throw std::invalid_argument("rank metrics: " + std::to_string(mine.seconds.size()) +
                                " phase times for " + std::to_string(phases.size()) + " phases");
  }
  json seconds = json::object();
  for (std::size_t p = 0; p < phases.size(); ++p) seconds[phases[p]] = mine.seconds[p];
  json doc = {{"rank", rank},
              {"host", host},
              {"seconds", seconds},
              {"busy_seconds", mine.busy_seconds},
              {"finish_seconds", mine.finish_seconds}};
  if (mine.threads > 0) {
    doc["threads"] = mine.threads;
    doc["cores"] = mine.cores;
    doc["cpus"] = mine.cpus;
  }
  for (const auto& [name, value] : mine.counters) doc[name] = value;
  return doc.dump();
}

std::string run_metrics_json(const RunInfo& run, const std::vector<std::string>& per_rank_json) {
  json ranks = json::array();
  std::vector<std::string> hosts;
  std::int64_t bytes = 0;
  for (const std::string& text : per_rank_json) {
    json one = json::parse(text);
    const auto host = one.value("host", std::string());
    if (std::find(hosts.begin(), hosts.end(), host) == hosts.end()) hosts.push_back(host);
    bytes += one.value("bytes_written", std::int64_t{0});
    ranks.push_back(std::move(one));
  }
  json doc = {{"format", "polyrep-metrics-1"},
              {"command", run.command},
              {"polyrep_version", kVersion},
              {"ranks", per_rank_json.size()},
              {"threads_per_rank", run.threads_per_rank},
              {"hosts", hosts.size()},
              {"device", run.device},
              {"precision", run.precision},
              {"languages", run.languages},
              {"sentences", run.sentences},
              {"tokens", run.tokens},
              {"wall_seconds", run.wall_seconds},
              {"bytes_written", bytes},
              {"phases", run.phases},
              {"per_rank", ranks}};
  return doc.dump(2);
}

void write_run_metrics(const std::filesystem::path& out, const RunInfo& run, const RankMetrics& mine,
                       const mpi::Comm& comm) {
  RankMetrics with_memory = mine;
  with_memory.counters.emplace_back("peak_rss_bytes", peak_rss_bytes());
  const std::vector<std::string> all =
      comm.allgather(rank_metrics_json(comm.rank(), host_name(), with_memory, run.phases));
  mpi::on_root(comm, [&] { write_file(out, run_metrics_json(run, all)); });
}

void check_metrics_path(const std::filesystem::path& out, const std::string& flag) {
  if (out.empty()) return;
  const std::filesystem::path dir = out.has_parent_path() ? out.parent_path() : ".";
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    throw UsageError(flag + ": directory " + dir.string() + " does not exist (for " + out.string() + ")");
  }
}

}  // namespace polyrep::metrics
