// Where a window's forward time goes on the CPU: one window of Flores-like sentences through the
// real window runner (the whole of what extract computes per window), then each piece of a BERT
// layer timed alone on the same shapes (the four matrix products, attention, GELU, LayerNorm,
// residual adds) times the layer count, plus the embedding, the copies into the output arrays and
// the pooling. What the pieces do not add up to is dispatch and allocation overhead.
//
//   forward_profile --model DIR [--threads T] [--window-tokens 1024] [--repeats 5]
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "polyrep/core/memory.hpp"
#include "polyrep/extract/plan.hpp"
#include "polyrep/extract/window_runner.hpp"
#include "polyrep/model/encoder.hpp"
#include "polyrep/model/layers.hpp"

namespace {

using namespace polyrep;

double best_seconds(int repeats, const std::function<void()>& work) {
  work();  // warm-up: allocator, caches, lazy symbol binding
  double best = 1e30;
  for (int r = 0; r < repeats; ++r) {
    const auto start = std::chrono::steady_clock::now();
    work();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return best;
}

struct Window {
  extract::Plan plan;
  std::vector<std::vector<std::int32_t>> ids;
};

// Sentences of 50 +- 30 tokens (mBERT on Flores-200 averages ~51) filling --window-tokens.
Window flores_like_window(std::int64_t tokens, std::int32_t vocab) {
  std::mt19937 rng(11);
  std::uniform_int_distribution<std::int32_t> length(20, 80), id(1000, vocab - 1);
  std::vector<std::int32_t> counts;
  for (std::int64_t total = 0; total + 80 <= tokens; total += counts.back()) counts.push_back(length(rng));
  extract::PlanOptions options = extract::resolve_plan_options({}, false, 0);
  options.window_tokens = 1 << 30;
  Window w{extract::make_plan(counts, options), {}};
  for (std::int32_t n : counts) {
    w.ids.emplace_back();
    for (std::int32_t t = 0; t < n; ++t) w.ids.back().push_back(id(rng));
  }
  return w;
}

}  // namespace

int main(int argc, char** argv) {
  polyrep::keep_freed_memory_for_reuse();  // as polyrep itself runs
  try {
    std::string model_dir;
    int threads = 2, repeats = 5;
    std::int64_t window_tokens = 1024;
    for (int i = 1; i + 1 < argc; i += 2) {
      const std::string flag = argv[i], value = argv[i + 1];
      if (flag == "--model") model_dir = value;
      else if (flag == "--threads") threads = std::stoi(value);
      else if (flag == "--window-tokens") window_tokens = std::stoll(value);
      else if (flag == "--repeats") repeats = std::stoi(value);
      else throw std::invalid_argument("unknown flag " + flag);
    }
    if (model_dir.empty()) throw std::invalid_argument("usage: forward_profile --model DIR [--threads T] [--window-tokens N] [--repeats R]");
    model::EncoderOptions eo;
    eo.threads = threads;
    const auto encoder = model::load_encoder(model_dir, eo);
    const auto& c = encoder->config();
    const Window w = flores_like_window(window_tokens, c.vocab_size);
    const extract::Window& window = w.plan.windows.at(0);
    std::vector<int> layers(static_cast<std::size_t>(c.num_layers) + 1);
    for (std::size_t l = 0; l < layers.size(); ++l) layers[l] = static_cast<int>(l);
    const extract::WindowRunner runner(*encoder, {layers, {extract::Pooling::mean}, false});
    c10::InferenceMode guard;
    const double total = best_seconds(repeats, [&] { runner.run(window, w.ids); });
    const double forward = best_seconds(repeats, [&] { encoder->forward_packed(extract::pack_window(window, w.ids)); });

    // One layer's pieces on the window's shapes, with random weights of the model's sizes.
    const std::int64_t n = window.end_token - window.first_token, h = c.hidden_size, inner = c.intermediate_size;
    const model::PackedInput packed = extract::pack_window(window, w.ids);
    const model::AttentionLayout layout(packed, false, at::kCPU);
    const at::Tensor x = at::randn({n, h}), mid = at::randn({n, inner}), qkv = at::randn({n, 3 * h});
    const at::Tensor w_qkv = at::randn({3 * h, h}) * 0.02, w_o = at::randn({h, h}) * 0.02;
    const at::Tensor w_up = at::randn({inner, h}) * 0.02, w_down = at::randn({h, inner}) * 0.02;
    const at::Tensor b_qkv = at::zeros({3 * h}), b_h = at::zeros({h}), b_inner = at::zeros({inner});
    const at::Tensor ln_w = at::ones({h}), ln_b = at::zeros({h});
    const double scale = std::sqrt(double(h / c.num_heads));
    struct Piece { const char* name; double seconds; };
    std::vector<Piece> pieces{
        {"linear qkv [3H x H]", best_seconds(repeats, [&] { at::linear(x, w_qkv, b_qkv); })},
        {"linear attention output [H x H]", best_seconds(repeats, [&] { at::linear(x, w_o, b_h); })},
        {"linear intermediate [I x H]", best_seconds(repeats, [&] { at::linear(x, w_up, b_inner); })},
        {"linear output [H x I]", best_seconds(repeats, [&] { at::linear(mid, w_down, b_h); })},
        {"attention (gather, QK^T, softmax, PV, scatter)", best_seconds(repeats, [&] {
           model::packed_attention(layout, qkv, c.num_heads, [&](const at::Tensor& q, const at::Tensor& k, const at::Tensor& m) {
             at::Tensor s = at::matmul(q, k.transpose(-1, -2)) / scale;
             return m.defined() ? s + m : s;
           });
         })},
        {"GELU [N x I]", best_seconds(repeats, [&] { at::gelu(mid); })},
        {"2 LayerNorms", best_seconds(repeats, [&] { at::layer_norm(x, {h}, ln_w, ln_b, 1e-12); at::layer_norm(x, {h}, ln_w, ln_b, 1e-12); })},
        {"2 residual adds", best_seconds(repeats, [&] { at::add(x, x); at::add(x, x); })},
    };
    double layer = 0;
    for (const Piece& p : pieces) layer += p.seconds;
    std::printf("window: %lld tokens, %zu sentences, %zu attention groups; %d thread(s)\n", static_cast<long long>(n),
                w.ids.size(), window.batches.size(), threads);
    std::printf("%-50s %9s %7s\n", "piece (x layers)", "seconds", "share");
    for (const Piece& p : pieces) {
      std::printf("%-50s %9.4f %6.1f%%\n", p.name, p.seconds * c.num_layers, 100 * p.seconds * c.num_layers / total);
    }
    const double gemm = (pieces[0].seconds + pieces[1].seconds + pieces[2].seconds + pieces[3].seconds) * c.num_layers;
    std::printf("%-50s %9.4f %6.1f%%\n", "sum of pieces (layers only)", layer * c.num_layers, 100 * layer * c.num_layers / total);
    std::printf("%-50s %9.4f %6.1f%%\n", "forward_packed (embedding + layers)", forward, 100 * forward / total);
    std::printf("%-50s %9.4f %6.1f%%\n", "copies to the output + pooling", total - forward, 100 * (total - forward) / total);
    std::printf("%-50s %9.4f %6.1f%%\n", "window total (WindowRunner::run)", total, 100.0);
    std::printf("matrix products alone: %.1f GFLOP/s; whole window: %.1f GFLOP/s of linears, %.0f tokens/s\n",
                2.0 * n * (4.0 * h * h + 2.0 * h * inner) * c.num_layers / gemm / 1e9,
                2.0 * n * (4.0 * h * h + 2.0 * h * inner) * c.num_layers / total / 1e9, double(n) / total);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "forward_profile: %s\n", e.what());
    return 1;
  }
}
