// Figures are checked from the written files themselves: the SVG's XML structure and its dots and
// glyphs counted against the inputs, PDF's magic, and what is left on disk when writing fails.
// PNG output is checked in figure_png_test.cpp.
#include "polyrep/plot/figure.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <iterator>
#include <regex>
#include <string>
#include <vector>

#include "figure_test_support.hpp"
#include "polyrep/core/error.hpp"
#include "polyrep/plot/layout.hpp"

namespace {

namespace fs = std::filesystem;
using polyrep::plot::FigureOptions;
using polyrep::plot::Legend;
using polyrep::plot::ScatterPanel;
using polyrep::plot::write_figure;
using polyrep::plot::test::FigureTest;
using polyrep::plot::test::slurp;
using polyrep::plot::test::spiral_panel;

// Element nesting of an XML document: declarations, comments and self-closing tags are skipped,
// every end tag must match the innermost open one. Returns the root's name, or "" when unbalanced.
std::string balanced_root(const std::string& xml) {
  std::vector<std::string> open;
  std::string root;
  for (std::size_t i = xml.find('<'); i != std::string::npos; i = xml.find('<', i)) {
    if (xml.compare(i, 4, "<!--") == 0) {
      i = xml.find("-->", i);
      continue;
    }
    if (xml.compare(i, 2, "<?") == 0 || xml.compare(i, 2, "<!") == 0) {
      i = xml.find('>', i);
      continue;
    }
    std::size_t end = i + 1;
    for (char quote = 0; end < xml.size() && (quote || xml[end] != '>'); ++end) {
      if (xml[end] == '"' || xml[end] == '\'')
        quote = quote == xml[end] ? 0 : quote ? quote : xml[end];
    }
    if (end >= xml.size()) return "";
    const bool closing = xml[i + 1] == '/';
    const std::size_t name_start = i + (closing ? 2 : 1);
    const std::string name =
        xml.substr(name_start, xml.find_first_of(" \t\n/>", name_start) - name_start);
    if (closing) {
      if (open.empty() || open.back() != name) return "";
      open.pop_back();
    } else if (xml[end - 1] != '/') {
      if (open.empty() && !root.empty()) return "";  // a second root
      if (open.empty()) root = name;
      open.push_back(name);
    }
    i = end;
  }
  return open.empty() ? root : "";
}

std::size_t count_matches(const std::string& text, const std::regex& re) {
  return static_cast<std::size_t>(
      std::distance(std::sregex_iterator(text.begin(), text.end(), re), std::sregex_iterator()));
}

// UTF-8 code points: cairo's toy text API draws one glyph for each.
std::size_t code_points(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

TEST_F(FigureTest, SvgIsBalancedXmlWithOneDotPerFinitePointAndGlyphsForPresentNames) {
  ScatterPanel a = spiral_panel(137, 3);
  a.x_label = "PC1";
  a.y_label = "PC2";
  a.xy(5, 0) = NAN;                      // skipped
  a.xy(6, 1) = INFINITY;                 // skipped
  ScatterPanel b = spiral_panel(40, 2);  // groups 0 and 1 only
  b.title = "layer 4 · t-SNE";
  b.subtitle = "";
  Legend legend;
  legend.names = {"eng_Latn", "spa_Latn", "zho_Hans", "absent_Xxxx"};
  FigureOptions options;
  options.title = "tiny model";
  const fs::path out = dir_ / "f.svg";
  write_figure(out, {a, b}, legend, options);
  const std::string svg = slurp(out);

  EXPECT_EQ(svg.rfind("<?xml", 0), 0u);
  EXPECT_EQ(balanced_root(svg), "svg");
  // A dot is a zero-length segment "M x y L x y" with round caps.
  const std::regex dot(R"(M (-?[0-9.]+) (-?[0-9.]+) L \1 \2 )");
  EXPECT_EQ(count_matches(svg, dot), 135u + 40u);
  // cairo 1.16 (Debian 12) writes the cap into a style, 1.18 (Debian 13) as an attribute.
  EXPECT_TRUE(svg.find("stroke-linecap:round") != std::string::npos ||
              svg.find("stroke-linecap=\"round\"") != std::string::npos);

  // Text is drawn as glyph references; every string drawn adds its code points, and the absent
  // language's name must not be among them.
  std::size_t glyphs = 0;
  for (const std::string& s : {a.title, a.subtitle, a.x_label, a.y_label, b.title, legend.title,
                               legend.names[0], legend.names[1], legend.names[2], options.title})
    glyphs += code_points(s);
  EXPECT_EQ(count_matches(svg, std::regex("<use xlink:href=\"#glyph")), glyphs);
}

TEST_F(FigureTest, SvgStaysSmallForManyPoints) {
  const ScatterPanel p = spiral_panel(200000, 1);  // one language: the longest paths
  Legend legend;
  legend.names = {"a"};
  write_figure(dir_ / "big.svg", {p}, legend, {});
  // A dot costs "M x y L x y " with coordinates of at most three decimals: under 40 bytes.
  EXPECT_LT(fs::file_size(dir_ / "big.svg"), 200000u * 40u);
  // libxml2-based readers (rsvg-convert) reject files with many attributes of several 100 kB.
  const std::string svg = slurp(dir_ / "big.svg");
  std::size_t longest = 0;
  for (std::size_t at = svg.find(" d=\""); at != std::string::npos; at = svg.find(" d=\"", at + 1))
    longest = std::max(longest, svg.find('"', at + 4) - at);
  EXPECT_LT(longest, 100000u);
  EXPECT_GT(longest, 10000u);  // the dots are batched, not one path each
}

TEST_F(FigureTest, ManyPointsBecomeAnEmbeddedImageInVectorFormats) {
  ScatterPanel p = spiral_panel(3000, 3);
  p.title = "abc";
  p.subtitle = "";
  Legend legend;
  legend.names = {"a", "b", "c"};
  FigureOptions options;
  options.max_vector_points = 2999;  // the figure holds 2 x 3000
  write_figure(dir_ / "r.svg", {p, p}, legend, options);
  const std::string svg = slurp(dir_ / "r.svg");
  EXPECT_EQ(balanced_root(svg), "svg");
  EXPECT_EQ(count_matches(svg, std::regex(R"(M (-?[0-9.]+) (-?[0-9.]+) L \1 \2 )")), 0u);
  EXPECT_EQ(count_matches(svg, std::regex("<image ")), 2u);
  const std::regex glyph("<use xlink:href=\"#glyph");
  EXPECT_EQ(count_matches(svg, glyph), 2 * p.title.size() + 3 + legend.title.size());
  write_figure(dir_ / "r.pdf", {p, p}, legend, options);
  const std::string pdf = slurp(dir_ / "r.pdf");
  EXPECT_EQ(pdf.rfind("%PDF-", 0), 0u);
  EXPECT_GE(count_matches(pdf, std::regex("/Subtype /Image")), 2u);
  options.max_vector_points = 6000;  // now it fits
  write_figure(dir_ / "v.svg", {p, p}, legend, options);
  EXPECT_EQ(count_matches(slurp(dir_ / "v.svg"), std::regex("<image ")), 0u);
}

TEST_F(FigureTest, PdfStartsWithItsMagic) {
  Legend legend;
  legend.names = {"a", "b"};
  write_figure(dir_ / "f.pdf", {spiral_panel(30, 2)}, legend, {});
  const std::string pdf = slurp(dir_ / "f.pdf");
  EXPECT_EQ(pdf.rfind("%PDF-", 0), 0u);
  EXPECT_NE(pdf.find("%%EOF"), std::string::npos);
}

TEST_F(FigureTest, UnwritableDirectoryThrowsIoErrorNamingTheFileAndLeavesNothing) {
  Legend legend;
  legend.names = {"a"};
  const fs::path out = dir_ / "missing" / "f.svg";
  try {
    write_figure(out, {spiral_panel(10, 1)}, legend, {});
    FAIL() << "no exception";
  } catch (const polyrep::IoError& e) {
    EXPECT_NE(std::string(e.what()).find(out.string()), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(out));
  EXPECT_TRUE(fs::is_empty(dir_));
}

// A write that fails half way (here: the process may not write files over 64 kB, and ignores
// the signal so that write() reports EFBIG) must surface as IoError and leave no file behind.
TEST_F(FigureTest, WriteFailingHalfWayThrowsIoErrorAndLeavesNothing) {
  Legend legend;
  legend.names = {"a", "b"};
  const ScatterPanel p = spiral_panel(20000, 2);
  rlimit old_limit{};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old_limit), 0);
  const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit small = old_limit;
  small.rlim_cur = 64 * 1024;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  for (const char* name : {"half.svg", "half.pdf", "half.png"}) {
    EXPECT_THROW(write_figure(dir_ / name, {p}, legend, {}), polyrep::IoError) << name;
  }
  setrlimit(RLIMIT_FSIZE, &old_limit);
  std::signal(SIGXFSZ, old_handler);
  EXPECT_TRUE(fs::is_empty(dir_));
}

TEST_F(FigureTest, SuccessLeavesOnlyTheFileAndFailureKeepsTheOldOne) {
  Legend legend;
  legend.names = {"a"};
  const fs::path out = dir_ / "f.svg";
  write_figure(out, {spiral_panel(10, 1)}, legend, {});
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);
  const std::string before = slurp(out);
  ScatterPanel bad = spiral_panel(10, 1);
  bad.group[3] = 1;  // not in the legend
  EXPECT_THROW(write_figure(out, {bad}, legend, {}), polyrep::UsageError);
  EXPECT_EQ(slurp(out), before);
  EXPECT_FALSE(fs::exists(dir_ / "f.svg.tmp"));
}

