#include "polyrep/core/memory.hpp"

#include <malloc.h>

namespace polyrep {

void keep_freed_memory_for_reuse() {
  mallopt(M_MMAP_MAX, 0);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

}  // namespace polyrep
