#pragma once
/// Helpers for tests that run whole extractions: default options on the bundled data, a scratch
/// directory shared by all ranks, and dataset comparison.
#include <filesystem>
#include <string>
#include <vector>

#include "polyrep/extract/options.hpp"

namespace polyrep::mpi {
class Comm;
}

namespace polyrep::test {

/// tests/data/models/<name>.
std::filesystem::path model_dir(const std::string& name);

/// A fresh directory under the build tree, the same path on every rank of `comm` (created by rank 0).
std::filesystem::path scratch_dir(const std::string& name, const mpi::Comm& comm);

/// Extraction options on the bundled Flores-200 sample with a small model, quiet.
extract::ExtractOptions small_extract_options(const std::string& model, const std::filesystem::path& out);

/// Writes `lines` as DIR/<lang>.txt (a plain-layout corpus).
void write_plain_corpus(const std::filesystem::path& dir, const std::string& lang,
                        const std::vector<std::string>& lines);

/// All dataset paths of an HDF5 file (depth-first, sorted).
std::vector<std::string> dataset_paths(const std::filesystem::path& file);

/// Raw bytes of a numeric dataset, or the strings of a string dataset joined with '\0'.
std::string dataset_bytes(const std::filesystem::path& file, const std::string& dataset);

/// A dataset converted to float (numeric datasets only).
std::vector<float> dataset_floats(const std::filesystem::path& file, const std::string& dataset);

std::vector<std::int64_t> dataset_ints(const std::filesystem::path& file, const std::string& dataset);
std::vector<std::string> dataset_strings(const std::filesystem::path& file, const std::string& dataset);
std::vector<std::uint64_t> dataset_dims(const std::filesystem::path& file, const std::string& dataset);

}  // namespace polyrep::test
