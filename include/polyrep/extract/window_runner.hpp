#pragma once
/// Turns one window of the plan (consecutive sentences, length-bucketed into batches) into the
/// arrays that are written for it: the kept layers' state of every non-padding token, in
/// canonical order, and each sentence pooling. Padding never reaches the output: each sentence's
/// rows are cut at its own length before anything is stored or pooled.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

#include "polyrep/extract/plan.hpp"
#include "polyrep/extract/selection.hpp"

namespace polyrep::model {
class Encoder;
}

namespace polyrep::extract {

struct WindowRunnerOptions {
  std::vector<int> layers;          // hidden-state indices to keep (0 = embedding output)
  std::vector<Pooling> poolings;    // sentence vectors to compute
  bool float16 = false;             // store token states and pooled vectors as float16
  std::int32_t pad_id = 0;          // id written into padding positions (masked out anyway)
};

struct WindowOutput {
  at::Tensor tokens;                // [layers, window tokens, hidden], contiguous CPU
  std::vector<at::Tensor> pooled;   // one per pooling: [layers, window sentences, hidden]
};

/// Pools one sentence's states [layers, n, hidden] (n > 0, no padding) into [layers, hidden].
/// The mean is accumulated in float64 (as the HuggingFace reference does) and returned in float32.
at::Tensor pool_sentence(const at::Tensor& states, Pooling pooling);

class WindowRunner {
 public:
  WindowRunner(const model::Encoder& encoder, WindowRunnerOptions options);

  /// `ids[i]` are the token ids of sentence window.first_sentence + i (specials included).
  WindowOutput run(const Window& window, const std::vector<std::vector<std::int32_t>>& ids) const;

 private:
  void run_batch(const Window& window, const Batch& batch,
                 const std::vector<std::vector<std::int32_t>>& ids,
                 const std::vector<std::int64_t>& local_offsets, WindowOutput& out) const;

  const model::Encoder& encoder_;
  WindowRunnerOptions options_;
};

}  // namespace polyrep::extract
