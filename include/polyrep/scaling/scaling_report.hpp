#pragma once
/// `polyrep scaling-report`: reads the metrics files of a scaling study (directories of
/// "*.json" files and single files, in the order given; a later file for the same command, ranks
/// and languages replaces an earlier one) and writes into one output directory scaling.csv,
/// scaling.md (the Markdown table, then any notes) and scaling.<format> charts.
#include <filesystem>
#include <string>
#include <vector>

#include "polyrep/scaling/scaling_chart.hpp"
#include "polyrep/scaling/scaling_table.hpp"
#include "polyrep/scaling/scaling_text.hpp"

namespace polyrep::scaling {

struct ScalingReportOptions {
  std::vector<std::string> formats = {"svg", "png"};  // chart formats: svg, png, pdf
  ScalingChartOptions chart;
  ScalingMarkdownOptions markdown;
};

struct ScalingReport {
  std::vector<ScalingRow> rows;
  std::string markdown;                        // the table alone
  std::vector<std::string> notes;              // from all rows
  std::vector<std::filesystem::path> written;  // every file written, in order
};

/// Each input is a directory (see load_run_metrics_dir) or a metrics file. Creates `out_dir` if
/// missing. UsageError for no inputs or an unknown format; InputError for bad metrics files;
/// IoError when an output cannot be written.
ScalingReport run_scaling_report(const std::vector<std::filesystem::path>& inputs,
                                 const std::filesystem::path& out_dir,
                                 const ScalingReportOptions& options = {});

}  // namespace polyrep::scaling
