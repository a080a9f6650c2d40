#pragma once
/// `polyrep inspect`: what an extraction file holds — the run's attributes (model, corpus,
/// sample), languages with their sentence counts, token counts, stored layers and poolings, every
/// dataset's shape and type — its schema version, and whether it is complete. Reads only metadata
/// and small tables. A file of a newer schema (schema/version.hpp) is refused, not summarised.
#include <filesystem>
#include <string>

namespace polyrep::extract {

struct FileReport {
  bool complete = false;
  std::string text;    // human-readable summary, several lines
};

FileReport inspect_file(const std::filesystem::path& path);

}  // namespace polyrep::extract
