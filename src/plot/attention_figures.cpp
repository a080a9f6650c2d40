#include "polyrep/plot/attention_figures.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>

#include "cairo_util.hpp"
#include "page_writer.hpp"
#include "polyrep/plot/layout.hpp"
#include "text_style.hpp"

namespace polyrep::plot {
namespace fs = std::filesystem;
namespace {

using detail::Align;

constexpr double kMargin = 16;      // page edge to content
constexpr double kGap = 18;         // between panels
constexpr double kLabelGap = 3;     // heatmap edge to its token labels
constexpr double kHeader = 14;      // panel title band above a heatmap
constexpr double kHeatSide = 300;   // heatmap side for the longest sentence, within the cell limits
constexpr double kMinCell = 3, kMaxCell = 14;
constexpr double kBarWidth = 10, kBarGap = 16;
constexpr double kFrameWidth = 0.5;
constexpr std::size_t kMaxLabelChars = 18;  // longer tokens are cut, with an ellipsis
constexpr std::size_t kMaxColumns = 4;
constexpr double kPi = 3.14159265358979323846;
const Rgb kInk{0.13, 0.13, 0.13};
const Rgb kMuted{0.40, 0.40, 0.40};
const Rgb kNaN{0.75, 0.75, 0.75};

// matplotlib's viridis at 0, 0.1, ..., 1 (the report's heatmaps use the same stops).
constexpr std::array<std::uint32_t, 11> kViridis{0x440154, 0x482475, 0x414487, 0x355f8d, 0x2a788e, 0x21918c,
                                                 0x22a884, 0x44bf70, 0x7ad151, 0xbddf26, 0xfde725};

Rgb unpack(std::uint32_t c) { return {((c >> 16) & 255) / 255.0, ((c >> 8) & 255) / 255.0, (c & 255) / 255.0}; }

struct HeatPanel {
  const AttentionMap* map = nullptr;
  std::string title;  // "eng_Latn · 12 tokens"
};

struct AttentionLayout {
  double width = 0, height = 0;
  double cell = 0, label_font = 0, label_width = 0;
  double title_baseline = 0, subtitle_baseline = 0;
  std::vector<Rect> heat;  // per panel
  Rect bar;                // the colour bar
};

// At most kMaxLabelChars UTF-8 characters of a token.
std::string label(const std::string& token) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < token.size(); ++i) {
    if ((static_cast<unsigned char>(token[i]) & 0xc0) == 0x80) continue;
    if (++chars > kMaxLabelChars) return token.substr(0, i) + "\xe2\x80\xa6";
  }
  return token;
}

std::string weight_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

double max_label_width(const std::vector<HeatPanel>& panels, const std::string& font, double size) {
  const detail::Context cr = detail::scratch_context();
  detail::set_font(cr.get(), font, size, detail::Weight::normal);
  double w = 0;
  for (const HeatPanel& p : panels) {
    for (const std::string& t : p.map->tokens) w = std::max(w, detail::text_width(cr.get(), label(t)));
  }
  return w;
}

double text_width_at(const std::string& text, const std::string& font, double size, detail::Weight weight) {
  const detail::Context cr = detail::scratch_context();
  detail::set_font(cr.get(), font, size, weight);
  return detail::text_width(cr.get(), text);
}

// Panels flow left to right, kMaxColumns to a row, each as wide as its own heatmap and labels.
AttentionLayout layout_attention(const std::vector<HeatPanel>& panels, const std::string& title,
                                 const std::string& font) {
  AttentionLayout l;
  std::size_t longest = 1;
  for (const HeatPanel& p : panels) longest = std::max(longest, p.map->size());
  l.cell = std::clamp(kHeatSide / double(longest), kMinCell, kMaxCell);
  l.label_font = std::clamp(0.8 * l.cell, 2.5, 7.0);
  l.label_width = max_label_width(panels, font, l.label_font);
  l.title_baseline = kMargin + kFigureTitleFontSize;
  l.subtitle_baseline = l.title_baseline + 1.7 * kSubtitleFontSize;
  const double top = l.subtitle_baseline + 10;
  double y = top, right = kMargin, bottom = top;
  for (std::size_t first = 0; first < panels.size(); first += kMaxColumns) {
    double x = kMargin, row_side = 0;
    for (std::size_t i = first; i < std::min(panels.size(), first + kMaxColumns); ++i) {
      const double side = double(panels[i].map->size()) * l.cell;
      l.heat.push_back({x + l.label_width + kLabelGap, y + kHeader, side, side});
      right = std::max(right, x + l.label_width + kLabelGap + side);
      x += l.label_width + kLabelGap + side + kGap;
      row_side = std::max(row_side, side);
    }
    bottom = y + kHeader + row_side + kLabelGap + l.label_width;
    y = bottom + kGap;
  }
  l.bar = {right + kBarGap, top + kHeader, kBarWidth, std::clamp(double(longest) * l.cell, 60.0, 180.0)};
  const double ticks = text_width_at("0.000", font, kAxisFontSize, detail::Weight::normal);
  const double title_width = text_width_at(title, font, kFigureTitleFontSize, detail::Weight::bold);
  l.width = std::ceil(std::max(l.bar.right() + 4 + ticks + kMargin, title_width + 2 * kMargin));
  l.height = std::ceil(std::max(bottom, l.bar.bottom() + 12) + kMargin);
  return l;
}

