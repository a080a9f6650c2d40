#include "polyrep/model/safetensors.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <nlohmann/json.hpp>
#include <utility>

#include "polyrep/core/error.hpp"

namespace polyrep::model {
namespace {

using nlohmann::json;

// Larger headers are not produced by any real checkpoint; refusing them bounds what a corrupt
// length field can make us read.
constexpr std::uint64_t kMaxHeaderBytes = 100ull * 1000 * 1000;

struct DTypeInfo {
  DType dtype;
  const char* name;
  std::size_t size;
};

constexpr std::array<DTypeInfo, 15> kDTypes{{{DType::F64, "F64", 8},
                                             {DType::F32, "F32", 4},
                                             {DType::F16, "F16", 2},
                                             {DType::BF16, "BF16", 2},
                                             {DType::I64, "I64", 8},
                                             {DType::I32, "I32", 4},
                                             {DType::I16, "I16", 2},
                                             {DType::I8, "I8", 1},
                                             {DType::U64, "U64", 8},
                                             {DType::U32, "U32", 4},
                                             {DType::U16, "U16", 2},
                                             {DType::U8, "U8", 1},
                                             {DType::BOOL, "BOOL", 1},
                                             {DType::F8_E4M3, "F8_E4M3", 1},
                                             {DType::F8_E5M2, "F8_E5M2", 1}}};

const DTypeInfo& info(DType dtype) {
  for (const auto& i : kDTypes)
    if (i.dtype == dtype) return i;
  throw std::logic_error("unhandled safetensors dtype");
}

class HeaderChecker {
 public:
  HeaderChecker(std::string file, const std::byte* data, std::size_t data_size)
      : file_(std::move(file)), data_(data), data_size_(data_size) {}

  TensorView tensor(const std::string& name, const json& entry) const {
    if (!entry.is_object()) fail(name, "entry is not a JSON object");
    TensorView view;
    view.name = name;
    view.dtype = dtype(name, entry);
    view.shape = shape(name, entry);
    auto [begin, end] = offsets(name, entry);
    std::uint64_t expected = info(view.dtype).size;
    for (std::int64_t d : view.shape) {
      if (d != 0 && expected > std::numeric_limits<std::uint64_t>::max() / std::uint64_t(d))
        fail(name, "shape is too large");
      expected *= static_cast<std::uint64_t>(d);
    }
    if (end - begin != expected)
      fail(name, "data_offsets span " + std::to_string(end - begin) + " bytes but dtype " +
                     dtype_name(view.dtype) + " and shape " + shape_text(view.shape) + " need " +
                     std::to_string(expected));
    view.data = data_ + begin;
    view.nbytes = static_cast<std::size_t>(end - begin);
    return view;
  }

  [[noreturn]] void fail(const std::string& name, const std::string& what) const {
    throw InputError(file_ + ": tensor '" + name + "': " + what);
  }

 private:
  DType dtype(const std::string& name, const json& entry) const {
    if (!entry.contains("dtype") || !entry.at("dtype").is_string())
      fail(name, "missing or non-string 'dtype'");
    auto text = entry.at("dtype").get<std::string>();
    for (const auto& i : kDTypes)
      if (text == i.name) return i.dtype;
    fail(name, "unknown dtype '" + text + "'");
  }

  std::vector<std::int64_t> shape(const std::string& name, const json& entry) const {
    if (!entry.contains("shape") || !entry.at("shape").is_array())
      fail(name, "missing or non-array 'shape'");
    std::vector<std::int64_t> out;
    for (const json& d : entry.at("shape")) {
      if (!d.is_number_unsigned() ||
          d.get<std::uint64_t>() > std::uint64_t(std::numeric_limits<std::int64_t>::max()))
        fail(name, "'shape' must hold non-negative integers");
      out.push_back(d.get<std::int64_t>());
    }
    return out;
  }

  std::pair<std::uint64_t, std::uint64_t> offsets(const std::string& name,
                                                  const json& entry) const {
    if (!entry.contains("data_offsets") || !entry.at("data_offsets").is_array() ||
        entry.at("data_offsets").size() != 2 || !entry.at("data_offsets")[0].is_number_unsigned() ||
        !entry.at("data_offsets")[1].is_number_unsigned())
      fail(name, "'data_offsets' must be [begin, end] with non-negative integers");
    auto begin = entry.at("data_offsets")[0].get<std::uint64_t>();
    auto end = entry.at("data_offsets")[1].get<std::uint64_t>();
    if (begin > end)
      fail(name, "data_offsets begin " + std::to_string(begin) + " > end " + std::to_string(end));
    if (end > data_size_)
      fail(name, "data_offsets end " + std::to_string(end) + " lies outside the data region (" +
                     std::to_string(data_size_) + " bytes)");
    return {begin, end};
  }

