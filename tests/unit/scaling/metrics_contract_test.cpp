// The contract between the writer (polyrep::metrics, used by extract and reduce --metrics) and
// this reader: a document the writer makes must load, with the numbers it was given.
#include <gtest/gtest.h>

#include "polyrep/metrics/run_metrics.hpp"
#include "polyrep/scaling/run_metrics_file.hpp"
#include "polyrep/scaling/scaling_table.hpp"
#include "temp_dir.hpp"

namespace {

using polyrep::scaling::load_run_metrics;
using polyrep::scaling::make_scaling_table;
using polyrep::scaling::RunCommand;
using polyrep::scaling::RunMetrics;
using polyrep::test::TempDir;
namespace metrics = polyrep::metrics;

TEST(MetricsContract, WriterDocumentLoads) {
  metrics::RunInfo info;
  info.command = "extract";
  info.threads_per_rank = 2;
  info.languages = 4;
  info.sentences = 160;
  info.tokens = 6000;
  info.wall_seconds = 12.5;
  info.phases = {"load", "tokenize", "forward", "wait", "write", "finalize"};
  std::vector<std::string> ranks;
  for (int r = 0; r < 2; ++r) {
    metrics::RankMetrics mine;
    mine.seconds = {1.0, 0.5, 7.0 + r, 0.25, 1.5 + r, 0.125};
    mine.busy_seconds = 7.5 + r;
    mine.finish_seconds = 10.0 + r;
    mine.counters = {{"tokens", 3000}, {"bytes_written", 60000000}, {"peak_rss_bytes", 1 << 28}};
    ranks.push_back(metrics::rank_metrics_json(r, "node" + std::to_string(r), mine, info.phases));
  }
  TempDir dir("scaling");
  const RunMetrics run =
      load_run_metrics(dir.write("extract-r2-l4.json", metrics::run_metrics_json(info, ranks)));
  EXPECT_EQ(run.command, RunCommand::extract);
  EXPECT_EQ(run.ranks, 2);
  EXPECT_EQ(run.hosts, 2);
  EXPECT_EQ(run.threads_per_rank, 2);
  EXPECT_EQ(run.languages, 4);
  EXPECT_EQ(run.tokens, 6000);
  EXPECT_EQ(run.bytes_written, 120000000);  // the writer sums the ranks' counters
  EXPECT_EQ(run.phases, info.phases);
  ASSERT_EQ(run.per_rank.size(), 2u);
  EXPECT_EQ(run.per_rank[1].host, "node1");
  EXPECT_EQ(run.per_rank[1].seconds[2], 8.0);
  EXPECT_EQ(run.per_rank[1].peak_rss_bytes, 1 << 28);

  const auto rows = make_scaling_table({run});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_DOUBLE_EQ(rows[0].extract.write_mb_per_second, 120.0 / 2.5);  // max write is 2.5 s
  EXPECT_DOUBLE_EQ(rows[0].extract.busy_imbalance, 8.5 / 8.0 - 1);
  EXPECT_DOUBLE_EQ(rows[0].tokens_per_second_per_rank, 6000 / 12.5 / 2);
}

}  // namespace