TEST_F(FigureTest, BadRequestsThrowUsageError) {
  Legend legend;
  legend.names = {"a", "b"};
  const ScatterPanel ok = spiral_panel(10, 2);
  EXPECT_THROW(write_figure(dir_ / "f.jpg", {ok}, legend, {}), polyrep::UsageError);
  EXPECT_THROW(write_figure(dir_ / "f", {ok}, legend, {}), polyrep::UsageError);
  EXPECT_THROW(write_figure(dir_ / "f.svg", {}, legend, {}), polyrep::UsageError);
  ScatterPanel short_groups = ok;
  short_groups.group.pop_back();
  EXPECT_THROW(write_figure(dir_ / "f.svg", {short_groups}, legend, {}), polyrep::UsageError);
  ScatterPanel negative = ok;
  negative.group[0] = -1;
  EXPECT_THROW(write_figure(dir_ / "f.svg", {negative}, legend, {}), polyrep::UsageError);
  Legend wrong_colours = legend;
  wrong_colours.colors = {{0, 0, 0}};
  EXPECT_THROW(write_figure(dir_ / "f.svg", {ok}, wrong_colours, {}), polyrep::UsageError);
  FigureOptions options;
  options.panel_size = 0;
  EXPECT_THROW(write_figure(dir_ / "f.svg", {ok}, legend, options), polyrep::UsageError);
  options = {};
  options.alpha = 1.5;
  EXPECT_THROW(write_figure(dir_ / "f.svg", {ok}, legend, options), polyrep::UsageError);
  options = {};
  options.png_scale = 100;  // 30000+ pixels a side
  EXPECT_THROW(write_figure(dir_ / "f.png", {ok, ok, ok, ok}, legend, options),
               polyrep::UsageError);
  EXPECT_TRUE(fs::is_empty(dir_));
}

TEST_F(FigureTest, EmptyAndNonFinitePanelsStillDraw) {
  ScatterPanel empty;
  empty.title = "nothing";
  ScatterPanel nan = spiral_panel(3, 1);
  nan.xy.setConstant(NAN);
  Legend legend;
  legend.names = {"a"};
  write_figure(dir_ / "f.svg", {empty, nan}, legend, {});
  const std::string svg = slurp(dir_ / "f.svg");
  EXPECT_EQ(balanced_root(svg), "svg");
  EXPECT_EQ(count_matches(svg, std::regex(R"(M (-?[0-9.]+) (-?[0-9.]+) L \1 \2 )")), 0u);
}

TEST(FigureFormat, FromExtension) {
  using polyrep::plot::ImageFormat;
  EXPECT_EQ(polyrep::plot::format_from_extension("a/b.svg"), ImageFormat::svg);
  EXPECT_EQ(polyrep::plot::format_from_extension("b.Png"), ImageFormat::png);
  EXPECT_EQ(polyrep::plot::format_from_extension("b.pdf"), ImageFormat::pdf);
  EXPECT_THROW(polyrep::plot::format_from_extension("b.svg.gz"), polyrep::UsageError);
}

}  // namespace
