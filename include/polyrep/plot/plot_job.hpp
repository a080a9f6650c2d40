#pragma once
/// `polyrep plot FILE --out DIR`: everything a reader of the results wants to look at, from an
/// extraction file and its reduction results. DIR gets report.html (the interactive report, one
/// file that opens offline), figures/ (SVG/PNG/PDF per layer and small-multiples grids) and
/// vega-lite/ (one CSV per cloud and a Vega-Lite spec per view and layer); with `attention_figures`
/// also figures/attention/ (attention_figures.hpp, in the formats of `figures.formats`). Serial:
/// one process reads the file and writes the outputs.
#include <filesystem>
#include <string>
#include <vector>

#include "polyrep/plot/report_data.hpp"
#include "polyrep/plot/static_figures.hpp"

namespace polyrep::plot {

struct PlotOptions {
  ReportDataOptions data;
  StaticFigureOptions figures;
  bool static_figures = true;
  bool vega_lite = true;
  /// Heatmaps of the report's attention maps; UsageError when the file has none (--attention mean).
  bool attention_figures = false;
  /// --compare B.h5: the report shows this file beside B, layer by layer (compare_data.hpp);
  /// figures/ then holds the compare_* figures only, and no Vega-Lite specs are written.
  std::filesystem::path compare;
  std::vector<std::string> labels;  // --labels A,B (with --compare only)
  bool align = true;                // --no-align: B's layouts as reduce wrote them (compare_data.hpp)
};

struct PlotSummary {
  std::filesystem::path report;
  std::size_t figures = 0, specs = 0, points = 0;
  std::size_t attention_maps = 0, attention_figures = 0;
};

/// Creates DIR if needed; outputs of an earlier run there are replaced. With `compare`, the
/// report and figures of both files (UsageError with attention_figures).
PlotSummary run_plot(const std::filesystem::path& extraction, const std::filesystem::path& out_dir,
                     const PlotOptions& options);

}  // namespace polyrep::plot
