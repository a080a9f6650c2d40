#include "chart_panels.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <iterator>
#include <map>
#include <numeric>
#include <utility>

namespace polyrep::scaling::chart {
namespace {

using Value = std::function<double(const ScalingRow&)>;

const plot::Rgb kReduceColour{0.55, 0.55, 0.55};
const plot::Rgb kKeyColour{0.25, 0.25, 0.25};  // legend entries that explain a line style
// Weak-scaling lines are greys, so they do not read as one more language count.
const plot::Rgb kWeakColours[] = {{0.15, 0.15, 0.15}, {0.45, 0.45, 0.45}, {0.65, 0.65, 0.65}};
constexpr double kImbalanceGuide = 10;  // percent: above this, balancing is worth a look

// The language counts (one colour each) and rank counts of the table.
struct Series {
  std::vector<int> languages;
  std::vector<plot::Rgb> colours;
  std::vector<int> ranks;
};

Series series_of(const std::vector<ScalingRow>& rows) {
  Series s;
  for (const ScalingRow& r : rows) {
    s.languages.push_back(r.languages);
    s.ranks.push_back(r.ranks);
  }
  std::sort(s.languages.begin(), s.languages.end());
  s.languages.erase(std::unique(s.languages.begin(), s.languages.end()), s.languages.end());
  s.colours = plot::language_palette(s.languages.size());
  return s;
}

// One line per language count through value(row) at x = ranks; rows are in rank order per L.
std::vector<Line> per_language(const std::vector<ScalingRow>& rows, const Series& s,
                               const Value& value, Stroke stroke) {
  std::vector<Line> lines;
  for (std::size_t k = 0; k < s.languages.size(); ++k) {
    Line line{s.colours[k], stroke, {}, {}};
    for (const ScalingRow& r : rows) {
      if (r.languages != s.languages[k]) continue;
      line.x.push_back(r.ranks);
      line.y.push_back(value(r));
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

double max_y(const std::vector<Line>& lines) {
  double m = -HUGE_VAL;
  for (const Line& line : lines)
    for (double y : line.y)
      if (std::isfinite(y)) m = std::max(m, y);
  return m;
}

std::vector<LegendItem> language_legend(const Series& s) {
  std::vector<LegendItem> items;
  for (std::size_t k = 0; k < s.languages.size(); ++k)
    items.push_back({std::to_string(s.languages[k]) + " langs", s.colours[k], Mark::line});
  return items;
}

// A panel of one solid line per language count.
Panel line_panel(const std::vector<ScalingRow>& rows, const Series& s, std::string title,
                 const std::string& y_title, const Value& value) {
  Panel p;
  p.title = std::move(title);
  p.lines = per_language(rows, s, value, Stroke::solid);
  p.x = rank_axis(s.ranks, "ranks");
  p.y = value_axis(max_y(p.lines), 0, y_title);
  p.legend = language_legend(s);
  return p;
}

Panel phase_bars(const std::vector<ScalingRow>& rows) {
  Panel p;
  p.title = "(a) wall time per phase";
  const std::vector<std::string> phases = phase_union(rows, RunCommand::extract);
  p.bar_colours = plot::language_palette(phases.size());
  for (std::size_t k = 0; k < phases.size(); ++k)
    p.legend.push_back({"extract " + phases[k], p.bar_colours[k], Mark::box});
  const bool any_reduce = std::any_of(rows.begin(), rows.end(),
                                      [](const ScalingRow& r) { return r.reduce_run.has_value(); });
  if (any_reduce) {
    p.bar_colours.push_back(kReduceColour);
    p.legend.push_back({"reduce (whole)", kReduceColour, Mark::box});
  }
  double tallest = 0;
  for (const ScalingRow& r : rows) {
    Bar bar{std::to_string(r.ranks) + "×" + std::to_string(r.languages), {}};
    for (const std::string& phase : phases) bar.parts.push_back(r.extract.phase(phase));
    if (any_reduce) bar.parts.push_back(r.reduce.wall_seconds);
    double height = 0;
    for (double v : bar.parts) height += std::isfinite(v) ? v : 0;
    tallest = std::max(tallest, height);
    p.bars.push_back(std::move(bar));
  }
  p.x.title = "run (ranks×languages)";
  p.y = value_axis(tallest, 0, "seconds (max over ranks)");
  return p;
}

// Dashed weak-scaling lines, one per languages-per-rank ratio that has a base, by ratio.
std::vector<std::pair<std::string, Line>> weak_lines(const std::vector<ScalingRow>& rows) {
  std::map<std::pair<int, int>, Line> groups;  // the reduced fraction (L, R)
  for (const ScalingRow& r : rows) {
    if (!std::isfinite(r.extract.weak_efficiency)) continue;
    const int g = std::gcd(r.languages, r.ranks);
    Line& line = groups[{r.languages / g, r.ranks / g}];
    line.stroke = Stroke::dashed;
    line.x.push_back(r.ranks);
    line.y.push_back(r.extract.weak_efficiency);
  }
  std::vector<std::pair<double, Line>> by_ratio;
  for (auto& [ratio, line] : groups)
    by_ratio.emplace_back(static_cast<double>(ratio.first) / ratio.second, std::move(line));
  std::sort(by_ratio.begin(), by_ratio.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::pair<std::string, Line>> out;
  for (auto& [ratio, line] : by_ratio) {
    char label[64];
    std::snprintf(label, sizeof label, "weak, %g langs/rank", ratio);
    line.colour = kWeakColours[std::min<std::size_t>(out.size(), std::size(kWeakColours) - 1)];
    out.emplace_back(label, std::move(line));
  }
  return out;
}

Panel efficiency_panel(const std::vector<ScalingRow>& rows, const Series& s) {
  Panel p = line_panel(rows, s, "(c) extract scaling efficiency", "efficiency",
                       [](const ScalingRow& r) { return r.extract.strong_efficiency; });
  for (LegendItem& item : p.legend) item.label += ", strong";
  for (auto& [label, line] : weak_lines(rows)) {
    p.legend.push_back({label, line.colour, Mark::dashed_line});
    p.lines.push_back(std::move(line));
  }
  p.y = value_axis(max_y(p.lines), 1.1, "efficiency");
  p.guides = {1.0};
  return p;
}

// Solid and dashed lines per language count, with two legend entries explaining the styles.
Panel two_style_panel(const std::vector<ScalingRow>& rows, const Series& s, std::string title,
                      const std::string& y_title, const std::pair<std::string, Value>& solid,
                      const std::pair<std::string, Value>& dashed, double min_hi) {
  Panel p = line_panel(rows, s, std::move(title), y_title, solid.second);
  std::vector<Line> second = per_language(rows, s, dashed.second, Stroke::dashed);
  const bool any_dashed = std::isfinite(max_y(second));
  if (any_dashed) {
    p.lines.insert(p.lines.end(), second.begin(), second.end());
    p.legend.push_back({solid.first, kKeyColour, Mark::line});
    p.legend.push_back({dashed.first, kKeyColour, Mark::dashed_line});
  }
  p.y = value_axis(max_y(p.lines), min_hi, y_title);
  return p;
}

}  // namespace

std::vector<Panel> scaling_panels(const std::vector<ScalingRow>& rows) {
  const Series s = series_of(rows);
  std::vector<Panel> panels;
  panels.push_back(phase_bars(rows));
  panels.push_back(line_panel(rows, s, "(b) extract throughput", "tokens/s per rank",
                              [](const ScalingRow& r) { return r.tokens_per_second_per_rank; }));
  panels.push_back(efficiency_panel(rows, s));
  panels.push_back(two_style_panel(
      rows, s, "(d) peak memory per rank", "MiB (max over ranks)",
      {"extract", [](const ScalingRow& r) { return r.extract.peak_rss_max_mib; }},
      {"reduce", [](const ScalingRow& r) { return r.reduce.peak_rss_max_mib; }}, 0));
  panels.push_back(line_panel(rows, s, "(e) extract write bandwidth", "MB/s",
                              [](const ScalingRow& r) { return r.extract.write_mb_per_second; }));
  Panel imbalance = two_style_panel(
      rows, s, "(f) extract load imbalance", "max/mean − 1 (%)",
      {"busy", [](const ScalingRow& r) { return 100 * r.extract.busy_imbalance; }},
      {"finish", [](const ScalingRow& r) { return 100 * r.extract.finish_imbalance; }},
      1.2 * kImbalanceGuide);
  imbalance.guides = {kImbalanceGuide};
  panels.push_back(std::move(imbalance));
  return panels;
}

}  // namespace polyrep::scaling::chart
