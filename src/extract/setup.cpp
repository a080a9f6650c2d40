#include "polyrep/extract/setup.hpp"

#include <unistd.h>

#include <algorithm>
#include <thread>

#include "polyrep/core/error.hpp"
#include "polyrep/core/log.hpp"
#include "polyrep/corpus/sample.hpp"
#include "polyrep/extract/finalize.hpp"
#include "polyrep/mpi/agree.hpp"
#include "polyrep/mpi/comm.hpp"

namespace polyrep::extract {
namespace fs = std::filesystem;

void check_output_path(const fs::path& out, bool overwrite) {
  if (out.empty()) throw UsageError("--out: no output file given");
  std::error_code ec;
  if (fs::is_directory(out, ec)) throw UsageError("--out: '" + out.string() + "' is a directory");
  if (fs::exists(out, ec) && !overwrite) {
    throw UsageError("--out: '" + out.string() + "' already exists (pass --overwrite to replace it)");
  }
  fs::path dir = out.parent_path().empty() ? fs::path(".") : out.parent_path();
  if (!fs::is_directory(dir, ec)) {
    throw UsageError("--out: directory '" + dir.string() + "' does not exist");
  }
  if (::access(dir.c_str(), W_OK) != 0) {
    throw IoError("--out: cannot write into directory '" + dir.string() + "'");
  }
  const fs::path partial = partial_path(out);
  if (fs::exists(partial, ec)) {
    log::warn("removing '" + partial.string() + "' left by an earlier, unfinished run");
    fs::remove(partial, ec);
  }
}

int default_threads(const mpi::Comm& comm) {
  const mpi::Comm node = comm.split_shared();
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  return std::max(1, static_cast<int>(cores) / std::max(1, node.size()));
}

namespace {

void load_model(const ExtractOptions& options, Setup& setup) {
  try {
    model::EncoderOptions encoder_options;
    encoder_options.device = options.device;
    encoder_options.threads = setup.threads;
    setup.encoder = model::load_encoder(options.model_dir, encoder_options);
    setup.tokenizer = tokenizer::load_tokenizer(options.model_dir, {setup.encoder->config().model_type});
  } catch (...) {
    rethrow_with_context("--model " + options.model_dir.string());
  }
  const auto& config = setup.encoder->config();
  const auto limit = static_cast<std::size_t>(config.max_sequence_length());
  if (options.max_tokens < 0) throw UsageError("--max-tokens must not be negative");
  if (options.max_tokens == 1 || static_cast<std::size_t>(options.max_tokens) > limit) {
    throw UsageError("--max-tokens " + std::to_string(options.max_tokens) +
                     ": must be between 2 and the model's limit of " + std::to_string(limit));
  }
  setup.max_tokens = options.max_tokens > 0 ? static_cast<std::size_t>(options.max_tokens) : limit;
  setup.layers = parse_layers(options.layers, config.num_layers + 1);
  setup.poolings = parse_poolings(options.pooling);
}

}  // namespace

Setup prepare(const ExtractOptions& options, const mpi::Comm& comm) {
  mpi::on_root(comm, [&] { check_output_path(options.out, options.overwrite); });
  Setup setup;
  setup.threads = options.threads > 0 ? options.threads : default_threads(comm);
  mpi::agree(comm, [&] {
    if (options.dtype != "float32" && options.dtype != "float16") {
      throw UsageError("--dtype: expected float32 or float16, got '" + options.dtype + "'");
    }
    load_model(options, setup);
    setup.corpus = std::make_unique<corpus::Corpus>(corpus::Corpus::open(options.corpus));
    setup.sample = corpus::sample_corpus(*setup.corpus, {options.sample, options.seed});
  });
  setup.partial = partial_path(options.out);
  if (comm.is_root()) {
    const auto& config = setup.encoder->config();
    log::info("model " + config.model_type + " (" + std::to_string(config.num_layers) + " layers, hidden " +
              std::to_string(config.hidden_size) + ") on " + setup.encoder->device() + ", " +
              std::to_string(setup.threads) + " thread(s) per rank; " + setup.tokenizer->kind() +
              " tokenizer");
  }
  return setup;
}

}  // namespace polyrep::extract
