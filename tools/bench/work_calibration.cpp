// Calibrates extract's work estimate (include/polyrep/extract/work_estimate.hpp) against measured
// forward times: windows of synthetic sentences of many lengths (and length spreads) go through
// the real window runner (packed forward, copies, mean pooling), and a least-squares fit of
//   seconds = a * tokens + b * sum_groups(B * L^2) + c
// gives attention_length = a / b (in units of the hidden size) and window_overhead = c / a.
// Prints the fit and, per window, measured against estimated time.
//
// Windows of 256, 512 and 1024 tokens, so that the per-token and per-window costs separate.
//
//   work_calibration --model DIR [--threads T] [--repeats 3]
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <Eigen/Dense>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "polyrep/core/memory.hpp"
#include "polyrep/extract/plan.hpp"
#include "polyrep/extract/window_runner.hpp"
#include "polyrep/model/encoder.hpp"

namespace {

using namespace polyrep;

struct Options {
  std::string model;
  int threads = 2;
  int repeats = 3;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--model") o.model = value;
    else if (flag == "--threads") o.threads = std::stoi(value);
    else if (flag == "--repeats") o.repeats = std::stoi(value);
    else throw std::invalid_argument("unknown flag " + flag);
  }
  if (o.model.empty()) throw std::invalid_argument("usage: work_calibration --model DIR [--threads T] [--repeats R]");
  return o;
}

struct Sample {
  std::int64_t tokens = 0;
  double attention = 0;  // sum over groups of B * L^2
  double seconds = 0;
  std::string label;
};

// One window of sentences with lengths uniform in [mean*(1-spread), mean*(1+spread)].
Sample measure(const model::Encoder& encoder, const Options& o, std::int64_t tokens, std::int64_t mean, double spread,
               std::mt19937& rng) {
  std::uniform_int_distribution<std::int64_t> length(std::max<std::int64_t>(2, std::llround(mean * (1 - spread))),
                                                     std::max<std::int64_t>(2, std::llround(mean * (1 + spread))));
  std::vector<std::int32_t> counts;
  for (std::int64_t total = 0; total < tokens;) {
    counts.push_back(static_cast<std::int32_t>(std::min<std::int64_t>(length(rng), encoder.config().max_sequence_length())));
    total += counts.back();
  }
  extract::PlanOptions plan_options = extract::resolve_plan_options({}, false, 0);
  plan_options.window_tokens = 1 << 30;  // the whole sample is one window
  const extract::Plan plan = extract::make_plan(counts, plan_options);
  const extract::Window& window = plan.windows.at(0);
  std::uniform_int_distribution<std::int32_t> id(1000, encoder.config().vocab_size - 1);
  std::vector<std::vector<std::int32_t>> ids;
  for (std::int32_t n : counts) {
    ids.emplace_back();
    for (std::int32_t t = 0; t < n; ++t) ids.back().push_back(id(rng));
  }
  std::vector<int> layers(static_cast<std::size_t>(encoder.config().num_layers) + 1);
  for (std::size_t l = 0; l < layers.size(); ++l) layers[l] = static_cast<int>(l);  // all, as extract keeps
  const extract::WindowRunner runner(encoder, {layers, {extract::Pooling::mean}, false});
  Sample s;
  s.tokens = window.end_token - window.first_token;
  for (const extract::Batch& b : window.batches) s.attention += double(b.sentences.size()) * double(b.max_len) * double(b.max_len);
  s.seconds = 1e30;
  for (int r = 0; r < o.repeats; ++r) {
    const auto start = std::chrono::steady_clock::now();
    runner.run(window, ids);
    s.seconds = std::min(s.seconds, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  s.label = std::to_string(s.tokens) + " tokens, mean length " + std::to_string(mean) + ", spread " +
            std::to_string(spread).substr(0, 4) + ", " +
            std::to_string(counts.size()) + " sentences in " + std::to_string(window.batches.size()) + " groups";
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  polyrep::keep_freed_memory_for_reuse();  // as polyrep itself runs
  try {
    const Options o = parse(argc, argv);
    at::set_num_threads(o.threads);
    model::EncoderOptions eo;
    eo.device = model::DeviceRequest::cpu;
    eo.threads = o.threads;
    const auto encoder = model::load_encoder(o.model, eo);
    std::mt19937 rng(7);
    measure(*encoder, o, 512, 32, 0.5, rng);  // warm-up
    std::vector<Sample> samples;
    for (std::int64_t tokens : {256, 512, 1024}) {
      for (std::int64_t mean : {8, 16, 32, 64, 128, 256}) {
        for (double spread : {0.0, 0.9}) samples.push_back(measure(*encoder, o, tokens, mean, spread, rng));
      }
    }
    Eigen::MatrixXd a(static_cast<Eigen::Index>(samples.size()), 3);
    Eigen::VectorXd t(static_cast<Eigen::Index>(samples.size()));
    for (std::size_t i = 0; i < samples.size(); ++i) {
      const auto r = static_cast<Eigen::Index>(i);
      // Relative least squares: each window's error counts in proportion to its time.
      a(r, 0) = double(samples[i].tokens) / samples[i].seconds;
      a(r, 1) = samples[i].attention / samples[i].seconds;
      a(r, 2) = 1.0 / samples[i].seconds;
      t(r) = 1.0;
    }
    const Eigen::Vector3d fit = a.colPivHouseholderQr().solve(t);
    const double hidden = encoder->config().hidden_size;
    std::printf("model %s, hidden %.0f, %d thread(s)\n", o.model.c_str(), hidden, o.threads);
    std::printf("fit: %.3g s/token, %.3g s per padded attention slot, %.3g s per window\n", fit(0), fit(1), fit(2));
    std::printf("=> attention_length = %.2f x hidden, window_overhead = %.1f tokens\n", fit(0) / fit(1) / hidden,
                fit(2) / fit(0));
    std::printf("%-72s %10s %10s %7s\n", "window", "measured", "estimated", "error");
    for (const Sample& s : samples) {
      const double estimate = fit(0) * double(s.tokens) + fit(1) * s.attention + fit(2);
      std::printf("%-72s %9.3fs %9.3fs %+6.1f%%\n", s.label.c_str(), s.seconds, estimate, 100 * (estimate / s.seconds - 1));
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "work_calibration: %s\n", e.what());
    return 1;
  }
}
