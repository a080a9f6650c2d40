#pragma once
/// What makes two extraction runs the same run, so that `--resume` can refuse to finish a partial
/// file with other inputs: the contents of the model's and corpus's files (hashed, so a copied or
/// moved model still matches) and every option that changes what is written. The context — device,
/// threads, ranks — may change on resume: windows do not depend on it, only the last bits of the
/// floats do (README, "Threads and byte identity"), so a change there is a warning.
#include "polyrep/extract/checkpoint.hpp"
#include "polyrep/extract/options.hpp"
#include "polyrep/extract/plan.hpp"

namespace polyrep::extract {

struct Setup;

/// `sizes` are the plan options in effect (resolved: never 0). Hashes the files: rank 0 only.
Fingerprint run_fingerprint(const ExtractOptions& options, const Setup& setup, const PlanOptions& sizes);
/// This rank's device and threads (the rank count may change freely: windows and their sums do
/// not depend on it).
Fingerprint run_context(const Setup& setup);

/// The plan options a fingerprint recorded ("window tokens" etc.), for a resumed run to plan the
/// same windows whatever device or machine it runs on. InputError when they are missing.
PlanOptions recorded_plan_options(const Fingerprint& fingerprint);

}  // namespace polyrep::extract
