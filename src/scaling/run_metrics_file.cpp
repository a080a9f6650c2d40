#include "polyrep/scaling/run_metrics_file.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "polyrep/core/error.hpp"

namespace polyrep::scaling {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::int64_t kMaxCount = std::int64_t{1} << 53;  // exact in a double

/// Reads typed fields of one JSON object; every error names the file and the field's full path.
class Fields {
 public:
  Fields(const json& object, const fs::path& file, std::string prefix)
      : object_(object), file_(file), prefix_(std::move(prefix)) {}

  bool has(const char* key) const { return object_.contains(key) && !object_.at(key).is_null(); }

  const json& at(const char* key) const {
    if (!has(key)) fail(key, "missing");
    return object_.at(key);
  }

  std::string string(const char* key) const {
    const json& v = at(key);
    if (!v.is_string()) fail(key, "expected a string");
    return v.get<std::string>();
  }

  std::int64_t count(const char* key, std::int64_t min, std::int64_t max = kMaxCount) const {
    const json& v = at(key);
    std::int64_t value = 0;
    if (v.is_number_unsigned()) {
      const auto u = v.get<std::uint64_t>();
      value =
          u > static_cast<std::uint64_t>(kMaxCount) ? kMaxCount + 1 : static_cast<std::int64_t>(u);
    } else if (v.is_number_integer()) {
      value = v.get<std::int64_t>();
    } else if (v.is_number_float() && std::nearbyint(v.get<double>()) == v.get<double>() &&
               std::fabs(v.get<double>()) <= static_cast<double>(kMaxCount)) {
      value = static_cast<std::int64_t>(v.get<double>());  // "4.0" from a float-only writer
    } else {
      fail(key, "expected an integer");
    }
    if (value < min || value > max) {
      fail(key, "out of range: " + std::to_string(value) + " (expected " + std::to_string(min) +
                    " to " + std::to_string(max) + ")");
    }
    return value;
  }

  int integer(const char* key, int min, int max = 1 << 30) const {
    return static_cast<int>(count(key, min, max));
  }

  std::optional<std::int64_t> optional_count(const char* key) const {
    if (!has(key)) return std::nullopt;
    return count(key, 0);
  }

  double seconds(const char* key) const {
    const json& v = at(key);
    if (!v.is_number()) fail(key, "expected a number of seconds");
    const double s = v.get<double>();
    if (!std::isfinite(s) || s < 0) fail(key, "expected a finite number >= 0");
    return s;
  }

  Fields object(const char* key) const {
    const json& v = at(key);
    if (!v.is_object()) fail(key, "expected an object");
    return Fields(v, file_, path(key) + ".");
  }

  const json& array(const char* key) const {
    const json& v = at(key);
    if (!v.is_array()) fail(key, "expected an array");
    return v;
  }

  std::string path(const std::string& key) const { return prefix_ + key; }

  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    throw InputError(file_.string() + ": field '" + path(key) + "': " + what);
  }

 private:
  const json& object_;
  const fs::path& file_;
  std::string prefix_;
};

json parse_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(file.string() + ": cannot open the metrics file");
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return json::parse(text.str());
  } catch (const json::parse_error& e) {
    std::string what = e.what();
    std::replace(what.begin(), what.end(), '\n', ' ');
    throw InputError(file.string() + ": not valid JSON: " + what);
  }
}

std::vector<std::string> read_phases(const Fields& top) {
  const json& list = top.array("phases");
  if (list.empty()) top.fail("phases", "empty");
  std::vector<std::string> phases;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string key = "phases[" + std::to_string(i) + "]";
    if (!list[i].is_string() || list[i].get<std::string>().empty())
      top.fail(key, "expected a non-empty string");
    phases.push_back(list[i].get<std::string>());
    if (std::count(phases.begin(), phases.end(), phases.back()) > 1)
      top.fail(key, "phase '" + phases.back() + "' listed twice");
  }
  return phases;
}

