#pragma once
// Private to src/scaling: the six panels of the scaling chart, built from the table (see
// include/polyrep/scaling/scaling_chart.hpp for what each shows).
#include <vector>

#include "chart_model.hpp"
#include "polyrep/scaling/scaling_table.hpp"

namespace polyrep::scaling::chart {

/// Panels (a) to (f), in that order. `rows` must not be empty.
std::vector<Panel> scaling_panels(const std::vector<ScalingRow>& rows);

}  // namespace polyrep::scaling::chart
