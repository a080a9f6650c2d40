#pragma once
/// `polyrep plot A.h5 --compare B.h5`: two extractions of the same sentences (a base model and a
/// fine-tuned one, say) in one report, layer by layer. Both must be complete, reduced extractions
/// of the same sentences (/languages, /sentences/lang, source_index, text and token_offset equal),
/// tokenized alike (/tokens/id equal, so token rows correspond) and with the same stored layers.
///
/// The report shows what both files have: the clouds both reduced (token types only when both ran
/// --average-token-duplicates), and a cloud's t-SNE only when both ran it, on the rows both t-SNE
/// runs used (all of them when both ran with the same --tsne-max-points and --seed); otherwise its
/// PCA only. The same rows of each cloud are shown for both files (subsampled to --max-points by
/// language as for one file), so point i of a cloud is the same sentence or token in A and B. PCA
/// components beyond the first two (reduce --pca K) play no part, so K may differ. Beside the
/// layouts, per stored layer, the linear CKA (cka.hpp) of the two files' mean-pooled sentence
/// vectors, over all sentences of the files. Attention maps are not part of a compare report.
#include <array>
#include <filesystem>
#include <string>
#include <vector>

#include "polyrep/plot/report_data.hpp"

namespace polyrep::plot {

struct CompareOptions {
  ReportDataOptions data;           // max_points and seed; attention maps are never read
  std::vector<std::string> labels;  // empty: from each file's model and adapters; else exactly two
  std::int64_t cka_block_rows = 4096;  // sentence rows read at a time for the CKA
  /// B's layouts rotated or reflected (and shifted) onto A's, per view and layer (procrustes.hpp):
  /// PCA signs and t-SNE rotations are arbitrary, so unaligned panels can look mirrored. --no-align.
  bool align = true;
};

struct CompareData {
  ReportData a, b;                   // the same clouds, rows, sentence table and layers
  std::array<std::string, 2> labels;
  std::array<std::vector<std::string>, 2> adapters;  // each file's adapter summaries (extract --adapter)
  /// Per layer slot, linear CKA of /hidden/sentences/mean of A and B (NaN where undefined); empty
  /// when either file has no mean pooling.
  std::vector<double> sentence_cka;
  std::int64_t cka_rows = 0;  // sentences the CKA is over
  bool aligned = false;       // B's layouts were aligned to A's (CompareOptions::align)
};

/// InputError naming B (after "--compare") unless B is a complete extraction with reduction
/// results holding the same sentences, tokens and stored layers as A; A is checked as
/// load_report_data checks it.
void require_comparable(const std::filesystem::path& a, const std::filesystem::path& b);

/// The clouds, rows and views a compare report shows (see above); logs what one file has and the
/// other lacks. InputError when no cloud was reduced in both.
std::vector<CloudRows> compare_plan(const std::filesystem::path& a, const std::filesystem::path& b,
                                    const ReportDataOptions& options);

/// Linear CKA of the two files' /hidden/sentences/mean per stored layer, over all their sentences
/// (their number in `rows`), read `block_rows` sentences at a time; empty when either file lacks
/// mean-pooled vectors (extract --pooling without mean). InputError naming B when the datasets'
/// shapes do not match.
std::vector<double> sentence_cka(const std::filesystem::path& a, const std::filesystem::path& b,
                                 std::int64_t block_rows = 4096, std::int64_t* rows = nullptr);

/// "tiny-bert" or "tiny-bert + lora r=4 alpha=8 on query,value (8 tensors)": the model directory's
/// name and the summaries of the adapters merged into it.
std::string default_label(const std::string& model, const std::vector<std::string>& adapters);

/// All of the above. UsageError for bad options (--labels not two non-empty names).
CompareData load_compare_data(const std::filesystem::path& a, const std::filesystem::path& b,
                              const CompareOptions& options);

}  // namespace polyrep::plot
