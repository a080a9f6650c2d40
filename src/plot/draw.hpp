#pragma once
// Private to src/plot: paints a laid-out figure onto any cairo context whose user space is in
// points (the PNG writer scales its context first). With `raster_points`, each panel's points are
// painted into an image at options.png_scale first and that image is placed in the frame.
#include <cairo.h>

#include <vector>

#include "polyrep/plot/figure.hpp"
#include "polyrep/plot/layout.hpp"

namespace polyrep::plot::detail {

/// Returns the first cairo error met (CAIRO_STATUS_SUCCESS when none).
cairo_status_t draw_figure(cairo_t* cr, const FigureLayout& layout,
                           const std::vector<ScatterPanel>& panels, const Legend& legend,
                           const std::vector<Rgb>& colours, const FigureOptions& options,
                           bool raster_points);

}  // namespace polyrep::plot::detail
