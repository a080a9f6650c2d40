#include "polyrep/extract/inspect.hpp"

#include <map>
#include <sstream>

#include "polyrep/core/error.hpp"
#include "polyrep/extract/extraction_file.hpp"
#include "polyrep/h5/attribute.hpp"
#include "polyrep/h5/dataset.hpp"
#include "polyrep/h5/file.hpp"
#include "polyrep/h5/group.hpp"
#include "polyrep/h5/link.hpp"
#include "polyrep/h5/strings.hpp"
#include "polyrep/schema/attributes.hpp"
#include "polyrep/schema/extraction.hpp"
#include "polyrep/schema/version.hpp"

namespace polyrep::extract {
namespace {

std::string attr_text(hid_t root, const std::string& name) {
  if (!h5::has_attr(root, name)) return "?";
  try {
    return h5::get_attr_string(root, name);
  } catch (const Error&) {
  }
  try {
    return std::to_string(h5::get_attr_int(root, name));
  } catch (const Error&) {
  }
  std::string joined;
  for (std::int64_t v : h5::get_attr_int_vector(root, name)) joined += (joined.empty() ? "" : ",") + std::to_string(v);
  return joined;
}

void list_datasets(hid_t root, const std::string& group, std::ostream& out) {
  for (const std::string& name : h5::list(root, group)) {
    const std::string path = (group == "/" ? "" : group) + "/" + name;
    if (!h5::link_resolves(root, path)) {
      // The /reduce link before `polyrep reduce` has made its target.
      if (h5::link_kind(root, path) == h5::LinkKind::external) out << "  " << path << "  (not reduced yet)\n";
      continue;
    }
    try {
      h5::Dataset ds = h5::Dataset::open(root, path);
      out << "  " << path << "  (";
      const auto dims = ds.dims();
      for (std::size_t i = 0; i < dims.size(); ++i) out << (i ? ", " : "") << dims[i];
      out << ")  " << ds.type().describe() << "\n";
    } catch (const Error&) {
      list_datasets(root, path, out);  // a group
    }
  }
}

void language_counts(hid_t root, std::ostream& out) {
  if (!h5::exists(root, schema::languages) || !h5::exists(root, schema::sentences::lang)) return;
  const auto languages = h5::read_strings(h5::Dataset::open(root, schema::languages));
  const auto lang = h5::read_all<std::int32_t>(h5::Dataset::open(root, schema::sentences::lang));
  std::map<std::int32_t, std::int64_t> counts;
  for (std::int32_t l : lang) ++counts[l];
  out << "languages (" << languages.size() << "):";
  std::size_t shown = 0;
  for (const auto& [l, n] : counts) {
    if (shown++ == 12) {
      out << " ...";
      break;
    }
    out << " " << (l < static_cast<std::int32_t>(languages.size()) ? languages[static_cast<std::size_t>(l)] : "?")
        << "=" << n;
  }
  out << "\n";
}

}  // namespace

FileReport inspect_file(const std::filesystem::path& path) {
  require_hdf5_file(path);
  h5::File file = h5::File::open(path, false);
  const hid_t root = file.id();
  // Before anything else: a newer polyrep's layout may not look like ours at all.
  const std::int64_t version = schema::require_readable_schema(root, path);
  // Incomplete files are what inspect is for; a file polyrep never wrote has nothing to report.
  if (classify_file(root) == FileKind::foreign)
    throw InputError(path.string() + ": not written by polyrep (no polyrep_version attribute, no /hidden group)");
  FileReport report;
  report.complete = h5::has_attr(root, schema::attr::complete) && h5::get_attr_int(root, schema::attr::complete) == 1;
  std::ostringstream out;
  out << path.string() << "\n";
  out << "complete: " << (report.complete ? "yes" : "NO (the run did not finish; data may be partial)") << "\n";
  out << "schema_version: " << version
      << (h5::has_attr(root, schema::attr::schema_version) ? "" : " (not recorded: written before polyrep kept it)")
      << "\n";
  namespace attr = schema::attr;
  for (const char* name : {attr::model, attr::model_type, attr::num_layers, attr::hidden_size, attr::tokenizer,
                           attr::corpus, attr::split, attr::sample_size, attr::seed, attr::layers, attr::pooling,
                           attr::dtype, attr::ranks, attr::created}) {
    out << name << ": " << attr_text(root, name) << "\n";
  }
  // Only in files that have them (written since they exist).
  for (const char* name : {attr::attention, attr::attention_sentences, attr::adapters, "embedding_table"}) {
    if (h5::has_attr(root, name)) out << name << ": " << attr_text(root, name) << "\n";
  }
  language_counts(root, out);
  out << "datasets:\n";
  list_datasets(root, "/", out);
  report.text = out.str();
  return report;
}

}  // namespace polyrep::extract
