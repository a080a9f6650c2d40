#pragma once
// Private to src/plot: writes one page drawn with cairo to an SVG, PNG or PDF file, appearing only
// complete (written to `out + ".tmp"` and renamed; on failure nothing is left at either name).
// The painter draws in points, y downwards; for PNG the context is scaled by png_scale first.
#include <cairo.h>

#include <filesystem>
#include <functional>
#include <string>

#include "polyrep/plot/figure.hpp"

namespace polyrep::plot::detail {

struct PageSpec {
  double width = 0, height = 0;  // points
  double png_scale = 3;          // PNG pixels per point
  std::string title;             // PDF metadata; may be empty
};

/// Draws the page; returns the first cairo error met (CAIRO_STATUS_SUCCESS when none).
using Painter = std::function<cairo_status_t(cairo_t*)>;

/// UsageError when a PNG of the page would exceed cairo's 32767 pixels a side.
void check_png_size(const PageSpec& page);

/// IoError "writing figure OUT: ..." when the file cannot be written.
void write_page(const std::filesystem::path& out, ImageFormat format, const PageSpec& page, const Painter& paint);

}  // namespace polyrep::plot::detail
