// polyrep embeddings: a model's word, position and token-type embedding tables as extraction
// files that reduce and plot take as they are (embeddings/embeddings_file.hpp).
#include "commands.hpp"
#include "polyrep/embeddings/embeddings_file.hpp"
#include "polyrep/mpi/comm.hpp"

namespace polyrep::cli {
namespace {

struct EmbeddingsFlags {
  embeddings::EmbeddingsOptions options;
  std::vector<std::string> adapters;
  std::string model, out, positions_out;
};

void run_embeddings_command(EmbeddingsFlags& f, const mpi::Comm& comm) {
  f.options.model_dir = f.model;
  f.options.out = f.out;
  f.options.positions_out = f.positions_out;
  f.options.adapters.assign(f.adapters.begin(), f.adapters.end());
  embeddings::run_embeddings(f.options, comm);
}

}  // namespace

Command add_embeddings(CLI::App& root, const std::string& command_line) {
  auto flags = std::make_shared<EmbeddingsFlags>();
  flags->options.command_line = command_line;
  auto& o = flags->options;
  CLI::App* app = root.add_subcommand(
      "embeddings", "Write a model's input embedding matrix (every vocabulary piece, by Unicode script) and its "
                    "position and token-type embeddings as files that reduce and plot take like extractions");
  app->add_option("--model", flags->model, "HuggingFace model directory")->required();
  app->add_option("--adapter", flags->adapters, "PEFT adapter directory merged into the weights (repeatable, in order)");
  app->add_option("--out", flags->out, "The vocabulary file (HDF5)")->required();
  app->add_option("--positions-out", flags->positions_out,
                  "The positions file (default: <out without .h5>.positions.h5)");
  app->add_option("--vocab-sample", o.vocab_sample, "Keep this many vocabulary rows, drawn with --seed (0 = all)")
      ->capture_default_str();
  app->add_option("--vocab-filter", o.vocab_filter,
                  "Keep only pieces of these scripts: scripts=Latn,Cyrl,... (ISO 15924; 'special' for the "
                  "tokenizer's specials, Zyyy for digits and punctuation)");
  app->add_option("--seed", o.seed, "Seed of --vocab-sample")->capture_default_str();
  app->add_option("--dtype", o.dtype, "Storage type: float32 or float16")
      ->transform(CLI::CheckedTransformer(extract::storage_type_names()))->option_text(choices_text(extract::storage_type_names(), to_string(o.dtype)));
  app->add_flag("--overwrite", o.overwrite, "Replace existing output files");
  return Command{app, true, [flags](const mpi::Comm* comm) { run_embeddings_command(*flags, *comm); }};
}

}  // namespace polyrep::cli
