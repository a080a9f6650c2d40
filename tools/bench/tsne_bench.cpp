// Times polyrep::reduce::tsne on a raw float32 row-major matrix and prints one JSON line
// (seconds, KL, KL history) for tools/bench/tsne_vs_sklearn.sh. Not part of the test suite.
//
//   tsne_bench INPUT.f32 ROWS COLS [perplexity=30] [iterations=1000] [seed=0] [threads=1]
//              [theta=0.5] [OUTPUT.f32]
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include "polyrep/reduce/tsne.hpp"

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: tsne_bench INPUT.f32 ROWS COLS [perplexity] [iterations] [seed] [threads]"
                 " [theta] [OUTPUT.f32]\n";
    return 2;
  }
  const long rows = std::stol(argv[2]), cols = std::stol(argv[3]);
  polyrep::reduce::TsneOptions options;
  if (argc > 4) options.perplexity = std::stod(argv[4]);
  if (argc > 5) options.iterations = std::stoi(argv[5]);
  if (argc > 6) options.seed = std::stoull(argv[6]);
  if (argc > 7) options.threads = std::stoi(argv[7]);
  if (argc > 8) options.theta = std::stod(argv[8]);

  Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> x(rows, cols);
  std::ifstream in(argv[1], std::ios::binary);
  in.read(reinterpret_cast<char*>(x.data()), static_cast<std::streamsize>(sizeof(float) * x.size()));
  if (!in) {
    std::cerr << "tsne_bench: cannot read " << rows << " x " << cols << " float32 from " << argv[1] << "\n";
    return 1;
  }
  const Eigen::MatrixXf points = x;
  const auto start = std::chrono::steady_clock::now();
  const auto result = polyrep::reduce::tsne(points, options);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  if (argc > 9) {
    const Eigen::Matrix<float, Eigen::Dynamic, 2, Eigen::RowMajor> y = result.embedding;
    std::ofstream out(argv[9], std::ios::binary);
    out.write(reinterpret_cast<const char*>(y.data()), static_cast<std::streamsize>(sizeof(float) * y.size()));
  }
  std::cout << "{\"rows\": " << rows << ", \"seconds\": " << seconds
            << ", \"kl\": " << result.kl_divergence << ", \"learning_rate\": " << result.learning_rate
            << ", \"kl_history\": [";
  for (std::size_t k = 0; k < result.kl_history.size(); ++k) {
    std::cout << (k ? ", " : "") << result.kl_history[k];
  }
  std::cout << "]}\n";
  return 0;
}
