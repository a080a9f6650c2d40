#pragma once
/// HDF5 links that are not plain children: what kind a link is, and external links to another
/// file. polyrep keeps reduction results in a sibling file reached through an external link, so
/// that `polyrep reduce` never opens the extraction file for writing (a killed writer can leave an
/// HDF5 1.10 file unreadable). A relative target name is resolved by HDF5 against the directory of
/// the file holding the link, so the pair can be moved together.
#include <hdf5.h>

#include <string>

namespace polyrep::h5 {

enum class LinkKind { none, hard, soft, external };

/// The kind of the link `name` directly inside `loc` (no traversal); `none` when absent.
LinkKind link_kind(hid_t loc, const std::string& name);

/// Creates link `name` in `loc` pointing at object `target_path` of file `target_file`. The target
/// need not exist yet. Collective on parallel files.
void create_external_link(hid_t loc, const std::string& name, const std::string& target_file,
                          const std::string& target_path);

/// True when `name` is a link whose target can be opened (a dangling external link is false).
bool link_resolves(hid_t loc, const std::string& name);

}  // namespace polyrep::h5
