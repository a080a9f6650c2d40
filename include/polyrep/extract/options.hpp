#pragma once
/// Everything `polyrep extract` can be asked to do, with the defaults users get when they do not
/// say. The CLI fills it from flags (or a config file); tests and other tools fill it directly.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "polyrep/corpus/corpus.hpp"
#include "polyrep/extract/attention_maps.hpp"
#include "polyrep/extract/plan.hpp"
#include "polyrep/model/device.hpp"
#include "polyrep/model/precision.hpp"

namespace polyrep::extract {

/// How the /hidden datasets are stored (--dtype).
enum class StorageType { float32, float16 };
/// Whether window k is written on a second thread while k+1 is computed (--overlap).
enum class Overlap { automatic, on, off };

std::string to_string(StorageType type);   // "float32" | "float16"
std::string to_string(Overlap overlap);    // "auto" | "on" | "off"
/// The CLI spellings, parsed once at the boundary.
const std::map<std::string, StorageType>& storage_type_names();
const std::map<std::string, Overlap>& overlap_names();

struct ExtractOptions {
  std::filesystem::path model_dir;
  std::vector<std::filesystem::path> adapters;  // --adapter: PEFT adapters merged in order
  corpus::CorpusOptions corpus;
  std::optional<std::int64_t> sample;   // sentences per language; nullopt = all
  std::uint64_t seed = 0;
  std::filesystem::path out;
  bool overwrite = false;
  bool resume = false;                  // --resume: continue OUT.partial (extract/resume.hpp)
  double checkpoint_seconds = 60;       // windows are recorded as durably written at most this often;
                                        // 0 = after every round (extract/checkpoint.hpp)
  StorageType dtype = StorageType::float32;
  std::string pooling = "mean";         // comma list of mean, cls, first, last, max
  std::string layers = "all";           // all | comma list of hidden-state indices
  std::int64_t max_tokens = 0;          // 0 = the model's limit
  AttentionMode attention = AttentionMode::none;  // --attention: store head-averaged maps
  std::int64_t attention_sentences = 0; // --attention-sentences: maps for the first N sentences of
                                        // each language; 0 = all
  PlanOptions plan;
  model::DeviceRequest device = model::DeviceRequest::automatic;
  model::Precision precision = model::Precision::float32;  // --precision: the forward's arithmetic
  int threads = 0;                      // intra-op threads per rank; 0 = this rank's share of cores
                                        // (mpi/placement.hpp)
  double progress_seconds = 10.0;       // rank 0 reports at most this often
  Overlap overlap = Overlap::automatic;  // automatic: on for cuda, where the CPU is idle
  std::string command_line;             // recorded in the file
  std::filesystem::path metrics;        // --metrics: per-rank phase times as JSON; empty = none
};

struct ExtractSummary {
  std::filesystem::path path;
  std::int64_t sentences = 0;
  std::int64_t tokens = 0;
  std::int64_t truncated = 0;
  double seconds = 0.0;                 // whole run, load included
  double extract_seconds = 0.0;         // forward + write rounds only
  std::int64_t bytes_written = 0;       // hidden-state bytes
  bool all_writes_collective = true;    // HDF5 never fell back to independent I/O
  std::int64_t ranks_without_work = 0;
  std::int64_t peak_rss_bytes = 0;      // largest peak resident set over the ranks
};

}  // namespace polyrep::extract
