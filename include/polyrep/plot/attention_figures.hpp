#pragma once
/// The attention figures of `polyrep plot --attention-figures`: for every translation group of the
/// report's attention maps (ReportData::attention: a sentence and those of its translations that
/// have maps, in language order) and every transformer layer, one figure
/// `<source_index>_layer<NN>.<ext>` per requested format. The group's heatmaps stand side by side
/// (four to a row at most, all at one cell size): row = query token, labelled down the left,
/// column = key token, labelled along the bottom (rotated), each panel titled with its language
/// and token count. One colour scale, viridis from 0 to the largest weight in the figure, is shown
/// by a colour bar at the right. Heatmaps are embedded as images with one block of pixels per
/// cell, so a file stays small whatever the sentence length; frames and text stay vector.
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "polyrep/plot/palette.hpp"
#include "polyrep/plot/report_data.hpp"

namespace polyrep::plot {

struct AttentionFigureOptions {
  std::vector<std::string> formats{"svg", "png"};
  double png_scale = 3;  // PNG pixels per point
  std::string font = "DejaVu Sans";
};

/// The colour of t in [0, 1] (clamped; NaN is grey) on the viridis scale, as in the report.
Rgb heat_colour(double t);

/// The translation groups of data.attention: positions into its maps, groups in source-index
/// order, maps in file (language) order within a group.
std::vector<std::vector<std::size_t>> attention_groups(const ReportData& data);

/// Writes the figures into `dir`, which must exist; returns how many files were written (0 when
/// the data has no attention maps). IoError naming the file when one cannot be written.
std::size_t write_attention_figures(const std::filesystem::path& dir, const ReportData& data,
                                    const AttentionFigureOptions& options);

}  // namespace polyrep::plot
