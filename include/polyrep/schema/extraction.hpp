#pragma once
/// The extraction file's hierarchy (README "File layout"): every group and dataset path that
/// `polyrep extract` writes and reduce, plot and inspect read, named here once, so a call site
/// reads `h5::Dataset::open(root, schema::tokens::id)` and the layout can be seen (and versioned,
/// schema/version.hpp) in one file. Paths are absolute. Rows: n_sent sentences in canonical order
/// (languages as given, then sampled line indices), n_tok tokens; hidden states are
/// [stored layer, row, hidden].
#include <string>
#include <string_view>

namespace polyrep::schema {

/// (n_lang,) str: language codes in the order given; /sentences/lang indexes it.
inline constexpr const char* languages = "/languages";

/// Per-sentence tables, (n_sent,) unless noted.
namespace sentences {
inline constexpr const char* group = "/sentences";
inline constexpr const char* text = "/sentences/text";                  // str, as read
inline constexpr const char* lang = "/sentences/lang";                  // int32, into /languages
inline constexpr const char* source_index = "/sentences/source_index";  // int64, line of the source file
inline constexpr const char* token_offset = "/sentences/token_offset";  // int64, (n_sent + 1,)
inline constexpr const char* truncated = "/sentences/truncated";        // uint8
}  // namespace sentences

/// Per-token tables, (n_tok,).
namespace tokens {
inline constexpr const char* group = "/tokens";
inline constexpr const char* id = "/tokens/id";              // int32
inline constexpr const char* text = "/tokens/text";          // str, the tokenizer's piece
inline constexpr const char* sentence = "/tokens/sentence";  // int32
inline constexpr const char* position = "/tokens/position";  // int32, inside the sentence
inline constexpr const char* special = "/tokens/special";    // uint8
}  // namespace tokens

/// Hidden states of the stored layers.
namespace hidden {
inline constexpr const char* group = "/hidden";
inline constexpr const char* layers = "/hidden/layers";        // (n_kept,) int32, 0 = embeddings
inline constexpr const char* tokens = "/hidden/tokens";        // (n_kept, n_tok, H)
inline constexpr const char* sentences = "/hidden/sentences";  // group of pooled sentence states
/// "/hidden/sentences/<pooling>" (n_kept, n_sent, H), pooling "mean", "cls", "last" or "max".
std::string pooled(std::string_view pooling);
}  // namespace hidden

/// Head-averaged attention maps (extract --attention mean; extract/attention_maps.hpp): sentence
/// sentence[k]'s T x T map (row = query, row-major) at transformer layer l is
/// mean[l, offset[k]:offset[k+1]].
namespace attention {
inline constexpr const char* group = "/attention";
inline constexpr const char* sentence = "/attention/sentence";  // (n_maps,) int64, rows of /sentences
inline constexpr const char* offset = "/attention/offset";      // (n_maps + 1,) int64
inline constexpr const char* mean = "/attention/mean";          // (num_layers, total) float, as --dtype
}  // namespace attention

}  // namespace polyrep::schema
