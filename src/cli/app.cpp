#include "polyrep/cli/app.hpp"

#include <mpi.h>

#include <cstdlib>
#include <vector>

#include "commands.hpp"
#include "polyrep/core/error.hpp"
#include "polyrep/core/log.hpp"
#include "polyrep/core/memory.hpp"
#include "polyrep/core/stop.hpp"
#include "polyrep/core/version.hpp"
#include "polyrep/mpi/comm.hpp"
#include "polyrep/mpi/environment.hpp"

namespace polyrep::cli {
namespace {

std::string join_command_line(int argc, char** argv) {
  std::string line;
  for (int i = 0; i < argc; ++i) {
    if (i > 0) line += ' ';
    line += argv[i];
  }
  return line;
}

int run_serial(const Command& command) {
  try {
    command.run(nullptr);
    return 0;
  } catch (const std::exception& e) {
    log::error(e.what());
    return 1;
  }
}

// Agreed errors (CollectiveError) reached every rank: rank 0 reports once, all exit 1 cleanly.
// Anything else happened on some ranks only, possibly while others wait in a collective call:
// report it with the rank and abort the whole job so that nobody hangs.
int run_parallel(const Command& command, int& argc, char**& argv) {
  mpi::Environment environment(argc, argv);
  const mpi::Comm world = mpi::Comm::world();
  try {
    command.run(&world);
    return 0;
  } catch (const Interrupted& e) {
    // Every rank agreed to stop and left its output resumable.
    if (world.is_root()) log::warn(e.what());
    return kExitResumable;
  } catch (const CollectiveError& e) {
    if (world.is_root()) log::error(e.what());
    return 1;
  } catch (const std::exception& e) {
    log::error(e.what());
    if (world.size() > 1) log::error("aborting all ranks");
    MPI_Abort(world.handle(), 1);
    return 1;
  }
}

}  // namespace

int launcher_rank() {
  for (const char* name : {"OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK", "SLURM_PROCID"}) {
    if (const char* value = std::getenv(name)) return std::atoi(value);
  }
  return -1;
}

int main(int argc, char** argv) {
  keep_freed_memory_for_reuse();
  CLI::App app{"polyrep: layer-wise representations of multilingual transformers, extracted with "
               "MPI into one parallel-HDF5 file"};
  app.set_version_flag("--version", std::string("polyrep ") + kVersion);
  app.require_subcommand(1);
  app.set_config("--config", "", "Read flags from a TOML/INI config file");
  // A build without cairo (-DPOLYREP_WITH_PLOT=OFF) has neither plot nor scaling.
  std::vector<Command> commands{add_extract(app, join_command_line(argc, argv)), add_reduce(app)};
#if POLYREP_WITH_PLOT
  commands.push_back(add_plot(app));
#endif
  commands.push_back(add_inspect(app));
  commands.push_back(add_embeddings(app, join_command_line(argc, argv)));
  commands.push_back(add_tokenize(app));
#if POLYREP_WITH_PLOT
  commands.push_back(add_scaling_report(app));
#endif
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Every rank parses the same arguments; only one of them should print the complaint. --help
    // and --version are CLI11's to print; a bad flag gets the one `error:` line of every other
    // failure, so that scripts and users see the same shape whatever went wrong.
    if (launcher_rank() > 0) return e.get_exit_code();
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(e);
    log::error(std::string(e.what()) + " (see polyrep --help)");
    return e.get_exit_code();
  }
  for (const Command& command : commands) {
    if (!command.app->parsed()) continue;
    return command.needs_mpi ? run_parallel(command, argc, argv) : run_serial(command);
  }
  return 1;
}

}  // namespace polyrep::cli
