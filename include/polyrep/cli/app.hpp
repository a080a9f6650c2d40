#pragma once
/// The `polyrep` command line: subcommands extract, reduce, inspect and tokenize. `main` owns MPI
/// initialisation and is the only place that catches polyrep::Error: it prints one line with the
/// rank and makes every rank exit non-zero (agreed errors) or aborts the job (unexpected ones), so
/// that no rank is left waiting in a collective call.
namespace polyrep::cli {

int main(int argc, char** argv);

}  // namespace polyrep::cli
