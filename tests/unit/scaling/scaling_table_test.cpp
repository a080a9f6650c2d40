// Expected values are worked out by hand from the numbers put into the metrics files.
#include "polyrep/scaling/scaling_table.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "metrics_json.hpp"

namespace {

using polyrep::scaling::make_scaling_table;
using polyrep::scaling::phase_union;
using polyrep::scaling::RunCommand;
using polyrep::scaling::RunMetrics;
using polyrep::scaling::ScalingRow;
using polyrep::scaling::test::as_run;
using polyrep::scaling::test::json;
using polyrep::scaling::test::metrics_json;
using polyrep::test::TempDir;

constexpr double kEps = 1e-12;

std::string name(const std::string& command, int ranks, int languages) {
  return command + "-r" + std::to_string(ranks) + "-l" + std::to_string(languages) + ".json";
}

RunMetrics run(const TempDir& dir, const std::string& command, int ranks, int languages,
               double wall) {
  return as_run(dir, name(command, ranks, languages),
                metrics_json(command, ranks, languages, wall));
}

const ScalingRow& find(const std::vector<ScalingRow>& rows, int ranks, int languages) {
  for (const ScalingRow& r : rows)
    if (r.ranks == ranks && r.languages == languages) return r;
  throw std::runtime_error("no row");
}

TEST(ScalingTable, StrongEfficiencyAgainstFewestRanks) {
  TempDir dir("scaling");
  // Given out of order: the base is found by rank count, not position.
  const auto rows =
      make_scaling_table({run(dir, "extract", 2, 4, 60), run(dir, "extract", 4, 4, 40),
                          run(dir, "extract", 1, 4, 100)});
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].ranks, 1);
  EXPECT_EQ(rows[1].ranks, 2);
  EXPECT_EQ(rows[2].ranks, 4);
  EXPECT_NEAR(rows[0].extract.strong_efficiency, 1.0, kEps);
  EXPECT_NEAR(rows[1].extract.strong_efficiency, 100.0 / (2 * 60), kEps);  // 0.8333
  EXPECT_NEAR(rows[2].extract.strong_efficiency, 100.0 / (4 * 40), kEps);  // 0.625
  EXPECT_TRUE(std::isnan(rows[1].reduce.strong_efficiency));               // no reduce runs at all
}

TEST(ScalingTable, WeakEfficiencyMatchesLanguagesPerRankExactly) {
  TempDir dir("scaling");
  const auto rows = make_scaling_table(
      {run(dir, "extract", 1, 2, 10), run(dir, "extract", 2, 4, 12.5),
       run(dir, "extract", 4, 8, 20), run(dir, "extract", 2, 2, 6), run(dir, "extract", 2, 3, 9)});
  ASSERT_EQ(rows.size(), 5u);
  // Sorted by languages, then ranks.
  EXPECT_EQ(rows[0].languages, 2);
  EXPECT_EQ(rows[0].ranks, 1);
  EXPECT_EQ(rows[1].languages, 2);
  EXPECT_EQ(rows[1].ranks, 2);
  EXPECT_EQ(rows[2].languages, 3);
  EXPECT_EQ(rows[4].languages, 8);
  // 2 languages per rank: (1,2) base, (2,4), (4,8).
  EXPECT_NEAR(find(rows, 1, 2).extract.weak_efficiency, 1.0, kEps);
  EXPECT_NEAR(find(rows, 2, 4).extract.weak_efficiency, 10 / 12.5, kEps);  // 0.8
  EXPECT_NEAR(find(rows, 4, 8).extract.weak_efficiency, 10.0 / 20, kEps);  // 0.5
  // 1 and 1.5 languages per rank have no other row: NaN.
  EXPECT_TRUE(std::isnan(find(rows, 2, 2).extract.weak_efficiency));
  EXPECT_TRUE(std::isnan(find(rows, 2, 3).extract.weak_efficiency));
  // Strong: L=2 has R=1 and R=2; L=3, 4 and 8 have one rank count each.
  EXPECT_NEAR(find(rows, 2, 2).extract.strong_efficiency, 10.0 / (2 * 6), kEps);
  EXPECT_NEAR(find(rows, 1, 2).extract.strong_efficiency, 1.0, kEps);
  EXPECT_TRUE(std::isnan(find(rows, 2, 4).extract.strong_efficiency));
  EXPECT_TRUE(std::isnan(find(rows, 2, 3).extract.strong_efficiency));
  EXPECT_TRUE(std::isnan(find(rows, 4, 8).extract.strong_efficiency));
}

