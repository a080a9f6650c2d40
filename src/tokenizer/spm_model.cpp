#include "polyrep/tokenizer/spm_model.hpp"

#include <cstring>
#include <fstream>
#include <iterator>
#include <string_view>

#include "polyrep/core/error.hpp"
#include "polyrep/tokenizer/utf8.hpp"

namespace polyrep::tokenizer {
namespace {

// A minimal reader of the protobuf wire format: enough for the proto2 messages of
// sentencepiece_model.proto (varints, fixed32 floats, length-delimited strings and messages).
class WireReader {
 public:
  explicit WireReader(std::string_view data) : data_(data) {}
  bool done() const noexcept { return pos_ >= data_.size(); }

  std::uint64_t varint() {
    std::uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (done()) fail("truncated varint");
      const auto byte = static_cast<unsigned char>(data_[pos_++]);
      value |= static_cast<std::uint64_t>(byte & 0x7Fu) << shift;
      if ((byte & 0x80u) == 0) return value;
    }
    fail("varint longer than 10 bytes");
  }

  // Returns (field number, wire type).
  std::pair<std::uint32_t, std::uint32_t> tag() {
    const std::uint64_t key = varint();
    if ((key >> 3) == 0 || (key >> 3) > 0x1FFFFFFFu) fail("invalid field number " + std::to_string(key >> 3));
    return {static_cast<std::uint32_t>(key >> 3), static_cast<std::uint32_t>(key & 7u)};
  }

  // proto int32: negative values travel as 64-bit two's complement varints.
  std::int32_t int32() { return static_cast<std::int32_t>(static_cast<std::int64_t>(varint())); }

  std::string_view bytes() {
    const std::uint64_t length = varint();
    if (length > data_.size() - pos_) fail("length-delimited field runs past the end");
    const std::string_view out = data_.substr(pos_, static_cast<std::size_t>(length));
    pos_ += static_cast<std::size_t>(length);
    return out;
  }

  float fixed32_float() {
    if (data_.size() - pos_ < 4) fail("truncated fixed32");
    std::uint32_t bits = 0;
    for (int i = 3; i >= 0; --i) bits = (bits << 8) | static_cast<unsigned char>(data_[pos_ + i]);
    pos_ += 4;
    float value = 0.0f;
    std::memcpy(&value, &bits, sizeof value);
    return value;
  }

  void skip(std::uint32_t wire_type) {
    switch (wire_type) {
      case 0:
        varint();
        return;
      case 1:
        advance(8);
        return;
      case 2:
        bytes();
        return;
      case 5:
        advance(4);
        return;
      default:
        fail("unsupported wire type " + std::to_string(wire_type));
    }
  }

  void expect(std::uint32_t actual, std::uint32_t wanted, const char* field) {
    if (actual != wanted) fail(std::string("field ") + field + " has the wrong wire type");
  }

  [[noreturn]] static void fail(const std::string& what) {
    throw InputError("malformed sentencepiece model: " + what);
  }

 private:
  void advance(std::size_t n) {
    if (data_.size() - pos_ < n) fail("truncated fixed-size field");
    pos_ += n;
  }

