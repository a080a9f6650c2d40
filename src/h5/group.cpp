#include "polyrep/h5/group.hpp"

#include <algorithm>

#include "polyrep/h5/error.hpp"

namespace polyrep::h5 {

namespace {

std::string in_quotes(const std::string& path) { return "'" + path + "'"; }

herr_t collect_name(hid_t /*group*/, const char* name, const H5L_info_t* /*info*/, void* data) {
  static_cast<std::vector<std::string>*>(data)->emplace_back(name);
  return 0;
}

}  // namespace

Group Group::create(hid_t loc, const std::string& path) {
  Handle lcpl = property_list(H5P_LINK_CREATE);
  check(H5Pset_create_intermediate_group(lcpl.get(), 1), "H5Pset_create_intermediate_group");
  // Link names are UTF-8 so that h5py shows non-ASCII names correctly.
  check(H5Pset_char_encoding(lcpl.get(), H5T_CSET_UTF8), "H5Pset_char_encoding");
  hid_t id = H5Gcreate2(loc, path.c_str(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT);
  return Group(Handle(check_id(id, "creating group " + in_quotes(path)), &H5Gclose), path);
}

Group Group::open(hid_t loc, const std::string& path) {
  hid_t id = H5Gopen2(loc, path.c_str(), H5P_DEFAULT);
  return Group(Handle(check_id(id, "opening group " + in_quotes(path)), &H5Gclose), path);
}

Group Group::require(hid_t loc, const std::string& path) {
  return exists(loc, path) ? open(loc, path) : create(loc, path);
}

void Group::close() { handle_.close("group " + in_quotes(path_)); }

bool exists(hid_t loc, const std::string& path) {
  // H5Lexists fails (rather than returning false) when an intermediate link is missing, so walk
  // the path one component at a time.
  std::string prefix = !path.empty() && path.front() == '/' ? "/" : "";
  std::size_t begin = prefix.size();
  while (begin < path.size()) {
    std::size_t end = path.find('/', begin);
    if (end == std::string::npos) end = path.size();
    const std::string component = path.substr(begin, end - begin);
    if (!component.empty() && component != ".") {
      prefix += component;
      if (!check_tri(H5Lexists(loc, prefix.c_str(), H5P_DEFAULT),
                     "checking " + in_quotes(prefix))) {
        return false;
      }
      const bool last = end >= path.size() || path.find_first_not_of('/', end) == std::string::npos;
      if (!last && !check_tri(H5Oexists_by_name(loc, prefix.c_str(), H5P_DEFAULT),
                              "checking " + in_quotes(prefix))) {
        return false;  // a dangling soft link
      }
      prefix += '/';
    }
    begin = end + 1;
  }
  return true;
}

std::vector<std::string> list(hid_t loc, const std::string& path) {
  std::vector<std::string> names;
  hsize_t index = 0;
  check(H5Literate_by_name(loc, path.c_str(), H5_INDEX_NAME, H5_ITER_INC, &index, &collect_name,
                           &names, H5P_DEFAULT),
        "listing group " + in_quotes(path));
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> dataset_paths(hid_t loc, const std::string& group) {
  std::vector<std::string> out;
  for (const std::string& name : list(loc, group)) {
    const std::string path = (group == "/" ? "" : group) + "/" + name;
    // H5Oopen and H5Iget_type are the same in HDF5 1.10 and 1.14 (H5Ovisit's callback is not).
    Handle object(check_id(H5Oopen(loc, path.c_str(), H5P_DEFAULT), "opening " + in_quotes(path)), &H5Oclose);
    const H5I_type_t type = H5Iget_type(object.get());
    object.close("object " + in_quotes(path));
    if (type == H5I_DATASET) {
      out.push_back(path);
    } else if (type == H5I_GROUP) {
      for (std::string& inner : dataset_paths(loc, path)) out.push_back(std::move(inner));
    }
  }
  return out;
}

void remove(hid_t loc, const std::string& path) {
  if (!exists(loc, path)) return;
  check(H5Ldelete(loc, path.c_str(), H5P_DEFAULT), "deleting " + path);
}

}  // namespace polyrep::h5