TEST(ScalingTable, PairsExtractAndReduceOfTheSamePoint) {
  TempDir dir("scaling");
  const auto rows = make_scaling_table(
      {run(dir, "reduce", 2, 4, 30), run(dir, "extract", 1, 4, 100), run(dir, "extract", 2, 4, 60),
       run(dir, "reduce", 4, 4, 20), run(dir, "reduce", 1, 4, 50)});
  ASSERT_EQ(rows.size(), 3u);
  const ScalingRow& both = find(rows, 2, 4);
  ASSERT_TRUE(both.extract_run && both.reduce_run);
  EXPECT_EQ(both.extract_run->source.filename(), "extract-r2-l4.json");
  EXPECT_EQ(both.reduce_run->source.filename(), "reduce-r2-l4.json");
  EXPECT_DOUBLE_EQ(both.extract.wall_seconds, 60);
  EXPECT_DOUBLE_EQ(both.reduce.wall_seconds, 30);
  EXPECT_NEAR(both.reduce.strong_efficiency, 50.0 / (2 * 30), kEps);
  EXPECT_TRUE(both.notes.empty());
  // A reduce run without an extract run still makes a row.
  const ScalingRow& reduce_only = find(rows, 4, 4);
  EXPECT_FALSE(reduce_only.extract_run.has_value());
  EXPECT_TRUE(std::isnan(reduce_only.extract.wall_seconds));
  EXPECT_TRUE(std::isnan(reduce_only.tokens_per_second));
  EXPECT_TRUE(std::isnan(reduce_only.extract.strong_efficiency));
  EXPECT_NEAR(reduce_only.reduce.strong_efficiency, 50.0 / (4 * 20), kEps);
  EXPECT_TRUE(reduce_only.extract.phases.empty());
  EXPECT_EQ(reduce_only.reduce.phases.size(), 5u);
  // Strong extract at L=4 uses the extract rows only: base R=1.
  EXPECT_NEAR(both.extract.strong_efficiency, 100.0 / (2 * 60), kEps);
}

TEST(ScalingTable, LaterFileWinsAndIsNoted) {
  TempDir dir("scaling");
  const RunMetrics first = as_run(dir, "a.json", metrics_json("extract", 2, 4, 80));
  const RunMetrics second = as_run(dir, "b.json", metrics_json("extract", 2, 4, 60));
  const auto rows = make_scaling_table({first, second});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_DOUBLE_EQ(rows[0].extract.wall_seconds, 60);
  ASSERT_EQ(rows[0].notes.size(), 1u);
  EXPECT_NE(rows[0].notes[0].find("b.json replaces a.json"), std::string::npos) << rows[0].notes[0];
  // A single row: no base other than itself.
  EXPECT_TRUE(std::isnan(rows[0].extract.strong_efficiency));
  EXPECT_TRUE(std::isnan(rows[0].extract.weak_efficiency));
}

TEST(ScalingTable, ThroughputBandwidthAndPhaseMaxima) {
  TempDir dir("scaling");
  json doc = metrics_json("extract", 2, 4, 4.0);
  doc["tokens"] = 1000;
  doc["bytes_written"] = 300000000;
  doc["per_rank"][0]["seconds"]["write"] = 1.5;
  doc["per_rank"][1]["seconds"]["write"] = 2.0;
  doc["per_rank"][0]["seconds"]["forward"] = 7.1;
  doc["per_rank"][1]["seconds"]["forward"] = 8.0;
  const auto rows = make_scaling_table({as_run(dir, "e.json", doc)});
  const ScalingRow& r = rows.at(0);
  EXPECT_DOUBLE_EQ(r.tokens, 1000);
  EXPECT_NEAR(r.tokens_per_second, 250, kEps);            // 1000 / 4
  EXPECT_NEAR(r.tokens_per_second_per_rank, 125, kEps);   // / 2 ranks
  EXPECT_NEAR(r.extract.write_mb_per_second, 150, kEps);  // 300 MB / max(1.5, 2.0) s
  EXPECT_DOUBLE_EQ(r.extract.phase("forward"), 8.0);
  EXPECT_DOUBLE_EQ(r.extract.phase("load"), 1.0);
  EXPECT_TRUE(std::isnan(r.extract.phase("no-such-phase")));
  EXPECT_DOUBLE_EQ(r.extract.bytes_written, 300000000);
  ASSERT_EQ(r.extract.phases.size(), 6u);
  EXPECT_EQ(r.extract.phases[2].name, "forward");
}

