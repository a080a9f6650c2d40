#include "safetensors_writer.hpp"

#include <ATen/ATen.h>

#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

namespace polyrep::test {
namespace {

at::Tensor as_f32_tensor(const std::string& bytes) {
  auto n = static_cast<std::int64_t>(bytes.size() / 4);
  at::Tensor t = at::empty({n}, at::kFloat);
  std::memcpy(t.data_ptr(), bytes.data(), bytes.size());
  return t;
}

std::string tensor_bytes(const at::Tensor& t) {
  at::Tensor c = t.contiguous();
  return std::string(static_cast<const char*>(c.data_ptr()), c.numel() * c.element_size());
}

}  // namespace

std::string u64le(std::uint64_t n) {
  std::string s(8, '\0');
  for (int i = 0; i < 8; ++i) s[i] = static_cast<char>((n >> (8 * i)) & 0xff);
  return s;
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path);
}

void write_safetensors(const std::string& path, const std::vector<StTensor>& tensors,
                       const std::map<std::string, std::string>& metadata) {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::string data;
  for (const auto& t : tensors) {
    header[t.name] = {{"dtype", t.dtype},
                      {"shape", t.shape},
                      {"data_offsets", {data.size(), data.size() + t.bytes.size()}}};
    data += t.bytes;
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  write_bytes(path, u64le(text.size()) + text + data);
}

std::vector<StTensor> read_safetensors(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string file = buffer.str();
  std::uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<unsigned char>(file.at(i));
  auto header = nlohmann::json::parse(file.substr(8, n));
  std::vector<StTensor> out;
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") continue;
    auto begin = entry["data_offsets"][0].get<std::size_t>();
    auto end = entry["data_offsets"][1].get<std::size_t>();
    out.push_back({name, entry["dtype"].get<std::string>(),
                   entry["shape"].get<std::vector<std::int64_t>>(),
                   file.substr(8 + n + begin, end - begin)});
  }
  return out;
}

std::string f32_to_f16(const std::string& f32) { return tensor_bytes(as_f32_tensor(f32).to(at::kHalf)); }
std::string f32_to_bf16(const std::string& f32) {
  return tensor_bytes(as_f32_tensor(f32).to(at::kBFloat16));
}
std::string f32_round_to_f16(const std::string& f32) {
  return tensor_bytes(as_f32_tensor(f32).to(at::kHalf).to(at::kFloat));
}
std::string f32_round_to_bf16(const std::string& f32) {
  return tensor_bytes(as_f32_tensor(f32).to(at::kBFloat16).to(at::kFloat));
}

}  // namespace polyrep::test
