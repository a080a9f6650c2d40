#include "draw.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>

#include "cairo_util.hpp"
#include "text_style.hpp"

namespace polyrep::plot::detail {
namespace {

const Rgb kInk{0.13, 0.13, 0.13};
const Rgb kMuted{0.40, 0.40, 0.40};
const Rgb kFrame{0.20, 0.20, 0.20};
constexpr double kFrameWidth = 0.6;
constexpr double kPi = 3.14159265358979323846;
// Points are drawn in this many interleaved rounds; within a round, one path per language.
constexpr std::size_t kRounds = 32;
// Coordinates go to the file on a 1/8 pt grid (0.016 mm): exact binary fractions print as at most
// three decimals, which keeps a 200k-point SVG small, and the shift is far below a point's size.
constexpr double kGrid = 8;
// libxml2 (as in rsvg-convert) refuses SVG files with many attributes of several 100 kB unless
// asked for "huge" parsing; at most 2048 dots (about 75 kB) go into one path.
constexpr std::size_t kMaxDotsPerPath = 2048;
// Points embedded as an image are painted at most at this many pixels per point (144 dpi at the
// figure's own size; large grids are shown smaller, so more in print), opaque: with both, a panel
// costs about 0.3 MB of PNG.
constexpr double kMaxImageScale = 2;

// splitmix64: a tiny generator whose sequence is fixed by its definition, unlike the
// distributions of <random>, so the drawing order is the same with every standard library.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }

 private:
  std::uint64_t state_;
};

template <typename T>
void shuffle(std::vector<T>& v, Rng& rng) {
  for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng.below(i)]);
}

double snap(double v) { return std::round(v * kGrid) / kGrid; }

// One round: the chunk's points bucketed by language, languages in a shuffled order, each
// language one path of zero-length round-capped segments (a dot each, and a short path in SVG).
void draw_round(cairo_t* cr, const ScatterPanel& panel, const FrameMapping& map,
                const std::vector<std::uint32_t>& chunk, const std::vector<Rgb>& colours,
                double alpha, Rng& rng) {
  std::vector<std::uint32_t> sorted(chunk);
  std::stable_sort(sorted.begin(), sorted.end(), [&](std::uint32_t a, std::uint32_t b) {
    return panel.group[a] < panel.group[b];
  });
  std::vector<std::pair<std::size_t, std::size_t>> runs;  // [begin, end) per language
  for (std::size_t b = 0, e = 0; b < sorted.size(); b = e) {
    for (e = b; e < sorted.size() && panel.group[sorted[e]] == panel.group[sorted[b]];) ++e;
    runs.emplace_back(b, e);
  }
  shuffle(runs, rng);
  for (const auto& [b, e] : runs) {
    set_colour(cr, colours[static_cast<std::size_t>(panel.group[sorted[b]])], alpha);
    for (std::size_t k = b; k < e; ++k) {
      const double x = snap(map.x(panel.xy(sorted[k], 0)));
      const double y = snap(map.y(panel.xy(sorted[k], 1)));
      cairo_move_to(cr, x, y);
      cairo_line_to(cr, x, y);
      if ((k - b + 1) % kMaxDotsPerPath == 0 || k + 1 == e) cairo_stroke(cr);
    }
  }
}

// The panel's path: one grey line through its points in order, broken at a point that is not finite.
void draw_path(cairo_t* cr, const ScatterPanel& panel, const FrameMapping& map, double point_radius) {
  if (panel.path.size() < 2) return;
  bool open = false;
  for (std::int32_t i : panel.path) {
    const double x = panel.xy(i, 0), y = panel.xy(i, 1);
    if (!std::isfinite(x) || !std::isfinite(y)) {
      open = false;
      continue;
    }
    if (open) cairo_line_to(cr, map.x(x), map.y(y)); else cairo_move_to(cr, map.x(x), map.y(y));
    open = true;
  }
  cairo_set_source_rgba(cr, 0.16, 0.2, 0.24, 0.55);
  cairo_set_line_width(cr, std::max(0.5, point_radius / 2));
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  cairo_stroke(cr);
}

void draw_points(cairo_t* cr, const ScatterPanel& panel, const PanelLayout& layout,
                 const std::vector<Rgb>& colours, const FigureOptions& options, Rng& rng) {
  const DataBounds bounds = data_bounds(panel.xy);
  const FrameMapping map(bounds, layout.frame,
                         options.margin * options.panel_size + layout.point_radius);
  std::vector<std::uint32_t> order;
  order.reserve(bounds.finite);
  for (Eigen::Index i = 0; i < panel.xy.rows(); ++i) {
    if (std::isfinite(panel.xy(i, 0)) && std::isfinite(panel.xy(i, 1)))
      order.push_back(static_cast<std::uint32_t>(i));
  }
  shuffle(order, rng);
  cairo_save(cr);
  cairo_rectangle(cr, layout.frame.x, layout.frame.y, layout.frame.width, layout.frame.height);
  cairo_clip(cr);
  draw_path(cr, panel, map, layout.point_radius);
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_width(cr, 2 * layout.point_radius);
  const std::size_t rounds = std::min(order.size(), kRounds);
  for (std::size_t r = 0; r < rounds; ++r) {
    const std::vector<std::uint32_t> chunk(order.begin() + order.size() * r / rounds,
                                           order.begin() + order.size() * (r + 1) / rounds);
    draw_round(cr, panel, map, chunk, colours, layout.alpha, rng);
  }
  cairo_restore(cr);
}

