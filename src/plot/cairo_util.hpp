#pragma once
// Private to src/plot: RAII owners for cairo objects and the text settings that layout and drawing
// must share, so that text measured for the layout is the text later drawn.
#include <cairo.h>

#include <memory>
#include <string>

#include "polyrep/plot/palette.hpp"

namespace polyrep::plot::detail {

struct SurfaceDeleter {
  void operator()(cairo_surface_t* s) const noexcept { cairo_surface_destroy(s); }
};
struct ContextDeleter {
  void operator()(cairo_t* c) const noexcept { cairo_destroy(c); }
};
using Surface = std::unique_ptr<cairo_surface_t, SurfaceDeleter>;
using Context = std::unique_ptr<cairo_t, ContextDeleter>;

enum class Weight { normal, bold };

/// Hinting changes glyph advances between backends; with it off, the widths measured on the
/// scratch surface are those drawn into SVG, PDF and PNG alike.
void set_font(cairo_t* cr, const std::string& family, double size, Weight weight);

/// Advance width of `text` in user units with the current font.
double text_width(cairo_t* cr, const std::string& text);

/// A context on a 1x1 image surface, for measuring text before the page size is known.
Context scratch_context();

enum class Align { left, centre, right };

/// Shows `text` (nothing when empty) with its baseline at y = `baseline`, its left end, centre or
/// right end at x.
void show_text(cairo_t* cr, const std::string& text, double x, double baseline, Align align);

inline void set_colour(cairo_t* cr, const Rgb& c, double alpha = 1.0) {
  cairo_set_source_rgba(cr, c.r, c.g, c.b, alpha);
}

}  // namespace polyrep::plot::detail