TEST(ScalingTable, BandwidthIsNanWithoutAWritePhaseOrWriteTime) {
  TempDir dir("scaling");
  json no_write = metrics_json("extract", 1, 2, 4.0);
  no_write["phases"] = {"load", "forward"};
  json zero = metrics_json("extract", 1, 3, 4.0);
  zero["per_rank"][0]["seconds"]["write"] = 0.0;
  const auto rows =
      make_scaling_table({as_run(dir, "a.json", no_write), as_run(dir, "b.json", zero)});
  EXPECT_TRUE(std::isnan(find(rows, 1, 2).extract.write_mb_per_second));
  EXPECT_TRUE(std::isnan(find(rows, 1, 3).extract.write_mb_per_second));
  EXPECT_TRUE(std::isnan(find(rows, 1, 2).reduce.write_mb_per_second));
}

TEST(ScalingTable, ImbalanceAndPeakMemory) {
  TempDir dir("scaling");
  json doc = metrics_json("extract", 3, 6, 10);
  const double busy[] = {2, 4, 6}, finish[] = {9, 10, 11};
  for (int r = 0; r < 3; ++r) {
    doc["per_rank"][r]["busy_seconds"] = busy[r];
    doc["per_rank"][r]["finish_seconds"] = finish[r];
  }
  doc["per_rank"][0]["peak_rss_bytes"] = 100 * 1048576;
  doc["per_rank"][1]["peak_rss_bytes"] = 300 * 1048576;
  doc["per_rank"][2].erase("peak_rss_bytes");  // counted over the ranks that report it
  json single = metrics_json("extract", 1, 6, 30);
  single["per_rank"][0].erase("peak_rss_bytes");
  const auto rows = make_scaling_table({as_run(dir, "a.json", doc), as_run(dir, "b.json", single)});
  const ScalingRow& three = find(rows, 3, 6);
  EXPECT_NEAR(three.extract.busy_imbalance, 6.0 / 4 - 1, kEps);      // 0.5
  EXPECT_NEAR(three.extract.finish_imbalance, 11.0 / 10 - 1, kEps);  // 0.1
  EXPECT_NEAR(three.extract.peak_rss_max_mib, 300, kEps);
  EXPECT_NEAR(three.extract.peak_rss_mean_mib, 200, kEps);
  const ScalingRow& one = find(rows, 1, 6);
  EXPECT_EQ(one.extract.busy_imbalance, 0);
  EXPECT_EQ(one.extract.finish_imbalance, 0);
  EXPECT_TRUE(std::isnan(one.extract.peak_rss_max_mib));
  EXPECT_NEAR(three.extract.strong_efficiency, 30.0 / (3 * 10), kEps);
}

TEST(ScalingTable, PhaseUnionKeepsFirstAppearanceOrder) {
  TempDir dir("scaling");
  json a = metrics_json("extract", 1, 2, 4.0);
  a["phases"] = {"load", "forward"};
  json b = metrics_json("extract", 2, 2, 4.0);
  b["phases"] = {"load", "tokenize", "forward", "write"};
  const auto rows = make_scaling_table({as_run(dir, "a.json", a), as_run(dir, "b.json", b)});
  EXPECT_EQ(phase_union(rows, RunCommand::extract),
            (std::vector<std::string>{"load", "forward", "tokenize", "write"}));
  EXPECT_TRUE(phase_union(rows, RunCommand::reduce).empty());
  EXPECT_TRUE(make_scaling_table({}).empty());
}

}  // namespace
