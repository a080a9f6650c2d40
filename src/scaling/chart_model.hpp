#pragma once
// Private to src/scaling: what one panel of the scaling chart shows, independent of cairo, and the
// axis rules shared by its panels. chart_panels.cpp fills these from the table, chart_draw.cpp
// paints them.
#include <string>
#include <vector>

#include "polyrep/plot/palette.hpp"

namespace polyrep::scaling::chart {

struct Axis {
  double lo = 0, hi = 1;
  bool log2 = false;
  std::vector<double> ticks;
  std::vector<std::string> tick_labels;  // one per tick
  std::string title;

  /// Where `v` falls between lo (0) and hi (1); NaN for values a log axis cannot show.
  double unit(double v) const;
};

enum class Stroke { solid, dashed };

/// A line through (x, y) points in order, with a marker at each; NaN points are skipped and
/// break the line.
struct Line {
  plot::Rgb colour;
  Stroke stroke = Stroke::solid;
  std::vector<double> x, y;
};

/// One stacked bar: parts[k] is drawn in Panel::bar_colours[k], from the bottom up.
struct Bar {
  std::string label;
  std::vector<double> parts;
};

enum class Mark { box, line, dashed_line };

struct LegendItem {
  std::string label;
  plot::Rgb colour;
  Mark mark = Mark::line;
};

struct Panel {
  std::string title;
  Axis x, y;  // with bars, x's ticks are unused: bars are categories
  std::vector<Line> lines;
  std::vector<Bar> bars;
  std::vector<plot::Rgb> bar_colours;
  std::vector<double> guides;  // faint horizontal reference lines at these y values
  std::vector<LegendItem> legend;

  bool has_data() const;
};

/// The ranks axis: log2 when the largest rank count is more than twice the smallest, linear
/// otherwise; ticks at the rank counts themselves (at powers of two when there are many).
Axis rank_axis(std::vector<int> ranks, const std::string& title);

/// A linear axis from 0 to max(min_hi, data_max plus a little headroom), ticks at a 1-2-5 step.
Axis value_axis(double data_max, double min_hi, const std::string& title);

/// Whether rank_axis makes a log2 axis for these rank counts.
bool log2_ranks(const std::vector<int>& ranks);

/// Short tick text: "0.25", "40", "12k", "1.5M".
std::string tick_label(double v);

}  // namespace polyrep::scaling::chart
