#include "polyrep/scaling/scaling_text.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "metrics_json.hpp"
#include "polyrep/core/error.hpp"

namespace {

namespace fs = std::filesystem;
using polyrep::scaling::make_scaling_table;
using polyrep::scaling::scaling_csv_columns;
using polyrep::scaling::scaling_markdown;
using polyrep::scaling::ScalingRow;
using polyrep::scaling::write_scaling_csv;
using polyrep::scaling::test::as_run;
using polyrep::scaling::test::json;
using polyrep::scaling::test::metrics_json;
using polyrep::test::TempDir;

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> fields;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, sep)) fields.push_back(field);
  if (!line.empty() && line.back() == sep) fields.emplace_back();
  return fields;
}

// Lines without their terminators (a final newline ends the last line; it does not start one).
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::string line;
  std::istringstream in(text);
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

std::string slurp(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Strong-scaling pair at 4 languages: T(1) = 100, T(2) = 60; a reduce run at (2, 4).
std::vector<ScalingRow> sample_rows(const TempDir& dir) {
  json two = metrics_json("extract", 2, 4, 60);
  two["bytes_written"] = 300000000;
  two["per_rank"][0]["seconds"]["write"] = 1.5;
  two["per_rank"][1]["seconds"]["write"] = 2.0;
  two["per_rank"][0]["busy_seconds"] = 3.0;
  two["per_rank"][1]["busy_seconds"] = 1.0;
  two["device"] = "cuda,0";  // a comma: quoted in CSV
  return make_scaling_table({as_run(dir, "e1.json", metrics_json("extract", 1, 4, 100)),
                             as_run(dir, "e2.json", two),
                             as_run(dir, "r2.json", metrics_json("reduce", 2, 4, 30))});
}

TEST(ScalingCsv, HeaderHasFixedThenPhaseColumns) {
  TempDir dir("scaling");
  const auto rows = sample_rows(dir);
  write_scaling_csv(dir / "s.csv", rows);
  EXPECT_FALSE(fs::exists(dir / "s.csv.tmp"));
  const std::vector<std::string> lines = lines_of(slurp(dir / "s.csv"));
  ASSERT_EQ(lines.size(), 3u);  // header + 2 rows
  const std::vector<std::string> header = split(lines[0], ',');
  const std::vector<std::string> fixed = scaling_csv_columns();
  ASSERT_GT(header.size(), fixed.size());
  EXPECT_EQ(std::vector<std::string>(header.begin(), header.begin() + fixed.size()), fixed);
  EXPECT_EQ(header[0], "ranks");
  EXPECT_EQ(header[1], "languages");
  const std::vector<std::string> phases(header.begin() + fixed.size(), header.end());
  EXPECT_EQ(phases,
            (std::vector<std::string>{"extract_load_s", "extract_tokenize_s", "extract_forward_s",
                                      "extract_wait_s", "extract_write_s", "extract_finalize_s",
                                      "reduce_open_s", "reduce_pca_s", "reduce_token_types_s",
                                      "reduce_tsne_s", "reduce_commit_s"}));
}

TEST(ScalingCsv, RowParsesBackToHandComputedValues) {
  TempDir dir("scaling");
  write_scaling_csv(dir / "s.csv", sample_rows(dir));
  const std::vector<std::string> lines = lines_of(slurp(dir / "s.csv"));
  const std::vector<std::string> header = split(lines[0], ',');
  // Row 2 is (2 ranks, 4 languages); its device field is quoted, so take the quoted part out.
  std::string line = lines[2];
  const std::size_t quoted = line.find("\"cuda,0\"");
  ASSERT_NE(quoted, std::string::npos) << line;
  line.replace(quoted, 8, "cuda0");
  const std::vector<std::string> fields = split(line, ',');
  ASSERT_EQ(fields.size(), header.size()) << line;
  std::map<std::string, std::string> row;
  for (std::size_t i = 0; i < header.size(); ++i) row[header[i]] = fields[i];

  EXPECT_EQ(row["ranks"], "2");
  EXPECT_EQ(row["languages"], "4");
  EXPECT_EQ(row["device"], "cuda0");
  EXPECT_EQ(row["tokens"], "4000");
  EXPECT_NEAR(std::stod(row["extract_wall_s"]), 60, 1e-9);
  EXPECT_NEAR(std::stod(row["reduce_wall_s"]), 30, 1e-9);
  EXPECT_NEAR(std::stod(row["extract_strong_eff"]), 100.0 / 120, 1e-9);
  EXPECT_EQ(row["extract_weak_eff"], "");   // no row with 2 languages per rank
  EXPECT_EQ(row["reduce_strong_eff"], "");  // one reduce run only
  EXPECT_NEAR(std::stod(row["tokens_per_s"]), 4000.0 / 60, 1e-7);
  EXPECT_NEAR(std::stod(row["tokens_per_s_per_rank"]), 4000.0 / 120, 1e-7);
  EXPECT_NEAR(std::stod(row["extract_write_mb_per_s"]), 150, 1e-9);
  EXPECT_NEAR(std::stod(row["extract_busy_imbalance"]), 3.0 / 2 - 1, 1e-9);
  EXPECT_NEAR(std::stod(row["extract_finish_imbalance"]), 0, 1e-12);
  EXPECT_NEAR(std::stod(row["extract_peak_rss_max_mib"]), 100, 1e-9);
  EXPECT_NEAR(std::stod(row["extract_write_s"]), 2.0, 1e-12);
  EXPECT_NEAR(std::stod(row["reduce_pca_s"]), 1.0, 1e-12);
  EXPECT_EQ(row["extract_file"], "e2.json");
  EXPECT_EQ(row["reduce_file"], "r2.json");

  // Row 1 (1 rank) has no reduce run: empty reduce fields.
  const std::vector<std::string> first = split(lines[1], ',');
  ASSERT_EQ(first.size(), header.size());
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i].rfind("reduce_", 0) == 0) {
      EXPECT_EQ(first[i], "") << header[i];
    }
  }
}

