#pragma once
// The subcommands of the polyrep CLI. Each add_* registers its flags on the root app and returns
// the function to run when it was chosen; app.cpp owns parsing, MPI and error reporting.
#include <CLI/CLI.hpp>

#include <functional>
#include <string>

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

/// "TEXT:{a,b}=default" for --help, where CLI11 would print the enum's numbers.
template <typename Map>
std::string choices_text(const Map& names, const std::string& default_value) {
  std::string text = "TEXT:{";
  for (const auto& entry : names) text += (text.back() == '{' ? "" : ",") + entry.first;
  return text + "}=" + default_value;
}

/// The rank of this process as the launcher announces it, before MPI_Init (-1 when unknown).
int launcher_rank();

}  // namespace polyrep::cli
