#pragma once
// The subcommands of the polyrep CLI. Each add_* registers its flags on the root app and returns
// the function to run when it was chosen; app.cpp owns parsing, MPI and error reporting.
#include <CLI/CLI.hpp>

#include <functional>

namespace polyrep::mpi {
class Comm;
}

namespace polyrep::cli {

struct Command {
  CLI::App* app = nullptr;
  bool needs_mpi = false;
  std::function<void(const mpi::Comm*)> run;  // comm is null for serial commands
};

Command add_extract(CLI::App& root, const std::string& command_line);
Command add_inspect(CLI::App& root);
Command add_embeddings(CLI::App& root, const std::string& command_line);
Command add_tokenize(CLI::App& root);
Command add_reduce(CLI::App& root);
Command add_plot(CLI::App& root);
Command add_scaling_report(CLI::App& root);

/// The rank of this process as the launcher announces it, before MPI_Init (-1 when unknown).
int launcher_rank();

}  // namespace polyrep::cli
