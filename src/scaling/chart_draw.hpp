#pragma once
// Private to src/scaling: lays out the scaling chart's panels on a grid (sizes measured with the
// fonts they will be drawn in) and paints them onto a cairo context whose user space is points.
#include <cairo.h>

#include <vector>

#include "chart_model.hpp"
#include "polyrep/scaling/scaling_chart.hpp"

namespace polyrep::scaling::chart {

/// One size for every cell, so panels line up; offsets are from a cell's top-left corner.
struct ChartLayout {
  double width = 0, height = 0;  // the page, points
  double margin = 0;             // around the grid
  double title_height = 0;       // the figure title's band above the grid
  double cell_width = 0, cell_height = 0;
  double plot_left = 0, plot_top = 0;  // the plotting area inside a cell
  int columns = 1;
  // Per panel: bar labels drawn upright (they do not fit flat), and the x axis title's baseline
  // below the plotting area.
  std::vector<bool> rotated_labels;
  std::vector<double> x_title_below;
};

ChartLayout layout_chart(const std::vector<Panel>& panels, const ScalingChartOptions& options);

/// Returns the context's status after drawing (CAIRO_STATUS_SUCCESS when all went well).
cairo_status_t draw_chart(cairo_t* cr, const ChartLayout& layout, const std::vector<Panel>& panels,
                          const ScalingChartOptions& options);

}  // namespace polyrep::scaling::chart
