#include "polyrep/extract/complete_output.hpp"

#include <utility>

#include "polyrep/h5/attribute.hpp"
#include "polyrep/h5/dataset.hpp"
#include "polyrep/h5/file.hpp"
#include "polyrep/h5/group.hpp"
#include "polyrep/h5/strings.hpp"
#include "polyrep/schema/attributes.hpp"
#include "polyrep/schema/extraction.hpp"

namespace polyrep::extract {
namespace {

// Root attribute -> the flag that sets it (several come from the model). Not the model's or the
// corpus's path: a moved or copied input is the same input.
const std::pair<const char*, const char*> kInputs[] = {
    {schema::attr::model_type, "--model"}, {schema::attr::num_layers, "--model"},
    {schema::attr::hidden_size, "--model"}, {schema::attr::tokenizer, "--model"},
    {schema::attr::split, "--split"},       {schema::attr::seed, "--seed"},
    {schema::attr::sample_size, "--sample"}, {schema::attr::layers, "--layers"},
    {schema::attr::pooling, "--pooling"},   {schema::attr::dtype, "--dtype"},
    {schema::attr::max_tokens, "--max-tokens"}, {schema::attr::precision, "--precision"},
    {schema::attr::attention, "--attention"}, {schema::attr::attention_sentences, "--attention-sentences"},
    {schema::attr::adapters, "--adapter"}};

// What a run without the flag writes: a file from before the attribute existed matches it.
bool is_default(const Attribute& a) {
  if (const auto* s = std::get_if<std::string>(&a.value)) return *s == "none" || *s == "[]";
  if (const auto* i = std::get_if<std::int64_t>(&a.value)) return *i == 0;
  return false;
}

std::string join(const std::vector<std::int64_t>& v) {
  std::string out;
  for (std::int64_t x : v) out += (out.empty() ? "" : ",") + std::to_string(x);
  return out;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& x : v) out += (out.empty() ? "" : ",") + x;
  return out;
}

// The file's value of `name` as text, read as the type this run writes it with.
std::string file_value(hid_t root, const std::string& name, const Attribute& now) {
  if (!h5::has_attr(root, name)) return "(none)";
  if (std::holds_alternative<std::string>(now.value)) return h5::get_attr_string(root, name);
  if (std::holds_alternative<std::int64_t>(now.value)) return std::to_string(h5::get_attr_int(root, name));
  return join(h5::get_attr_int_vector(root, name));
}

std::string text(const Attribute& a) {
  if (const auto* s = std::get_if<std::string>(&a.value)) return *s;
  if (const auto* i = std::get_if<std::int64_t>(&a.value)) return std::to_string(*i);
  if (const auto* v = std::get_if<std::vector<std::int64_t>>(&a.value)) return join(*v);
  return std::to_string(std::get<double>(a.value));
}

}  // namespace

std::string complete_output_change(const std::filesystem::path& out, const std::vector<Attribute>& attributes,
                                   const std::vector<std::string>& languages) {
  h5::File file = h5::File::open(out, false);
  const hid_t root = file.id();
  for (const auto& [name, flag] : kInputs) {
    for (const Attribute& a : attributes) {
      if (a.name != name) continue;
      if (!h5::has_attr(root, name) && is_default(a)) continue;
      const std::string was = file_value(root, name, a), is = text(a);
      if (was == is) continue;
      const std::string what = std::string(flag) == "--model" ? std::string("--model: ") + name : flag;
      return what + " was '" + was + "', is '" + is + "'";
    }
  }
  const std::string was = h5::exists(root, schema::languages) ? join(h5::read_strings(h5::Dataset::open(root, schema::languages))) : "";
  const std::string is = join(languages);
  if (was != is) return "--langs was '" + was.substr(0, 80) + "', is '" + is.substr(0, 80) + "'";
  return "";
}

}  // namespace polyrep::extract
