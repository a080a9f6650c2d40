#pragma once
/// The collective half of writing an extraction file: the file is created once with every dataset
/// at its final size (contiguous, allocated at creation, never filled) and closed; every rank then
/// opens it and each round writes its window's rows — or an empty selection — in one collective
/// call per dataset, so that after creation only raw data changes (extract/checkpoint.hpp). Only fixed-size numeric data is written
/// here (and the root attribute schema_version); strings (which parallel HDF5 cannot write) and the
/// run's attributes are added afterwards by rank 0 alone (finalize.hpp). Schema: schema/extraction.hpp.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "polyrep/extract/attention_maps.hpp"
#include "polyrep/extract/checkpoint.hpp"
#include "polyrep/extract/selection.hpp"

namespace polyrep::mpi {
class Comm;
}

namespace polyrep::extract {

struct WindowOutput;

struct OutputLayout {
  std::int64_t sentences = 0;
  std::int64_t tokens = 0;
  std::int64_t hidden = 0;
  std::vector<int> layers;          // stored hidden-state indices
  std::vector<Pooling> poolings;
  bool float16 = false;
  std::int64_t attention_layers = 0;   // transformer layers with maps; 0 = no /attention
  std::int64_t attention_maps = 0;     // sentences with a map
  std::int64_t attention_elements = 0; // columns of /attention/mean
};

/// Per-sentence metadata, known on every rank after planning; rank 0 writes it.
struct SentenceTable {
  std::vector<std::int32_t> language;
  std::vector<std::int64_t> source_index;
  std::vector<std::int64_t> token_offset;   // sentences + 1
  std::vector<std::uint8_t> truncated;
  AttentionIndex attention;                 // empty without --attention
};

/// One window's rows on one rank: consecutive sentences and their consecutive token rows.
struct WindowRows {
  std::int64_t first_sentence = 0;
  std::int64_t first_token = 0;
  std::vector<std::int32_t> ids;
  std::vector<std::int32_t> sentence;       // global sentence index of each token
  std::vector<std::int32_t> position;       // position inside its sentence
  std::vector<std::uint8_t> special;
  std::int64_t first_map_element = 0;       // column of /attention/mean where its maps start
  const WindowOutput* states = nullptr;
};

/// Collective: creates the file at `path` with every dataset of `layout` and writes the sentence
/// table (`table` non-null on rank 0 only), then closes it.
void create_output(const std::filesystem::path& path, const mpi::Comm& comm, const OutputLayout& layout,
                   const SentenceTable* table);

/// Serial: the raw byte extents, in the closed file at `path`, of the datasets create_output made
/// (everything else in the file is HDF5 metadata).
std::vector<ByteRange> raw_extents(const std::filesystem::path& path);

class ParallelOutput {
 public:
  /// Collective: opens the file create_output made, for the rounds.
  ParallelOutput(const std::filesystem::path& path, const mpi::Comm& comm, OutputLayout layout);
  ~ParallelOutput();
  ParallelOutput(ParallelOutput&&) noexcept;
  ParallelOutput& operator=(ParallelOutput&&) noexcept;

  /// Collective: every rank calls it once per round; `rows` is null when it has nothing.
  void write_window(const WindowRows* rows);
  /// Collective: everything written so far reaches the disk (H5Fflush, which syncs the MPI-IO
  /// file) before the journal says so.
  void flush();
  /// Collective close; errors surface here rather than in a destructor.
  void close();

  /// False if HDF5 fell back to independent I/O for any write of this rank.
  bool all_writes_collective() const;
  /// Bytes of hidden states (and attention maps) this rank wrote.
  std::int64_t bytes_written() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace polyrep::extract
