// PNG figures are checked by reading them back: the header's page size, and with cairo the pixels
// at places computed here from the documented frame mapping.
#include <cairo.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>

#include "figure_test_support.hpp"
#include "polyrep/plot/figure.hpp"
#include "polyrep/plot/layout.hpp"

namespace {

namespace fs = std::filesystem;
using polyrep::plot::FigureOptions;
using polyrep::plot::Legend;
using polyrep::plot::Rgb;
using polyrep::plot::ScatterPanel;
using polyrep::plot::write_figure;
using polyrep::plot::test::slurp;
using polyrep::plot::test::spiral_panel;
using FigurePngTest = polyrep::plot::test::FigureTest;

std::uint32_t big_endian(const std::string& s, std::size_t at) {
  std::uint32_t v = 0;
  for (std::size_t k = 0; k < 4; ++k) v = (v << 8) | static_cast<unsigned char>(s[at + k]);
  return v;
}

TEST_F(FigurePngTest, PngHasSignatureAndScaledPageSize) {
  const ScatterPanel p = spiral_panel(50, 3);
  Legend legend;
  legend.names = {"x", "y", "z"};
  FigureOptions options;
  options.png_scale = 2;
  write_figure(dir_ / "f.PNG", {p, p, p}, legend, options);
  const std::string png = slurp(dir_ / "f.PNG");
  ASSERT_GT(png.size(), 33u);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(png.substr(12, 4), "IHDR");
  const auto layout = polyrep::plot::layout_figure({p, p, p}, legend, options);
  EXPECT_EQ(big_endian(png, 16), static_cast<std::uint32_t>(std::ceil(layout.width * 2)));
  EXPECT_EQ(big_endian(png, 20), static_cast<std::uint32_t>(std::ceil(layout.height * 2)));
  // Three panels side by side, each at least its frame wide.
  EXPECT_GE(big_endian(png, 16), 3u * 2u * 260u);
}

struct Pixel {
  int r, g, b;
};

Pixel pixel_at(cairo_surface_t* image, double x, double y) {
  const unsigned char* data = cairo_image_surface_get_data(image);
  const int stride = cairo_image_surface_get_stride(image);
  const auto* p = reinterpret_cast<const std::uint32_t*>(
      data + static_cast<std::ptrdiff_t>(std::floor(y)) * stride);
  const std::uint32_t v = p[static_cast<std::ptrdiff_t>(std::floor(x))];  // native-endian xRGB
  return {static_cast<int>((v >> 16) & 0xff), static_cast<int>((v >> 8) & 0xff),
          static_cast<int>(v & 0xff)};
}

cairo_surface_t* read_png(const fs::path& path) {
  cairo_surface_t* image = cairo_image_surface_create_from_png(path.c_str());
  EXPECT_EQ(cairo_surface_status(image), CAIRO_STATUS_SUCCESS);
  cairo_surface_flush(image);
  return image;
}

void expect_colour(cairo_surface_t* image, double x, double y, const Rgb& want,
                   const std::string& what) {
  const Pixel got = pixel_at(image, x, y);
  EXPECT_NEAR(got.r, want.r * 255, 2) << what;
  EXPECT_NEAR(got.g, want.g * 255, 2) << what;
  EXPECT_NEAR(got.b, want.b * 255, 2) << what;
}

TEST_F(FigurePngTest, PngPixelsAtPointsHaveTheirLanguagesColour) {
  // A plus sign of five points: data bounds are [-1, 1] on both axes.
  ScatterPanel p;
  p.title = "pixels";
  p.xy.resize(5, 2);
  p.xy << -1, 0, 1, 0, 0, -1, 0, 1, 0, 0;
  p.group = {0, 1, 2, 3, 4};
  Legend legend;
  legend.names = {"left", "right", "down", "up", "middle"};
  legend.colors = {{1, 0, 0}, {0, 0.5, 0}, {0, 0, 1}, {0.6, 0.2, 0.8}, {1, 0.6, 0}};
  FigureOptions options;
  options.point_radius = 8;
  options.alpha = 1;
  options.png_scale = 2;
  const fs::path out = dir_ / "pixels.png";
  write_figure(out, {p}, legend, options);

  const auto layout = polyrep::plot::layout_figure({p}, legend, options);
  const polyrep::plot::Rect frame = layout.panels[0].frame;
  const double inset = options.margin * options.panel_size + options.point_radius;
  const double cx = frame.x + frame.width / 2, cy = frame.y + frame.height / 2;
  const double half = frame.width / 2 - inset;  // data +-1 lands this far from the centre
  const double s = options.png_scale;
  cairo_surface_t* image = read_png(out);
  expect_colour(image, (cx - half) * s, cy * s, legend.colors[0], "x = -1 on the left");
  expect_colour(image, (cx + half) * s, cy * s, legend.colors[1], "x = +1 on the right");
  expect_colour(image, cx * s, (cy + half) * s, legend.colors[2], "y = -1 at the bottom");
  expect_colour(image, cx * s, (cy - half) * s, legend.colors[3], "y = +1 at the top");
  expect_colour(image, cx * s, cy * s, legend.colors[4], "the origin in the middle");
  expect_colour(image, (cx + half / 2) * s, (cy + half / 2) * s, {1, 1, 1}, "empty space");
  // Legend markers are drawn opaque in the language's colour.
  for (const auto& item : layout.legend.items) {
    expect_colour(image, item.marker_x * s, item.marker_y * s,
                  legend.colors[static_cast<std::size_t>(item.group)], "legend marker");
  }
  cairo_surface_destroy(image);
}

// A panel's path is a line through its points in order: with points at the left, right and top
// of a plus sign joined left -> right, the middle of that segment is ink; without the path, and
// halfway between right and top (not joined), it stays white.
TEST_F(FigurePngTest, PathJoinsItsPointsInOrder) {
  ScatterPanel p;
  p.xy.resize(4, 2);
  p.xy << -1, 0, 1, 0, 0, 1, 0, -1;
  p.group = {0, 0, 0, 0};
  Legend legend;
  legend.names = {"positions"};
  legend.colors = {{1, 0, 0}};
  FigureOptions options;
  options.point_radius = 4;
  options.alpha = 1;
  options.png_scale = 2;
  const auto layout = polyrep::plot::layout_figure({p}, legend, options);
  const polyrep::plot::Rect frame = layout.panels[0].frame;
  const double inset = options.margin * options.panel_size + options.point_radius;
  const double cx = frame.x + frame.width / 2, cy = frame.y + frame.height / 2, half = frame.width / 2 - inset;
  const double s = options.png_scale;
  const auto at = [&](const fs::path& png, double x, double y) {
    cairo_surface_t* image = read_png(png);
    const Pixel px = pixel_at(image, x * s, y * s);
    cairo_surface_destroy(image);
    return px;
  };
  write_figure(dir_ / "no-path.png", {p}, legend, options);
  p.path = {0, 1};  // left, then right
  write_figure(dir_ / "path.png", {p}, legend, options);
  const Pixel on_line = at(dir_ / "path.png", cx - half / 2, cy);
  EXPECT_LT(on_line.r + on_line.g + on_line.b, 3 * 200) << "the left-right segment is drawn";
  const Pixel without = at(dir_ / "no-path.png", cx - half / 2, cy);
  EXPECT_EQ(without.r + without.g + without.b, 3 * 255) << "no path, no line";
  const Pixel not_joined = at(dir_ / "path.png", cx + half / 2, cy - half / 2);
  EXPECT_EQ(not_joined.r + not_joined.g + not_joined.b, 3 * 255) << "right and top are not joined";
}

TEST_F(FigurePngTest, NoLanguageAlwaysDrawnOnTop) {
  // Two languages on the same spot, stored language by language as in polyrep's files: which one
  // shows must depend on the seed.
  ScatterPanel p;
  p.xy = polyrep::plot::PointMatrix::Zero(64, 2);
  for (int i = 0; i < 64; ++i) p.group.push_back(i < 32 ? 0 : 1);
  p.xy(0, 0) = 1;  // a non-degenerate range
  Legend legend;
  legend.names = {"red", "blue"};
  legend.colors = {{1, 0, 0}, {0, 0, 1}};
  FigureOptions options;
  options.alpha = 1;
  options.point_radius = 5;
  options.png_scale = 1;
  const auto layout = polyrep::plot::layout_figure({p}, legend, options);
  const polyrep::plot::Rect f = layout.panels[0].frame;
  const double x = f.x + options.margin * f.width + options.point_radius;  // data x = 0
  const double y = f.y + f.height / 2;
  int red_on_top = 0;
  constexpr int kSeeds = 16;
  for (int seed = 0; seed < kSeeds; ++seed) {
    options.seed = static_cast<std::uint64_t>(seed);
    write_figure(dir_ / "top.png", {p}, legend, options);
    cairo_surface_t* image = read_png(dir_ / "top.png");
    const Pixel px = pixel_at(image, x, y);
    cairo_surface_destroy(image);
    ASSERT_TRUE((px.r == 255 && px.b == 0) || (px.r == 0 && px.b == 255)) << px.r << "," << px.b;
    red_on_top += px.r == 255;
  }
  EXPECT_GT(red_on_top, 0);
  EXPECT_LT(red_on_top, kSeeds);
}

}  // namespace
