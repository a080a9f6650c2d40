#include "polyrep/model/encoder.hpp"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <functional>
#include <map>

#include "polyrep/core/error.hpp"
#include "polyrep/model/arch/bert.hpp"
#include "polyrep/model/arch/xglm.hpp"
#include "polyrep/model/device.hpp"
#include "polyrep/model/weights.hpp"

namespace polyrep::model {
namespace {

/// How to build one architecture: the checkpoint prefixes of its task models, and the factory.
struct Architecture {
  std::function<std::vector<std::string>(const ModelConfig&)> prefixes;
  std::function<std::unique_ptr<Encoder>(const ModelConfig&, const WeightStore&, const at::Device&)>
      make;
};

const std::map<std::string, Architecture>& registry() {
  static const std::map<std::string, Architecture> architectures{
      {"bert", {arch::bert_prefixes, arch::make_bert}},
      {"xlm-roberta", {arch::bert_prefixes, arch::make_bert}},
      {"xglm", {[](const ModelConfig&) { return arch::xglm_prefixes(); }, arch::make_xglm}},
  };
  return architectures;
}

const Architecture& architecture(const std::string& model_type) {
  auto it = registry().find(model_type);
  if (it == registry().end()) throw InputError("unknown model type '" + model_type + "'");
  return it->second;
}

}  // namespace

std::unique_ptr<Encoder> load_encoder(const std::filesystem::path& model_dir,
                                      const EncoderOptions& options) {
  // The option is checked first: a bad flag should not wait for gigabytes of weights.
  const std::string device = resolve_device(options.device);
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
    return arch.make(config, store, at::Device(device));
  } catch (...) {
    rethrow_with_context("loading model weights");
  }
}

}  // namespace polyrep::model
