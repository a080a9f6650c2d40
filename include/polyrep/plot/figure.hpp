#pragma once
/// Static scatter figures for papers: one or more panels (a layer's PCA or t-SNE layout) in a
/// small-multiples grid with one shared legend, written as SVG, PNG or PDF with cairo. Each panel
/// has a thin frame, a title and a subtitle and no ticks; its data bounds are the finite extent of
/// its points (NaN/inf points are skipped) plus a small margin, and y grows upwards. Points are
/// drawn in a seeded shuffled order, in interleaved rounds, so that no language always sits on top.
/// The legend lists only the languages that occur in some panel, in `Legend::names` order, and goes
/// to the grid's empty last cells, to the right of the grid, or below it, in as many columns as it
/// needs, with a smaller font when there are many languages.
/// The file appears only complete: it is written to `out + ".tmp"` and renamed.
#include <Eigen/Core>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "polyrep/plot/palette.hpp"

namespace polyrep::plot {

using PointMatrix = Eigen::Matrix<float, Eigen::Dynamic, 2, Eigen::RowMajor>;

struct ScatterPanel {
  std::string title;                // "layer 3 · t-SNE" (UTF-8)
  std::string subtitle;             // "KL 1.23" or "PC1 12.3% · PC2 4.5%"; may be empty
  std::string x_label, y_label;     // "PC1", "PC2", or empty
  PointMatrix xy;                   // one row per point
  std::vector<std::int32_t> group;  // per point: index into Legend::names
  /// Points joined by a thin line in this order, under the points (a positions file of `polyrep
  /// embeddings`: positions 0, 1, 2, ...); empty: none.
  std::vector<std::int32_t> path;
};

struct Legend {
  std::string title = "language";
  std::vector<std::string> names;
  /// One per name; empty means language_palette(names.size()).
  std::vector<Rgb> colors;
};

/// `automatic` puts the legend into the empty cells at the end of the grid's last row when it fits
/// there, otherwise right of or below the grid, whichever gives a page closer to 1.4:1.
enum class LegendPlacement { automatic, right, bottom, empty_cells };

struct FigureOptions {
  std::string title;        // over the grid; empty for none
  int columns = 0;          // 0: an about square grid, a little wider than tall
  double panel_size = 260;  // side of a panel's frame, in points (1/72 in)
  double point_radius = 0;  // points; 0: from the panel's point count and size
  double alpha = 0;         // 0: from the point count (more points, more transparent)
  double png_scale = 3;     // PNG pixels per point (3 is 216 dpi)
  std::uint64_t seed = 0;   // drawing-order shuffle
  double margin = 0.04;     // data inset inside a frame, as a fraction of its side
  LegendPlacement legend = LegendPlacement::automatic;
  std::string font = "DejaVu Sans";
  /// SVG and PDF draw every point as a vector dot (about 37 bytes each in SVG) up to this many
  /// points in the whole figure; above it, each panel's points become one embedded image at
  /// png_scale while frames and text stay vector, as matplotlib's rasterized=True. 0: never.
  std::size_t max_vector_points = 300000;
};

enum class ImageFormat { svg, png, pdf };

/// From ".svg", ".png" or ".pdf" (any case); UsageError for anything else.
ImageFormat format_from_extension(const std::filesystem::path& path);

/// Writes the figure to `out` in the format of its extension. UsageError for no panels, a
/// group/point count mismatch, a group index outside the legend, or bad options; IoError (naming
/// the file) when the file cannot be written, in which case nothing is left at `out` or `out.tmp`.
void write_figure(const std::filesystem::path& out, const std::vector<ScatterPanel>& panels,
                  const Legend& legend, const FigureOptions& options);

/// The radius (points) and opacity used for a panel of `points` points when the options leave
/// them automatic.
double auto_point_radius(std::size_t points, double panel_size);
double auto_alpha(std::size_t points);

}  // namespace polyrep::plot
