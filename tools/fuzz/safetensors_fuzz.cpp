// Fuzz target: the safetensors reader (src/model/safetensors.cpp, mapped_file.cpp). The input is
// a whole .safetensors file. Beyond "no crash", every tensor the reader accepts must be a view of
// exactly the bytes its data_offsets name: its size must match dtype x shape and its bytes must
// equal the input's at 8 + header length + begin. The header is re-read here with nlohmann only
// to learn those offsets; what is checked is the reader's own view.
#include <cstring>
#include <nlohmann/json.hpp>

#include "fuzz_support.hpp"
#include "polyrep/core/error.hpp"
#include "polyrep/model/safetensors.hpp"

namespace {

using polyrep::fuzz::require;

void check_views(const polyrep::model::SafetensorsFile& file, std::string_view input) {
  std::uint64_t header_len = 0;
  for (int i = 7; i >= 0; --i) header_len = (header_len << 8) | static_cast<unsigned char>(input[i]);
  const auto header = nlohmann::json::parse(input.substr(8, header_len));
  const std::string_view data = input.substr(8 + header_len);
  require(file.names().size() == file.tensors().size(), "names() and tensors() disagree");
  for (const auto& [name, view] : file.tensors()) {
    require(file.find(name) == &view, "find() does not return the tensor");
    std::uint64_t elements = 1;
    for (const std::int64_t d : view.shape) {
      require(d >= 0, "negative dimension accepted");
      elements *= static_cast<std::uint64_t>(d);
    }
    require(static_cast<std::uint64_t>(view.numel()) == elements, "numel() is not the shape's product");
    require(view.nbytes == elements * polyrep::model::dtype_size(view.dtype),
            "nbytes is not dtype size x elements");
    require(std::strlen(polyrep::model::dtype_name(view.dtype)) > 0, "dtype without a name");
    const auto begin = header.at(name).at("data_offsets").at(0).get<std::uint64_t>();
    require(begin <= data.size() && view.nbytes <= data.size() - begin,
            "accepted tensor lies outside the data region");
    require(view.nbytes == 0 ||
                std::memcmp(view.data, data.data() + begin, view.nbytes) == 0,
            "tensor view does not hold its data_offsets bytes");
    (void)polyrep::model::is_weight_dtype(view.dtype);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const polyrep::fuzz::Scratch scratch("safetensors");
  const std::string_view input = polyrep::fuzz::as_view(data, size);
  const auto path = polyrep::fuzz::Scratch::write(scratch.root() / "model.safetensors", input);
  try {
    const polyrep::model::SafetensorsFile file(path);
    check_views(file, input);
  } catch (const polyrep::Error& e) {
    polyrep::fuzz::rejected(e);  // a rejected file: what the reader is for
  }
  return 0;
}
