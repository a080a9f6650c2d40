#include "cairo_util.hpp"

namespace polyrep::plot::detail {

void set_font(cairo_t* cr, const std::string& family, double size, Weight weight) {
  cairo_select_font_face(
      cr, family.c_str(), CAIRO_FONT_SLANT_NORMAL,
      weight == Weight::bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
  cairo_font_options_t* font_options = cairo_font_options_create();
  cairo_font_options_set_hint_metrics(font_options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(font_options, CAIRO_HINT_STYLE_NONE);
  cairo_set_font_options(cr, font_options);
  cairo_font_options_destroy(font_options);
}

double text_width(cairo_t* cr, const std::string& text) {
  cairo_text_extents_t extents;
  cairo_text_extents(cr, text.c_str(), &extents);
  return extents.x_advance;
}

void show_text(cairo_t* cr, const std::string& text, double x, double baseline, Align align) {
  if (text.empty()) return;
  const double w = text_width(cr, text);
  const double shift = align == Align::left ? 0 : align == Align::centre ? w / 2 : w;
  cairo_move_to(cr, x - shift, baseline);
  cairo_show_text(cr, text.c_str());
}

Context scratch_context() {
  const Surface surface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1));
  return Context(cairo_create(surface.get()));  // the context holds its own reference
}

}  // namespace polyrep::plot::detail
