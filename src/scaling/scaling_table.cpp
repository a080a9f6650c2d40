#include "polyrep/scaling/scaling_table.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <utility>

namespace polyrep::scaling {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;
constexpr double kMB = 1e6;

bool finite(double v) { return std::isfinite(v); }

double max_of(const std::vector<double>& v) { return *std::max_element(v.begin(), v.end()); }

double mean_of(const std::vector<double>& v) {
  double sum = 0;
  for (double x : v) sum += x;
  return sum / static_cast<double>(v.size());
}

// max/mean - 1; 0 for one rank or when nobody did anything.
double imbalance(const std::vector<double>& v) {
  if (v.size() < 2) return 0;
  const double mean = mean_of(v);
  if (mean == 0) return 0;
  return max_of(v) / mean - 1;
}

std::vector<double> per_rank(const RunMetrics& run, double RankMetrics::*field) {
  std::vector<double> v;
  for (const RankMetrics& r : run.per_rank) v.push_back(r.*field);
  return v;
}

RunStats run_stats(const RunMetrics& run) {
  RunStats s;
  s.wall_seconds = run.wall_seconds;
  for (std::size_t p = 0; p < run.phases.size(); ++p) {
    double longest = 0;
    for (const RankMetrics& r : run.per_rank) longest = std::max(longest, r.seconds[p]);
    s.phases.push_back({run.phases[p], longest});
  }
  if (run.bytes_written) s.bytes_written = static_cast<double>(*run.bytes_written);
  const double write = s.phase(kWritePhase);
  if (finite(s.bytes_written) && write > 0) s.write_mb_per_second = s.bytes_written / kMB / write;
  std::vector<double> rss;
  for (const RankMetrics& r : run.per_rank)
    if (r.peak_rss_bytes) rss.push_back(static_cast<double>(*r.peak_rss_bytes) / kMiB);
  if (!rss.empty()) {
    s.peak_rss_max_mib = max_of(rss);
    s.peak_rss_mean_mib = mean_of(rss);
  }
  s.busy_imbalance = imbalance(per_rank(run, &RankMetrics::busy_seconds));
  s.finish_imbalance = imbalance(per_rank(run, &RankMetrics::finish_seconds));
  return s;
}

std::string point_name(const RunMetrics& run) {
  return to_string(run.command) + " at " + std::to_string(run.ranks) + " ranks, " +
         std::to_string(run.languages) + " languages";
}

// Groups runs by (ranks, languages); a later run of the same command replaces an earlier one.
std::vector<ScalingRow> pair_runs(const std::vector<RunMetrics>& runs) {
  std::map<std::pair<int, int>, ScalingRow> points;  // (languages, ranks): the table's order
  for (const RunMetrics& run : runs) {
    ScalingRow& row = points[{run.languages, run.ranks}];
    row.ranks = run.ranks;
    row.languages = run.languages;
    std::optional<RunMetrics>& slot =
        run.command == RunCommand::extract ? row.extract_run : row.reduce_run;
    if (slot) {
      row.notes.push_back(point_name(run) + ": " + run.source.filename().string() + " replaces " +
                          slot->source.filename().string());
    }
    slot = run;
  }
  std::vector<ScalingRow> rows;
  for (auto& point : points) rows.push_back(std::move(point.second));
  return rows;
}

void fill_row(ScalingRow& row) {
  if (row.extract_run) row.extract = run_stats(*row.extract_run);
  if (row.reduce_run) row.reduce = run_stats(*row.reduce_run);
  const RunMetrics& first = row.extract_run ? *row.extract_run : *row.reduce_run;
  if (first.tokens) row.tokens = static_cast<double>(*first.tokens);
  if (finite(row.tokens) && finite(row.extract.wall_seconds)) {
    row.tokens_per_second = row.tokens / row.extract.wall_seconds;
    row.tokens_per_second_per_rank = row.tokens_per_second / row.ranks;
  }
}

// For every row with a wall time of `command`: the base is the row with the fewest ranks among
// those that `same_group` puts with it (itself included); E = efficiency(base, row). NaN when the
// group is the row alone.
template <typename SameGroup, typename Efficiency>
void fill_efficiency(std::vector<ScalingRow>& rows, RunStats ScalingRow::*stats,
                     double RunStats::*out, SameGroup same_group, Efficiency efficiency) {
  for (ScalingRow& row : rows) {
    if (!finite((row.*stats).wall_seconds)) continue;
    const ScalingRow* base = nullptr;
    int members = 0;
    for (const ScalingRow& other : rows) {
      if (!finite((other.*stats).wall_seconds) || !same_group(row, other)) continue;
      ++members;
      if (base == nullptr || other.ranks < base->ranks) base = &other;
    }
    if (members > 1) (row.*stats).*out = efficiency(*base, row);
  }
}

void fill_efficiencies(std::vector<ScalingRow>& rows, RunStats ScalingRow::*stats) {
  const auto wall = [stats](const ScalingRow& r) { return (r.*stats).wall_seconds; };
  fill_efficiency(
      rows, stats, &RunStats::strong_efficiency,
      [](const ScalingRow& a, const ScalingRow& b) { return a.languages == b.languages; },
      [wall](const ScalingRow& base, const ScalingRow& r) {
        return wall(base) * base.ranks / (wall(r) * r.ranks);
      });
  fill_efficiency(
      rows, stats, &RunStats::weak_efficiency,
      [](const ScalingRow& a, const ScalingRow& b) {
        // L_a / R_a == L_b / R_b, compared exactly.
        return std::int64_t{a.languages} * b.ranks == std::int64_t{b.languages} * a.ranks;
      },
      [wall](const ScalingRow& base, const ScalingRow& r) { return wall(base) / wall(r); });
}

}  // namespace

double RunStats::phase(const std::string& name) const {
  for (const PhaseSeconds& p : phases)
    if (p.name == name) return p.seconds;
  return kNaN;
}

const std::optional<RunMetrics>& ScalingRow::run(RunCommand command) const {
  return command == RunCommand::extract ? extract_run : reduce_run;
}

const RunStats& ScalingRow::stats(RunCommand command) const {
  return command == RunCommand::extract ? extract : reduce;
}

std::vector<ScalingRow> make_scaling_table(const std::vector<RunMetrics>& runs) {
  std::vector<ScalingRow> rows = pair_runs(runs);
  for (ScalingRow& row : rows) fill_row(row);
  fill_efficiencies(rows, &ScalingRow::extract);
  fill_efficiencies(rows, &ScalingRow::reduce);
  return rows;
}

std::vector<std::string> phase_union(const std::vector<ScalingRow>& rows, RunCommand command) {
  std::vector<std::string> names;
  for (const ScalingRow& row : rows) {
    for (const PhaseSeconds& p : row.stats(command).phases)
      if (std::find(names.begin(), names.end(), p.name) == names.end()) names.push_back(p.name);
  }
  return names;
}

}  // namespace polyrep::scaling
