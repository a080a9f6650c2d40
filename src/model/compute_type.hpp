#pragma once
// The torch side of Precision, for the model's own files (include/polyrep/model/precision.hpp
// stays free of torch headers).
#include <c10/core/ScalarType.h>

#include "polyrep/model/precision.hpp"

namespace polyrep::model {

/// kFloat, kHalf or kBFloat16.
at::ScalarType scalar_type(Precision precision);

}  // namespace polyrep::model
