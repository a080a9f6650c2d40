// polyrep reduce: dimensionality reductions of an extraction file, written to its results file
// (reached from it as /reduce).
#include <algorithm>
#include <memory>

#include "commands.hpp"
#include "polyrep/core/stop.hpp"
#include "polyrep/reduce/reduce_run.hpp"

namespace polyrep::cli {

Command add_reduce(CLI::App& root) {
  auto options = std::make_shared<reduce::ReduceOptions>();
  CLI::App* app = root.add_subcommand(
      "reduce", "Distributed PCA per layer of an extraction file (and t-SNE with --tsne), for tokens and "
                "sentences, written to FILE's sibling <name>.reduce.h5, which FILE links as /reduce (run under "
                "mpirun for several ranks; re-running replaces the results, never the extracted data)");
  app->add_option("file", options->file, "HDF5 file written by polyrep extract")->required();
  app->add_option("--pca", options->pca.components, "Principal components to keep")->capture_default_str();
  app->add_option("--chunk-rows", options->pca.chunk_rows, "Rows per read/write (bounds memory per rank)")
      ->capture_default_str();
  app->add_flag("--average-token-duplicates", options->token_types,
                "Also a cloud of token types: one point per distinct token per language at the mean of its "
                "occurrences (with the count), for PCA and t-SNE");
  auto& t = options->tsne_options;
  auto exaggeration = std::make_shared<int>(-1);
  app->add_flag("--tsne", options->tsne, "Also run t-SNE per layer on the PCA projection (jobs shared out over ranks)");
  app->add_option("--perplexity", t.tsne.perplexity, "t-SNE perplexity")->capture_default_str();
  app->add_option("--iterations", t.tsne.iterations, "t-SNE iterations")->capture_default_str();
  app->add_option("--seed", t.tsne.seed, "t-SNE seed (also for subsampling)")->capture_default_str();
  app->add_option("--tsne-max-points", t.max_points, "Subsample larger clouds, stratified by language")
      ->capture_default_str();
  app->add_option("--early-exaggeration-iterations", *exaggeration,
                  "t-SNE iterations with early exaggeration (default: min(250, iterations / 4))");
  app->add_option("--threads", t.tsne.threads, "Threads per t-SNE job")->capture_default_str();
  app->add_flag("--resume", options->resume,
                "Finish an unfinished reduce of FILE (killed, stopped by a signal): keep the jobs it finished "
                "and run the rest; the same options are required. Without one, start from the beginning; with "
                "complete results of the same options, do nothing");
  app->add_option("--metrics", options->metrics,
                  "Write per-rank phase times and peak memory as JSON (for scaling studies)");
  return Command{app, true, [options, exaggeration](const mpi::Comm* comm) {
    // sklearn's schedule (250 of 1000) scaled down, so that a short run still has most of its
    // iterations without exaggeration.
    auto& tsne = options->tsne_options.tsne;
    tsne.early_exaggeration_iterations = *exaggeration >= 0 ? *exaggeration : std::min(250, tsne.iterations / 4);
    install_stop_handlers();  // SIGTERM/SIGINT/SIGUSR1: stop after the current job, resumable
    reduce::run_reduce(*options, *comm);
  }};
}

}  // namespace polyrep::cli
