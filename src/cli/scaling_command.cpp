// polyrep scaling-report: the CSV, Markdown table and chart of a scaling study's metrics files.
#include <iostream>

#include "commands.hpp"
#include "polyrep/core/log.hpp"
#include "polyrep/scaling/scaling_report.hpp"

namespace polyrep::cli {

Command add_scaling_report(CLI::App& root) {
  struct Flags {
    std::vector<std::string> inputs;
    std::string out;
    scaling::ScalingReportOptions options;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* app = root.add_subcommand("scaling-report",
                                      "Write DIR/scaling.csv, DIR/scaling.md and "
                                      "DIR/scaling.{svg,png} from the --metrics JSON files "
                                      "of polyrep extract and reduce runs at several rank and "
                                      "language counts, and print the table");
  app->add_option(
         "inputs", flags->inputs,
         "Directories of metrics files (*.json) and single metrics files; a later file for "
         "the same command, ranks and languages replaces an earlier one")
      ->required();
  app->add_option("--out", flags->out, "Output directory (created if missing)")->required();
  app->add_option("--formats", flags->options.formats, "Chart formats: svg, png, pdf")
      ->delimiter(',')
      ->capture_default_str();
  app->add_option("--title", flags->options.chart.title, "Chart title (empty for none)")
      ->capture_default_str();
  return Command{app, false, [flags](const mpi::Comm*) {
                   const std::vector<std::filesystem::path> inputs(flags->inputs.begin(),
                                                                   flags->inputs.end());
                   const scaling::ScalingReport report =
                       scaling::run_scaling_report(inputs, flags->out, flags->options);
                   for (const std::string& note : report.notes) log::warn(note);
                   std::cout << report.markdown << std::flush;
                   for (const auto& file : report.written) log::info("wrote " + file.string());
                 }};
}

}  // namespace polyrep::cli
