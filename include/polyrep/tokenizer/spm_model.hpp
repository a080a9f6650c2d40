#pragma once
/// The contents of a SentencePiece `.model` file (a serialized `sentencepiece.ModelProto`) that
/// encoding needs: the pieces with scores and types, the trainer flags that change encoding, and
/// the normaliser spec with its precompiled character map. polyrep reads the protobuf wire format
/// itself instead of calling libsentencepiece: Debian's libsentencepiece carries its own
/// protobuf 3.14 runtime, whose symbols clash with the libprotobuf 3.21 that libtorch loads, so
/// the library cannot parse a model inside a process that also runs libtorch.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace polyrep::tokenizer {

struct SpmPiece {
  enum class Type : std::uint8_t {
    normal = 1, unknown = 2, control = 3, user_defined = 4, unused = 5, byte = 6
  };
  std::string piece;
  float score = 0.0f;
  Type type = Type::normal;
};

struct SpmNormalizerSpec {
  std::string name;
  std::string precompiled_charsmap;  // <uint32 trie bytes><darts-clone double array><NUL-ended outputs>
  bool add_dummy_prefix = true;
  bool remove_extra_whitespaces = true;
  bool escape_whitespaces = true;
};

struct SpmModel {
  enum class Algorithm : std::uint8_t { unigram = 1, bpe = 2, word = 3, character = 4 };
  std::vector<SpmPiece> pieces;  // index = sentencepiece id
  Algorithm algorithm = Algorithm::unigram;
  bool treat_whitespace_as_suffix = false;
  bool byte_fallback = false;
  SpmNormalizerSpec normalizer;
};

/// Parses a serialized ModelProto; throws InputError("<what> is wrong") on malformed bytes.
SpmModel parse_spm_model(const std::string& serialized);

/// Reads and parses `file`; throws InputError naming the file when it is missing or malformed.
SpmModel read_spm_model(const std::filesystem::path& file);

}  // namespace polyrep::tokenizer
