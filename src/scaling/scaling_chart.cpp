#include "polyrep/scaling/scaling_chart.hpp"

#include <cairo-pdf.h>
#include <cairo-svg.h>

#include <algorithm>
#include <cmath>
#include <system_error>

#include "../plot/cairo_util.hpp"
#include "chart_draw.hpp"
#include "chart_panels.hpp"
#include "polyrep/core/error.hpp"
#include "polyrep/plot/figure.hpp"

namespace polyrep::scaling {
namespace {

namespace fs = std::filesystem;
using plot::ImageFormat;

constexpr double kMaxPngSide = 32767;  // cairo's image surface limit

void check_options(const ScalingChartOptions& o) {
  const auto positive = [](double v) { return std::isfinite(v) && v > 0; };
  if (o.columns < 1) throw UsageError("scaling chart: columns must be at least 1");
  if (!positive(o.plot_width) || !positive(o.plot_height))
    throw UsageError("scaling chart: panel size must be positive");
  if (!positive(o.png_scale)) throw UsageError("scaling chart: PNG scale must be positive");
}

// Removes the temporary file on every way out; after a successful rename there is none left.
struct TempFileGuard {
  fs::path path;
  ~TempFileGuard() {
    std::error_code ignored;
    fs::remove(path, ignored);
  }
};

plot::detail::Surface open_surface(ImageFormat format, const fs::path& tmp,
                                   const chart::ChartLayout& l, double png_scale) {
  switch (format) {
    case ImageFormat::svg:
      return plot::detail::Surface(cairo_svg_surface_create(tmp.c_str(), l.width, l.height));
    case ImageFormat::pdf:
      return plot::detail::Surface(cairo_pdf_surface_create(tmp.c_str(), l.width, l.height));
    case ImageFormat::png:
      break;
  }
  return plot::detail::Surface(cairo_image_surface_create(
      CAIRO_FORMAT_RGB24, static_cast<int>(std::ceil(l.width * png_scale)),
      static_cast<int>(std::ceil(l.height * png_scale))));
}

// Draws the chart into `tmp`; returns cairo's error text, empty on success.
std::string render(ImageFormat format, const fs::path& tmp, const chart::ChartLayout& l,
                   const std::vector<chart::Panel>& panels, const ScalingChartOptions& o) {
  const plot::detail::Surface surface = open_surface(format, tmp, l, o.png_scale);
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS)
    return cairo_status_to_string(cairo_surface_status(surface.get()));
  if (format == ImageFormat::pdf) {
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "polyrep");
    if (!o.title.empty())
      cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE, o.title.c_str());
  }
  {
    const plot::detail::Context cr(cairo_create(surface.get()));
    if (format == ImageFormat::png) cairo_scale(cr.get(), o.png_scale, o.png_scale);
    const cairo_status_t status = chart::draw_chart(cr.get(), l, panels, o);
    if (status != CAIRO_STATUS_SUCCESS) return cairo_status_to_string(status);
  }
  if (format == ImageFormat::png) {
    cairo_surface_flush(surface.get());
    const cairo_status_t status = cairo_surface_write_to_png(surface.get(), tmp.c_str());
    if (status != CAIRO_STATUS_SUCCESS) return cairo_status_to_string(status);
  }
  cairo_surface_finish(surface.get());
  const cairo_status_t status = cairo_surface_status(surface.get());
  return status == CAIRO_STATUS_SUCCESS ? std::string() : cairo_status_to_string(status);
}

std::vector<int> rank_counts(const std::vector<ScalingRow>& rows) {
  std::vector<int> ranks;
  for (const ScalingRow& r : rows) ranks.push_back(r.ranks);
  return ranks;
}

}  // namespace

bool log2_rank_axis(const std::vector<ScalingRow>& rows) {
  return chart::log2_ranks(rank_counts(rows));
}

void write_scaling_chart(const fs::path& out, const std::vector<ScalingRow>& rows,
                         const ScalingChartOptions& options) {
  const ImageFormat format = plot::format_from_extension(out);
  check_options(options);
  if (rows.empty()) throw UsageError("scaling chart " + out.string() + ": no runs to draw");
  const std::vector<chart::Panel> panels = chart::scaling_panels(rows);
  const chart::ChartLayout layout = chart::layout_chart(panels, options);
  if (format == ImageFormat::png &&
      std::max(layout.width, layout.height) * options.png_scale > kMaxPngSide)
    throw UsageError("scaling chart " + out.string() +
                     " would exceed cairo's 32767-pixel limit; lower the PNG scale");

  fs::path tmp = out;
  tmp += ".tmp";
  const TempFileGuard guard{tmp};
  std::string error = render(format, tmp, layout, panels, options);
  if (error.empty()) {
    std::error_code ec;
    fs::rename(tmp, out, ec);
    if (ec) error = ec.message();
  }
  if (!error.empty()) throw IoError("writing scaling chart " + out.string() + ": " + error);
}

}  // namespace polyrep::scaling
