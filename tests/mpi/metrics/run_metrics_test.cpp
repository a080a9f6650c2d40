#include "polyrep/metrics/run_metrics.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "polyrep/mpi/comm.hpp"
#include "temp_dir.hpp"

namespace {

using nlohmann::json;
namespace metrics = polyrep::metrics;
namespace mpi = polyrep::mpi;

TEST(RunMetricsMpi, RankZeroWritesEveryRanksNumbers) {
  const mpi::Comm world = mpi::Comm::world();
  std::unique_ptr<polyrep::test::TempDir> dir;
  std::string path;
  if (world.is_root()) {
    dir = std::make_unique<polyrep::test::TempDir>("metrics-mpi");
    path = (*dir / "run.json").string();
  }
  world.broadcast(path);
  metrics::RunInfo run;
  run.command = "reduce";
  run.phases = {"open", "pca"};
  metrics::RankMetrics mine;
  mine.seconds = {0.5, 1.0 + world.rank()};
  mine.busy_seconds = 1.0 + world.rank();
  mine.counters = {{"bytes_written", 10 * (world.rank() + 1)}, {"tsne_jobs", world.rank()}};
  metrics::write_run_metrics(path, run, mine, world);
  if (world.is_root()) {
    std::ifstream in(path);
    const json doc = json::parse(in);
    const int n = world.size();
    EXPECT_EQ(doc["ranks"], n);
    EXPECT_EQ(doc["hosts"], 1);
    EXPECT_EQ(doc["bytes_written"], 10 * n * (n + 1) / 2);
    ASSERT_EQ(doc["per_rank"].size(), static_cast<std::size_t>(n));
    for (int r = 0; r < n; ++r) {
      const json& one = doc["per_rank"][static_cast<std::size_t>(r)];
      EXPECT_EQ(one["rank"], r);
      EXPECT_EQ(one["seconds"]["pca"], 1.0 + r);
      EXPECT_EQ(one["tsne_jobs"], r);
      EXPECT_GT(one["peak_rss_bytes"].get<std::int64_t>(), 1 << 20);
    }
    EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  }
  world.barrier();
}

}  // namespace
