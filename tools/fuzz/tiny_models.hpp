#pragma once
// Fixed tokenizer files for the targets that fuzz what surrounds them (the JSON configs): a
// WordPiece vocab.txt and a SentencePiece unigram model small enough to load on every execution.
// The model is written with the protobuf wire format directly (sentencepiece_model.proto field
// numbers), so the target needs no file from the source tree.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace polyrep::fuzz {

inline const char* const kTinyVocab =
    "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n<s>\n</s>\n!\n,\n.\na\nb\nc\nd\ne\nh\nl\no\nr\nw\n"
    "he\nhello\nworld\n##s\n##ing\n##o\n##l\n\xe4\xb8\x96\n\xe7\x95\x8c\ncafe\n##\xcc\x81\n";

namespace wire {
inline void varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}
inline void bytes(std::string& out, std::uint32_t field, std::string_view b) {
  varint(out, field << 3 | 2);
  varint(out, b.size());
  out.append(b);
}
inline void number(std::string& out, std::uint32_t field, std::uint64_t v) {
  varint(out, field << 3);
  varint(out, v);
}
inline void fixed_float(std::string& out, std::uint32_t field, float f) {
  varint(out, field << 3 | 5);
  std::uint32_t bits = 0;
  std::memcpy(&bits, &f, sizeof bits);
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(bits >> (8 * i)));
}
}  // namespace wire

/// ModelProto: <unk> <s> </s> (as sentencepiece puts them first), then a few scored pieces;
/// unigram, identity normaliser (no precompiled map) with the default flags.
inline std::string tiny_spm_model() {
  struct P { const char* text; float score; int type; };
  const P pieces[] = {{"<unk>", 0, 2}, {"<s>", 0, 3}, {"</s>", 0, 3},
                      {"\xe2\x96\x81", -1.5f, 1}, {"\xe2\x96\x81he", -3, 1}, {"llo", -3.5f, 1},
                      {"\xe2\x96\x81world", -4, 1}, {"a", -2, 1}, {"e", -2, 1}, {"h", -2.5f, 1},
                      {"l", -2.2f, 1}, {"o", -2.1f, 1}, {"r", -2.8f, 1}, {"w", -2.9f, 1},
                      {"\xe4\xb8\x96", -5, 1}, {"<user>", 0, 4}};
  std::string model;
  for (const P& p : pieces) {
    std::string piece;
    wire::bytes(piece, 1, p.text);
    wire::fixed_float(piece, 2, p.score);
    wire::number(piece, 3, static_cast<std::uint64_t>(p.type));
    wire::bytes(model, 1, piece);
  }
  std::string trainer;
  wire::number(trainer, 3, 1);  // model_type UNIGRAM
  wire::bytes(model, 2, trainer);
  std::string normalizer;
  wire::bytes(normalizer, 1, "identity");
  wire::bytes(model, 3, normalizer);
  return model;
}

}  // namespace polyrep::fuzz
