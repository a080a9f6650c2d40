// The palette is checked with an OKLab conversion written here from Ottosson's published
// matrices, and against matplotlib's tab10 hex codes typed in from its documentation.
#include "polyrep/plot/palette.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "polyrep/core/error.hpp"

namespace {

using polyrep::plot::language_palette;
using polyrep::plot::Rgb;
using polyrep::plot::to_hex;

struct Lab {
  double l, a, b;
};

Lab to_oklab(const Rgb& c) {
  const auto lin = [](double v) {
    return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
  };
  const double r = lin(c.r), g = lin(c.g), b = lin(c.b);
  const double l = std::cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b);
  const double m = std::cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
  const double s = std::cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
  return {0.2104542553 * l + 0.7936177850 * m - 0.0040720468 * s,
          1.9779984951 * l - 2.4285922050 * m + 0.4505937099 * s,
          0.0259040371 * l + 0.7827717662 * m - 0.8086757660 * s};
}

double min_pairwise_distance(const std::vector<Rgb>& colours) {
  double best = INFINITY;
  for (std::size_t i = 0; i < colours.size(); ++i) {
    const Lab x = to_oklab(colours[i]);
    for (std::size_t j = 0; j < i; ++j) {
      const Lab y = to_oklab(colours[j]);
      best = std::min(best, std::sqrt((x.l - y.l) * (x.l - y.l) + (x.a - y.a) * (x.a - y.a) +
                                      (x.b - y.b) * (x.b - y.b)));
    }
  }
  return best;
}

// One just-noticeable difference is about 0.02 in OKLab (the deltaEOK threshold of CSS Color 4).
// Small, semi-transparent markers need several: tab10's closest pair (grey and brown) is 0.11,
// and tab20's light companions bring that to 0.054, so 0.05 (2.5 JND) is asked of every size.
constexpr double kJnd = 0.02;

TEST(Palette, ColoursAreDistinctForTypicalLanguageCounts) {
  EXPECT_EQ(language_palette(1).size(), 1u);
  EXPECT_GE(min_pairwise_distance(language_palette(10)), 5 * kJnd);
  for (std::size_t n : {20u, 50u, 204u}) {
    const std::vector<Rgb> p = language_palette(n);
    ASSERT_EQ(p.size(), n);
    EXPECT_GE(min_pairwise_distance(p), 2.5 * kJnd) << n << " colours";
    std::set<std::string> hex;
    for (const Rgb& c : p) hex.insert(to_hex(c));
    EXPECT_EQ(hex.size(), n) << "two colours round to the same hex code";
  }
}

TEST(Palette, ColoursStayVisibleOnWhite) {
  for (const Rgb& c : language_palette(204)) {
    EXPECT_LE(to_oklab(c).l, 0.9) << to_hex(c) << " would vanish on a white page";
    EXPECT_GE(to_oklab(c).l, 0.35) << to_hex(c);
  }
}

TEST(Palette, StartsWithTab10) {
  const std::vector<std::string> tab10 = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                          "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
  const std::vector<Rgb> p = language_palette(10);
  for (std::size_t i = 0; i < tab10.size(); ++i) EXPECT_EQ(to_hex(p[i]), tab10[i]) << i;
}

TEST(Palette, IsStableAcrossCallsAndSizes) {
  const std::vector<Rgb> big = language_palette(250);
  EXPECT_EQ(language_palette(250), big);
  for (std::size_t n : {1u, 7u, 20u, 21u, 204u}) {
    const std::vector<Rgb> small = language_palette(n);
    EXPECT_TRUE(std::equal(small.begin(), small.end(), big.begin())) << n;
  }
}

TEST(Palette, RejectsAbsurdSizes) {
  EXPECT_THROW(language_palette(polyrep::plot::kMaxPaletteSize + 1), polyrep::UsageError);
  EXPECT_TRUE(language_palette(0).empty());
}

TEST(Palette, HexFormat) {
  EXPECT_EQ(to_hex({0, 0, 0}), "#000000");
  EXPECT_EQ(to_hex({1, 1, 1}), "#ffffff");
  EXPECT_EQ(to_hex({31 / 255.0, 119 / 255.0, 180 / 255.0}), "#1f77b4");
  EXPECT_EQ(to_hex({0.5, 0.25, 0.75}), "#8040bf");  // 127.5 -> 128, 63.75 -> 64, 191.25 -> 191
  EXPECT_EQ(to_hex({-1, 2, NAN}), "#00ff00");       // clamped, NaN as 0
  const std::regex pattern("#[0-9a-f]{6}");
  for (const Rgb& c : language_palette(204)) EXPECT_TRUE(std::regex_match(to_hex(c), pattern));
}

}  // namespace
