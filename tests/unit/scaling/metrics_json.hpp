#pragma once
// Test helpers: valid polyrep-metrics-1 documents with round numbers, for tests to edit with the
// json API and write into a TempDir. Per rank, every phase takes 1 s unless a test sets it.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "polyrep/scaling/run_metrics_file.hpp"
#include "temp_dir.hpp"

namespace polyrep::scaling::test {

using nlohmann::json;

inline json metrics_json(const std::string& command, int ranks, int languages, double wall) {
  const bool extract = command == "extract";
  json doc = {{"format", "polyrep-metrics-1"},
              {"command", command},
              {"polyrep_version", "0.3.0"},
              {"ranks", ranks},
              {"threads_per_rank", 1},
              {"hosts", 1},
              {"device", "cpu"},
              {"languages", languages},
              {"wall_seconds", wall}};
  const std::vector<std::string> phases =
      extract ? std::vector<std::string>{"load", "tokenize", "forward", "wait", "write", "finalize"}
              : std::vector<std::string>{"open", "pca", "token_types", "tsne", "commit"};
  doc["phases"] = phases;
  if (extract) {
    doc["sentences"] = 40 * languages;
    doc["tokens"] = 1000 * languages;
    doc["bytes_written"] = 1000000 * languages;
  }
  json per_rank = json::array();
  for (int r = 0; r < ranks; ++r) {
    json rank = {{"rank", r},
                 {"host", "node1"},
                 {"busy_seconds", 2.0},
                 {"finish_seconds", 3.0},
                 {"peak_rss_bytes", 100 * 1048576}};
    for (const std::string& p : phases) rank["seconds"][p] = 1.0;
    if (extract) {
      rank["tokens"] = 1000 * languages / ranks;
      rank["sentences"] = 40 * languages / ranks;
    } else {
      rank["rows"] = 500;
      rank["tsne_jobs"] = 1;
    }
    per_rank.push_back(rank);
  }
  doc["per_rank"] = per_rank;
  return doc;
}

inline std::filesystem::path write_json(const polyrep::test::TempDir& dir, const std::string& name,
                                        const json& doc) {
  return dir.write(name, doc.dump(2));
}

/// Loads what `doc` becomes once written to a file of that name.
inline RunMetrics as_run(const polyrep::test::TempDir& dir, const std::string& name,
                         const json& doc) {
  return load_run_metrics(write_json(dir, name, doc));
}

}  // namespace polyrep::scaling::test
