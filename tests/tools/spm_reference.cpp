// Reference SentencePiece encoder for tests: the real libsentencepiece, in a process of its own
// (it cannot share one with libtorch: its bundled protobuf runtime clashes with libtorch's).
// Usage: spm_reference MODEL < lines   ->  one line of space-separated sentencepiece ids per input line.
#include <sentencepiece_processor.h>

#include <iostream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: spm_reference MODEL < lines\n";
    return 2;
  }
  sentencepiece::SentencePieceProcessor processor;
  const auto status = processor.Load(argv[1]);
  if (!status.ok()) {
    std::cerr << "spm_reference: " << status.ToString() << "\n";
    return 1;
  }
  std::string line;
  std::vector<int> ids;
  while (std::getline(std::cin, line)) {
    processor.Encode(line, &ids);
    for (std::size_t i = 0; i < ids.size(); ++i) std::cout << (i ? " " : "") << ids[i];
    std::cout << '\n';
  }
  return 0;
}
