#include "polyrep/plot/figure.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "draw.hpp"
#include "page_writer.hpp"
#include "polyrep/core/error.hpp"
#include "polyrep/plot/layout.hpp"

namespace polyrep::plot {
namespace {

void check_options(const FigureOptions& o) {
  const auto positive = [](double v) { return std::isfinite(v) && v > 0; };
  if (!positive(o.panel_size)) throw UsageError("figure panel size must be positive");
  if (!positive(o.png_scale)) throw UsageError("figure PNG scale must be positive");
  if (!(o.point_radius >= 0) || !std::isfinite(o.point_radius))
    throw UsageError("figure point radius must be 0 (automatic) or positive");
  if (!(o.alpha >= 0 && o.alpha <= 1))
    throw UsageError("figure point opacity must be 0 (automatic) or in (0, 1]");
  if (!(o.margin >= 0 && o.margin < 0.5)) throw UsageError("figure margin must be in [0, 0.5)");
  if (o.columns < 0) throw UsageError("figure columns must be 0 (automatic) or positive");
}

std::vector<Rgb> legend_colours(const Legend& legend) {
  if (legend.colors.empty()) return language_palette(legend.names.size());
  if (legend.colors.size() != legend.names.size()) {
    throw UsageError("figure legend has " + std::to_string(legend.names.size()) + " names but " +
                     std::to_string(legend.colors.size()) + " colours");
  }
  return legend.colors;
}

}  // namespace

ImageFormat format_from_extension(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ext == ".svg") return ImageFormat::svg;
  if (ext == ".png") return ImageFormat::png;
  if (ext == ".pdf") return ImageFormat::pdf;
  throw UsageError("cannot tell the image format of " + path.string() +
                   ": the name must end in .svg, .png or .pdf");
}

double auto_point_radius(std::size_t points, double panel_size) {
  if (points == 0) return 1;
  return std::clamp(0.45 * panel_size / std::sqrt(static_cast<double>(points)), 0.45, 2.5);
}

double auto_alpha(std::size_t points) {
  if (points == 0) return 1;
  return std::clamp(0.9 * std::pow(1000.0 / static_cast<double>(points), 0.35), 0.15, 0.9);
}

void write_figure(const std::filesystem::path& out, const std::vector<ScatterPanel>& panels,
                  const Legend& legend, const FigureOptions& options) {
  const ImageFormat format = format_from_extension(out);
  check_options(options);
  const std::vector<Rgb> colours = legend_colours(legend);
  const FigureLayout layout = layout_figure(panels, legend, options);
  const detail::PageSpec page{layout.width, layout.height, options.png_scale, options.title};
  if (format == ImageFormat::png) detail::check_png_size(page);
  std::size_t points = 0;
  for (const ScatterPanel& p : panels) points += static_cast<std::size_t>(p.xy.rows());
  const bool raster = format != ImageFormat::png && options.max_vector_points > 0 &&
                      points > options.max_vector_points;
  detail::write_page(out, format, page, [&](cairo_t* cr) {
    return detail::draw_figure(cr, layout, panels, legend, colours, options, raster);
  });
}

}  // namespace polyrep::plot