// The map as an image, one square block of pixels per cell, scaled into `r`.
cairo_status_t paint_heatmap(cairo_t* cr, const float* w, std::size_t n, const Rect& r, double vmax) {
  if (n == 0) return CAIRO_STATUS_SUCCESS;
  const int k = std::max(1, int(std::lround(std::min(8.0, 1024.0 / double(n)))));  // pixels per cell
  const int side = int(n) * k;
  const detail::Surface image(cairo_image_surface_create(CAIRO_FORMAT_RGB24, side, side));
  if (cairo_surface_status(image.get()) != CAIRO_STATUS_SUCCESS) return cairo_surface_status(image.get());
  cairo_surface_flush(image.get());
  unsigned char* data = cairo_image_surface_get_data(image.get());
  const int stride = cairo_image_surface_get_stride(image.get());
  for (int y = 0; y < side; ++y) {
    auto* row = reinterpret_cast<std::uint32_t*>(data + std::ptrdiff_t(y) * stride);
    for (int x = 0; x < side; ++x) {
      const Rgb c = heat_colour(double(w[std::size_t(y / k) * n + std::size_t(x / k)]) / vmax);
      row[x] = (std::uint32_t(std::lround(c.r * 255)) << 16) | (std::uint32_t(std::lround(c.g * 255)) << 8) |
               std::uint32_t(std::lround(c.b * 255));
    }
  }
  cairo_surface_mark_dirty(image.get());
  cairo_save(cr);
  cairo_translate(cr, r.x, r.y);
  cairo_scale(cr, r.width / side, r.height / side);
  cairo_set_source_surface(cr, image.get(), 0, 0);
  cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
  cairo_paint(cr);
  cairo_restore(cr);
  return cairo_status(cr);
}

void draw_frame(cairo_t* cr, const Rect& r) {
  cairo_rectangle(cr, r.x, r.y, r.width, r.height);
  cairo_set_line_width(cr, kFrameWidth);
  detail::set_colour(cr, kInk);
  cairo_stroke(cr);
}

// Query tokens down the left (right-aligned), key tokens along the bottom (reading upwards).
void draw_token_labels(cairo_t* cr, const AttentionMap& m, const Rect& r, const AttentionLayout& l,
                       const std::string& font) {
  detail::set_font(cr, font, l.label_font, detail::Weight::normal);
  detail::set_colour(cr, kInk);
  const double shift = 0.35 * l.label_font;  // centres a line of text on its cell
  for (std::size_t i = 0; i < m.size(); ++i) {
    const std::string text = label(m.tokens[i]);
    const double centre = double(i) + 0.5;
    detail::show_text(cr, text, r.x - kLabelGap, r.y + centre * l.cell + shift, Align::right);
    cairo_save(cr);
    cairo_translate(cr, r.x + centre * l.cell + shift, r.bottom() + kLabelGap);
    cairo_rotate(cr, -kPi / 2);
    detail::show_text(cr, text, 0, 0, Align::right);
    cairo_restore(cr);
  }
}

void draw_colour_bar(cairo_t* cr, const Rect& bar, double vmax, const std::string& font) {
  cairo_pattern_t* gradient = cairo_pattern_create_linear(0, bar.bottom(), 0, bar.y);
  for (std::size_t i = 0; i < kViridis.size(); ++i) {
    const Rgb c = unpack(kViridis[i]);
    cairo_pattern_add_color_stop_rgb(gradient, double(i) / double(kViridis.size() - 1), c.r, c.g, c.b);
  }
  cairo_rectangle(cr, bar.x, bar.y, bar.width, bar.height);
  cairo_set_source(cr, gradient);
  cairo_fill(cr);
  cairo_pattern_destroy(gradient);
  draw_frame(cr, bar);
  detail::set_font(cr, font, kAxisFontSize, detail::Weight::normal);
  detail::set_colour(cr, kInk);
  for (double f : {0.0, 0.5, 1.0}) {
    const double y = bar.bottom() - f * bar.height;
    cairo_move_to(cr, bar.right(), y);
    cairo_line_to(cr, bar.right() + 2.5, y);
    cairo_stroke(cr);
    detail::show_text(cr, weight_text(f * vmax), bar.right() + 4, y + 0.35 * kAxisFontSize, Align::left);
  }
  detail::set_colour(cr, kMuted);
  detail::show_text(cr, "weight", bar.x, bar.y - 5, Align::left);
}

