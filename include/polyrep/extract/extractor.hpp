#pragma once
/// `polyrep extract` as a library call: every rank of `comm` calls run_extract with the same
/// options. Stages: prepare (check the output, load tokenizer and model, open and sample the
/// corpus), count (each rank tokenizes an equal share; counts are all-gathered), plan (windows and
/// batches that do not depend on the rank count), write (collective rounds of windows), finalize
/// (rank 0 adds strings and attributes, sets complete=1, renames). Failures that can differ
/// between ranks are agreed on (mpi::agree), so every rank throws the same CollectiveError.
#include "polyrep/extract/options.hpp"

namespace polyrep::mpi {
class Comm;
}

namespace polyrep::extract {

ExtractSummary run_extract(const ExtractOptions& options, const mpi::Comm& comm);

}  // namespace polyrep::extract
