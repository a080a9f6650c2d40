#pragma once
/// Categorical colours for languages, shared by the static figures, the HTML viewer and the
/// Vega-Lite specs (through `to_hex`). The sequence starts with matplotlib's tab10, then the ten
/// light tab20 companions, then continues by greedy farthest-point selection in OKLab (a
/// perceptually uniform space) over a fixed grid of sRGB colours whose lightness keeps them visible
/// on white. The sequence does not depend on n: `language_palette(n)` is its first n entries, so a
/// language keeps its colour when more languages are added after it, and every call gives the same
/// colours. With 204 languages the closest two colours are still about 2.5 just-noticeable
/// differences apart (OKLab distance >= 0.05; see palette_test.cpp).
#include <cstddef>
#include <string>
#include <vector>

namespace polyrep::plot {

/// An sRGB colour with components in [0, 1].
struct Rgb {
  double r = 0, g = 0, b = 0;
};

inline bool operator==(const Rgb& a, const Rgb& b) {
  return a.r == b.r && a.g == b.g && a.b == b.b;
}
inline bool operator!=(const Rgb& a, const Rgb& b) { return !(a == b); }

/// The first n colours of the language sequence (all distinct). Throws UsageError for n above
/// `kMaxPaletteSize`, where colours could no longer be told apart anyway.
std::vector<Rgb> language_palette(std::size_t n);

inline constexpr std::size_t kMaxPaletteSize = 1024;

/// "#rrggbb" in lower case, each component rounded to the nearest of 0..255 (clamped).
std::string to_hex(Rgb colour);

}  // namespace polyrep::plot
