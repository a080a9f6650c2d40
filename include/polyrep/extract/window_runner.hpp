#pragma once
/// Turns one window of the plan (consecutive sentences) into the arrays that are written for it:
/// the kept layers' state of every token, in canonical order, and each sentence pooling. The
/// window's sentences go through the model packed back to back, without padding (the plan's
/// length-bucketed batches only group them for attention, see model/packed_attention.hpp), so the
/// model's output rows already are the file's rows: one copy per kept layer (converted to the
/// stored type on the way) and nothing is gathered or cut.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "polyrep/extract/attention_maps.hpp"
#include "polyrep/extract/host_staging.hpp"
#include "polyrep/extract/plan.hpp"
#include "polyrep/extract/selection.hpp"
#include "polyrep/model/packed_attention.hpp"

namespace polyrep::model {
class Encoder;
}

namespace polyrep::extract {

struct WindowRunnerOptions {
  std::vector<int> layers;          // hidden-state indices to keep (0 = embedding output)
  std::vector<Pooling> poolings;    // sentence vectors to compute
  bool float16 = false;             // store token states and pooled vectors as float16
  int cuda_ordinal = 0;             // the model's GPU, when it runs on one
  const AttentionIndex* attention = nullptr;  // sentences whose maps are kept; null = none
};

struct WindowOutput {
  at::Tensor tokens;                // [layers, window tokens, hidden], contiguous CPU
  std::vector<at::Tensor> pooled;   // one per pooling: [layers, window sentences, hidden]
  /// With WindowRunnerOptions::attention: [transformer layers, sum of T^2 over the window's
  /// sentences with a map] in the stored type, the maps in index order; else undefined.
  at::Tensor attention;
};

/// The window's sentences packed for Encoder::forward_packed: `ids[i]` are the token ids of
/// sentence window.first_sentence + i; the attention groups are the window's batches; the
/// sentences of `attention` in the window have their maps asked for.
model::PackedInput pack_window(const Window& window, const std::vector<std::vector<std::int32_t>>& ids,
                               const AttentionIndex* attention = nullptr);

/// Pools packed states [N, hidden] (float32, or the 16-bit forward type) into [sentences, hidden]
/// float32 (max, first, last: the states' type), sentence s being rows
/// [offsets[s], offsets[s+1]) (none empty). The mean is accumulated in float64, row after row (as
/// the HuggingFace reference averages in float64), so it does not depend on the thread count.
/// The index tensors are made once per window and reused for every layer and pooling.
class PackedPooler {
 public:
  PackedPooler(const std::vector<std::int64_t>& offsets, const at::Device& device);
  at::Tensor operator()(const at::Tensor& states, Pooling pooling) const;

 private:
  std::vector<std::int64_t> offsets_;
  at::Tensor first_, last_, sentence_of_row_, counts_;
};

class WindowRunner {
 public:
  /// staging: how arrays reach the host; null = make_host_staging for the encoder's device.
  WindowRunner(const model::Encoder& encoder, WindowRunnerOptions options,
               std::shared_ptr<HostStaging> staging = nullptr);

  /// `ids[i]` are the token ids of sentence window.first_sentence + i (specials included).
  /// Charges the forward and pooling (waited for, as a GPU computes asynchronously) to the
  /// active clock's "forward" phase and the copies to the host to "copy".
  WindowOutput run(const Window& window, const std::vector<std::vector<std::int32_t>>& ids) const;

 private:
  const model::Encoder& encoder_;
  WindowRunnerOptions options_;
  std::shared_ptr<HostStaging> staging_;
};

}  // namespace polyrep::extract
