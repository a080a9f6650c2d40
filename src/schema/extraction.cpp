#include "polyrep/schema/extraction.hpp"

namespace polyrep::schema::hidden {

std::string pooled(std::string_view pooling) { return std::string(sentences) + "/" + std::string(pooling); }

}  // namespace polyrep::schema::hidden
