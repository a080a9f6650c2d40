// polyrep extract: flags -> ExtractOptions -> run_extract on every rank.
#include <sstream>

#include "commands.hpp"
#include "polyrep/core/error.hpp"
#include "polyrep/core/log.hpp"
#include "polyrep/core/stop.hpp"
#include "polyrep/extract/extractor.hpp"
#include "polyrep/mpi/agree.hpp"
#include "polyrep/mpi/comm.hpp"

namespace polyrep::cli {
namespace {

struct ExtractFlags {
  extract::ExtractOptions options;
  std::string langs = "all";
  std::string sample = "all";
  bool quiet = false;
  bool verbose = false;
};

std::vector<std::string> split_languages(const std::string& spec) {
  std::vector<std::string> out;
  std::stringstream in(spec);
  std::string part;
  // Empty entries are kept ("a,,b", "a,"): the corpus refuses them by name. A list of nothing
  // ("", ",") becomes empty, which the setup refuses as naming no language (never "all").
  bool any = false;
  while (std::getline(in, part, ',')) {
    out.push_back(part);
    any = any || !part.empty();
  }
  if (!spec.empty() && spec.back() == ',') out.push_back("");
  if (!any) out.clear();
  return out;
}

std::optional<std::int64_t> parse_sample(const std::string& spec) {
  if (spec == "all") return std::nullopt;
  std::size_t used = 0;
  long long value = 0;
  try {
    value = std::stoll(spec, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != spec.size() || used == 0 || value <= 0) {
    throw UsageError("--sample: expected a positive number or 'all', got '" + spec + "'");
  }
  return value;
}

void add_io_flags(CLI::App* app, ExtractFlags& f) {
  auto& o = f.options;
  app->add_option("--model", o.model_dir, "HuggingFace model directory (config.json, model.safetensors, tokenizer files)")
      ->required();
  app->add_option("--adapter", o.adapters,
                  "PEFT adapter directory (adapter_config.json + adapter_model.safetensors: LoRA or IA3) "
                  "merged into the weights as they load; repeatable, merged in order");
  app->add_option("--corpus", o.corpus.path,
                  "Corpus: Flores-200 dir (DIR/<split>/<lang>.<split>), dir of <lang>.txt or <lang>.tsv, or one .tsv table")
      ->required();
  app->add_option("--split", o.corpus.split, "Flores-200 split")->capture_default_str();
  app->add_option("--langs", f.langs, "Comma-separated languages in output order, or 'all'")->capture_default_str();
  app->add_option("--tsv-column", o.corpus.tsv_column, "Column of <lang>.tsv files holding the sentence")
      ->capture_default_str();
  app->add_option("--sample", f.sample, "Sentences per language (same line indices in every language), or 'all'")
      ->capture_default_str();
  app->add_option("--seed", o.seed, "Sampling seed")->capture_default_str();
  app->add_option("--out", o.out, "Output HDF5 file")->required();
  app->add_flag("--overwrite", o.overwrite, "Replace --out if it exists (only once the new file is complete)");
  app->add_flag("--resume", o.resume,
                "Finish the unfinished run in OUT.partial (same inputs, any number of ranks); without one, "
                "start from the beginning; a complete OUT: nothing to do");
  app->add_option("--checkpoint-seconds", o.checkpoint_seconds,
                  "Record written windows durably at most this often (0 = after every round); a killed "
                  "run loses at most this much work")->capture_default_str();
}

void add_content_flags(CLI::App* app, ExtractFlags& f) {
  auto& o = f.options;
  app->add_option("--dtype", o.dtype, "Storage type of the hidden states: float32 or float16")
      ->transform(CLI::CheckedTransformer(extract::storage_type_names()))->option_text(choices_text(extract::storage_type_names(), to_string(o.dtype)));
  app->add_option("--pooling", o.pooling, "Sentence vectors: comma list of mean, cls, first, last, max")
      ->capture_default_str();
  app->add_option("--layers", o.layers, "Hidden states to keep: all, or e.g. 0,6,12 (0 = embeddings, -1 = last)")
      ->capture_default_str();
  app->add_option("--max-tokens", o.max_tokens, "Truncate sentences to this many tokens (0 = model limit)")
      ->capture_default_str();
  app->add_option("--attention", o.attention,
                  "Attention maps to store per sentence: none, or mean (the probabilities averaged over "
                  "heads, every transformer layer; /attention in the file)")
      ->transform(CLI::CheckedTransformer(extract::attention_mode_names()))->option_text(choices_text(extract::attention_mode_names(), to_string(o.attention)));
  app->add_option("--attention-sentences", o.attention_sentences,
                  "With --attention: maps only for the first N sampled sentences of each language (0 = all); "
                  "a map takes T*T values per layer")
      ->check(CLI::NonNegativeNumber)->capture_default_str();
}

void add_run_flags(CLI::App* app, ExtractFlags& f) {
  auto& o = f.options;
  app->add_option("--batch-tokens", o.plan.batch_tokens,
                  "Padded tokens per attention batch (0 = one sentence at a time on a CPU, 8192 on a GPU); the dense "
                  "layers run on each window's tokens packed without padding")->capture_default_str();
  app->add_option("--window-sentences", o.plan.window_sentences,
                  "Sentences per window at most (0 = no limit beyond --window-tokens)")->capture_default_str();
  app->add_option("--window-tokens", o.plan.window_tokens,
                  "Tokens per window, the unit of the forward, of a write round and of load balance; "
                  "bounds memory per rank (0 = tokens/32 within 384..1024 on a CPU, 2048..16384 on a GPU)")
      ->capture_default_str();
  app->add_option("--device", o.device, "Where the forward runs: auto, cpu or cuda")
      ->transform(CLI::CheckedTransformer(model::device_request_names()))->option_text(choices_text(model::device_request_names(), model::to_string(o.device)));
  app->add_option("--precision", o.precision,
                  "Arithmetic of the forward: float32, float16 or bfloat16 (LayerNorm and softmax "
                  "accumulate in float32; independent of the stored --dtype)")
      ->transform(CLI::CheckedTransformer(model::precision_names()))->option_text(choices_text(model::precision_names(), model::to_string(o.precision)));
  app->add_option("--threads", o.threads,
                  "Intra-op threads per rank (0 = the cores this rank may run on, shared fairly with "
                  "the node's other ranks)")->capture_default_str();
  app->add_option("--progress", o.progress_seconds, "Seconds between progress lines on rank 0")->capture_default_str();
  app->add_option("--overlap", o.overlap,
                  "Write each window on a second thread while the next is computed: auto, on or off "
                  "(auto: on when the forward runs on a GPU and the CPU would idle; needs "
                  "MPI_THREAD_SERIALIZED)")
      ->transform(CLI::CheckedTransformer(extract::overlap_names()))->option_text(choices_text(extract::overlap_names(), to_string(o.overlap)));
  app->add_option("--metrics", o.metrics,
                  "Write per-rank phase times, counters and peak memory as JSON (for scaling studies)");
  app->add_flag("-q,--quiet", f.quiet, "Only warnings and errors");
  app->add_flag("-v,--verbose", f.verbose, "Debug output");
}

void run_extract_command(ExtractFlags& f, const mpi::Comm& comm) {
  if (f.quiet) log::set_level(log::Level::warn);
  if (f.verbose) log::set_level(log::Level::debug);
  // A bad flag value is the same on every rank: agree on it so that it is reported once.
  mpi::agree(comm, [&] {
    f.options.corpus.languages = split_languages(f.langs);
    f.options.sample = parse_sample(f.sample);
  });
  install_stop_handlers();  // SIGTERM/SIGINT: stop after the next round, resumable
  extract::run_extract(f.options, comm);
}

}  // namespace

Command add_extract(CLI::App& root, const std::string& command_line) {
  auto flags = std::make_shared<ExtractFlags>();
  flags->options.command_line = command_line;
  CLI::App* app = root.add_subcommand(
      "extract", "Run a model over sampled corpus sentences and write every layer's token and "
                 "sentence vectors into one HDF5 file (run under mpirun for several ranks)");
  add_io_flags(app, *flags);
  add_content_flags(app, *flags);
  add_run_flags(app, *flags);
  return Command{app, true, [flags](const mpi::Comm* comm) { run_extract_command(*flags, *comm); }};
}

}  // namespace polyrep::cli
