#pragma once
// Shared by the fuzz targets. Most of polyrep's parsers take a path (they mmap or stream the
// file, and their error messages name it), so the targets write the input to a scratch directory
// on tmpfs and call the real entry point rather than a test-only copy of the parsing code.
// Inputs that hold several files (a model directory's JSON files, a corpus of several languages)
// are cut at kSeparator, a line no real file of these kinds contains.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace polyrep::fuzz {

inline constexpr std::string_view kSeparator = "\n====\n";

/// A directory in /dev/shm (RAM, so a write per execution costs microseconds), one per process,
/// removed at normal exit; crash exits may leave it behind, which is harmless.
class Scratch {
 public:
  explicit Scratch(const std::string& tag) {
    std::error_code ec;
    std::filesystem::path base = std::filesystem::is_directory("/dev/shm", ec)
                                     ? std::filesystem::path("/dev/shm")
                                     : std::filesystem::temp_directory_path();
    root_ = base / ("polyrep-fuzz-" + tag + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(root_, ec);
    std::filesystem::create_directories(root_);
  }
  ~Scratch() {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;

  const std::filesystem::path& root() const { return root_; }

  /// An empty directory `name` below the root (emptied when it exists from the last input).
  std::filesystem::path fresh_dir(const std::string& name) const {
    const auto dir = root_ / name;
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    std::filesystem::create_directories(dir);
    return dir;
  }

  static std::filesystem::path write(const std::filesystem::path& file, std::string_view bytes) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return file;
  }

 private:
  std::filesystem::path root_;
};

/// The input cut at every kSeparator, at most `max_parts` parts (the last keeps the rest).
inline std::vector<std::string_view> split_parts(std::string_view input, std::size_t max_parts) {
  std::vector<std::string_view> parts;
  while (parts.size() + 1 < max_parts) {
    const auto at = input.find(kSeparator);
    if (at == std::string_view::npos) break;
    parts.push_back(input.substr(0, at));
    input.remove_prefix(at + kSeparator.size());
  }
  parts.push_back(input);
  return parts;
}

inline std::string_view as_view(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// An invariant of the code under test that an input broke: abort, so that libFuzzer keeps the
/// input (and the replay test fails). Exceptions other than polyrep::Error are findings too; the
/// targets simply let them escape, which also aborts.
inline void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
  std::abort();
}

/// Called with each expected (polyrep::Error) rejection. Silent, since most mutated inputs are
/// rejected; POLYREP_FUZZ_VERBOSE=1 prints the message, to check what a seed actually reaches.
inline void rejected(const std::exception& e) {
  static const bool verbose = std::getenv("POLYREP_FUZZ_VERBOSE") != nullptr;
  if (verbose) std::fprintf(stderr, "rejected: %s\n", e.what());
}

}  // namespace polyrep::fuzz
