#include "polyrep/h5/link.hpp"

#include "polyrep/h5/error.hpp"
#include "polyrep/h5/handle.hpp"

namespace polyrep::h5 {

LinkKind link_kind(hid_t loc, const std::string& name) {
  if (!check_tri(H5Lexists(loc, name.c_str(), H5P_DEFAULT), "checking link '" + name + "'")) {
    return LinkKind::none;
  }
  H5L_info_t info;
  check(H5Lget_info(loc, name.c_str(), &info, H5P_DEFAULT), "reading link '" + name + "'");
  switch (info.type) {
    case H5L_TYPE_HARD: return LinkKind::hard;
    case H5L_TYPE_SOFT: return LinkKind::soft;
    case H5L_TYPE_EXTERNAL: return LinkKind::external;
    default: return LinkKind::none;
  }
}

void create_external_link(hid_t loc, const std::string& name, const std::string& target_file,
                          const std::string& target_path) {
  Handle lcpl = property_list(H5P_LINK_CREATE);
  check(H5Pset_char_encoding(lcpl.get(), H5T_CSET_UTF8), "H5Pset_char_encoding");
  check(H5Lcreate_external(target_file.c_str(), target_path.c_str(), loc, name.c_str(), lcpl.get(),
                           H5P_DEFAULT),
        "creating external link '" + name + "' -> " + target_file + ":" + target_path);
}

bool link_resolves(hid_t loc, const std::string& name) {
  if (link_kind(loc, name) == LinkKind::none) return false;
  // H5Oexists_by_name reports a dangling external link as an error, not as false.
  const htri_t rc = H5Oexists_by_name(loc, name.c_str(), H5P_DEFAULT);
  if (rc < 0) take_error_stack();
  return rc > 0;
}

}  // namespace polyrep::h5
