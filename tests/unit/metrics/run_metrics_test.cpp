#include "polyrep/metrics/run_metrics.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "polyrep/core/error.hpp"
#include "temp_dir.hpp"

namespace {

using nlohmann::json;
namespace metrics = polyrep::metrics;

metrics::RankMetrics rank_with(double load, double forward, std::int64_t bytes) {
  metrics::RankMetrics m;
  m.seconds = {load, forward};
  m.busy_seconds = forward;
  m.finish_seconds = load + forward;
  m.counters = {{"tokens", 100}, {"bytes_written", bytes}};
  return m;
}

TEST(RunMetrics, RankPartNamesEveryPhaseAndCounter) {
  const json doc = json::parse(metrics::rank_metrics_json(3, "node7", rank_with(1.5, 2.25, 4096), {"load", "forward"}));
  EXPECT_EQ(doc["rank"], 3);
  EXPECT_EQ(doc["host"], "node7");
  EXPECT_EQ(doc["seconds"]["load"], 1.5);
  EXPECT_EQ(doc["seconds"]["forward"], 2.25);
  EXPECT_EQ(doc["busy_seconds"], 2.25);
  EXPECT_EQ(doc["finish_seconds"], 3.75);
  EXPECT_EQ(doc["tokens"], 100);
  EXPECT_EQ(doc["bytes_written"], 4096);
}

TEST(RunMetrics, PhaseCountMismatchIsAProgrammingError) {
  EXPECT_THROW(metrics::rank_metrics_json(0, "h", rank_with(1, 2, 0), {"load"}), std::invalid_argument);
}

TEST(RunMetrics, DocumentSumsBytesAndCountsDistinctHosts) {
  metrics::RunInfo run;
  run.command = "extract";
  run.threads_per_rank = 4;
  run.languages = 204;
  run.sentences = 8160;
  run.tokens = 300000;
  run.wall_seconds = 12.5;
  run.phases = {"load", "forward"};
  const std::vector<std::string> parts{
      metrics::rank_metrics_json(0, "a", rank_with(1, 2, 1000), run.phases),
      metrics::rank_metrics_json(1, "a", rank_with(1, 3, 2000), run.phases),
      metrics::rank_metrics_json(2, "b", rank_with(1, 4, 30), run.phases)};
  const json doc = json::parse(metrics::run_metrics_json(run, parts));
  EXPECT_EQ(doc["format"], "polyrep-metrics-1");
  EXPECT_EQ(doc["command"], "extract");
  EXPECT_EQ(doc["ranks"], 3);
  EXPECT_EQ(doc["hosts"], 2);
  EXPECT_EQ(doc["bytes_written"], 3030);
  EXPECT_EQ(doc["languages"], 204);
  EXPECT_EQ(doc["tokens"], 300000);
  EXPECT_EQ(doc["wall_seconds"], 12.5);
  EXPECT_EQ(doc["threads_per_rank"], 4);
  EXPECT_EQ(doc["phases"], json({"load", "forward"}));
  ASSERT_EQ(doc["per_rank"].size(), 3u);
  EXPECT_EQ(doc["per_rank"][2]["seconds"]["forward"], 4);
}

TEST(RunMetrics, PeakMemoryIsThatOfALiveProcess) {
  const std::int64_t rss = metrics::peak_rss_bytes();
  EXPECT_GT(rss, 1 << 20);        // a process linking libtorch is far above 1 MiB
  EXPECT_LT(rss, std::int64_t{1} << 40);
}

TEST(RunMetrics, MissingDirectoryIsRefusedUpFront) {
  polyrep::test::TempDir dir("metrics");
  EXPECT_NO_THROW(metrics::check_metrics_path(dir / "m.json"));
  EXPECT_NO_THROW(metrics::check_metrics_path(""));
  try {
    metrics::check_metrics_path(dir / "nope" / "m.json", "--metrics");
    FAIL() << "expected UsageError";
  } catch (const polyrep::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("--metrics"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("nope"), std::string::npos);
  }
}

}  // namespace
