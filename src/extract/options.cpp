#include "polyrep/extract/options.hpp"

namespace polyrep::extract {

std::string to_string(StorageType type) { return type == StorageType::float16 ? "float16" : "float32"; }

std::string to_string(Overlap overlap) {
  switch (overlap) {
    case Overlap::automatic: return "auto";
    case Overlap::on: return "on";
    case Overlap::off: return "off";
  }
  return "?";
}

const std::map<std::string, StorageType>& storage_type_names() {
  static const std::map<std::string, StorageType> names{{"float32", StorageType::float32},
                                                        {"float16", StorageType::float16}};
  return names;
}

const std::map<std::string, Overlap>& overlap_names() {
  static const std::map<std::string, Overlap> names{
      {"auto", Overlap::automatic}, {"on", Overlap::on}, {"off", Overlap::off}};
  return names;
}

}  // namespace polyrep::extract
