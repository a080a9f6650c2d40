#include "polyrep/core/error.hpp"

#include <exception>

namespace polyrep {

void rethrow_with_context(const std::string& context) {
  try {
    throw;
  } catch (const CollectiveError& e) {
    throw CollectiveError(context + ": " + e.what(), e.origin_rank());
  } catch (const UsageError& e) {
    throw UsageError(context + ": " + e.what());
  } catch (const InputError& e) {
    throw InputError(context + ": " + e.what());
  } catch (const IoError& e) {
    throw IoError(context + ": " + e.what());
  } catch (const MpiError& e) {
    throw MpiError(context + ": " + e.what());
  } catch (const std::exception& e) {
    throw Error(context + ": " + e.what());
  }
}

}  // namespace polyrep
