// This machine's dense-layer throughput on a model's own shapes: the ceiling that `polyrep
// extract` on the CPU is measured against (tools/bench/extract_bench.sh). Prints one JSON object.
//
//   gemm_limit --model DIR --threads T [--rows 512,1024,2048,4096] [--seconds 3]
//
// Per transformer layer the linears are: the fused Q/K/V projection [3H x H], the attention output
// [H x H], the intermediate (FFN up) [I x H] and the output (FFN down) [H x I], for BERT/XLM-R and
// XGLM alike (H = hidden_size / d_model, I = intermediate_size / ffn_dim). They are timed with
// at::linear, as the model code calls them, at M = padded tokens per batch in --rows. Only these
// matmuls are counted: attention (scores, softmax, context), GELU, LayerNorm, embedding lookups
// and copies are deliberately left out. They are overhead that the extraction has to hide, so the
// limit is what a perfect implementation on this BLAS could reach, not what it should reach.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "polyrep/model/config.hpp"

namespace {

using Clock = std::chrono::steady_clock;

struct Shape {
  const char* name;
  std::int64_t out, in;
};

struct Options {
  std::string model;
  int threads = 0;
  std::vector<std::int64_t> rows{512, 1024, 2048, 4096};
  double seconds = 3;
};

[[noreturn]] void usage(const std::string& why) {
  throw std::invalid_argument(why + "\nusage: gemm_limit --model DIR --threads T [--rows 512,1024,2048,4096] [--seconds 3]");
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) usage(flag + " needs a value");
    const std::string value = argv[++i];
    try {
      if (flag == "--model") {
        o.model = value;
      } else if (flag == "--threads") {
        o.threads = std::stoi(value);
      } else if (flag == "--seconds") {
        o.seconds = std::stod(value);
      } else if (flag == "--rows") {
        o.rows.clear();
        std::stringstream in(value);
        for (std::string item; std::getline(in, item, ',');) o.rows.push_back(std::stoll(item));
      } else {
        usage("unknown flag " + flag);
      }
    } catch (const std::logic_error&) {  // stoi & co.: not a number
      usage(flag + ": bad value '" + value + "'");
    }
  }
  if (o.model.empty()) usage("--model is required");
  if (o.threads < 1) usage("--threads must be at least 1");
  if (o.rows.empty() || *std::min_element(o.rows.begin(), o.rows.end()) < 1) usage("--rows must be positive");
  return o;
}

// Which BLAS the dynamic linker gave libtorch: Debian's libblas.so.3 is an alternatives link that
// may point at netlib's reference BLAS (PITFALLS.md #8), which would make every number here
// meaningless, so the file actually mapped is reported.
std::string mapped_blas() {
  std::ifstream maps("/proc/self/maps");
  std::vector<std::string> found;
  for (std::string line; std::getline(maps, line);) {
    const auto slash = line.find('/');
    if (slash == std::string::npos) continue;
    const std::string path = line.substr(slash);
    const std::string base = path.substr(path.rfind('/') + 1);
    const bool blas = base.rfind("libblas", 0) == 0 || base.rfind("libopenblas", 0) == 0 ||
                      base.rfind("libmkl", 0) == 0 || base.rfind("libcblas", 0) == 0 ||
                      base.rfind("libblis", 0) == 0;
    if (blas && std::find(found.begin(), found.end(), path) == found.end()) found.push_back(path);
  }
  std::string out;
  for (const auto& p : found) out += (out.empty() ? "" : ";") + p;
  return out.empty() ? "none mapped (libtorch's own kernels?)" : out;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) try {
  const Options o = parse(argc, argv);
  const auto cfg = polyrep::model::load_config(std::filesystem::path(o.model) / "config.json");
  const std::int64_t h = cfg.hidden_size, inter = cfg.intermediate_size;
  const std::vector<Shape> shapes{{"qkv", 3 * h, h}, {"attention_output", h, h},
                                  {"intermediate", inter, h}, {"output", h, inter}};
  at::set_num_threads(o.threads);
  c10::InferenceMode guard;

  std::vector<at::Tensor> weights, biases;
  for (const auto& s : shapes) {
    weights.push_back(at::randn({s.out, s.in}) * 0.02);
    biases.push_back(at::randn({s.out}) * 0.01);
  }
  const double flops_per_row = 2.0 * static_cast<double>(4 * h * h + 2 * h * inter);  // one layer

  nlohmann::ordered_json per_m = nlohmann::ordered_json::array();
  double best_gflops = 0;
  std::int64_t best_m = 0;
  for (const std::int64_t m : o.rows) {
    std::vector<at::Tensor> inputs;
    for (const auto& s : shapes) inputs.push_back(at::randn({m, s.in}));
    std::vector<double> best_linear(shapes.size(), 1e300);
    // One repetition = the layer's four linears in order; its time is what one layer of a batch of
    // m padded tokens costs at best. The best repetition is kept: noise (other processes, page
    // faults, frequency changes) only ever adds time.
    auto layer = [&] {
      const auto start = Clock::now();
      for (std::size_t k = 0; k < shapes.size(); ++k) {
        const auto t = Clock::now();
        const at::Tensor y = at::linear(inputs[k], weights[k], biases[k]);
        best_linear[k] = std::min(best_linear[k], seconds_since(t));
      }
      return seconds_since(start);
    };
    for (int w = 0; w < 2; ++w) layer();  // warm-up: thread pool start, allocator, caches
    std::fill(best_linear.begin(), best_linear.end(), 1e300);
    double best = 1e300;
    int repetitions = 0;
    const auto start = Clock::now();
    do {
      best = std::min(best, layer());
      ++repetitions;
    } while (seconds_since(start) < o.seconds || repetitions < 3);
    const double gflops = flops_per_row * static_cast<double>(m) / best / 1e9;
    nlohmann::ordered_json linears;
    for (std::size_t k = 0; k < shapes.size(); ++k)
      linears[shapes[k].name] = {{"out", shapes[k].out}, {"in", shapes[k].in}, {"seconds", best_linear[k]},
                                 {"gflops", 2.0 * m * shapes[k].out * shapes[k].in / best_linear[k] / 1e9}};
    per_m.push_back({{"rows", m}, {"seconds_per_layer", best}, {"gflops", gflops},
                     {"repetitions", repetitions}, {"linears", linears}});
    if (gflops > best_gflops) {
      best_gflops = gflops;
      best_m = m;
    }
  }

  const double flops_per_token = flops_per_row * cfg.num_layers;
  nlohmann::ordered_json doc = {
      {"model", o.model},
      {"model_type", cfg.model_type},
      {"hidden_size", h},
      {"intermediate_size", inter},
      {"num_layers", cfg.num_layers},
      {"threads", o.threads},
      {"torch_threads", at::get_num_threads()},
      {"blas", mapped_blas()},
      {"counted", "linears only (qkv, attention_output, intermediate, output); attention, GELU, "
                  "LayerNorm and copies not counted"},
      {"per_rows", per_m},
      {"best", {{"rows", best_m},
                {"gflops", best_gflops},
                {"flops_per_token", flops_per_token},
                {"tokens_per_second_limit", best_gflops * 1e9 / flops_per_token}}}};
  std::cout << doc.dump(2) << "\n";
  return 0;
} catch (const std::exception& e) {
  std::cerr << "gemm_limit: " << e.what() << "\n";
  return 1;
}