  std::string_view data_;
  std::size_t pos_ = 0;
};

SpmPiece parse_piece(std::string_view data) {
  SpmPiece piece;
  WireReader in(data);
  while (!in.done()) {
    const auto [field, wire] = in.tag();
    if (field == 1) {
      in.expect(wire, 2, "piece");
      piece.piece = std::string(in.bytes());
    } else if (field == 2) {
      in.expect(wire, 5, "score");
      piece.score = in.fixed32_float();
    } else if (field == 3) {
      in.expect(wire, 0, "type");
      const std::uint64_t type = in.varint();
      if (type < 1 || type > 6) WireReader::fail("unknown piece type " + std::to_string(type));
      piece.type = static_cast<SpmPiece::Type>(type);
    } else {
      in.skip(wire);
    }
  }
  if (piece.piece.empty()) WireReader::fail("empty piece");
  if (find_invalid_utf8(piece.piece) != std::string::npos) WireReader::fail("a piece is not valid UTF-8");
  return piece;
}

void parse_trainer_spec(std::string_view data, SpmModel& model) {
  WireReader in(data);
  while (!in.done()) {
    const auto [field, wire] = in.tag();
    if (field == 3) {
      in.expect(wire, 0, "model_type");
      const std::uint64_t type = in.varint();
      if (type < 1 || type > 4) WireReader::fail("unknown model type " + std::to_string(type));
      model.algorithm = static_cast<SpmModel::Algorithm>(type);
    } else if (field == 4) {
      in.expect(wire, 0, "vocab_size");
      model.vocab_size = in.int32();
    } else if (field == 33) {
      in.expect(wire, 0, "hard_vocab_limit");
      model.hard_vocab_limit = in.varint() != 0;
    } else if (field >= 40 && field <= 42) {
      in.expect(wire, 0, "unk_id/bos_id/eos_id");
      (field == 40 ? model.unk_id : field == 41 ? model.bos_id : model.eos_id) = in.int32();
    } else if (field == 24) {
      in.expect(wire, 0, "treat_whitespace_as_suffix");
      model.treat_whitespace_as_suffix = in.varint() != 0;
    } else if (field == 35) {
      in.expect(wire, 0, "byte_fallback");
      model.byte_fallback = in.varint() != 0;
    } else {
      in.skip(wire);
    }
  }
}

void parse_normalizer_spec(std::string_view data, SpmNormalizerSpec& spec) {
  WireReader in(data);
  while (!in.done()) {
    const auto [field, wire] = in.tag();
    if (field == 1) {
      in.expect(wire, 2, "name");
      spec.name = std::string(in.bytes());
    } else if (field == 2) {
      in.expect(wire, 2, "precompiled_charsmap");
      spec.precompiled_charsmap = std::string(in.bytes());
    } else if (field >= 3 && field <= 5) {
      in.expect(wire, 0, "normalizer flag");
      bool* flag = field == 3   ? &spec.add_dummy_prefix
                   : field == 4 ? &spec.remove_extra_whitespaces
                                : &spec.escape_whitespaces;
      *flag = in.varint() != 0;
    } else {
      in.skip(wire);
    }
  }
}

}  // namespace

SpmModel parse_spm_model(const std::string& serialized) {
  SpmModel model;
  WireReader in(serialized);
  while (!in.done()) {
    const auto [field, wire] = in.tag();
    if (field >= 1 && field <= 3) in.expect(wire, 2, "ModelProto message");
    if (field == 1) {
      model.pieces.push_back(parse_piece(in.bytes()));
    } else if (field == 2) {
      parse_trainer_spec(in.bytes(), model);
      model.has_trainer_spec = true;
    } else if (field == 3) {
      parse_normalizer_spec(in.bytes(), model.normalizer);
      model.has_normalizer_spec = true;
    } else {
      in.skip(wire);
    }
  }
  validate_spm_model(model);
  return model;
}

void validate_spm_model(const SpmModel& model) {
  const auto fail = [](const std::string& what) { WireReader::fail(what); };
  if (model.pieces.empty()) fail("no pieces");
  const std::string count = std::to_string(model.pieces.size()) + " pieces";
  if (!model.has_trainer_spec || !model.has_normalizer_spec)
    fail(std::string("no ") + (model.has_trainer_spec ? "normalizer_spec" : "trainer_spec") + " after " + count +
         " (the file is truncated, or not a sentencepiece model)");
  if (model.hard_vocab_limit && model.vocab_size > static_cast<std::int64_t>(model.pieces.size()))
    fail("only " + count + ", but its trainer_spec says vocab_size " + std::to_string(model.vocab_size) +
         " (truncated or damaged file)");
  const struct {
    const char* name;
    std::int32_t id;
    SpmPiece::Type type;
  } required[] = {{"unk_id", model.unk_id, SpmPiece::Type::unknown},
                  {"bos_id", model.bos_id, SpmPiece::Type::control},
                  {"eos_id", model.eos_id, SpmPiece::Type::control}};
  for (const auto& r : required) {
    if (r.id < 0 && r.type == SpmPiece::Type::control) continue;  // no <s> or </s> in this model
    if (r.id < 0 || r.id >= static_cast<std::int64_t>(model.pieces.size()))
      fail(std::string("trainer_spec ") + r.name + " " + std::to_string(r.id) + " is not a piece (" + count + ")");
    const SpmPiece& piece = model.pieces[static_cast<std::size_t>(r.id)];
    if (piece.type != r.type)
      fail(std::string("piece ") + std::to_string(r.id) + " ('" + piece.piece + "', trainer_spec " + r.name +
           ") is not of type " + (r.type == SpmPiece::Type::unknown ? "UNKNOWN" : "CONTROL"));
  }
}

SpmModel read_spm_model(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(file.string() + ": cannot be opened");
  const std::string content{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) throw InputError(file.string() + ": read failed");
  try {
    return parse_spm_model(content);
  } catch (const InputError&) {
    rethrow_with_context(file.string());
  }
}

}  // namespace polyrep::tokenizer