double largest_weight(const std::vector<HeatPanel>& panels, std::size_t layer) {
  double vmax = 0;
  for (const HeatPanel& p : panels) {
    const float* w = p.map->at(layer);
    for (std::size_t i = 0; i < p.map->size() * p.map->size(); ++i) {
      if (std::isfinite(w[i])) vmax = std::max(vmax, double(w[i]));
    }
  }
  return vmax > 0 ? vmax : 1;
}

cairo_status_t draw_attention(cairo_t* cr, const AttentionLayout& l, const std::vector<HeatPanel>& panels,
                              std::size_t layer, const std::string& title, const std::string& font) {
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  detail::set_colour(cr, kInk);
  detail::set_font(cr, font, kFigureTitleFontSize, detail::Weight::bold);
  detail::show_text(cr, title, kMargin, l.title_baseline, Align::left);
  detail::set_colour(cr, kMuted);
  detail::set_font(cr, font, kSubtitleFontSize, detail::Weight::normal);
  detail::show_text(cr, "head-averaged attention · row = query token, column = key token · one colour scale",
                    kMargin, l.subtitle_baseline, Align::left);
  const double vmax = largest_weight(panels, layer);
  for (std::size_t i = 0; i < panels.size(); ++i) {
    const Rect& r = l.heat[i];
    detail::set_colour(cr, kInk);
    detail::set_font(cr, font, kPanelTitleFontSize, detail::Weight::bold);
    detail::show_text(cr, panels[i].title, r.x, r.y - 4, Align::left);
    const cairo_status_t s = paint_heatmap(cr, panels[i].map->at(layer), panels[i].map->size(), r, vmax);
    if (s != CAIRO_STATUS_SUCCESS) return s;
    draw_frame(cr, r);
    draw_token_labels(cr, *panels[i].map, r, l, font);
  }
  draw_colour_bar(cr, l.bar, vmax, font);
  return cairo_status(cr);
}

std::vector<HeatPanel> group_panels(const ReportData& d, const std::vector<std::size_t>& group) {
  std::vector<HeatPanel> panels;
  for (std::size_t k : group) {
    const AttentionMap& m = d.attention.maps[k];
    const std::string lang = d.languages.at(std::size_t(d.sentences.lang.at(std::size_t(m.sentence))));
    panels.push_back({&m, lang + " · " + std::to_string(m.size()) + (m.size() == 1 ? " token" : " tokens")});
  }
  return panels;
}

}  // namespace

Rgb heat_colour(double t) {
  if (std::isnan(t)) return kNaN;
  const double x = std::clamp(t, 0.0, 1.0) * double(kViridis.size() - 1);
  const auto i = std::min(std::size_t(x), kViridis.size() - 2);
  const double f = x - double(i);
  const Rgb a = unpack(kViridis[i]), b = unpack(kViridis[i + 1]);
  return {a.r + f * (b.r - a.r), a.g + f * (b.g - a.g), a.b + f * (b.b - a.b)};
}

std::vector<std::vector<std::size_t>> attention_groups(const ReportData& d) {
  std::map<std::int64_t, std::vector<std::size_t>> by_source;
  for (std::size_t k = 0; k < d.attention.maps.size(); ++k) {
    by_source[d.sentences.source_index.at(std::size_t(d.attention.maps[k].sentence))].push_back(k);
  }
  std::vector<std::vector<std::size_t>> groups;
  for (auto& [source, maps] : by_source) groups.push_back(std::move(maps));
  return groups;
}

std::size_t write_attention_figures(const fs::path& dir, const ReportData& d, const AttentionFigureOptions& o) {
  std::size_t written = 0;
  for (const auto& group : attention_groups(d)) {
    const std::vector<HeatPanel> panels = group_panels(d, group);
    const std::int64_t source = d.sentences.source_index[std::size_t(d.attention.maps[group[0]].sentence)];
    for (std::size_t l = 0; l < d.attention.layers.size(); ++l) {
      const std::int64_t layer = d.attention.layers[l];
      const std::string title = "source index " + std::to_string(source) + " · " + layer_label(layer) +
                                " attention" + (d.title.empty() ? "" : " · " + d.title);
      const AttentionLayout layout = layout_attention(panels, title, o.font);
      const detail::PageSpec page{layout.width, layout.height, o.png_scale, title};
      for (const std::string& ext : o.formats) {
        const fs::path out = dir / (std::to_string(source) + "_" + layer_file_tag(layer) + "." + ext);
        const ImageFormat format = format_from_extension(out);
        if (format == ImageFormat::png) detail::check_png_size(page);
        detail::write_page(out, format, page,
                           [&](cairo_t* cr) { return draw_attention(cr, layout, panels, l, title, o.font); });
        ++written;
      }
    }
  }
  return written;
}

}  // namespace polyrep::plot