RankMetrics read_rank(const Fields& f, const std::vector<std::string>& phases, int ranks) {
  RankMetrics r;
  r.rank = f.integer("rank", 0, ranks - 1);
  if (f.has("host")) r.host = f.string("host");
  const Fields seconds = f.object("seconds");
  for (const std::string& phase : phases) r.seconds.push_back(seconds.seconds(phase.c_str()));
  r.busy_seconds = f.seconds("busy_seconds");
  r.finish_seconds = f.seconds("finish_seconds");
  r.tokens = f.optional_count("tokens");
  r.sentences = f.optional_count("sentences");
  r.rows = f.optional_count("rows");
  r.tsne_jobs = f.optional_count("tsne_jobs");
  r.bytes_written = f.optional_count("bytes_written");
  r.peak_rss_bytes = f.optional_count("peak_rss_bytes");
  return r;
}

std::vector<RankMetrics> read_ranks(const Fields& top, const RunMetrics& run) {
  const json& list = top.array("per_rank");
  if (list.size() != static_cast<std::size_t>(run.ranks)) {
    top.fail("per_rank", "has " + std::to_string(list.size()) + " entries but ranks is " +
                             std::to_string(run.ranks));
  }
  std::vector<RankMetrics> ranks;
  std::set<int> seen;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string key = "per_rank[" + std::to_string(i) + "]";
    if (!list[i].is_object()) top.fail(key, "expected an object");
    ranks.push_back(
        read_rank(Fields(list[i], run.source, top.path(key) + "."), run.phases, run.ranks));
    if (!seen.insert(ranks.back().rank).second)
      top.fail(key + ".rank", "rank " + std::to_string(ranks.back().rank) + " listed twice");
  }
  std::sort(ranks.begin(), ranks.end(),
            [](const RankMetrics& a, const RankMetrics& b) { return a.rank < b.rank; });
  return ranks;
}

RunCommand read_command(const Fields& top) {
  const std::string name = top.string("command");
  if (name == "extract") return RunCommand::extract;
  if (name == "reduce") return RunCommand::reduce;
  top.fail("command", "expected \"extract\" or \"reduce\", got \"" + name + "\"");
}

RunMetrics read_metrics(const json& root, const fs::path& file) {
  if (!root.is_object()) throw InputError(file.string() + ": expected a JSON object");
  const Fields top(root, file, "");
  if (top.string("format") != kMetricsFormat)
    top.fail("format", "expected \"" + std::string(kMetricsFormat) + "\"");
  RunMetrics run;
  run.source = file;
  run.command = read_command(top);
  run.polyrep_version = top.string("polyrep_version");
  run.ranks = top.integer("ranks", 1);
  run.threads_per_rank = top.integer("threads_per_rank", 0);
  run.hosts = top.integer("hosts", 1, run.ranks);
  run.device = top.string("device");
  run.languages = top.integer("languages", 1);
  const bool extract = run.command == RunCommand::extract;
  // An extract run without its totals cannot give a rate; a reduce run may leave them out.
  run.sentences = extract ? top.count("sentences", 0) : top.optional_count("sentences");
  run.tokens = extract ? top.count("tokens", 0) : top.optional_count("tokens");
  run.bytes_written = extract ? top.count("bytes_written", 0) : top.optional_count("bytes_written");
  run.wall_seconds = top.seconds("wall_seconds");
  if (!(run.wall_seconds > 0)) top.fail("wall_seconds", "must be positive");
  run.phases = read_phases(top);
  run.per_rank = read_ranks(top, run);
  return run;
}

}  // namespace

std::string to_string(RunCommand command) {
  return command == RunCommand::extract ? "extract" : "reduce";
}

RunMetrics load_run_metrics(const fs::path& file) { return read_metrics(parse_file(file), file); }

std::vector<RunMetrics> load_run_metrics_dir(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw InputError(dir.string() + ": not a directory");
  std::vector<fs::path> files;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".json" && entry.is_regular_file(ec))
      files.push_back(entry.path());
  }
  if (ec) throw InputError(dir.string() + ": cannot list the directory: " + ec.message());
  std::sort(files.begin(), files.end());
  std::vector<RunMetrics> runs;
  for (const fs::path& file : files) {
    const json root = parse_file(file);
    const auto format = root.is_object() ? root.find("format") : root.end();
    if (format == root.end() || !format->is_string()) continue;
    if (format->get<std::string>().rfind("polyrep-metrics", 0) != 0) continue;
    runs.push_back(read_metrics(root, file));
  }
  if (runs.empty())
    throw InputError(dir.string() + ": no " + std::string(kMetricsFormat) +
                     " files (*.json) found");
  return runs;
}

}  // namespace polyrep::scaling
