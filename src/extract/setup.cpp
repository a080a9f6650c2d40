#include "polyrep/extract/setup.hpp"

#include <mpi.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "polyrep/core/error.hpp"
#include "polyrep/core/log.hpp"
#include "polyrep/corpus/sample.hpp"
#include "polyrep/extract/finalize.hpp"
#include "polyrep/extract/resume.hpp"
#include "polyrep/metrics/run_metrics.hpp"
#include "polyrep/model/adapter_record.hpp"
#include "polyrep/model/cuda_devices.hpp"
#include "polyrep/mpi/agree.hpp"
#include "polyrep/mpi/comm.hpp"
#include "polyrep/mpi/environment.hpp"

namespace polyrep::extract {
namespace fs = std::filesystem;

void check_output_path(const fs::path& out, bool overwrite, bool resume) {
  if (out.empty()) throw UsageError("--out: no output file given");
  std::error_code ec;
  if (fs::is_directory(out, ec)) throw UsageError("--out: '" + out.string() + "' is a directory");
  if (fs::exists(out, ec) && !overwrite && !resume) {
    throw UsageError("--out: '" + out.string() + "' already exists (pass --overwrite to replace it)");
  }
  fs::path dir = out.parent_path().empty() ? fs::path(".") : out.parent_path();
  if (!fs::is_directory(dir, ec)) {
    throw UsageError("--out: directory '" + dir.string() + "' does not exist");
  }
  if (::access(dir.c_str(), W_OK) != 0) {
    throw IoError("--out: cannot write into directory '" + dir.string() + "'");
  }
  check_partial_output(out, overwrite, resume);
}

int resolve_threads(int requested, const mpi::Placement& placement) {
  return requested > 0 ? requested : placement.default_threads;
}

bool resolve_overlap(Overlap requested, model::Device device, bool spare_core, bool mpi_serialized) {
  const bool automatic = device == model::Device::cuda || spare_core;
  return mpi_serialized && (requested == Overlap::on || (requested == Overlap::automatic && automatic));
}

bool oversubscribed(const mpi::Placement& placement, int threads) {
  return threads > std::max(1, static_cast<int>(std::floor(placement.cores + 1e-9)));
}

std::string placement_line(int rank, const std::string& host, const mpi::Placement& placement, int threads) {
  char cores[32];
  std::snprintf(cores, sizeof cores, "%.3g", placement.cores);
  return "rank " + std::to_string(rank) + " on " + host + ": CPUs " + mpi::format_cpu_list(placement.cpus) +
         " (" + cores + " core" + (placement.cores == 1.0 ? "" : "s") + " of its own), " +
         std::to_string(threads) + " thread" + (threads == 1 ? "" : "s");
}

namespace {

void load_model(const ExtractOptions& options, Setup& setup) {
  try {
    model::EncoderOptions encoder_options;
    encoder_options.device = options.device;
    encoder_options.cuda_ordinal = setup.cuda_ordinal;
    encoder_options.precision = options.precision;
    encoder_options.threads = setup.threads;
    encoder_options.adapters = options.adapters;
    setup.encoder = model::load_encoder(options.model_dir, encoder_options);
    setup.adapters = model::adapters_record(options.adapters);
    setup.tokenizer = tokenizer::load_tokenizer(options.model_dir, {setup.encoder->config().model_type});
  } catch (...) {
    rethrow_with_context("--model " + options.model_dir.string());
  }
  const auto& config = setup.encoder->config();
  const auto limit = static_cast<std::size_t>(config.max_sequence_length());
  const std::size_t specials = setup.tokenizer->encode("").ids.size();  // the template alone
  setup.max_tokens = resolve_max_tokens(options.max_tokens, specials, limit);
  setup.layers = parse_layers(options.layers, config.num_layers + 1);
  setup.poolings = parse_poolings(options.pooling);
}

}  // namespace

namespace {

// Every rank's placement on rank 0's log (the launchers' tests read it), and one warning naming
// the ranks whose threads outnumber their cores, with the launch that fixes it.
void report_placement(const Setup& setup, const mpi::Comm& comm) {
  const bool crowded = oversubscribed(setup.placement, setup.threads);
  const std::vector<std::string> lines =
      comm.allgather(std::string(crowded ? "!" : " ") +
                     placement_line(comm.rank(), metrics::host_name(), setup.placement, setup.threads));
  if (!comm.is_root()) return;
  std::string crowded_ranks;
  for (std::size_t r = 0; r < lines.size(); ++r) {
    (lines.size() <= 16 ? log::info : log::debug)("placement: " + lines[r].substr(1));
    if (lines[r][0] == '!') crowded_ranks += (crowded_ranks.empty() ? "" : ",") + std::to_string(r);
  }
  if (lines.size() > 16) log::info("placement: " + lines[0].substr(1) + " (all ranks with -v)");
  if (!crowded_ranks.empty()) {
    const std::string t = std::to_string(setup.threads);
    log::warn("rank(s) " + crowded_ranks + " run " + t + " threads on fewer cores of their own, so threads " +
              "share cores; give each rank " + t + " cores: mpirun --map-by slot:PE=" + t +
              " (Open MPI 4; slot:pe=" + t + " in 5), srun --cpus-per-task=" + t +
              ", or mpirun --bind-to none; or lower --threads");
  }
}

}  // namespace

namespace {

// The GPU of this rank: its node-local rank modulo the devices it sees (one, when the launcher
// narrowed CUDA_VISIBLE_DEVICES per rank). Logged once when the ranks of a node must share.
int choose_gpu(const mpi::Comm& node, const mpi::Comm& comm) {
  const int devices = model::cuda_device_count();
  const std::string note = model::sharing_note(node.size(), devices);
  if (comm.is_root() && !note.empty()) log::warn(note);
  return model::device_for_local_rank(node.rank(), devices);
}

}  // namespace

Setup prepare(const ExtractOptions& options, const mpi::Comm& comm) {
  mpi::on_root(comm, [&] { check_output_path(options.out, options.overwrite, options.resume); });
  Setup setup;
  setup.placement = mpi::process_placement();
  setup.threads = resolve_threads(options.threads, setup.placement);
  setup.float16 = options.dtype == StorageType::float16;
  setup.attention = options.attention == AttentionMode::mean;
  setup.attention_sentences = options.attention_sentences;
  setup.plan = options.plan;
  setup.progress_seconds = options.progress_seconds;
  const mpi::Comm node = comm.split_shared();  // collective: before any rank can throw
  mpi::agree(comm, [&] {
    // Flags first: a bad value should not wait for the model to load.
    validate(options.plan);
    if (!(options.checkpoint_seconds >= 0)) throw UsageError("--checkpoint-seconds must not be negative");
    if (options.attention_sentences < 0) throw UsageError("--attention-sentences must not be negative");
    if (options.attention_sentences > 0 && options.attention == AttentionMode::none)
      throw UsageError("--attention-sentences " + std::to_string(options.attention_sentences) +
                       " needs --attention mean (maps are stored only when asked for)");
    check_language_list(options.corpus.languages);
    parse_poolings(options.pooling);
    const model::Device device = model::resolve_device(options.device);
    model::check_precision_supported(options.precision, device);
    if (device == model::Device::cuda) setup.cuda_ordinal = choose_gpu(node, comm);
    load_model(options, setup);
    setup.corpus = std::make_unique<corpus::Corpus>(corpus::Corpus::open(options.corpus));
    setup.sample = corpus::sample_corpus(*setup.corpus, {options.sample, options.seed});
  });
  const bool serialized = mpi::query_thread_level() >= MPI_THREAD_SERIALIZED;
  const bool spare_core = setup.placement.cores >= setup.threads + 1;
  setup.overlap = resolve_overlap(options.overlap, setup.encoder->device(), spare_core, serialized);
  if (comm.is_root() && !serialized && options.overlap == Overlap::on) {
    log::warn("MPI grants no MPI_THREAD_SERIALIZED: windows are computed and written in turn");
  }
  setup.partial = partial_path(options.out);
  setup.journal = resume_paths(options.out).journal;
  setup.checkpoint_seconds = options.checkpoint_seconds;
  report_placement(setup, comm);
  if (comm.is_root()) {
    const auto& config = setup.encoder->config();
    log::info("model " + config.model_type + " (" + std::to_string(config.num_layers) + " layers, hidden " +
              std::to_string(config.hidden_size) + ") on " + model::to_string(setup.encoder->device()) +
              (setup.encoder->device() == model::Device::cuda ? ":" + std::to_string(setup.cuda_ordinal) : "") +
              " in " + model::to_string(options.precision) + "; " + setup.tokenizer->kind() + " tokenizer");
  }
  return setup;
}

}  // namespace polyrep::extract