TEST(ScalingCsv, UnwritableTargetIsIoErrorAndLeavesNothing) {
  TempDir dir("scaling");
  const auto rows = sample_rows(dir);
  EXPECT_THROW(write_scaling_csv(dir / "no-such-dir" / "s.csv", rows), polyrep::IoError);
  fs::create_directories(dir / "taken");  // a directory where the file should go
  EXPECT_THROW(write_scaling_csv(dir / "taken", rows), polyrep::IoError);
  EXPECT_FALSE(fs::exists(dir / "taken.tmp"));
}

TEST(ScalingMarkdown, CompactTableWithDashesForMissingValues) {
  TempDir dir("scaling");
  const std::string md = scaling_markdown(sample_rows(dir));
  const std::vector<std::string> lines = lines_of(md);
  ASSERT_EQ(lines.size(), 4u) << md;  // header, rule, 2 rows
  EXPECT_EQ(lines[0],
            "| ranks | langs | tokens | extract s | load s | tokenize s | forward s | write s | "
            "reduce s | "
            "tok/s/rank | strong eff | weak eff | write MB/s | peak MiB/rank | busy imb % | finish "
            "imb % |");
  EXPECT_EQ(lines[1].rfind("| --: |", 0), 0u);
  // 2 ranks: 60 s, 4000 tokens, 33 tok/s/rank, E = 0.83, 150 MB/s, 100 MiB, busy 50%.
  EXPECT_EQ(
      lines[3],
      "| 2 | 4 | 4000 | 60.0 | 1.00 | 1.00 | 1.00 | 2.00 | 30.0 | 33 | 0.83 | – | 150.0 | 100 | "
      "50.0 | 0.0 |");
  // 1 rank: no reduce run, no weak base.
  EXPECT_NE(lines[2].find("| 100 | 1.00 | 1.00 | 1.00 | 1.00 | – | 40 | 1.00 | – |"),
            std::string::npos)
      << lines[2];
}

TEST(ScalingMarkdown, LeavesOutRequestedPhasesNoRunHas) {
  TempDir dir("scaling");
  json doc = metrics_json("extract", 1, 2, 5);
  doc["phases"] = {"load", "forward"};
  const auto rows = make_scaling_table({as_run(dir, "a.json", doc)});
  const std::string md = scaling_markdown(rows);
  EXPECT_EQ(md.find("tokenize s"), std::string::npos) << md;
  EXPECT_NE(md.find("| load s | forward s | reduce s |"), std::string::npos) << md;
}

}  // namespace
