#pragma once
/// Read-only access to the HuggingFace reference outputs (`reference.h5`) of the fixtures in
/// tests/data/models. Deliberately independent of polyrep's own h5 module, so that a bug there
/// cannot hide in the comparison against HuggingFace.
#include <cstdint>
#include <string>
#include <vector>

namespace polyrep::test {

template <typename T>
struct Array {
  std::vector<std::uint64_t> shape;
  std::vector<T> data;
  std::size_t size() const { return data.size(); }
};

class ReferenceFile {
 public:
  explicit ReferenceFile(const std::string& path);
  ~ReferenceFile();
  ReferenceFile(const ReferenceFile&) = delete;
  ReferenceFile& operator=(const ReferenceFile&) = delete;

  bool exists(const std::string& name) const;
  std::vector<std::string> strings(const std::string& dataset) const;
  Array<std::int64_t> int64(const std::string& dataset) const;
  Array<float> float32(const std::string& dataset) const;
  std::string attr_string(const std::string& name) const;  // root attribute
  std::int64_t attr_int(const std::string& name) const;    // root attribute

  /// "per_sentence/007/" style prefix of sentence i.
  static std::string sentence_group(int i);

 private:
  long long file_;
};

}  // namespace polyrep::test
