// polyrep reduce: dimensionality reductions of an extraction file, written into the same file.
#include "commands.hpp"
#include "polyrep/mpi/comm.hpp"
#include "polyrep/reduce/pca_job.hpp"

namespace polyrep::cli {
namespace {

struct ReduceFlags {
  std::string file;
  reduce::PcaJobOptions pca;
};

}  // namespace

Command add_reduce(CLI::App& root) {
  auto flags = std::make_shared<ReduceFlags>();
  CLI::App* app = root.add_subcommand(
      "reduce", "Distributed PCA per layer of an extraction file, for tokens and sentences, written "
                "under /reduce/pca (run under mpirun for several ranks; re-running replaces it)");
  app->add_option("file", flags->file, "HDF5 file written by polyrep extract")->required();
  app->add_option("--pca", flags->pca.components, "Principal components to keep")->capture_default_str();
  app->add_option("--chunk-rows", flags->pca.chunk_rows, "Rows per read/write (bounds memory per rank)")
      ->capture_default_str();
  return Command{app, true, [flags](const mpi::Comm* comm) { reduce::run_pca_job(flags->file, *comm, flags->pca); }};
}

}  // namespace polyrep::cli