// The points of a panel drawn into a transparent image covering its frame, which is then painted
// where the points would have been: vector files stay small however many points there are.
cairo_status_t draw_points_as_image(cairo_t* cr, const ScatterPanel& panel,
                                    const PanelLayout& layout, const std::vector<Rgb>& colours,
                                    const FigureOptions& options, Rng& rng) {
  const Rect& f = layout.frame;
  const double scale = std::min(options.png_scale, kMaxImageScale);
  const Surface image(cairo_image_surface_create(CAIRO_FORMAT_RGB24,
                                                 static_cast<int>(std::ceil(f.width * scale)),
                                                 static_cast<int>(std::ceil(f.height * scale))));
  {
    const Context icr(cairo_create(image.get()));
    cairo_set_source_rgb(icr.get(), 1, 1, 1);
    cairo_paint(icr.get());
    cairo_scale(icr.get(), scale, scale);
    cairo_translate(icr.get(), -f.x, -f.y);
    draw_points(icr.get(), panel, layout, colours, options, rng);
    if (cairo_status(icr.get()) != CAIRO_STATUS_SUCCESS) return cairo_status(icr.get());
  }
  cairo_surface_flush(image.get());
  cairo_save(cr);
  cairo_translate(cr, f.x, f.y);
  cairo_scale(cr, 1 / scale, 1 / scale);
  cairo_set_source_surface(cr, image.get(), 0, 0);
  cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
  cairo_paint(cr);
  cairo_restore(cr);
  return CAIRO_STATUS_SUCCESS;
}

void draw_panel_text(cairo_t* cr, const ScatterPanel& panel, const PanelLayout& l,
                     const FigureOptions& options) {
  const Rect& f = l.frame;
  set_font(cr, options.font, kPanelTitleFontSize, Weight::bold);
  set_colour(cr, kInk);
  show_text(cr, panel.title, f.x, l.title_baseline, Align::left);
  set_font(cr, options.font, kSubtitleFontSize, Weight::normal);
  set_colour(cr, kMuted);
  const bool one_line = l.subtitle_baseline == l.title_baseline;
  show_text(cr, panel.subtitle, one_line ? f.right() : f.x, l.subtitle_baseline,
            one_line ? Align::right : Align::left);
  set_font(cr, options.font, kAxisFontSize, Weight::normal);
  show_text(cr, panel.x_label, f.x + f.width / 2, f.bottom() + 1.25 * kAxisFontSize, Align::centre);
  if (!panel.y_label.empty()) {
    cairo_save(cr);
    cairo_translate(cr, f.x - 0.55 * kAxisFontSize, f.y + f.height / 2);
    cairo_rotate(cr, -kPi / 2);
    show_text(cr, panel.y_label, 0, 0, Align::centre);
    cairo_restore(cr);
  }
  if (data_bounds(panel.xy).finite == 0) {
    show_text(cr, "no points", f.x + f.width / 2, f.y + f.height / 2, Align::centre);
  }
}

void draw_frame(cairo_t* cr, const Rect& f) {
  const double h = kFrameWidth / 2;  // the stroke straddles the path; keep it inside the frame
  cairo_rectangle(cr, f.x + h, f.y + h, f.width - kFrameWidth, f.height - kFrameWidth);
  cairo_set_line_width(cr, kFrameWidth);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
  set_colour(cr, kFrame);
  cairo_stroke(cr);
}

void draw_legend(cairo_t* cr, const LegendLayout& l, const Legend& legend,
                 const std::vector<Rgb>& colours, const FigureOptions& options) {
  if (l.items.empty()) return;
  set_colour(cr, kInk);
  set_font(cr, options.font, l.font_size + 0.5, Weight::bold);
  show_text(cr, legend.title, l.box.x, l.title_baseline, Align::left);
  set_font(cr, options.font, l.font_size, Weight::normal);
  for (const LegendItem& item : l.items) {
    const auto g = static_cast<std::size_t>(item.group);
    cairo_new_sub_path(cr);
    cairo_arc(cr, item.marker_x, item.marker_y, item.marker_radius, 0, 2 * kPi);
    set_colour(cr, colours[g]);
    cairo_fill(cr);
    set_colour(cr, kInk);
    show_text(cr, legend.names[g], item.label.x, item.baseline, Align::left);
  }
}

}  // namespace

cairo_status_t draw_figure(cairo_t* cr, const FigureLayout& layout,
                           const std::vector<ScatterPanel>& panels, const Legend& legend,
                           const std::vector<Rgb>& colours, const FigureOptions& options,
                           bool raster_points) {
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  Rng rng(options.seed);
  for (std::size_t p = 0; p < panels.size(); ++p) {
    Rng panel_rng(rng.next());
    if (raster_points) {
      const cairo_status_t status =
          draw_points_as_image(cr, panels[p], layout.panels[p], colours, options, panel_rng);
      if (status != CAIRO_STATUS_SUCCESS) return status;
    } else {
      draw_points(cr, panels[p], layout.panels[p], colours, options, panel_rng);
    }
    draw_frame(cr, layout.panels[p].frame);
    draw_panel_text(cr, panels[p], layout.panels[p], options);
  }
  draw_legend(cr, layout.legend, legend, colours, options);
  if (!options.title.empty()) {
    set_colour(cr, kInk);
    set_font(cr, options.font, kFigureTitleFontSize, Weight::bold);
    show_text(cr, options.title, layout.width / 2, layout.title_baseline, Align::centre);
  }
  return cairo_status(cr);
}

}  // namespace polyrep::plot::detail
