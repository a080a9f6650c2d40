#include "polyrep/plot/figure.hpp"

#include <cairo-pdf.h>
#include <cairo-svg.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <system_error>

#include "cairo_util.hpp"
#include "draw.hpp"
#include "polyrep/core/error.hpp"
#include "polyrep/plot/layout.hpp"

namespace polyrep::plot {
namespace {

// cairo's image surfaces are limited to 32767 pixels a side.
constexpr double kMaxPngSide = 32767;

struct FileCloser {
  void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};

// Where cairo's stream callbacks write: the temporary file, and the first error met.
struct Sink {
  std::unique_ptr<std::FILE, FileCloser> file;
  std::string error;
};

cairo_status_t write_to_sink(void* closure, const unsigned char* data, unsigned int length) {
  auto* sink = static_cast<Sink*>(closure);
  if (std::fwrite(data, 1, length, sink->file.get()) != length) {
    if (sink->error.empty()) sink->error = std::strerror(errno);
    return CAIRO_STATUS_WRITE_ERROR;
  }
  return CAIRO_STATUS_SUCCESS;
}

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

void check_png_size(const FigureLayout& layout, double png_scale) {
  const double w = std::ceil(layout.width * png_scale), h = std::ceil(layout.height * png_scale);
  if (w > kMaxPngSide || h > kMaxPngSide) {
    throw UsageError("figure would be " + std::to_string(static_cast<long>(w)) + " x " +
                     std::to_string(static_cast<long>(h)) +
                     " pixels, over cairo's limit of 32767; lower the PNG scale");
  }
}

// Removes the temporary file on every way out; after a successful rename there is none left.
struct TempFileGuard {
  std::filesystem::path path;
  ~TempFileGuard() {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
  }
};

// Creates the surface for `format` writing into `sink` (PNG: an image surface, saved later).
detail::Surface make_surface(ImageFormat format, const FigureLayout& layout, double png_scale,
                             Sink& sink) {
  switch (format) {
    case ImageFormat::svg:
      return detail::Surface(
          cairo_svg_surface_create_for_stream(write_to_sink, &sink, layout.width, layout.height));
    case ImageFormat::pdf:
      return detail::Surface(
          cairo_pdf_surface_create_for_stream(write_to_sink, &sink, layout.width, layout.height));
    case ImageFormat::png:
      break;
  }
  return detail::Surface(cairo_image_surface_create(
      CAIRO_FORMAT_RGB24, static_cast<int>(std::ceil(layout.width * png_scale)),
      static_cast<int>(std::ceil(layout.height * png_scale))));
}

std::string cairo_error(cairo_status_t status, const Sink& sink) {
  return sink.error.empty() ? cairo_status_to_string(status) : sink.error;
}

// Draws and writes the whole figure into sink.file; returns an error text, empty on success.
std::string render(ImageFormat format, const FigureLayout& layout,
                   const std::vector<ScatterPanel>& panels, const Legend& legend,
                   const std::vector<Rgb>& colours, const FigureOptions& options, Sink& sink) {
  const detail::Surface surface = make_surface(format, layout, options.png_scale, sink);
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS)
    return cairo_error(cairo_surface_status(surface.get()), sink);
  if (format == ImageFormat::pdf) {
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "polyrep");
    if (!options.title.empty())
      cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE,
                                     options.title.c_str());
  }
  {
    const detail::Context cr(cairo_create(surface.get()));
    if (format == ImageFormat::png) cairo_scale(cr.get(), options.png_scale, options.png_scale);
    std::size_t points = 0;
    for (const ScatterPanel& p : panels) points += static_cast<std::size_t>(p.xy.rows());
    const bool raster = format != ImageFormat::png && options.max_vector_points > 0 &&
                        points > options.max_vector_points;
    const cairo_status_t status =
        detail::draw_figure(cr.get(), layout, panels, legend, colours, options, raster);
    if (status != CAIRO_STATUS_SUCCESS) return cairo_error(status, sink);
  }
  if (format == ImageFormat::png) {
    cairo_surface_flush(surface.get());
    const cairo_status_t s = cairo_surface_write_to_png_stream(surface.get(), write_to_sink, &sink);
    if (s != CAIRO_STATUS_SUCCESS) return cairo_error(s, sink);
  }
  cairo_surface_finish(surface.get());
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS)
    return cairo_error(cairo_surface_status(surface.get()), sink);
  return {};
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
  if (format == ImageFormat::png) check_png_size(layout, options.png_scale);

  std::filesystem::path tmp = out;
  tmp += ".tmp";
  Sink sink;
  sink.file.reset(std::fopen(tmp.c_str(), "wb"));
  if (!sink.file) {
    throw IoError("writing figure " + out.string() + ": cannot create " + tmp.filename().string() +
                  ": " + std::strerror(errno));
  }
  const TempFileGuard guard{tmp};
  std::string error = render(format, layout, panels, legend, colours, options, sink);
  if (error.empty() && std::fflush(sink.file.get()) != 0) error = std::strerror(errno);
  if (std::fclose(sink.file.release()) != 0 && error.empty()) error = std::strerror(errno);
  std::error_code ec;
  if (error.empty()) {
    std::filesystem::rename(tmp, out, ec);
    if (ec) error = ec.message();
  }
  if (!error.empty()) throw IoError("writing figure " + out.string() + ": " + error);
}

}  // namespace polyrep::plot
