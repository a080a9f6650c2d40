#include "polyrep/plot/layout.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "cairo_util.hpp"
#include "polyrep/core/error.hpp"
#include "text_style.hpp"

namespace polyrep::plot {
namespace {

using detail::Weight;

constexpr double kPad = 10;       // page edge
constexpr double kCellGapX = 14;  // between panel cells
constexpr double kCellGapY = 12;
constexpr double kLegendGap = 16;         // between the grid and the legend
constexpr double kHeaderGap = 3;          // between a panel's header and its frame
constexpr double kPreferredAspect = 1.4;  // of the page, when choosing where the legend goes
constexpr double kTolerance = 1e-6;       // for rounding in sums of widths

struct CellMetrics {
  double label_left = 0;   // y-axis label strip
  double label_below = 0;  // x-axis label strip
  double header = 0;
  bool two_line_header = false;
  double width = 0, height = 0;
};

CellMetrics cell_metrics(cairo_t* cr, const std::vector<ScatterPanel>& panels,
                         const FigureOptions& options) {
  CellMetrics m;
  for (const ScatterPanel& p : panels) {
    if (!p.y_label.empty()) m.label_left = kAxisFontSize * 1.7;
    if (!p.x_label.empty()) m.label_below = kAxisFontSize * 1.8;
    if (p.subtitle.empty()) continue;
    detail::set_font(cr, options.font, kPanelTitleFontSize, Weight::bold);
    const double title = detail::text_width(cr, p.title);
    detail::set_font(cr, options.font, kSubtitleFontSize, Weight::normal);
    const double subtitle = detail::text_width(cr, p.subtitle);
    if (title + subtitle + kPanelTitleFontSize > options.panel_size) m.two_line_header = true;
  }
  m.header = kPanelTitleFontSize * 1.19 + kHeaderGap;
  if (m.two_line_header) m.header += kSubtitleFontSize * 1.25;
  m.width = m.label_left + options.panel_size;
  m.height = m.header + options.panel_size + m.label_below;
  return m;
}

PanelLayout place_panel(const CellMetrics& m, double cell_x, double cell_y, std::size_t points,
                        const FigureOptions& options) {
  PanelLayout p;
  p.frame = {cell_x + m.label_left, cell_y + m.header, options.panel_size, options.panel_size};
  p.header = {p.frame.x, cell_y, options.panel_size, m.header - kHeaderGap};
  p.title_baseline = cell_y + kPanelTitleFontSize * 0.95;
  p.subtitle_baseline =
      m.two_line_header ? p.title_baseline + kSubtitleFontSize * 1.25 : p.title_baseline;
  p.point_radius = options.point_radius > 0 ? options.point_radius
                                            : auto_point_radius(points, options.panel_size);
  p.alpha = options.alpha > 0 ? options.alpha : auto_alpha(points);
  return p;
}

// The legend's entries and their common sizes, before it is placed.
struct LegendMetrics {
  std::vector<std::int32_t> groups;
  std::vector<double> label_widths;
  double font = 0, marker_radius = 0, column_width = 0, column_gap = 0, row_height = 0;
  double title_height = 0, title_width = 0;
};

double legend_font_size(std::size_t entries) {
  if (entries <= 12) return 8;
  if (entries <= 40) return 7;
  return 6;
}

LegendMetrics legend_metrics(cairo_t* cr, const Legend& legend, std::vector<std::int32_t> groups,
                             const FigureOptions& options) {
  LegendMetrics m;
  m.groups = std::move(groups);
  m.font = legend_font_size(m.groups.size());
  m.marker_radius = 0.32 * m.font;
  m.column_gap = 1.2 * m.font;
  m.row_height = 1.4 * m.font;
  detail::set_font(cr, options.font, m.font, Weight::normal);
  double widest = 0;
  for (std::int32_t g : m.groups) {
    m.label_widths.push_back(detail::text_width(cr, legend.names[static_cast<std::size_t>(g)]));
    widest = std::max(widest, m.label_widths.back());
  }
  m.column_width = 2 * m.marker_radius + kLegendLabelGap * m.font + widest;
  if (!legend.title.empty()) {
    detail::set_font(cr, options.font, m.font + 0.5, Weight::bold);
    m.title_width = detail::text_width(cr, legend.title);
    m.title_height = 1.6 * (m.font + 0.5);
  }
  return m;
}

// Shape of the legend block for a number of columns: rows balanced so columns are nearly equal.
LegendLayout legend_shape(const LegendMetrics& m, int columns, LegendPlacement placement) {
  LegendLayout l;
  const int n = static_cast<int>(m.groups.size());
  l.placement = placement;
  l.font_size = m.font;
  l.rows = (n + columns - 1) / columns;
  l.columns = (n + l.rows - 1) / l.rows;
  l.box.width =
      std::max(m.title_width, l.columns * m.column_width + (l.columns - 1) * m.column_gap);
  l.box.height = m.title_height + l.rows * m.row_height;
  return l;
}

// As many rows as fit in `height` (at least one), so as few columns as possible.
LegendLayout legend_in_height(const LegendMetrics& m, double height, LegendPlacement placement) {
  const int n = static_cast<int>(m.groups.size());
  const int fit = std::max(1, static_cast<int>((height - m.title_height) / m.row_height));
  return legend_shape(m, std::max(1, (n + fit - 1) / fit), placement);
}

LegendLayout legend_below(const LegendMetrics& m, double grid_width) {
  const int n = static_cast<int>(m.groups.size());
  const int fit =
      std::max(1, static_cast<int>((grid_width + m.column_gap) / (m.column_width + m.column_gap)));
  return legend_shape(m, std::min(n, fit), LegendPlacement::bottom);
}

// The free cells at the end of the grid's last row, as a rectangle relative to the grid.
Rect empty_cells(const CellMetrics& cell, int columns, int rows, std::size_t panels) {
  const int empty = columns * rows - static_cast<int>(panels);
  if (empty <= 0) return {};
  const double x = (columns - empty) * (cell.width + kCellGapX);
  return {x, (rows - 1) * (cell.height + kCellGapY), empty * cell.width + (empty - 1) * kCellGapX,
          cell.height};
}

double page_aspect(const Rect& grid, const LegendLayout& l) {
  const bool right = l.placement == LegendPlacement::right;
  const double w =
      right ? grid.width + kLegendGap + l.box.width : std::max(grid.width, l.box.width);
  const double h =
      right ? std::max(grid.height, l.box.height) : grid.height + kLegendGap + l.box.height;
  return (w + 2 * kPad) / (h + 2 * kPad);
}

// The legend's shape; for empty_cells, also its position relative to the grid.
LegendLayout choose_legend(const LegendMetrics& m, const Rect& grid, const Rect& free,
                           LegendPlacement placement) {
  if (placement == LegendPlacement::empty_cells || placement == LegendPlacement::automatic) {
    LegendLayout inside =
        legend_in_height(m, free.height - kHeaderGap, LegendPlacement::empty_cells);
    if (inside.box.width <= free.width - kLegendGap && inside.box.height <= free.height) {
      inside.box.x = free.x + (free.width - inside.box.width) / 2;
      inside.box.y = free.y + (free.height - inside.box.height) / 2;
      return inside;
    }
  }
  if (placement == LegendPlacement::right) return legend_in_height(m, grid.height, placement);
  if (placement == LegendPlacement::bottom) return legend_below(m, grid.width);
  const LegendLayout right = legend_in_height(m, grid.height, LegendPlacement::right);
  const LegendLayout below = legend_below(m, grid.width);
  const auto misfit = [&](const LegendLayout& l) {
    return std::abs(std::log(page_aspect(grid, l) / kPreferredAspect));
  };
  return misfit(below) < misfit(right) ? below : right;
}

void place_legend_items(const LegendMetrics& m, LegendLayout& l) {
  l.title_baseline = l.box.y + 0.95 * (m.font + 0.5);
  const double top = l.box.y + m.title_height;
  for (std::size_t k = 0; k < m.groups.size(); ++k) {
    const int column = static_cast<int>(k) / l.rows;
    const int row = static_cast<int>(k) % l.rows;
    LegendItem item;
    item.group = m.groups[k];
    item.marker_radius = m.marker_radius;
    item.marker_x = l.box.x + column * (m.column_width + m.column_gap) + m.marker_radius;
    item.marker_y = top + (row + 0.5) * m.row_height;
    item.label = {item.marker_x + m.marker_radius + kLegendLabelGap * m.font,
                  top + row * m.row_height, m.label_widths[k], m.row_height};
    item.baseline = item.marker_y + 0.36 * m.font;
    l.items.push_back(item);
  }
}

// Page size and the positions of the grid and the legend box; the legend's shape is known.
void place_blocks(FigureLayout& f, const std::string& title_text, double title_width) {
  LegendLayout& legend = f.legend;
  const bool right = legend.placement == LegendPlacement::right;
  const bool below = legend.placement == LegendPlacement::bottom;
  const Rect box = legend.box;
  double content_w = f.grid.width, content_h = f.grid.height;
  if (right) content_w += kLegendGap + box.width, content_h = std::max(content_h, box.height);
  if (below) content_w = std::max(content_w, box.width), content_h += kLegendGap + box.height;
  double top = kPad;
  if (!title_text.empty()) {
    f.title_baseline = kPad + 0.95 * kFigureTitleFontSize;
    top += 1.7 * kFigureTitleFontSize;
  }
  f.width = std::ceil(std::max(content_w, title_width) + 2 * kPad);
  f.height = std::ceil(top + content_h + kPad);
  const double left = (f.width - content_w) / 2;  // content centred under a wider title
  f.grid.x = left + (below ? (content_w - f.grid.width) / 2 : 0);
  f.grid.y = top + (right ? std::max(0.0, (box.height - f.grid.height) / 2) : 0);
  if (right) legend.box.x = f.grid.right() + kLegendGap;
  if (right) legend.box.y = top + std::max(0.0, (f.grid.height - box.height) / 2);
  if (below) legend.box.x = left + (content_w - box.width) / 2;
  if (below) legend.box.y = f.grid.bottom() + kLegendGap;
  if (!right && !below) legend.box.x += f.grid.x, legend.box.y += f.grid.y;
}

}  // namespace

bool overlaps(const Rect& a, const Rect& b) {
  return a.x < b.right() - kTolerance && b.x < a.right() - kTolerance &&
         a.y < b.bottom() - kTolerance && b.y < a.bottom() - kTolerance;
}

bool contains(const Rect& outer, const Rect& inner) {
  return inner.x >= outer.x - kTolerance && inner.y >= outer.y - kTolerance &&
         inner.right() <= outer.right() + kTolerance &&
         inner.bottom() <= outer.bottom() + kTolerance;
}

DataBounds data_bounds(const PointMatrix& xy) {
  DataBounds b;
  b.x_min = b.y_min = std::numeric_limits<double>::infinity();
  b.x_max = b.y_max = -std::numeric_limits<double>::infinity();
  for (Eigen::Index i = 0; i < xy.rows(); ++i) {
    const double x = xy(i, 0), y = xy(i, 1);
    if (!std::isfinite(x) || !std::isfinite(y)) continue;
    ++b.finite;
    b.x_min = std::min(b.x_min, x);
    b.x_max = std::max(b.x_max, x);
    b.y_min = std::min(b.y_min, y);
    b.y_max = std::max(b.y_max, y);
  }
  if (b.finite == 0) b.x_min = b.x_max = b.y_min = b.y_max = 0;
  return b;
}

FrameMapping::FrameMapping(const DataBounds& b, const Rect& frame, double inset) {
  const auto axis = [](double lo, double hi, double start, double length, bool flip, double& scale,
                       double& offset) {
    if (!(hi > lo)) {  // one distinct value (or none): the middle of the frame
      scale = 0;
      offset = start + length / 2;
      return;
    }
    scale = (flip ? -length : length) / (hi - lo);
    offset = (flip ? start + length : start) - scale * lo;
  };
  const double w = std::max(0.0, frame.width - 2 * inset);
  const double h = std::max(0.0, frame.height - 2 * inset);
  axis(b.x_min, b.x_max, frame.x + inset, w, false, x_scale_, x_offset_);
  axis(b.y_min, b.y_max, frame.y + inset, h, true, y_scale_, y_offset_);
}

std::vector<std::int32_t> present_groups(const std::vector<ScatterPanel>& panels,
                                         std::size_t legend_size) {
  std::vector<char> seen(legend_size, 0);
  for (std::size_t p = 0; p < panels.size(); ++p) {
    const ScatterPanel& panel = panels[p];
    if (panel.group.size() != static_cast<std::size_t>(panel.xy.rows())) {
      throw UsageError("figure panel " + std::to_string(p) + " has " +
                       std::to_string(panel.xy.rows()) + " points but " +
                       std::to_string(panel.group.size()) + " group labels");
    }
    for (std::int32_t g : panel.group) {
      if (g < 0 || static_cast<std::size_t>(g) >= legend_size) {
        throw UsageError("figure panel " + std::to_string(p) + ": group " + std::to_string(g) +
                         " is not in the legend of " + std::to_string(legend_size) + " names");
      }
      seen[static_cast<std::size_t>(g)] = 1;
    }
  }
  std::vector<std::int32_t> groups;
  for (std::size_t g = 0; g < legend_size; ++g) {
    if (seen[g]) groups.push_back(static_cast<std::int32_t>(g));
  }
  return groups;
}

int grid_columns(std::size_t panels, int requested) {
  const int n = static_cast<int>(std::max<std::size_t>(panels, 1));
  if (requested > 0) return std::min(requested, n);
  int best = n;
  double best_score = std::numeric_limits<double>::infinity();
  const int lo = static_cast<int>(std::ceil(std::sqrt(n)));
  const int hi = std::max(lo, static_cast<int>(std::ceil(std::sqrt(2.0 * n))));
  for (int c = lo; c <= std::min(hi, n); ++c) {
    const int rows = (n + c - 1) / c;
    const double score = (rows * c - n) + std::abs(std::log(double(c) / rows / 1.5)) * 0.1;
    if (score < best_score) best_score = score, best = c;
  }
  return best;
}

FigureLayout layout_figure(const std::vector<ScatterPanel>& panels, const Legend& legend,
                           const FigureOptions& options) {
  if (panels.empty()) throw UsageError("a figure needs at least one panel");
  const detail::Context scratch = detail::scratch_context();
  cairo_t* cr = scratch.get();
  FigureLayout f;
  const CellMetrics cell = cell_metrics(cr, panels, options);
  f.columns = grid_columns(panels.size(), options.columns);
  f.rows = static_cast<int>((panels.size() + f.columns - 1) / f.columns);
  f.grid.width = f.columns * cell.width + (f.columns - 1) * kCellGapX;
  f.grid.height = f.rows * cell.height + (f.rows - 1) * kCellGapY;

  const LegendMetrics lm =
      legend_metrics(cr, legend, present_groups(panels, legend.names.size()), options);
  if (!lm.groups.empty()) {
    f.legend = choose_legend(lm, f.grid, empty_cells(cell, f.columns, f.rows, panels.size()),
                             options.legend);
  }
  double title_width = 0;
  if (!options.title.empty()) {
    detail::set_font(cr, options.font, kFigureTitleFontSize, Weight::bold);
    title_width = detail::text_width(cr, options.title);
  }
  place_blocks(f, options.title, title_width);
  if (!lm.groups.empty()) place_legend_items(lm, f.legend);
  for (std::size_t p = 0; p < panels.size(); ++p) {
    const int col = static_cast<int>(p) % f.columns, row = static_cast<int>(p) / f.columns;
    f.panels.push_back(place_panel(cell, f.grid.x + col * (cell.width + kCellGapX),
                                   f.grid.y + row * (cell.height + kCellGapY),
                                   static_cast<std::size_t>(panels[p].xy.rows()), options));
  }
  return f;
}

}  // namespace polyrep::plot
