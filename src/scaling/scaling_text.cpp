#include "polyrep/scaling/scaling_text.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <system_error>
#include <utility>

#include "polyrep/core/error.hpp"

namespace polyrep::scaling {
namespace {

using Cell = std::function<std::string(const ScalingRow&)>;
using Column = std::pair<std::string, Cell>;

const char* const kMissing = "–";  // en dash

std::string csv_number(double v) {
  if (!std::isfinite(v)) return "";
  char text[40];
  std::snprintf(text, sizeof text, "%.10g", v);
  return text;
}

std::string csv_escape(const std::string& field) {
  if (field.find_first_of(",\"\r\n") == std::string::npos) return field;
  std::string out = "\"";
  for (char c : field) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// The extract run when there is one, else the reduce run: for the shape columns.
const RunMetrics& shape(const ScalingRow& r) {
  return r.extract_run ? *r.extract_run : *r.reduce_run;
}

Cell number(double (*get)(const ScalingRow&)) {
  return [get](const ScalingRow& r) { return csv_number(get(r)); };
}

Cell stat(RunCommand command, double RunStats::*field) {
  return [command, field](const ScalingRow& r) { return csv_number(r.stats(command).*field); };
}

Cell file_name(RunCommand command) {
  return [command](const ScalingRow& r) {
    return r.run(command) ? csv_escape(r.run(command)->source.filename().string()) : std::string();
  };
}

std::vector<Column> per_command_columns(RunCommand c) {
  const std::string p = to_string(c) + "_";
  return {{p + "wall_s", stat(c, &RunStats::wall_seconds)},
          {p + "strong_eff", stat(c, &RunStats::strong_efficiency)},
          {p + "weak_eff", stat(c, &RunStats::weak_efficiency)},
          {p + "bytes_written", stat(c, &RunStats::bytes_written)},
          {p + "write_mb_per_s", stat(c, &RunStats::write_mb_per_second)},
          {p + "peak_rss_max_mib", stat(c, &RunStats::peak_rss_max_mib)},
          {p + "peak_rss_mean_mib", stat(c, &RunStats::peak_rss_mean_mib)},
          {p + "busy_imbalance", stat(c, &RunStats::busy_imbalance)},
          {p + "finish_imbalance", stat(c, &RunStats::finish_imbalance)}};
}

std::vector<Column> fixed_columns() {
  std::vector<Column> columns = {
      {"ranks", number([](const ScalingRow& r) { return double(r.ranks); })},
      {"languages", number([](const ScalingRow& r) { return double(r.languages); })},
      {"threads_per_rank",
       number([](const ScalingRow& r) { return double(shape(r).threads_per_rank); })},
      {"hosts", number([](const ScalingRow& r) { return double(shape(r).hosts); })},
      {"device", [](const ScalingRow& r) { return csv_escape(shape(r).device); }},
      {"sentences", number([](const ScalingRow& r) {
         return shape(r).sentences ? double(*shape(r).sentences) : kNaN;
       })},
      {"tokens", number([](const ScalingRow& r) { return r.tokens; })},
      {"tokens_per_s", number([](const ScalingRow& r) { return r.tokens_per_second; })},
      {"tokens_per_s_per_rank",
       number([](const ScalingRow& r) { return r.tokens_per_second_per_rank; })}};
  for (RunCommand c : {RunCommand::extract, RunCommand::reduce}) {
    for (Column& column : per_command_columns(c)) columns.push_back(std::move(column));
  }
  columns.push_back({"extract_file", file_name(RunCommand::extract)});
  columns.push_back({"reduce_file", file_name(RunCommand::reduce)});
  return columns;
}

std::vector<Column> all_columns(const std::vector<ScalingRow>& rows) {
  std::vector<Column> columns = fixed_columns();
  for (RunCommand c : {RunCommand::extract, RunCommand::reduce}) {
    for (const std::string& phase : phase_union(rows, c)) {
      columns.push_back({to_string(c) + "_" + phase + "_s", [c, phase](const ScalingRow& r) {
                           return csv_number(r.stats(c).phase(phase));
                         }});
    }
  }
  return columns;
}

// Markdown: a number with a precision that suits its size, or the missing mark.
std::string fixed(double v, int decimals) {
  if (!std::isfinite(v)) return kMissing;
  char text[48];
  std::snprintf(text, sizeof text, "%.*f", decimals, v);
  return text;
}

std::string seconds(double v) {
  return fixed(v, std::fabs(v) >= 100 ? 0 : std::fabs(v) >= 10 ? 1 : 2);
}

std::string percent(double fraction) { return fixed(100 * fraction, 1); }

std::string markdown_line(const std::vector<std::string>& cells) {
  std::string line = "|";
  for (const std::string& cell : cells) line += " " + cell + " |";
  return line + "\n";
}

std::vector<std::string> markdown_cells(const ScalingRow& r,
                                        const std::vector<std::string>& phases) {
  std::vector<std::string> cells = {std::to_string(r.ranks), std::to_string(r.languages),
                                    fixed(r.tokens, 0), seconds(r.extract.wall_seconds)};
  for (const std::string& phase : phases) cells.push_back(seconds(r.extract.phase(phase)));
  const std::vector<std::string> rest = {
      seconds(r.reduce.wall_seconds),          fixed(r.tokens_per_second_per_rank, 0),
      fixed(r.extract.strong_efficiency, 2),   fixed(r.extract.weak_efficiency, 2),
      fixed(r.extract.write_mb_per_second, 1), fixed(r.extract.peak_rss_max_mib, 0),
      percent(r.extract.busy_imbalance),       percent(r.extract.finish_imbalance)};
  cells.insert(cells.end(), rest.begin(), rest.end());
  return cells;
}

}  // namespace

std::vector<std::string> scaling_csv_columns() {
  std::vector<std::string> names;
  for (const Column& column : fixed_columns()) names.push_back(column.first);
  return names;
}

std::string scaling_csv(const std::vector<ScalingRow>& rows) {
  const std::vector<Column> columns = all_columns(rows);
  std::string text;
  for (std::size_t c = 0; c < columns.size(); ++c) text += (c ? "," : "") + columns[c].first;
  text += "\n";
  for (const ScalingRow& row : rows) {
    for (std::size_t c = 0; c < columns.size(); ++c)
      text += (c ? "," : "") + columns[c].second(row);
    text += "\n";
  }
  return text;
}

void write_scaling_csv(const std::filesystem::path& out, const std::vector<ScalingRow>& rows) {
  const std::string text = scaling_csv(rows);
  std::filesystem::path tmp = out;
  tmp += ".tmp";
  std::error_code ec;
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f)
      throw IoError(out.string() + ": cannot create " + tmp.filename().string() + ": " +
                    std::strerror(errno));
    f.write(text.data(), static_cast<std::streamsize>(text.size()));
    f.close();
    if (!f) {
      std::filesystem::remove(tmp, ec);
      throw IoError(out.string() + ": cannot write the scaling CSV");
    }
  }
  std::filesystem::rename(tmp, out, ec);
  if (ec) {
    const std::string why = ec.message();
    std::filesystem::remove(tmp, ec);
    throw IoError(out.string() + ": cannot write the scaling CSV: " + why);
  }
}

std::string scaling_markdown(const std::vector<ScalingRow>& rows,
                             const ScalingMarkdownOptions& options) {
  // Only the requested phases that some row has: a column of dashes says nothing.
  std::vector<std::string> phases;
  const std::vector<std::string> present = phase_union(rows, RunCommand::extract);
  for (const std::string& p : options.extract_phases)
    if (std::find(present.begin(), present.end(), p) != present.end()) phases.push_back(p);

  std::vector<std::string> header = {"ranks", "langs", "tokens", "extract s"};
  for (const std::string& p : phases) header.push_back(p + " s");
  for (const char* h : {"reduce s", "tok/s/rank", "strong eff", "weak eff", "write MB/s",
                        "peak MiB/rank", "busy imb %", "finish imb %"})
    header.emplace_back(h);
  std::string text = markdown_line(header);
  std::vector<std::string> rule;
  for (std::size_t c = 0; c < header.size(); ++c) rule.emplace_back("--:");
  text += markdown_line(rule);
  for (const ScalingRow& row : rows) text += markdown_line(markdown_cells(row, phases));
  return text;
}

}  // namespace polyrep::scaling
