#pragma once
/// The report of `polyrep plot A.h5 --compare B.h5` (compare_data.hpp): the payload of A's report
/// (report.hpp) with a title naming both and a "compare" object holding B's layouts of the same
/// clouds (same names, order and points, so B's point i is A's point i), the two labels, each
/// file's model and adapters, and the sentence CKA per layer (src/plot/assets/PAYLOAD.md).
#include <nlohmann/json.hpp>

#include "polyrep/plot/compare_data.hpp"

namespace polyrep::plot {

nlohmann::json compare_payload(const CompareData& data);

/// "A vs B" of the labels, for titles.
std::string compare_title(const CompareData& data);

}  // namespace polyrep::plot
