#include "chart_draw.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "../plot/cairo_util.hpp"

namespace polyrep::scaling::chart {
namespace {

using plot::Rgb;
using plot::detail::set_colour;
using plot::detail::set_font;
using plot::detail::text_width;
using plot::detail::Weight;

// Type sizes in points, as polyrep plot's figures use them.
constexpr double kTitleSize = 11;
constexpr double kPanelTitleSize = 8.5;
constexpr double kAxisTitleSize = 7.5;
constexpr double kTickSize = 7;
constexpr double kLegendSize = 7;
constexpr double kLegendLine = 10;  // legend row pitch
constexpr double kSwatch = 16;      // legend marker area width
constexpr double kTickLength = 3;
constexpr double kCellGap = 14;
constexpr double kLegendGap = 10;  // plotting area to legend
constexpr double kMarkerRadius = 2.2;
constexpr double kMaxBarWidth = 36;
constexpr double kPi = 3.14159265358979323846;

const Rgb kInk{0.13, 0.13, 0.13};
const Rgb kMuted{0.45, 0.45, 0.45};
const Rgb kGrid{0.90, 0.90, 0.90};
const Rgb kGuide{0.55, 0.55, 0.55};
const Rgb kWhite{1, 1, 1};

struct Rect {
  double x, y, w, h;
};

enum class Align { left, centre, right };

void show_text(cairo_t* cr, const std::string& text, double x, double baseline, Align align) {
  const double w = text_width(cr, text);
  cairo_move_to(cr, x - (align == Align::left ? 0 : align == Align::centre ? w / 2 : w), baseline);
  cairo_show_text(cr, text.c_str());
}

double px(const Rect& r, const Axis& x, double v) { return r.x + x.unit(v) * r.w; }
double py(const Rect& r, const Axis& y, double v) { return r.y + r.h - y.unit(v) * r.h; }

double widest(cairo_t* cr, const std::vector<std::string>& texts) {
  double w = 0;
  for (const std::string& t : texts) w = std::max(w, text_width(cr, t));
  return w;
}

bool labels_fit(cairo_t* cr, const Panel& p, double plot_width) {
  double total = 0;
  for (const Bar& bar : p.bars) total += text_width(cr, bar.label) + 4;
  return total <= plot_width;
}

void draw_y_axis(cairo_t* cr, const Rect& r, const Axis& y, const ScalingChartOptions& o) {
  cairo_set_line_width(cr, 0.5);
  set_font(cr, o.font, kTickSize, Weight::normal);
  double label_w = 0;
  for (std::size_t i = 0; i < y.ticks.size(); ++i) {
    const double v = py(r, y, y.ticks[i]);
    set_colour(cr, kGrid);
    cairo_move_to(cr, r.x, v);
    cairo_line_to(cr, r.x + r.w, v);
    cairo_stroke(cr);
    set_colour(cr, kInk);
    cairo_move_to(cr, r.x - kTickLength, v);
    cairo_line_to(cr, r.x, v);
    cairo_stroke(cr);
    show_text(cr, y.tick_labels[i], r.x - kTickLength - 2, v + kTickSize * 0.35, Align::right);
    label_w = std::max(label_w, text_width(cr, y.tick_labels[i]));
  }
  set_font(cr, o.font, kAxisTitleSize, Weight::normal);
  cairo_save(cr);
  cairo_translate(cr, r.x - kTickLength - label_w - 5, r.y + r.h / 2);
  cairo_rotate(cr, -kPi / 2);
  show_text(cr, y.title, 0, 0, Align::centre);
  cairo_restore(cr);
}

void draw_x_axis(cairo_t* cr, const Rect& r, const Panel& p, bool rotated, double title_baseline,
                 const ScalingChartOptions& o) {
  set_colour(cr, kInk);
  cairo_set_line_width(cr, 0.5);
  set_font(cr, o.font, kTickSize, Weight::normal);
  const double label_top = r.y + r.h + kTickLength + 2;
  if (!p.bars.empty()) {
    const double slot = r.w / static_cast<double>(p.bars.size());
    for (std::size_t i = 0; i < p.bars.size(); ++i) {
      const double x = r.x + (static_cast<double>(i) + 0.5) * slot;
      if (!rotated) {
        show_text(cr, p.bars[i].label, x, label_top + kTickSize, Align::centre);
        continue;
      }
      cairo_save(cr);
      cairo_translate(cr, x + kTickSize * 0.35, label_top);
      cairo_rotate(cr, -kPi / 2);
      show_text(cr, p.bars[i].label, 0, 0, Align::right);
      cairo_restore(cr);
    }
  } else {
    for (std::size_t i = 0; i < p.x.ticks.size(); ++i) {
      const double x = px(r, p.x, p.x.ticks[i]);
      cairo_move_to(cr, x, r.y + r.h);
      cairo_line_to(cr, x, r.y + r.h + kTickLength);
      cairo_stroke(cr);
      show_text(cr, p.x.tick_labels[i], x, label_top + kTickSize, Align::centre);
    }
  }
  set_font(cr, o.font, kAxisTitleSize, Weight::normal);
  show_text(cr, p.x.title, r.x + r.w / 2, title_baseline, Align::centre);
}

void draw_bars(cairo_t* cr, const Rect& r, const Panel& p) {
  const double slot = r.w / static_cast<double>(p.bars.size());
  for (std::size_t i = 0; i < p.bars.size(); ++i) {
    double base = 0;
    for (std::size_t k = 0; k < p.bars[i].parts.size(); ++k) {
      const double v = p.bars[i].parts[k];
      if (!(v > 0) || !std::isfinite(v)) continue;
      const double top = py(r, p.y, base + v), bottom = py(r, p.y, base);
      const double width = std::min(0.7 * slot, kMaxBarWidth);
      cairo_rectangle(cr, r.x + (static_cast<double>(i) + 0.5) * slot - width / 2, top, width,
                      bottom - top);
      set_colour(cr, p.bar_colours[k]);
      cairo_fill(cr);
      base += v;
    }
  }
}

void stroke_style(cairo_t* cr, Stroke stroke) {
  static const double dashes[] = {3.5, 2.0};
  cairo_set_dash(cr, dashes, stroke == Stroke::dashed ? 2 : 0, 0);
}

void draw_marker(cairo_t* cr, double x, double y, const Rgb& colour, Stroke stroke) {
  cairo_new_sub_path(cr);
  cairo_arc(cr, x, y, kMarkerRadius, 0, 2 * kPi);
  set_colour(cr, stroke == Stroke::solid ? colour : kWhite);
  cairo_fill_preserve(cr);
  set_colour(cr, colour);
  cairo_set_line_width(cr, 0.9);
  cairo_stroke(cr);
}

void draw_line(cairo_t* cr, const Rect& r, const Panel& p, const Line& line) {
  cairo_set_line_width(cr, 1.2);
  set_colour(cr, line.colour);
  stroke_style(cr, line.stroke);
  bool open = false;
  for (std::size_t i = 0; i < line.x.size(); ++i) {
    const double x = px(r, p.x, line.x[i]), y = py(r, p.y, line.y[i]);
    if (!std::isfinite(x) || !std::isfinite(y)) {
      open = false;
      continue;
    }
    open ? cairo_line_to(cr, x, y) : cairo_move_to(cr, x, y);
    open = true;
  }
  cairo_stroke(cr);
  stroke_style(cr, Stroke::solid);
  for (std::size_t i = 0; i < line.x.size(); ++i) {
    const double x = px(r, p.x, line.x[i]), y = py(r, p.y, line.y[i]);
    if (std::isfinite(x) && std::isfinite(y)) draw_marker(cr, x, y, line.colour, line.stroke);
  }
}

void draw_guides(cairo_t* cr, const Rect& r, const Panel& p) {
  cairo_set_line_width(cr, 0.7);
  set_colour(cr, kGuide, 0.8);
  stroke_style(cr, Stroke::dashed);
  for (double g : p.guides) {
    cairo_move_to(cr, r.x, py(r, p.y, g));
    cairo_line_to(cr, r.x + r.w, py(r, p.y, g));
  }
  cairo_stroke(cr);
  stroke_style(cr, Stroke::solid);
}

void draw_legend(cairo_t* cr, double x, double y, const Panel& p, const ScalingChartOptions& o) {
  set_font(cr, o.font, kLegendSize, Weight::normal);
  for (const LegendItem& item : p.legend) {
    const double mid = y + kLegendLine / 2;
    if (item.mark == Mark::box) {
      cairo_rectangle(cr, x + 4, mid - 3.5, 8, 7);
      set_colour(cr, item.colour);
      cairo_fill(cr);
    } else {
      const Stroke stroke = item.mark == Mark::dashed_line ? Stroke::dashed : Stroke::solid;
      cairo_set_line_width(cr, 1.2);
      set_colour(cr, item.colour);
      stroke_style(cr, stroke);
      cairo_move_to(cr, x, mid);
      cairo_line_to(cr, x + kSwatch - 2, mid);
      cairo_stroke(cr);
      stroke_style(cr, Stroke::solid);
      draw_marker(cr, x + (kSwatch - 2) / 2, mid, item.colour, stroke);
    }
    set_colour(cr, kInk);
    show_text(cr, item.label, x + kSwatch + 3, mid + kLegendSize * 0.35, Align::left);
    y += kLegendLine;
  }
}

void draw_panel(cairo_t* cr, const ChartLayout& l, std::size_t i, const Panel& p, double cx,
                double cy, const ScalingChartOptions& o) {
  const Rect r{cx + l.plot_left, cy + l.plot_top, o.plot_width, o.plot_height};
  set_colour(cr, kInk);
  set_font(cr, o.font, kPanelTitleSize, Weight::bold);
  show_text(cr, p.title, r.x, cy + kPanelTitleSize + 2, Align::left);
  draw_y_axis(cr, r, p.y, o);
  draw_x_axis(cr, r, p, l.rotated_labels[i], r.y + r.h + l.x_title_below[i], o);
  cairo_save(cr);
  // Markers on the frame (a value of 0, say) stay whole; lines end at the axes' padded ranges.
  const double slack = kMarkerRadius + 1;
  cairo_rectangle(cr, r.x - slack, r.y - slack, r.w + 2 * slack, r.h + 2 * slack);
  cairo_clip(cr);
  draw_guides(cr, r, p);
  if (!p.bars.empty()) draw_bars(cr, r, p);
  for (const Line& line : p.lines) draw_line(cr, r, p, line);
  cairo_restore(cr);
  set_colour(cr, kInk);
  cairo_set_line_width(cr, 0.7);
  cairo_move_to(cr, r.x, r.y);
  cairo_line_to(cr, r.x, r.y + r.h);
  cairo_line_to(cr, r.x + r.w, r.y + r.h);
  cairo_stroke(cr);
  if (!p.has_data()) {
    set_colour(cr, kMuted);
    set_font(cr, o.font, kAxisTitleSize, Weight::normal);
    show_text(cr, "no data", r.x + r.w / 2, r.y + r.h / 2, Align::centre);
  }
  draw_legend(cr, r.x + r.w + kLegendGap, r.y, p, o);
}

}  // namespace

ChartLayout layout_chart(const std::vector<Panel>& panels, const ScalingChartOptions& o) {
  const plot::detail::Context cr = plot::detail::scratch_context();
  ChartLayout l;
  l.columns = std::max(1, std::min<int>(o.columns, static_cast<int>(panels.size())));
  l.margin = 14;
  l.title_height = o.title.empty() ? 0 : kTitleSize + 12;
  double y_labels = 0, legend = 0, legend_rows = 0, below = 0;
  for (const Panel& p : panels) {
    set_font(cr.get(), o.font, kTickSize, Weight::normal);
    y_labels = std::max(y_labels, widest(cr.get(), p.y.tick_labels));
    const bool rotated = !p.bars.empty() && !labels_fit(cr.get(), p, o.plot_width);
    double x_labels = kTickSize + 2;
    for (const Bar& bar : p.bars)
      if (rotated) x_labels = std::max(x_labels, text_width(cr.get(), bar.label) + 2);
    l.rotated_labels.push_back(rotated);
    l.x_title_below.push_back(kTickLength + 2 + x_labels + 4 + kAxisTitleSize);
    below = std::max(below, l.x_title_below.back() + 4);
    set_font(cr.get(), o.font, kLegendSize, Weight::normal);
    for (const LegendItem& item : p.legend)
      legend = std::max(legend, kSwatch + 3 + text_width(cr.get(), item.label));
    legend_rows = std::max(legend_rows, static_cast<double>(p.legend.size()));
  }
  l.plot_left = y_labels + kTickLength + 2 + kAxisTitleSize + 8;
  l.plot_top = kPanelTitleSize + 10;
  l.cell_width = l.plot_left + o.plot_width + kLegendGap + legend + kCellGap;
  l.cell_height =
      l.plot_top + std::max(o.plot_height + below, legend_rows * kLegendLine) + kCellGap;
  const int rows = (static_cast<int>(panels.size()) + l.columns - 1) / l.columns;
  l.width = 2 * l.margin + l.columns * l.cell_width - kCellGap;
  l.height = 2 * l.margin + l.title_height + rows * l.cell_height - kCellGap;
  return l;
}

cairo_status_t draw_chart(cairo_t* cr, const ChartLayout& l, const std::vector<Panel>& panels,
                          const ScalingChartOptions& o) {
  set_colour(cr, kWhite);
  cairo_paint(cr);
  if (!o.title.empty()) {
    set_colour(cr, kInk);
    set_font(cr, o.font, kTitleSize, Weight::bold);
    show_text(cr, o.title, l.margin, l.margin + kTitleSize, Align::left);
  }
  for (std::size_t i = 0; i < panels.size(); ++i) {
    const double cx =
        l.margin + static_cast<double>(static_cast<int>(i) % l.columns) * l.cell_width;
    const double cy = l.margin + l.title_height +
                      static_cast<double>(static_cast<int>(i) / l.columns) * l.cell_height;
    draw_panel(cr, l, i, panels[i], cx, cy, o);
  }
  return cairo_status(cr);
}

}  // namespace polyrep::scaling::chart
