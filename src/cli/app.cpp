#include "polyrep/cli/app.hpp"

#include <cstdio>

#include "polyrep/core/version.hpp"

namespace polyrep::cli {

int main(int argc, char** argv) {
  std::printf("polyrep %s\n", kVersion);
  return 0;
}

}  // namespace polyrep::cli
