#include "extract_fixture.hpp"

#include <algorithm>
#include <fstream>

#include "polyrep/h5/dataset.hpp"
#include "polyrep/h5/file.hpp"
#include "polyrep/h5/link.hpp"
#include "polyrep/h5/group.hpp"
#include "polyrep/h5/strings.hpp"
#include "polyrep/h5/types.hpp"
#include "polyrep/mpi/comm.hpp"
#include "polyrep_test/test_paths.hpp"

namespace polyrep::test {
namespace fs = std::filesystem;

fs::path model_dir(const std::string& name) { return fs::path(kDataDir) / "models" / name; }

fs::path scratch_dir(const std::string& name, const mpi::Comm& comm) {
  const fs::path dir = fs::path(kBinaryDir) / "test-scratch" /
                       (name + "-np" + std::to_string(comm.size()));
  if (comm.is_root()) {
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  comm.barrier();
  return dir;
}

extract::ExtractOptions small_extract_options(const std::string& model, const fs::path& out) {
  extract::ExtractOptions o;
  o.model_dir = model_dir(model);
  o.corpus.path = fs::path(kDataDir) / "flores200";
  o.corpus.split = "dev";
  o.corpus.languages = {"eng_Latn", "fra_Latn", "zho_Hans", "hin_Deva"};
  o.sample = 6;
  o.seed = 7;
  o.out = out;
  o.device = model::DeviceRequest::cpu;
  o.progress_seconds = 1e9;
  o.plan.window_sentences = 4;
  return o;
}

void write_plain_corpus(const fs::path& dir, const std::string& lang, const std::vector<std::string>& lines) {
  fs::create_directories(dir);
  std::ofstream out(dir / (lang + ".txt"), std::ios::binary);
  for (const std::string& line : lines) out << line << '\n';
}

namespace {
void collect(hid_t root, const std::string& group, std::vector<std::string>& out) {
  for (const std::string& name : h5::list(root, group)) {
    const std::string path = (group == "/" ? "" : group) + "/" + name;
    if (!h5::link_resolves(root, path)) continue;  // /reduce before polyrep reduce has run
    try {
      h5::Dataset::open(root, path);
      out.push_back(path);
    } catch (const std::exception&) {
      collect(root, path, out);
    }
  }
}
}  // namespace

std::vector<std::string> dataset_paths(const fs::path& file) {
  h5::File f = h5::File::open(file, false);
  std::vector<std::string> out;
  collect(f.id(), "/", out);
  std::sort(out.begin(), out.end());
  return out;
}

std::string dataset_bytes(const fs::path& file, const std::string& dataset) {
  h5::File f = h5::File::open(file, false);
  h5::Dataset ds = h5::Dataset::open(f.id(), dataset);
  const h5::Datatype type = ds.type();
  if (type.is_variable_string()) {
    std::string joined;
    for (const std::string& s : h5::read_strings(ds)) joined += s + '\0';
    return joined;
  }
  const auto dims = ds.dims();
  std::size_t n = 1;
  for (auto d : dims) n *= d;
  std::string bytes(n * type.size(), '\0');
  ds.read(bytes.data(), type, std::vector<hsize_t>(dims.size(), 0), dims);
  return bytes;
}

std::vector<float> dataset_floats(const fs::path& file, const std::string& dataset) {
  h5::File f = h5::File::open(file, false);
  return h5::read_all<float>(h5::Dataset::open(f.id(), dataset));
}

std::vector<std::int64_t> dataset_ints(const fs::path& file, const std::string& dataset) {
  h5::File f = h5::File::open(file, false);
  return h5::read_all<std::int64_t>(h5::Dataset::open(f.id(), dataset));
}

std::vector<std::string> dataset_strings(const fs::path& file, const std::string& dataset) {
  h5::File f = h5::File::open(file, false);
  return h5::read_strings(h5::Dataset::open(f.id(), dataset));
}

std::vector<std::uint64_t> dataset_dims(const fs::path& file, const std::string& dataset) {
  h5::File f = h5::File::open(file, false);
  auto dims = h5::Dataset::open(f.id(), dataset).dims();
  return {dims.begin(), dims.end()};
}

}  // namespace polyrep::test
