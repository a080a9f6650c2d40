#include "polyrep/model/adapter_record.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>

#include "polyrep/model/adapter.hpp"

namespace polyrep::model {

std::string adapters_record(const std::vector<std::filesystem::path>& adapters) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& dir : adapters) {
    const AdapterInfo info = Adapter::open(dir).info();
    char hash[17];
    std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(info.weights_hash));
    // Absolute and normalised: the same adapter named from elsewhere (or as ./a/../a) is the
    // same record, so --resume does not take it for a change.
    std::error_code ec;
    const std::filesystem::path absolute = std::filesystem::absolute(dir, ec).lexically_normal();
    list.push_back({{"path", ec ? info.path : absolute.string()}, {"kind", adapter_kind_name(info.kind)}, {"weights_hash", hash},
                    {"summary", info.summary}});
  }
  return list.dump();
}

}  // namespace polyrep::model
