#pragma once
/// Where everything of a figure goes, in points with y downwards, computed before drawing (text is
/// measured with the same font settings the drawing uses). Exposed so that tests and callers can
/// check the geometry (nothing overlaps, every legend entry is on the page) and find where a data
/// point lands: inside a panel's frame, the data's bounds are mapped onto the frame inset by
/// `options.margin * side + point radius` on each side, with y growing upwards.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "polyrep/plot/figure.hpp"

namespace polyrep::plot {

struct Rect {
  double x = 0, y = 0, width = 0, height = 0;
  double right() const { return x + width; }
  double bottom() const { return y + height; }
};

/// Both allow 1e-6 pt of rounding: boxes that merely touch do not overlap.
bool overlaps(const Rect& a, const Rect& b);
bool contains(const Rect& outer, const Rect& inner);

/// The finite extent of a panel's points; `finite` counts the rows with both coordinates finite.
struct DataBounds {
  double x_min = 0, x_max = 0, y_min = 0, y_max = 0;
  std::size_t finite = 0;
};
DataBounds data_bounds(const PointMatrix& xy);

/// Maps data coordinates into a frame, as described above. A zero-width range maps to the centre.
class FrameMapping {
 public:
  FrameMapping(const DataBounds& bounds, const Rect& frame, double inset);
  double x(double data_x) const { return x_offset_ + x_scale_ * data_x; }
  double y(double data_y) const { return y_offset_ + y_scale_ * data_y; }

 private:
  double x_scale_ = 0, x_offset_ = 0, y_scale_ = 0, y_offset_ = 0;
};

struct PanelLayout {
  Rect frame;                    // the data area, framed
  Rect header;                   // title and subtitle, above the frame
  double title_baseline = 0;     // y of the title's baseline
  double subtitle_baseline = 0;  // same as the title's when both fit on one line
  double point_radius = 0;
  double alpha = 0;
};

struct LegendItem {
  std::int32_t group = 0;  // index into Legend::names
  double marker_x = 0, marker_y = 0, marker_radius = 0;
  Rect label;  // the name's box (advance width x line height)
  double baseline = 0;
};

struct LegendLayout {
  LegendPlacement placement = LegendPlacement::right;  // never automatic
  Rect box;                                            // everything of the legend, title included
  double title_baseline = 0;
  double font_size = 0;
  int columns = 0, rows = 0;
  std::vector<LegendItem> items;  // column-major, in Legend::names order
};

struct FigureLayout {
  double width = 0, height = 0;  // page size in points (whole numbers)
  double title_baseline = 0;     // when options.title is not empty
  int columns = 0, rows = 0;     // of the panel grid
  Rect grid;                     // all panel cells
  std::vector<PanelLayout> panels;
  LegendLayout legend;
};

/// The groups that have at least one point in some panel, ascending. UsageError for a group index
/// outside [0, legend_size) or a panel whose group vector does not match its points.
std::vector<std::int32_t> present_groups(const std::vector<ScatterPanel>& panels,
                                         std::size_t legend_size);

/// Columns of the panel grid: options.columns when set, otherwise between sqrt(n) and sqrt(2n),
/// fewest empty cells first, then closest to 3:2.
int grid_columns(std::size_t panels, int requested);

FigureLayout layout_figure(const std::vector<ScatterPanel>& panels, const Legend& legend,
                           const FigureOptions& options);

}  // namespace polyrep::plot
