#include "polyrep/model/encoder.hpp"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>

#include <functional>
#include <map>

#include "polyrep/core/error.hpp"
#include "polyrep/model/arch/bert.hpp"
#include "polyrep/model/arch/xglm.hpp"
#include "polyrep/model/device.hpp"
#include "polyrep/model/layers.hpp"
#include "polyrep/model/size_check.hpp"
#include "polyrep/model/weights.hpp"
#include "compute_type.hpp"

namespace polyrep::model {
namespace {

/// How to build one architecture: the checkpoint prefixes of its task models, and the factory.
struct Architecture {
  std::function<std::vector<std::string>(const ModelConfig&)> prefixes;
  std::function<std::vector<SizeProbe>(const ModelConfig&)> size_probes;
  std::function<std::unique_ptr<Encoder>(const ModelConfig&, const WeightStore&, const Target&)> make;
};

const std::map<std::string, Architecture>& registry() {
  static const std::map<std::string, Architecture> architectures{
      {"bert", {arch::bert_prefixes, arch::bert_size_probes, arch::make_bert}},
      {"xlm-roberta", {arch::bert_prefixes, arch::bert_size_probes, arch::make_bert}},
      {"xglm", {[](const ModelConfig&) { return arch::xglm_prefixes(); }, arch::xglm_size_probes, arch::make_xglm}},
  };
  return architectures;
}

const Architecture& architecture(const std::string& model_type) {
  auto it = registry().find(model_type);
  if (it == registry().end()) throw InputError("unknown model type '" + model_type + "'");
  return it->second;
}

}  // namespace

namespace {

/// The padded HF batch packed as one attention group; `rows` gets the flat [b * length + t] of
/// each real token.
PackedInput pack_padded(const at::Tensor& input_ids, const at::Tensor& attention_mask, std::vector<std::int64_t>& rows) {
  check_padded_inputs(input_ids, attention_mask);
  const std::int64_t batch = input_ids.size(0), length = input_ids.size(1);
  PackedInput packed;
  packed.offsets.push_back(0);
  const auto mask = attention_mask.accessor<std::int64_t, 2>();
  for (std::int64_t b = 0; b < batch; ++b) {
    std::int64_t t = 0;
    for (; t < length && mask[b][t] != 0; ++t) rows.push_back(b * length + t);
    packed.offsets.push_back(packed.offsets.back() + t);
  }
  packed.ids = input_ids.reshape({-1}).index_select(0, at::tensor(rows, at::kLong));
  packed.groups.emplace_back();
  for (std::int64_t b = 0; b < batch; ++b) packed.groups.back().push_back(b);
  return packed;
}

}  // namespace

std::vector<at::Tensor> Encoder::forward(const at::Tensor& input_ids, const at::Tensor& attention_mask) const {
  c10::InferenceMode guard;
  std::vector<std::int64_t> rows;
  const PackedInput packed = pack_padded(input_ids, attention_mask, rows);
  const std::int64_t batch = input_ids.size(0), length = input_ids.size(1);
  const at::Tensor index = at::tensor(rows, at::kLong);
  std::vector<at::Tensor> states = forward_packed(packed).states;
  for (at::Tensor& state : states) {
    const std::int64_t hidden = state.size(1);
    at::Tensor padded = at::zeros({batch * length, hidden}, state.options());
    padded.index_copy_(0, index.to(state.device()), state);
    state = padded.view({batch, length, hidden});
  }
  return states;
}

std::vector<at::Tensor> Encoder::attention(const at::Tensor& input_ids, const at::Tensor& attention_mask) const {
  c10::InferenceMode guard;
  std::vector<std::int64_t> rows;
  PackedInput packed = pack_padded(input_ids, attention_mask, rows);
  const std::int64_t batch = input_ids.size(0), length = input_ids.size(1);
  for (std::int64_t b = 0; b < batch; ++b) packed.attention.push_back(b);
  std::vector<at::Tensor> maps = forward_packed(packed).attention;
  for (at::Tensor& flat : maps) {
    at::Tensor padded = at::zeros({batch, length, length}, at::kFloat);
    const at::Tensor host = flat.cpu();
    std::int64_t at_offset = 0;
    for (std::int64_t b = 0; b < batch; ++b) {
      const std::int64_t n = packed.offsets[static_cast<std::size_t>(b) + 1] - packed.offsets[static_cast<std::size_t>(b)];
      padded[b].narrow(0, 0, n).narrow(1, 0, n).copy_(host.narrow(0, at_offset, n * n).view({n, n}));
      at_offset += n * n;
    }
    flat = padded;
  }
  return maps;
}

std::unique_ptr<Encoder> load_encoder(const std::filesystem::path& model_dir,
                                      const EncoderOptions& options) {
  // The option is checked first: a bad flag should not wait for gigabytes of weights.
  const Device device = resolve_device(options.device);
  check_precision_supported(options.precision, device);
  if (device == Device::cuda && (options.cuda_ordinal < 0 || options.cuda_ordinal >= cuda_device_count()))
    throw UsageError("CUDA device " + std::to_string(options.cuda_ordinal) + " does not exist (" +
                     std::to_string(cuda_device_count()) + " visible)");
  if (options.threads < 0)
    throw UsageError("--threads " + std::to_string(options.threads) + ": must be >= 0");
  if (options.threads > 0) at::set_num_threads(options.threads);

  ModelConfig config;
  try {
    config = load_config(model_dir / "config.json");
  } catch (...) {
    rethrow_with_context("loading model hyper-parameters");
  }
  try {
    const Architecture& arch = architecture(config.model_type);
    WeightStore store = WeightStore::open(model_dir);
    store.set_prefixes(arch.prefixes(config));
    for (const auto& adapter : options.adapters) store.add_adapter(Adapter::open(adapter));
    // Before any tensor is allocated: config sizes the weights do not back end here.
    check_sizes((model_dir / "config.json").string(), arch.size_probes(config), store);
    const Target target{device == Device::cuda ? at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(options.cuda_ordinal))
                                               : at::Device(at::kCPU),
                        scalar_type(options.precision)};
    std::unique_ptr<Encoder> encoder = arch.make(config, store, target);
    store.check_adapters_applied();
    return encoder;
  } catch (...) {
    rethrow_with_context("loading model weights");
  }
}

}  // namespace polyrep::model
