#include "polyrep/scaling/scaling_report.hpp"

#include <algorithm>
#include <fstream>
#include <system_error>

#include "polyrep/core/error.hpp"

namespace polyrep::scaling {
namespace {

namespace fs = std::filesystem;

void check_formats(const std::vector<std::string>& formats) {
  for (const std::string& f : formats) {
    if (f != "svg" && f != "png" && f != "pdf")
      throw UsageError("--formats: unknown chart format '" + f + "' (svg, png or pdf)");
  }
}

std::vector<RunMetrics> load_inputs(const std::vector<fs::path>& inputs) {
  if (inputs.empty()) throw UsageError("scaling-report: no metrics files or directories given");
  std::vector<RunMetrics> runs;
  for (const fs::path& input : inputs) {
    std::error_code ec;
    if (fs::is_directory(input, ec)) {
      for (RunMetrics& run : load_run_metrics_dir(input)) runs.push_back(std::move(run));
    } else {
      runs.push_back(load_run_metrics(input));
    }
  }
  return runs;
}

void write_text(const fs::path& out, const std::string& text) {
  fs::path tmp = out;
  tmp += ".tmp";
  std::error_code ec;
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f.write(text.data(), static_cast<std::streamsize>(text.size()));
    f.close();
    if (!f) {
      fs::remove(tmp, ec);
      throw IoError(out.string() + ": cannot write");
    }
  }
  fs::rename(tmp, out, ec);
  if (ec) {
    const std::string why = ec.message();
    fs::remove(tmp, ec);
    throw IoError(out.string() + ": cannot write: " + why);
  }
}

}  // namespace

ScalingReport run_scaling_report(const std::vector<fs::path>& inputs, const fs::path& out_dir,
                                 const ScalingReportOptions& options) {
  check_formats(options.formats);
  ScalingReport report;
  report.rows = make_scaling_table(load_inputs(inputs));
  for (const ScalingRow& row : report.rows)
    report.notes.insert(report.notes.end(), row.notes.begin(), row.notes.end());
  report.markdown = scaling_markdown(report.rows, options.markdown);

  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) throw IoError(out_dir.string() + ": cannot create the output directory: " + ec.message());
  write_scaling_csv(out_dir / "scaling.csv", report.rows);
  report.written.push_back(out_dir / "scaling.csv");
  std::string md = report.markdown;
  if (!report.notes.empty()) {
    md += "\nNotes:\n\n";
    for (const std::string& note : report.notes) md += "- " + note + "\n";
  }
  write_text(out_dir / "scaling.md", md);
  report.written.push_back(out_dir / "scaling.md");
  for (const std::string& format : options.formats) {
    const fs::path chart = out_dir / ("scaling." + format);
    write_scaling_chart(chart, report.rows, options.chart);
    report.written.push_back(chart);
  }
  return report;
}

}  // namespace polyrep::scaling
