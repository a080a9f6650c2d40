#include "polyrep/plot/plot_job.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>

#include "polyrep/core/error.hpp"
#include "polyrep/core/log.hpp"
#include "polyrep/plot/attention_figures.hpp"
#include "polyrep/plot/compare_report.hpp"
#include "polyrep/plot/report.hpp"
#include "polyrep/plot/vega_lite.hpp"

namespace polyrep::plot {
namespace fs = std::filesystem;
namespace {

void make_dir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) {
    throw IoError("--out: cannot create directory '" + dir.string() + "'" + (ec ? ": " + ec.message() : ""));
  }
}

// Before any work, so that a bad --out does not wait for the data: the nearest part of the path
// that exists must be a directory this process may write into.
void check_out_dir(const fs::path& dir) {
  std::error_code ec;
  fs::path probe = fs::absolute(dir.empty() ? fs::path(".") : dir, ec);
  while (!fs::exists(probe, ec) && probe.has_parent_path() && probe != probe.parent_path()) {
    probe = probe.parent_path();
  }
  if (!fs::is_directory(probe, ec)) {
    throw UsageError("--out " + dir.string() + ": '" + probe.string() + "' is not a directory" +
                     (probe == fs::absolute(dir, ec) ? "" : ", so the report directory cannot be created"));
  }
  if (::access(probe.c_str(), W_OK) != 0)
    throw IoError("--out " + dir.string() + ": cannot write into '" + probe.string() + "'");
}

void check_formats(const std::vector<std::string>& formats) {
  for (const std::string& f : formats) {
    if (f != "svg" && f != "png" && f != "pdf") throw UsageError("--formats: unknown format '" + f + "' (svg, png, pdf)");
  }
}

void check_attention(const ReportData& d, const fs::path& extraction, const PlotOptions& options) {
  if (options.attention_figures && !d.attention.present()) {
    throw UsageError("--attention-figures: " + extraction.string() +
                     " has no attention maps (extract with --attention mean [--attention-sentences N])");
  }
}

void log_attention(const AttentionData& a) {
  if (!a.present()) return;
  std::size_t cells = 0;
  for (const AttentionMap& m : a.maps) cells += m.size() * m.size();
  const double kib = double(cells * a.layers.size()) * 2 * 4 / 3 / 1024;  // Uint16 in base64
  std::string line = "plot: " + std::to_string(a.maps.size()) + " of " + std::to_string(a.file_maps) +
                     " attention maps in the report (" + std::to_string(a.kept_groups) + " of " +
                     std::to_string(a.file_groups) + " translation groups";
  if (std::int64_t(a.maps.size()) < a.file_maps) line += "; --max-attention-maps " + std::to_string(a.max_maps);
  log::info(line + "; " + std::to_string(std::llround(kib)) + " KiB)");
}

std::size_t write_attention(const fs::path& dir, const ReportData& d, const PlotOptions& options) {
  make_dir(dir);
  AttentionFigureOptions o;
  o.formats = options.figures.formats;
  const std::size_t n = write_attention_figures(dir, d, o);
  log::info("plot: " + std::to_string(n) + " attention figures in " + dir.string());
  return n;
}

void log_cka(const CompareData& d) {
  if (d.sentence_cka.empty()) return;
  std::string line;
  for (std::size_t slot = 0; slot < d.sentence_cka.size(); ++slot) {
    char value[32];
    std::snprintf(value, sizeof value, "%.4f", d.sentence_cka[slot]);
    line += (slot ? ", " : "") + layer_label(d.a.layers[slot]) + " " + value;
  }
  log::info("plot: linear CKA of the sentence vectors (" + compare_title(d) + ", " + std::to_string(d.cka_rows) +
            " sentences): " + line);
}

PlotSummary run_compare(const fs::path& extraction, const fs::path& out_dir, const PlotOptions& options) {
  if (options.attention_figures) {
    throw UsageError("--attention-figures: not with --compare (plot each file alone for its attention maps)");
  }
  CompareOptions o;
  o.data = options.data;
  o.labels = options.labels;
  o.align = options.align;
  const CompareData data = load_compare_data(extraction, options.compare, o);
  make_dir(out_dir);
  PlotSummary summary;
  for (const Cloud& c : data.a.clouds) summary.points += c.rows.size();
  summary.report = out_dir / "report.html";
  write_report_page(summary.report, compare_payload(data));
  log::info("plot: " + summary.report.string() + " (" + compare_title(data) + ": " + std::to_string(summary.points) +
            " points of each file in " + std::to_string(data.a.clouds.size()) + " clouds, " +
            std::to_string(data.a.layers.size()) + " layers)");
  log_cka(data);
  if (data.aligned) log::info("plot: " + data.labels[1] + "'s layouts are rotated/reflected onto " + data.labels[0] +
                              "'s, per view and layer (--no-align: as reduce wrote them)");
  if (options.static_figures && !options.figures.formats.empty()) {
    make_dir(out_dir / "figures");
    summary.figures = write_compare_figures(out_dir / "figures", data, options.figures);
    log::info("plot: " + std::to_string(summary.figures) + " compare figures in " + (out_dir / "figures").string());
  }
  return summary;
}

}  // namespace

PlotSummary run_plot(const fs::path& extraction, const fs::path& out_dir, const PlotOptions& options) {
  check_formats(options.figures.formats);
  check_out_dir(out_dir);
  if (!options.compare.empty()) return run_compare(extraction, out_dir, options);
  if (!options.labels.empty()) throw UsageError("--labels: only with --compare");
  const ReportData data = load_report_data(extraction, options.data);
  check_attention(data, extraction, options);
  make_dir(out_dir);
  PlotSummary summary;
  for (const Cloud& c : data.clouds) summary.points += c.rows.size();
  summary.report = out_dir / "report.html";
  write_report(summary.report, data);
  log::info("plot: " + summary.report.string() + " (" + std::to_string(summary.points) + " points in " +
            std::to_string(data.clouds.size()) + " clouds, " + std::to_string(data.layers.size()) + " layers)");
  log_attention(data.attention);
  summary.attention_maps = data.attention.maps.size();
  if (options.vega_lite) {
    make_dir(out_dir / "vega-lite");
    summary.specs = write_vega_lite(out_dir / "vega-lite", data);
    log::info("plot: " + std::to_string(summary.specs) + " Vega-Lite specs in " + (out_dir / "vega-lite").string());
  }
  if (options.static_figures && !options.figures.formats.empty()) {
    make_dir(out_dir / "figures");
    summary.figures = write_static_figures(out_dir / "figures", data, options.figures);
    log::info("plot: " + std::to_string(summary.figures) + " figures in " + (out_dir / "figures").string());
  }
  if (options.attention_figures && !options.figures.formats.empty()) {
    summary.attention_figures = write_attention(out_dir / "figures" / "attention", data, options);
  }
  return summary;
}

}  // namespace polyrep::plot
