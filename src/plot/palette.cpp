#include "polyrep/plot/palette.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <mutex>

#include "polyrep/core/error.hpp"

namespace polyrep::plot {
namespace {

struct Lab {
  double l = 0, a = 0, b = 0;
};

double linear(double c) { return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4); }

// Björn Ottosson's OKLab, from linear sRGB.
Lab oklab(const Rgb& c) {
  const double r = linear(c.r), g = linear(c.g), b = linear(c.b);
  const double l = std::cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b);
  const double m = std::cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
  const double s = std::cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
  return {0.2104542553 * l + 0.7936177850 * m - 0.0040720468 * s,
          1.9779984951 * l - 2.4285922050 * m + 0.4505937099 * s,
          0.0259040371 * l + 0.7827717662 * m - 0.8086757660 * s};
}

double distance2(const Lab& x, const Lab& y) {
  return (x.l - y.l) * (x.l - y.l) + (x.a - y.a) * (x.a - y.a) + (x.b - y.b) * (x.b - y.b);
}

Rgb from_bytes(std::uint32_t rgb) {
  return {((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0, (rgb & 0xff) / 255.0};
}

// tab10, then the light half of tab20 in the same hue order.
constexpr std::array<std::uint32_t, 20> kStart = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd,
                                                  0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf,
                                                  0xaec7e8, 0xffbb78, 0x98df8a, 0xff9896, 0xc5b0d5,
                                                  0xc49c94, 0xf7b6d2, 0xc7c7c7, 0xdbdb8d, 0x9edae5};

// Lightness window for the greedy part: darker colours all read as black in small markers, and
// lighter ones vanish on a white page (tab20's light colours sit at about 0.85).
constexpr double kMinLightness = 0.40;
constexpr double kMaxLightness = 0.85;
// sRGB byte values step 15 apart (0, 15, ..., 255): 5832 candidates, exact in hex.
constexpr int kStep = 15;

// The sequence, grown on demand. Each step takes the candidate farthest from all chosen
// colours; ties go to the first candidate in grid order, so the result is deterministic.
class Sequence {
 public:
  Sequence() {
    for (int r = 0; r <= 255; r += kStep) {
      for (int g = 0; g <= 255; g += kStep) {
        for (int b = 0; b <= 255; b += kStep) {
          const Rgb c{r / 255.0, g / 255.0, b / 255.0};
          const Lab lab = oklab(c);
          if (lab.l < kMinLightness || lab.l > kMaxLightness) continue;
          candidates_.push_back(c);
          labs_.push_back(lab);
        }
      }
    }
    nearest2_.assign(candidates_.size(), std::numeric_limits<double>::infinity());
    for (std::uint32_t hex : kStart) add(from_bytes(hex));
  }

  std::vector<Rgb> first(std::size_t n) {
    const std::lock_guard<std::mutex> lock(mutex_);
    while (chosen_.size() < n) add(candidates_[farthest()]);
    return {chosen_.begin(), chosen_.begin() + static_cast<std::ptrdiff_t>(n)};
  }

 private:
  void add(const Rgb& c) {
    chosen_.push_back(c);
    const Lab lab = oklab(c);
    for (std::size_t i = 0; i < labs_.size(); ++i)
      nearest2_[i] = std::min(nearest2_[i], distance2(labs_[i], lab));
  }

  std::size_t farthest() const {
    return static_cast<std::size_t>(std::max_element(nearest2_.begin(), nearest2_.end()) -
                                    nearest2_.begin());
  }

  std::mutex mutex_;
  std::vector<Rgb> candidates_;
  std::vector<Lab> labs_;
  std::vector<double> nearest2_;  // squared distance to the closest chosen colour
  std::vector<Rgb> chosen_;
};

}  // namespace

std::vector<Rgb> language_palette(std::size_t n) {
  if (n > kMaxPaletteSize) {
    throw UsageError("a figure can colour at most " + std::to_string(kMaxPaletteSize) +
                     " languages, not " + std::to_string(n));
  }
  static Sequence sequence;
  return sequence.first(n);
}

std::string to_hex(Rgb colour) {
  const auto byte = [](double v) {
    if (!(v > 0)) return 0L;  // also NaN
    return std::min(255L, std::lround(v * 255.0));
  };
  char text[8];
  std::snprintf(text, sizeof text, "#%02lx%02lx%02lx", byte(colour.r), byte(colour.g),
                byte(colour.b));
  return text;
}

}  // namespace polyrep::plot
