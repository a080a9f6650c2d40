#include "polyrep/extract/resume.hpp"

#include "polyrep/core/error.hpp"
#include "polyrep/core/log.hpp"
#include "polyrep/extract/fingerprint.hpp"
#include "polyrep/h5/attribute.hpp"
#include "polyrep/h5/file.hpp"
#include "polyrep/schema/attributes.hpp"
#include "polyrep/schema/version.hpp"

namespace polyrep::extract {
namespace fs = std::filesystem;

namespace {

bool is_complete(const h5::File& file) {
  return h5::has_attr(file.id(), schema::attr::complete) && h5::get_attr_int(file.id(), schema::attr::complete) == 1;
}

bool is_complete_file(const fs::path& path) {
  try {
    h5::File file = h5::File::open(path, false);
    const bool complete = is_complete(file);
    file.close();
    return complete;
  } catch (const Error&) {
    return false;
  }
}

std::int64_t count_done(const ResumePaths& paths) {
  try {
    const ResumeRecord record = read_resume_record(paths.record);
    std::int64_t done = 0;
    for (bool d : read_done(paths.journal, record.windows)) done += d ? 1 : 0;
    return done;
  } catch (const Error&) {
    return -1;
  }
}

}  // namespace

OutputState output_state(const fs::path& out) {
  std::error_code ec;
  const ResumePaths paths = resume_paths(out);
  if (fs::exists(paths.partial, ec)) {
    return fs::exists(paths.record, ec) ? OutputState::resumable : OutputState::unusable;
  }
  if (fs::exists(out, ec) && is_complete_file(out)) return OutputState::complete;
  return OutputState::none;
}

bool resume_finds_complete(const fs::path& out) {
  std::error_code ec;
  if (fs::exists(resume_paths(out).partial, ec) || !fs::exists(out, ec)) return false;
  h5::File file;
  try {
    file = h5::File::open(out, false);
  } catch (const Error&) {
    return false;  // not HDF5: the run starts over, as for any file that is not a finished one
  }
  schema::require_readable_schema(file.id(), out);
  const bool complete = is_complete(file);
  file.close();
  return complete;
}

void check_partial_output(const fs::path& out, bool overwrite, bool resume) {
  if (resume && overwrite) throw UsageError("--resume and --overwrite: choose one (resume a run, or start it over)");
  const ResumePaths paths = resume_paths(out);
  std::error_code ec;
  switch (output_state(out)) {
    case OutputState::resumable:
      if (resume) return;
      if (!overwrite) {
        const std::int64_t done = count_done(paths);
        throw UsageError("--out: '" + paths.partial.string() + "' holds an unfinished run" +
                         (done >= 0 ? " (" + with_thousands(done) + " windows written)" : std::string()) +
                         ": rerun with --resume to finish it, or remove " + paths.partial.string() +
                         "* to start over");
      }
      log::warn("--overwrite: discarding the unfinished run in '" + paths.partial.string() + "'");
      break;
    case OutputState::unusable:
      log::warn("removing '" + paths.partial.string() + "', left by a run that stopped before its file was created");
      break;
    case OutputState::complete:
    case OutputState::none:
      if (resume && !fs::exists(out, ec)) {
        log::info("--resume: no unfinished run at '" + paths.partial.string() + "': starting from the beginning");
      }
      break;
  }
  for (const fs::path& p : {paths.partial, paths.record, paths.journal}) fs::remove(p, ec);
}

PlanOptions resumed_plan_options(const ResumeRecord& record, const PlanOptions& given) {
  const PlanOptions saved = recorded_plan_options(record.fingerprint);
  const auto check = [](const char* flag, std::int64_t now, std::int64_t was) {
    if (now != 0 && now != was) {
      throw UsageError(std::string("--resume: ") + flag + " " + std::to_string(now) + " differs from the " +
                       std::to_string(was) + " the unfinished run used");
    }
  };
  check("--batch-tokens", given.batch_tokens, saved.batch_tokens);
  check("--window-sentences", given.window_sentences, saved.window_sentences);
  check("--window-tokens", given.window_tokens, saved.window_tokens);
  return saved;
}

void check_same_run(const fs::path& partial, const ResumeRecord& record, const Fingerprint& now,
                    const Fingerprint& context) {
  const std::string change = first_change(record.fingerprint, now);
  if (!change.empty()) {
    throw UsageError("--resume: '" + partial.string() + "' was made from other inputs (" + change +
                     "): rerun with the same inputs, or remove " + partial.string() + "* to start over");
  }
  const std::string moved = first_change(record.context, context);
  if (!moved.empty()) {
    log::warn("--resume: " + moved + " (windows written before and after differ in the last bits of their floats;"
              " README, \"Threads and byte identity\")");
  }
}

void remove_resume_files(const fs::path& out) {
  const ResumePaths paths = resume_paths(out);
  std::error_code ec;
  fs::remove(paths.journal, ec);
  fs::remove(paths.record, ec);
}

std::string with_thousands(std::int64_t value) {
  std::string digits = std::to_string(value < 0 ? -value : value);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(static_cast<std::size_t>(i), ",");
  return (value < 0 ? "-" : "") + digits;
}

}  // namespace polyrep::extract
