#include "polyrep/scaling/run_metrics_file.hpp"

#include <gtest/gtest.h>

#include <string>

#include "metrics_json.hpp"
#include "polyrep/core/error.hpp"

namespace {

namespace fs = std::filesystem;
using polyrep::InputError;
using polyrep::scaling::load_run_metrics;
using polyrep::scaling::load_run_metrics_dir;
using polyrep::scaling::RunCommand;
using polyrep::scaling::RunMetrics;
using polyrep::scaling::test::json;
using polyrep::scaling::test::metrics_json;
using polyrep::scaling::test::write_json;
using polyrep::test::TempDir;

// The InputError message of loading `doc` from "bad.json"; fails the test when none is thrown.
std::string load_error(const TempDir& dir, const json& doc) {
  const fs::path file = write_json(dir, "bad.json", doc);
  try {
    load_run_metrics(file);
  } catch (const InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no InputError for " << doc.dump();
  return "";
}

void expect_names(const std::string& message, const std::string& field) {
  EXPECT_NE(message.find("bad.json"), std::string::npos) << message;
  EXPECT_NE(message.find("'" + field + "'"), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
}

TEST(RunMetricsFile, ReadsEveryFieldWithSecondsInPhaseOrder) {
  TempDir dir("scaling");
  json doc = metrics_json("extract", 2, 4, 12.5);
  doc["phases"] = {"write", "load"};  // not the order of the "seconds" objects' keys
  for (json& rank : doc["per_rank"]) rank["seconds"] = {{"load", 1.25}, {"write", 0.5}};
  doc["per_rank"][1]["seconds"]["write"] = 0.75;
  doc["per_rank"][1]["peak_rss_bytes"] = 270000000;
  doc["per_rank"][1]["bytes_written"] = 60000000;
  doc["per_rank"][1].erase("host");
  doc["some_future_key"] = {{"nested", true}};
  doc["per_rank"][0]["another_future_key"] = "x";
  std::swap(doc["per_rank"][0], doc["per_rank"][1]);  // the reader sorts by rank
  const RunMetrics run = load_run_metrics(write_json(dir, "e.json", doc));

  EXPECT_EQ(run.command, RunCommand::extract);
  EXPECT_EQ(run.polyrep_version, "0.3.0");
  EXPECT_EQ(run.ranks, 2);
  EXPECT_EQ(run.threads_per_rank, 1);
  EXPECT_EQ(run.hosts, 1);
  EXPECT_EQ(run.device, "cpu");
  EXPECT_EQ(run.languages, 4);
  EXPECT_EQ(run.sentences, 160);
  EXPECT_EQ(run.tokens, 4000);
  EXPECT_EQ(run.bytes_written, 4000000);
  EXPECT_DOUBLE_EQ(run.wall_seconds, 12.5);
  EXPECT_EQ(run.phases, (std::vector<std::string>{"write", "load"}));
  EXPECT_EQ(run.source, dir / "e.json");
  ASSERT_EQ(run.per_rank.size(), 2u);
  EXPECT_EQ(run.per_rank[0].rank, 0);
  EXPECT_EQ(run.per_rank[0].host, "node1");
  EXPECT_EQ(run.per_rank[0].seconds, (std::vector<double>{0.5, 1.25}));
  EXPECT_EQ(run.per_rank[1].rank, 1);
  EXPECT_EQ(run.per_rank[1].host, "");
  EXPECT_EQ(run.per_rank[1].seconds, (std::vector<double>{0.75, 1.25}));
  EXPECT_EQ(run.per_rank[1].peak_rss_bytes, 270000000);
  EXPECT_EQ(run.per_rank[1].bytes_written, 60000000);
  EXPECT_FALSE(run.per_rank[0].bytes_written.has_value());
  EXPECT_EQ(run.per_rank[0].tokens, 2000);
  EXPECT_FALSE(run.per_rank[0].rows.has_value());
  EXPECT_DOUBLE_EQ(run.per_rank[1].busy_seconds, 2.0);
  EXPECT_DOUBLE_EQ(run.per_rank[1].finish_seconds, 3.0);
}

TEST(RunMetricsFile, ReduceRunsMayLeaveOutTotalsAndCounters) {
  TempDir dir("scaling");
  json doc = metrics_json("reduce", 3, 2, 5);
  doc["per_rank"][2].erase("rows");
  const RunMetrics run = load_run_metrics(write_json(dir, "r.json", doc));
  EXPECT_EQ(run.command, RunCommand::reduce);
  EXPECT_FALSE(run.tokens.has_value());
  EXPECT_FALSE(run.bytes_written.has_value());
  EXPECT_EQ(run.per_rank[0].rows, 500);
  EXPECT_EQ(run.per_rank[0].tsne_jobs, 1);
  EXPECT_FALSE(run.per_rank[2].rows.has_value());
  EXPECT_EQ(run.phases.size(), 5u);
}

TEST(RunMetricsFile, MissingFieldsNameFileAndField) {
  TempDir dir("scaling");
  json doc = metrics_json("extract", 2, 4, 10);
  doc.erase("wall_seconds");
  expect_names(load_error(dir, doc), "wall_seconds");

  doc = metrics_json("extract", 2, 4, 10);
  doc["per_rank"][1]["seconds"].erase("write");
  expect_names(load_error(dir, doc), "per_rank[1].seconds.write");

  doc = metrics_json("extract", 2, 4, 10);
  doc["per_rank"][0].erase("busy_seconds");
  expect_names(load_error(dir, doc), "per_rank[0].busy_seconds");

  doc = metrics_json("extract", 2, 4, 10);
  doc.erase("tokens");  // an extract run needs its token total
  expect_names(load_error(dir, doc), "tokens");

  doc = metrics_json("extract", 2, 4, 10);
  doc.erase("format");
  expect_names(load_error(dir, doc), "format");
}

TEST(RunMetricsFile, OddFieldsNameFileAndField) {
  TempDir dir("scaling");
  json doc = metrics_json("extract", 2, 4, 10);
  doc["ranks"] = "two";
  expect_names(load_error(dir, doc), "ranks");

  doc = metrics_json("extract", 2, 4, 10);
  doc["ranks"] = 3;  // but only two per_rank entries
  expect_names(load_error(dir, doc), "per_rank");

  doc = metrics_json("extract", 2, 4, 10);
  doc["per_rank"][1]["rank"] = 0;
  expect_names(load_error(dir, doc), "per_rank[1].rank");

  doc = metrics_json("extract", 2, 4, 10);
  doc["per_rank"][1]["rank"] = 2;  // outside 0..ranks-1
  expect_names(load_error(dir, doc), "per_rank[1].rank");

  doc = metrics_json("extract", 2, 4, 10);
  doc["per_rank"][0]["seconds"]["forward"] = -1.0;
  expect_names(load_error(dir, doc), "per_rank[0].seconds.forward");

  doc = metrics_json("extract", 2, 4, 10);
  doc["wall_seconds"] = 0;
  expect_names(load_error(dir, doc), "wall_seconds");

  doc = metrics_json("extract", 2, 4, 10);
  doc["command"] = "plot";
  expect_names(load_error(dir, doc), "command");

  doc = metrics_json("extract", 2, 4, 10);
  doc["format"] = "polyrep-metrics-2";
  expect_names(load_error(dir, doc), "format");

  doc = metrics_json("extract", 2, 4, 10);
  doc["phases"] = {"load", "load"};
  expect_names(load_error(dir, doc), "phases[1]");

  doc = metrics_json("extract", 2, 4, 10);
  doc["per_rank"][0]["peak_rss_bytes"] = 1.5;  // optional, but not any value
  expect_names(load_error(dir, doc), "per_rank[0].peak_rss_bytes");
}

TEST(RunMetricsFile, BadJsonNamesFileInOneLine) {
  TempDir dir("scaling");
  const fs::path file =
      dir.write("broken.json", "{\"format\": \"polyrep-metrics-1\",\n  \"ranks\": ");
  try {
    load_run_metrics(file);
    FAIL() << "no InputError";
  } catch (const InputError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("broken.json"), std::string::npos) << message;
    EXPECT_NE(message.find("JSON"), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
  EXPECT_THROW(load_run_metrics(dir / "absent.json"), InputError);
  EXPECT_THROW(load_run_metrics(dir.write("array.json", "[1, 2]")), InputError);
}

TEST(RunMetricsFile, DirectoryLoadsMetricsFilesByNameAndSkipsOthers) {
  TempDir dir("scaling");
  write_json(dir, "reduce-r1-l2.json", metrics_json("reduce", 1, 2, 3));
  write_json(dir, "extract-r2-l2.json", metrics_json("extract", 2, 2, 7));
  write_json(dir, "extract-r1-l2.json", metrics_json("extract", 1, 2, 9));
  write_json(dir, "other-tool.json", json{{"format", "something-else"}, {"x", 1}});
  write_json(dir, "no-format.json", json{{"x", 1}});
  dir.write("notes.txt", "not json at all");
  dir.write("sub/extract-r4-l2.json", metrics_json("extract", 4, 2, 5).dump());  // not recursive
  const std::vector<RunMetrics> runs = load_run_metrics_dir(dir.path());
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_EQ(runs[0].source.filename(), "extract-r1-l2.json");
  EXPECT_EQ(runs[1].source.filename(), "extract-r2-l2.json");
  EXPECT_EQ(runs[2].source.filename(), "reduce-r1-l2.json");
  EXPECT_DOUBLE_EQ(runs[0].wall_seconds, 9);
  EXPECT_EQ(runs[2].command, RunCommand::reduce);
}

TEST(RunMetricsFile, DirectoryErrors) {
  TempDir dir("scaling");
  write_json(dir, "other.json", json{{"format", "something-else"}});
  EXPECT_THROW(load_run_metrics_dir(dir.path()), InputError);  // none
  EXPECT_THROW(load_run_metrics_dir(dir / "missing"), InputError);
  EXPECT_THROW(load_run_metrics_dir(write_json(dir, "x.json", json::object())), InputError);

  TempDir newer("scaling");
  json doc = metrics_json("extract", 1, 1, 1);
  doc["format"] = "polyrep-metrics-2";
  write_json(newer, "a.json", doc);
  EXPECT_THROW(load_run_metrics_dir(newer.path()), InputError);

  TempDir broken("scaling");
  write_json(broken, "a.json", metrics_json("extract", 1, 1, 1));
  broken.write("b.json", "{\"format\": ");
  try {
    load_run_metrics_dir(broken.path());
    FAIL() << "no InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("b.json"), std::string::npos) << e.what();
  }
}

}  // namespace
