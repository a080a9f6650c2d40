#pragma once
/// How an extraction starts, given what an earlier run left at `--out` (checkpoint.hpp has the
/// design): from the beginning, continuing a partial file (`--resume`), or not at all because the
/// file is already complete. Serial: rank 0 decides, the extractor tells the other ranks.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "polyrep/extract/checkpoint.hpp"
#include "polyrep/extract/plan.hpp"

namespace polyrep::extract {

/// What is at `out` and beside it.
enum class OutputState {
  none,        // nothing: start from the beginning
  complete,    // `out` is a complete polyrep file
  resumable,   // `out.partial` and its resume record: --resume continues it
  unusable,    // a partial file without a resume record (killed while being created)
};
OutputState output_state(const std::filesystem::path& out);

/// `--resume` on rank 0, before any work: true when `out` is a finished file and no unfinished run
/// lies beside it (nothing to do). InputError naming `out` when a newer polyrep wrote it
/// (schema/version.hpp): this one cannot tell whether it is finished, nor resume it.
bool resume_finds_complete(const std::filesystem::path& out);

/// The checks before any work, on rank 0: UsageError when a resumable partial file is found
/// without --resume ("rerun with --resume"), unless --overwrite discards it (a warning); removes
/// an unusable partial file; `--resume` with nothing to resume is a notice, and the run starts
/// from the beginning. `--resume` with `--overwrite` is a UsageError.
void check_partial_output(const std::filesystem::path& out, bool overwrite, bool resume);

/// The plan options a resumed run must use: those recorded, after checking that every option the
/// user gave (non-zero) equals its recorded value (UsageError naming the flag otherwise).
PlanOptions resumed_plan_options(const ResumeRecord& record, const PlanOptions& given);

/// UsageError "--resume: <partial> was made from other inputs: <change>; ..." when `now` differs
/// from the record's fingerprint; a warning (rank 0's log) when only the context differs.
void check_same_run(const std::filesystem::path& partial, const ResumeRecord& record, const Fingerprint& now,
                    const Fingerprint& context);

/// Removes the resume record and the journal once the file is complete.
void remove_resume_files(const std::filesystem::path& out);

/// "4,112": integers for people.
std::string with_thousands(std::int64_t value);

}  // namespace polyrep::extract
