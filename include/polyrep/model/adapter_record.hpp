#pragma once
/// How a run records the adapters it merged (file attribute `adapters`, resume fingerprints): a
/// JSON list of {"path" (absolute, normalised), "kind", "weights_hash" (16 hex digits), "summary"}
/// in the order given,
/// "[]" when none. Reads each adapter's config and hashes its weights (Adapter::open).
#include <filesystem>
#include <string>
#include <vector>

namespace polyrep::model {

std::string adapters_record(const std::vector<std::filesystem::path>& adapters);

}  // namespace polyrep::model
