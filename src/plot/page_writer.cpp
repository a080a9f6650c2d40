#include "page_writer.hpp"

#include <cairo-pdf.h>
#include <cairo-svg.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <system_error>

#include "cairo_util.hpp"
#include "polyrep/core/error.hpp"

namespace polyrep::plot::detail {
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

// Removes the temporary file on every way out; after a successful rename there is none left.
struct TempFileGuard {
  std::filesystem::path path;
  ~TempFileGuard() {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
  }
};

// Creates the surface for `format` writing into `sink` (PNG: an image surface, saved later).
Surface make_surface(ImageFormat format, const PageSpec& page, Sink& sink) {
  switch (format) {
    case ImageFormat::svg:
      return Surface(cairo_svg_surface_create_for_stream(write_to_sink, &sink, page.width, page.height));
    case ImageFormat::pdf:
      return Surface(cairo_pdf_surface_create_for_stream(write_to_sink, &sink, page.width, page.height));
    case ImageFormat::png:
      break;
  }
  return Surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24,
                                            static_cast<int>(std::ceil(page.width * page.png_scale)),
                                            static_cast<int>(std::ceil(page.height * page.png_scale))));
}

std::string cairo_error(cairo_status_t status, const Sink& sink) {
  return sink.error.empty() ? cairo_status_to_string(status) : sink.error;
}

// Draws and writes the whole page into sink.file; returns an error text, empty on success.
std::string render(ImageFormat format, const PageSpec& page, const Painter& paint, Sink& sink) {
  const Surface surface = make_surface(format, page, sink);
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS)
    return cairo_error(cairo_surface_status(surface.get()), sink);
  if (format == ImageFormat::pdf) {
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "polyrep");
    if (!page.title.empty())
      cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE, page.title.c_str());
  }
  {
    const Context cr(cairo_create(surface.get()));
    if (format == ImageFormat::png) cairo_scale(cr.get(), page.png_scale, page.png_scale);
    const cairo_status_t status = paint(cr.get());
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

void check_png_size(const PageSpec& page) {
  const double w = std::ceil(page.width * page.png_scale), h = std::ceil(page.height * page.png_scale);
  if (w > kMaxPngSide || h > kMaxPngSide) {
    throw UsageError("figure would be " + std::to_string(static_cast<long>(w)) + " x " +
                     std::to_string(static_cast<long>(h)) +
                     " pixels, over cairo's limit of 32767; lower the PNG scale");
  }
}

void write_page(const std::filesystem::path& out, ImageFormat format, const PageSpec& page, const Painter& paint) {
  std::filesystem::path tmp = out;
  tmp += ".tmp";
  Sink sink;
  sink.file.reset(std::fopen(tmp.c_str(), "wb"));
  if (!sink.file) {
    throw IoError("writing figure " + out.string() + ": cannot create " + tmp.filename().string() + ": " +
                  std::strerror(errno));
  }
  const TempFileGuard guard{tmp};
  std::string error = render(format, page, paint, sink);
  if (error.empty() && std::fflush(sink.file.get()) != 0) error = std::strerror(errno);
  if (std::fclose(sink.file.release()) != 0 && error.empty()) error = std::strerror(errno);
  std::error_code ec;
  if (error.empty()) {
    std::filesystem::rename(tmp, out, ec);
    if (ec) error = ec.message();
  }
  if (!error.empty()) throw IoError("writing figure " + out.string() + ": " + error);
}

}  // namespace polyrep::plot::detail
