#include "polyrep/scaling/scaling_chart.hpp"

#include <cairo.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <memory>
#include <sstream>

#include "metrics_json.hpp"
#include "polyrep/core/error.hpp"

namespace {

namespace fs = std::filesystem;
using polyrep::scaling::log2_rank_axis;
using polyrep::scaling::make_scaling_table;
using polyrep::scaling::RunMetrics;
using polyrep::scaling::ScalingChartOptions;
using polyrep::scaling::ScalingRow;
using polyrep::scaling::write_scaling_chart;
using polyrep::scaling::test::as_run;
using polyrep::scaling::test::json;
using polyrep::scaling::test::metrics_json;
using polyrep::test::TempDir;

std::string slurp(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A grid of ranks x languages with extract and reduce runs and made-up but plausible numbers.
std::vector<ScalingRow> grid(const TempDir& dir, const std::vector<int>& ranks,
                             const std::vector<int>& languages) {
  std::vector<RunMetrics> runs;
  for (int l : languages) {
    for (int r : ranks) {
      json e = metrics_json("extract", r, l, 10.0 * l / r + 2);
      for (int k = 0; k < r; ++k) {
        e["per_rank"][k]["seconds"]["forward"] = 8.0 * l / r;
        e["per_rank"][k]["busy_seconds"] = 8.0 * l / r * (1 + 0.05 * k);
      }
      const std::string tag = "-r" + std::to_string(r) + "-l" + std::to_string(l) + ".json";
      runs.push_back(as_run(dir, "extract" + tag, e));
      runs.push_back(as_run(dir, "reduce" + tag, metrics_json("reduce", r, l, 3.0 * l / r + 1)));
    }
  }
  return make_scaling_table(runs);
}

struct SurfaceDeleter {
  void operator()(cairo_surface_t* s) const noexcept { cairo_surface_destroy(s); }
};

// Pixels of the PNG that are not white (the chart draws on a white page).
std::size_t inked_pixels(const fs::path& png, int& width, int& height) {
  const std::unique_ptr<cairo_surface_t, SurfaceDeleter> image(
      cairo_image_surface_create_from_png(png.c_str()));
  EXPECT_EQ(cairo_surface_status(image.get()), CAIRO_STATUS_SUCCESS);
  width = cairo_image_surface_get_width(image.get());
  height = cairo_image_surface_get_height(image.get());
  const int stride = cairo_image_surface_get_stride(image.get());
  const unsigned char* data = cairo_image_surface_get_data(image.get());
  std::size_t inked = 0;
  for (int y = 0; y < height; ++y) {
    const auto* row =
        reinterpret_cast<const std::uint32_t*>(data + static_cast<std::ptrdiff_t>(y) * stride);
    for (int x = 0; x < width; ++x) inked += (row[x] & 0xffffffu) != 0xffffffu;
  }
  return inked;
}

void expect_svg(const fs::path& file) {
  const std::string svg = slurp(file);
  ASSERT_GT(svg.size(), 1000u);
  EXPECT_TRUE(svg.rfind("<?xml", 0) == 0 || svg.rfind("<svg", 0) == 0) << svg.substr(0, 40);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  EXPECT_FALSE(fs::exists(file.string() + ".tmp"));
}

void expect_png(const fs::path& file, const ScalingChartOptions& options) {
  const std::string png = slurp(file);
  ASSERT_GT(png.size(), 100u);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_FALSE(fs::exists(file.string() + ".tmp"));
  int width = 0, height = 0;
  const std::size_t inked = inked_pixels(file, width, height);
  // Three panels side by side, two rows, each at least its plotting area.
  EXPECT_GE(width, 3 * options.plot_width * options.png_scale);
  EXPECT_GE(height, 2 * options.plot_height * options.png_scale);
  EXPECT_GT(inked, static_cast<std::size_t>(width) * height / 100) << "almost nothing drawn";
}

TEST(ScalingChart, WritesSvgPngAndPdf) {
  TempDir dir("scaling");
  const auto rows = grid(dir, {1, 2, 4, 8}, {2, 4, 8});
  ScalingChartOptions options;
  options.png_scale = 1;
  write_scaling_chart(dir / "c.svg", rows, options);
  expect_svg(dir / "c.svg");
  write_scaling_chart(dir / "c.png", rows, options);
  expect_png(dir / "c.png", options);
  write_scaling_chart(dir / "c.pdf", rows, options);
  EXPECT_EQ(slurp(dir / "c.pdf").rfind("%PDF", 0), 0u);
  EXPECT_FALSE(fs::exists(dir / "c.pdf.tmp"));
}

TEST(ScalingChart, SingleRowAndSingleRankCount) {
  TempDir dir("scaling");
  ScalingChartOptions options;
  options.png_scale = 1;
  const auto one = grid(dir, {2}, {4});
  ASSERT_EQ(one.size(), 1u);
  write_scaling_chart(dir / "one.svg", one, options);
  expect_svg(dir / "one.svg");
  write_scaling_chart(dir / "one.png", one, options);
  expect_png(dir / "one.png", options);

  const auto same_ranks = grid(dir, {4}, {2, 4, 8});
  write_scaling_chart(dir / "same.png", same_ranks, options);
  expect_png(dir / "same.png", options);
}

TEST(ScalingChart, NanValuesAndMissingRunsAreSkipped) {
  TempDir dir("scaling");
  // A reduce-only point, an extract without memory counters or a write phase.
  json e = metrics_json("extract", 1, 2, 5);
  e["phases"] = {"load", "forward"};
  for (json& rank : e["per_rank"]) rank.erase("peak_rss_bytes");
  const auto rows = make_scaling_table(
      {as_run(dir, "e.json", e), as_run(dir, "r.json", metrics_json("reduce", 3, 2, 4))});
  ASSERT_EQ(rows.size(), 2u);
  ScalingChartOptions options;
  options.png_scale = 1;
  options.title.clear();
  write_scaling_chart(dir / "nan.svg", rows, options);
  expect_svg(dir / "nan.svg");
  write_scaling_chart(dir / "nan.png", rows, options);
  expect_png(dir / "nan.png", options);
}

TEST(ScalingChart, ManyRunsGetUprightBarLabels) {
  TempDir dir("scaling");
  ScalingChartOptions options;
  options.png_scale = 1;
  write_scaling_chart(dir / "many.png", grid(dir, {1, 2, 3, 4, 6, 8, 12, 16, 24, 32}, {8, 64, 204}),
                      options);
  expect_png(dir / "many.png", options);
}

TEST(ScalingChart, ErrorsLeaveNothingBehind) {
  TempDir dir("scaling");
  const auto rows = grid(dir, {1, 2}, {4});
  EXPECT_THROW(write_scaling_chart(dir / "empty.svg", {}), polyrep::UsageError);
  EXPECT_FALSE(fs::exists(dir / "empty.svg"));
  EXPECT_FALSE(fs::exists(dir / "empty.svg.tmp"));
  EXPECT_THROW(write_scaling_chart(dir / "c.jpg", rows), polyrep::UsageError);
  ScalingChartOptions bad;
  bad.columns = 0;
  EXPECT_THROW(write_scaling_chart(dir / "c.svg", rows, bad), polyrep::UsageError);
  EXPECT_THROW(write_scaling_chart(dir / "missing" / "c.svg", rows), polyrep::IoError);
  EXPECT_THROW(write_scaling_chart(dir / "missing" / "c.png", rows), polyrep::IoError);
  EXPECT_FALSE(fs::exists(dir / "missing"));
}

TEST(ScalingChart, RankAxisIsLog2OnlyBeyondTwofoldSpan) {
  TempDir dir("scaling");
  EXPECT_FALSE(log2_rank_axis(grid(dir, {1, 2}, {4})));
  EXPECT_TRUE(log2_rank_axis(grid(dir, {1, 2, 4}, {4})));
  EXPECT_FALSE(log2_rank_axis(grid(dir, {3, 6}, {4})));
  EXPECT_TRUE(log2_rank_axis(grid(dir, {3, 7}, {4})));
  EXPECT_FALSE(log2_rank_axis(grid(dir, {5}, {4})));
}

}  // namespace
