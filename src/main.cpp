#include "polyrep/cli/app.hpp"

int main(int argc, char** argv) { return polyrep::cli::main(argc, argv); }
