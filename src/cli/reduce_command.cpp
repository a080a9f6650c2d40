// polyrep reduce: dimensionality reductions of an extraction file, written to its results file
// (reached from it as /reduce).
#include "commands.hpp"
#include "polyrep/mpi/comm.hpp"
#include "polyrep/reduce/pca_job.hpp"
#include "polyrep/reduce/results_file.hpp"
#include "polyrep/reduce/token_types.hpp"
#include "polyrep/reduce/tsne_job.hpp"

namespace polyrep::cli {
namespace {

struct ReduceFlags {
  std::string file;
  reduce::PcaJobOptions pca;
  bool tsne = false;
  bool token_types = false;
  reduce::TsneJobOptions tsne_options;
};

void run_reduce(const ReduceFlags& flags, const mpi::Comm& comm) {
  reduce::ReduceFiles files = reduce::open_reduce_files(flags.file, comm);
  reduce::run_pca_job(files, comm, flags.pca);
  if (flags.token_types) reduce::run_token_types_job(files, comm, {flags.pca.chunk_rows});
  if (flags.tsne) reduce::run_tsne_job(files, comm, flags.tsne_options);
  reduce::commit_reduce_files(files, comm);
}

}  // namespace

Command add_reduce(CLI::App& root) {
  auto flags = std::make_shared<ReduceFlags>();
  CLI::App* app = root.add_subcommand(
      "reduce", "Distributed PCA per layer of an extraction file (and t-SNE with --tsne), for tokens and "
                "sentences, written to FILE's sibling <name>.reduce.h5, which FILE links as /reduce (run under "
                "mpirun for several ranks; re-running replaces the results, never the extracted data)");
  app->add_option("file", flags->file, "HDF5 file written by polyrep extract")->required();
  app->add_option("--pca", flags->pca.components, "Principal components to keep")->capture_default_str();
  app->add_option("--chunk-rows", flags->pca.chunk_rows, "Rows per read/write (bounds memory per rank)")
      ->capture_default_str();
  app->add_flag("--average-token-duplicates", flags->token_types,
                "Also a cloud of token types: one point per distinct token per language at the mean of its "
                "occurrences (with the count), for PCA and t-SNE");
  auto& t = flags->tsne_options;
  app->add_flag("--tsne", flags->tsne, "Also run t-SNE per layer on the PCA projection (jobs shared out over ranks)");
  app->add_option("--perplexity", t.tsne.perplexity, "t-SNE perplexity")->capture_default_str();
  app->add_option("--iterations", t.tsne.iterations, "t-SNE iterations")->capture_default_str();
  app->add_option("--seed", t.tsne.seed, "t-SNE seed (also for subsampling)")->capture_default_str();
  app->add_option("--tsne-max-points", t.max_points, "Subsample larger clouds, stratified by language")
      ->capture_default_str();
  app->add_option("--threads", t.tsne.threads, "Threads per t-SNE job")->capture_default_str();
  return Command{app, true, [flags](const mpi::Comm* comm) { run_reduce(*flags, *comm); }};
}

}  // namespace polyrep::cli
