#include "polyrep/model/size_check.hpp"

#include "polyrep/core/error.hpp"

namespace polyrep::model {

std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

void check_sizes(const std::string& config_file, const std::vector<SizeProbe>& probes,
                 const WeightStore& store) {
  for (const SizeProbe& probe : probes) {
    const TensorView* view = store.view(probe.tensor);
    if (view == nullptr)
      throw InputError(config_file + ": " + probe.settings + " asks for tensor '" + probe.tensor + "' " +
                       shape_text(probe.shape) + ", which " + store.source() +
                       " does not hold (config.json and weights do not match)");
    if (view->shape != probe.shape)
      throw InputError(config_file + ": " + probe.settings + " give tensor '" + view->name + "' the shape " +
                       shape_text(probe.shape) + ", but " + store.file_of(probe.tensor) + " holds " +
                       shape_text(view->shape) + " (config.json and weights do not match)");
  }
}

}  // namespace polyrep::model
