#pragma once
/// The prepare stage of an extraction: what every rank holds before any sentence is counted —
/// the tokenizer and model, the opened corpus and its sample, the parsed layer and pooling
/// choices, and the checked output path. All checks are agreed across ranks, so a bad model file
/// or flag yields one error on every rank before any collective I/O starts.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

#include "polyrep/corpus/corpus.hpp"
#include "polyrep/extract/options.hpp"
#include "polyrep/extract/selection.hpp"
#include "polyrep/model/encoder.hpp"
#include "polyrep/mpi/placement.hpp"
#include "polyrep/tokenizer/tokenizer.hpp"

namespace polyrep::mpi {
class Comm;
}

namespace polyrep::extract {

struct Setup {
  std::unique_ptr<tokenizer::Tokenizer> tokenizer;
  std::unique_ptr<model::Encoder> encoder;
  std::string adapters;               // model/adapter_record.hpp: what --adapter merged ("[]": none)
  std::unique_ptr<corpus::Corpus> corpus;
  std::vector<std::int64_t> sample;   // sorted line indices, the same in every language
  std::vector<int> layers;
  std::vector<Pooling> poolings;
  std::size_t max_tokens = 0;         // resolved: never 0
  int threads = 1;                    // intra-op threads of this rank (resolved: never 0)
  mpi::Placement placement;           // where this rank may run (its CPUs, its share of cores)
  bool float16 = false;               // --dtype float16
  bool attention = false;             // --attention mean
  std::int64_t attention_sentences = 0;  // per language; 0 = all
  int cuda_ordinal = 0;               // the GPU of this rank (model/cuda_devices.hpp), when on cuda
  bool overlap = false;               // --overlap resolved for the device and MPI's thread level
  PlanOptions plan;                   // --batch-tokens etc. as given (0 = chosen per job)
  double progress_seconds = 10;
  std::filesystem::path partial;      // where the file is written until complete
  std::filesystem::path journal;      // windows durably written (checkpoint.hpp)
  double checkpoint_seconds = 60;     // a round's windows are recorded at most this often (0 = every round)

  std::int64_t total_sentences() const {
    return static_cast<std::int64_t>(sample.size() * corpus->languages().size());
  }
};

Setup prepare(const ExtractOptions& options, const mpi::Comm& comm);

/// Refuses an existing --out without --overwrite (or --resume, which finds it complete), a missing
/// or unwritable directory, a directory given as --out; then what an earlier run left beside it
/// (resume.hpp, check_partial_output). Run on one rank.
void check_output_path(const std::filesystem::path& out, bool overwrite, bool resume = false);

/// Intra-op threads per rank: --threads when given, else this rank's fair share of the cores it
/// may run on (mpi/placement.hpp). Never 0.
int resolve_threads(int requested, const mpi::Placement& placement);

/// Whether windows are written on a second thread: --overlap on/off as asked; automatic turns it
/// on for cuda (the CPU idles during the forward) and on a CPU only when the rank has a core
/// beyond its compute threads (else the writer competes with them: measured no gain on 2 cores).
/// Off when MPI grants no MPI_THREAD_SERIALIZED.
bool resolve_overlap(Overlap requested, model::Device device, bool spare_core, bool mpi_serialized);

/// One line per rank: where it runs and with how many threads ("rank 1 on node7: CPUs 2-3
/// (2 cores), 2 threads"), and whether it runs more threads than it has cores.
std::string placement_line(int rank, const std::string& host, const mpi::Placement& placement, int threads);
bool oversubscribed(const mpi::Placement& placement, int threads);

}  // namespace polyrep::extract
