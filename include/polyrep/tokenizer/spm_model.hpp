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

  // What the file says about itself, for validation. spm_train always writes both specs, and
  // protobuf writes fields in number order (pieces, trainer_spec, normalizer_spec), so a file cut
  // short ends inside or after the pieces and lacks the specs even when it ends on a field boundary.
  bool has_trainer_spec = false;
  bool has_normalizer_spec = false;
  std::int64_t vocab_size = 0;   // TrainerSpec.vocab_size; 0 when absent
  bool hard_vocab_limit = true;  // TrainerSpec.hard_vocab_limit: false lets training stop short of vocab_size
  std::int32_t unk_id = 0, bos_id = 1, eos_id = 2;  // TrainerSpec ids; -1 = none (bos/eos)
};

/// Parses a serialized ModelProto and validates it (validate_spm_model); throws
/// InputError("malformed sentencepiece model: <what>") on malformed bytes (truncated field,
/// unknown wire type, field number 0, piece not UTF-8) or an unusable model.
SpmModel parse_spm_model(const std::string& serialized);

/// Refuses a model that cannot be the whole of a trained one: no pieces, no trainer_spec or
/// normalizer_spec (a truncated file), fewer pieces than trainer_spec's vocab_size (with
/// hard_vocab_limit), or a trainer_spec unk/bos/eos id that is not a piece of the right type
/// (<unk> unknown, <s> and </s> control).
void validate_spm_model(const SpmModel& model);

/// Reads and parses `file`; throws InputError naming the file when it is missing or malformed.
SpmModel read_spm_model(const std::filesystem::path& file);

}  // namespace polyrep::tokenizer
