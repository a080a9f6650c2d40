#pragma once
/// The scaling chart: six small panels of a scaling table in one SVG, PNG or PDF (by the file's
/// extension), drawn with cairo in the same type (DejaVu Sans, unhinted) and colours as polyrep
/// plot's figures:
///   (a) wall time per phase: one stacked bar per run "R×L" (the extract phases' max-over-ranks
///       seconds in phase order, then one segment for the whole reduce run);
///   (b) extract tokens/s per rank vs ranks, one line per language count;
///   (c) extract strong-scaling efficiency vs ranks per language count, and dashed weak-scaling
///       lines per languages-per-rank ratio; y from 0 to at least 1.1, a faint line at 1;
///   (d) peak RSS per rank (max over ranks, MiB) vs ranks, extract solid, reduce dashed;
///   (e) extract write bandwidth (MB/s) vs ranks;
///   (f) extract load imbalance (%) vs ranks, busy solid and finish dashed, a faint line at 10%.
/// The ranks axis is log2 when the largest rank count is more than twice the smallest, linear
/// otherwise. NaN values are left out (a panel with none says "no data"). The file is written to
/// `out + ".tmp"` and renamed, so it appears only complete.
#include <filesystem>
#include <string>
#include <vector>

#include "polyrep/scaling/scaling_table.hpp"

namespace polyrep::scaling {

struct ScalingChartOptions {
  std::string title = "polyrep scaling";  // over the grid; empty for none
  int columns = 3;                        // panels per row
  double plot_width = 210;                // a panel's plotting area, in points (1/72 in)
  double plot_height = 140;
  double png_scale = 3;  // PNG pixels per point
  std::string font = "DejaVu Sans";
};

/// UsageError for no rows, bad options, or an extension other than .svg/.png/.pdf; IoError
/// (naming `out`) when the file cannot be written, and then nothing is left at `out` or `out.tmp`.
void write_scaling_chart(const std::filesystem::path& out, const std::vector<ScalingRow>& rows,
                         const ScalingChartOptions& options = {});

/// Whether the chart's ranks axis is log2 for these rows (rank counts spanning more than 2x).
bool log2_rank_axis(const std::vector<ScalingRow>& rows);

}  // namespace polyrep::scaling
