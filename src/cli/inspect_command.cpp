// polyrep inspect: a summary of an extraction file; --check turns "incomplete" into exit 1.
#include <iostream>

#include "commands.hpp"
#include "polyrep/core/error.hpp"
#include "polyrep/extract/inspect.hpp"

namespace polyrep::cli {
namespace {

struct InspectFlags {
  std::string file;
  bool check = false;
};

void run_inspect(const InspectFlags& flags) {
  const extract::FileReport report = extract::inspect_file(flags.file);
  std::cout << report.text;
  if (flags.check && !report.complete) throw InputError(flags.file + ": incomplete (complete != 1)");
}

}  // namespace

Command add_inspect(CLI::App& root) {
  auto flags = std::make_shared<InspectFlags>();
  CLI::App* app = root.add_subcommand("inspect", "Summarise an extraction file and say whether it is complete");
  app->add_option("file", flags->file, "HDF5 file written by polyrep extract")->required();
  app->add_flag("--check", flags->check, "Exit 1 when the file is not complete");
  return Command{app, false, [flags](const mpi::Comm*) { run_inspect(*flags); }};
}

}  // namespace polyrep::cli