  static std::string shape_text(const std::vector<std::int64_t>& shape) {
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
    return s + "]";
  }

  std::string file_;
  const std::byte* data_;
  std::size_t data_size_;
};

// Two tensors sharing bytes would alias in the mapping: a crafted or damaged header, never what a
// safetensors writer produces (it lays tensors out back to back). Empty tensors own no bytes.
void check_no_overlap(const std::string& file, const std::map<std::string, TensorView>& tensors,
                      const std::byte* data) {
  struct Span {
    std::uint64_t begin, end;
    const std::string* name;
  };
  std::vector<Span> spans;
  for (const auto& [name, view] : tensors) {
    if (view.nbytes == 0) continue;
    const auto begin = static_cast<std::uint64_t>(view.data - data);
    spans.push_back({begin, begin + view.nbytes, &name});
  }
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) { return a.begin < b.begin; });
  for (std::size_t i = 1; i < spans.size(); ++i) {
    const Span& before = spans[i - 1];
    const Span& span = spans[i];
    if (span.begin < before.end)
      throw InputError(file + ": tensor '" + *span.name + "': data_offsets [" + std::to_string(span.begin) +
                       ", " + std::to_string(span.end) + "] overlap those of tensor '" + *before.name + "' [" +
                       std::to_string(before.begin) + ", " + std::to_string(before.end) + "]");
  }
}

std::uint64_t read_u64_le(const std::byte* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | std::to_integer<std::uint64_t>(p[i]);
  return v;
}

}  // namespace

std::size_t dtype_size(DType dtype) { return info(dtype).size; }
const char* dtype_name(DType dtype) { return info(dtype).name; }
bool is_weight_dtype(DType dtype) {
  return dtype == DType::F32 || dtype == DType::F16 || dtype == DType::BF16;
}

std::int64_t TensorView::numel() const {
  std::int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

SafetensorsFile::SafetensorsFile(const std::filesystem::path& path) : file_(path) {
  const std::string name = path.string();
  if (file_.size() < 8)
    throw InputError(name + ": too short for a safetensors file (" + std::to_string(file_.size()) +
                     " bytes, need at least 8)");
  std::uint64_t header_len = read_u64_le(file_.data());
  if (header_len > kMaxHeaderBytes)
    throw InputError(name + ": header length " + std::to_string(header_len) +
                     " is implausible (limit 100 MB); not a safetensors file?");
  if (header_len > file_.size() - 8)
    throw InputError(name + ": header length " + std::to_string(header_len) +
                     " runs past the end of the file (" + std::to_string(file_.size()) + " bytes)");
  const char* text = reinterpret_cast<const char*>(file_.data() + 8);
  json header = json::parse(text, text + header_len, nullptr, /*allow_exceptions=*/false);
  if (header.is_discarded()) throw InputError(name + ": header is not valid JSON");
  if (!header.is_object()) throw InputError(name + ": header is not a JSON object");

  HeaderChecker checker(name, file_.data() + 8 + header_len, file_.size() - 8 - header_len);
  for (const auto& [key, entry] : header.items()) {
    if (key == "__metadata__") {
      if (!entry.is_object()) throw InputError(name + ": '__metadata__' is not a JSON object");
      for (const auto& [mk, mv] : entry.items())
        if (mv.is_string()) metadata_[mk] = mv.get<std::string>();
      continue;
    }
    tensors_.emplace(key, checker.tensor(key, entry));
  }
  check_no_overlap(name, tensors_, file_.data() + 8 + header_len);
}

const TensorView* SafetensorsFile::find(const std::string& name) const {
  auto it = tensors_.find(name);
  return it == tensors_.end() ? nullptr : &it->second;
}

std::vector<std::string> SafetensorsFile::names() const {
  std::vector<std::string> out;
  out.reserve(tensors_.size());
  for (const auto& entry : tensors_) out.push_back(entry.first);
  return out;
}

}  // namespace polyrep::model
