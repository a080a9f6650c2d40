#pragma once
/// Process-wide memory policy for the commands (called once by main, and by the benchmark
/// drivers so that they measure what polyrep runs).
///
/// The forward allocates and frees tensors of the same sizes in every layer and window. glibc hands
/// out blocks above its mmap threshold (32 MiB at most) as fresh mappings, so every window's output
/// arrays came back as new pages, each faulted in and zeroed by the kernel: copying one window's
/// 13 layers (38 MB) into a new array took 45 ms, into reused memory 8 ms (mBERT, 1 thread).
namespace polyrep {

/// Serve every allocation from the heap and never give freed memory back to the system, so that
/// the next window reuses it.
void keep_freed_memory_for_reuse();

}  // namespace polyrep
