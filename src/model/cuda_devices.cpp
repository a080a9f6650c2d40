#include "polyrep/model/cuda_devices.hpp"

#include <cctype>

#include "polyrep/core/error.hpp"

namespace polyrep::model {
namespace {

std::string trim(const std::string& s) {
  std::size_t begin = 0, end = s.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(s[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(s[end - 1]))) --end;
  return s.substr(begin, end - begin);
}

bool accepted_entry(const std::string& entry) {
  if (entry.empty()) return false;
  if (entry.rfind("GPU-", 0) == 0 || entry.rfind("MIG-", 0) == 0) return entry.size() > 4;
  for (char c : entry)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

}  // namespace

std::optional<std::vector<std::string>> visible_device_entries(const char* value) {
  if (value == nullptr) return std::nullopt;
  std::vector<std::string> entries;
  const std::string text(value);
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = text.find(',', start);
    const std::string entry = trim(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (!accepted_entry(entry)) break;
    entries.push_back(entry);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return entries;
}

int device_for_local_rank(int local_rank, int device_count) {
  if (device_count < 1) throw InputError("no CUDA device is visible to this rank");
  if (local_rank < 0) throw InputError("negative node-local rank " + std::to_string(local_rank));
  return local_rank % device_count;
}

std::string sharing_note(int local_size, int device_count) {
  if (device_count < 1 || local_size <= device_count) return "";
  return std::to_string(local_size) + " ranks on this node share " + std::to_string(device_count) +
         " visible GPU" + (device_count == 1 ? "" : "s") +
         " (each holds its own copy of the model); for one GPU per rank launch with "
         "jobs/common/rank_wrapper.sh, srun --gpus-per-task=1, or fewer ranks per node";
}

std::string no_device_reason(bool cuda_build, const char* visible_devices) {
  if (!cuda_build) return "this polyrep was built with a CPU-only libtorch";
  const auto entries = visible_device_entries(visible_devices);
  if (entries && entries->empty())
    return "CUDA_VISIBLE_DEVICES='" + std::string(visible_devices) + "' hides every GPU";
  return "no GPU is visible to this libtorch: no device, or no usable driver";
}

}  // namespace polyrep::model
