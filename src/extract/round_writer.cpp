#include "polyrep/extract/round_writer.hpp"

#include <sys/statvfs.h>

#include <atomic>
#include <chrono>
#include <memory>

#include "polyrep/core/error.hpp"
#include "polyrep/core/stop.hpp"
#include "polyrep/extract/checkpoint.hpp"
#include "polyrep/extract/resume.hpp"
#include "polyrep/extract/progress.hpp"
#include "polyrep/extract/sentence_source.hpp"
#include "polyrep/extract/setup.hpp"
#include "polyrep/extract/window_runner.hpp"
#include "polyrep/extract/write_behind.hpp"
#include "polyrep/metrics/phase_clock.hpp"
#include "polyrep/mpi/agree.hpp"
#include "polyrep/mpi/comm.hpp"

namespace polyrep::extract {
namespace {

// Windows a rank may have computed but not yet written (with --overlap): ranks drift apart by up
// to this many rounds before the faster one waits, so uneven windows cost less than the slowest
// rank's time in every round; memory per rank is kWriteQueue + 1 windows.
constexpr std::size_t kWriteQueue = 2;

// Re-reads and re-tokenizes the window's sentences (counting already did this once, on whichever
// rank had them; keeping the ids would make memory grow with the corpus).
WindowRows tokenize_window(const Window& window, const Plan& plan, SentenceSource& source,
                           const Setup& setup, std::vector<std::vector<std::int32_t>>& ids) {
  POLYREP_PROFILE(phase::tokenize);
  WindowRows rows;
  rows.first_sentence = window.first_sentence;
  rows.first_token = window.first_token;
  ids.clear();
  Sentence sentence;
  for (std::int64_t g = window.first_sentence; g < window.end_sentence; ++g) {
    if (!source.next(sentence) || sentence.global_index != g) {
      throw Error("sentence stream out of step at sentence " + std::to_string(g));
    }
    auto encoded = setup.tokenizer->encode(sentence.text, setup.max_tokens);
    const auto expected = plan.token_offset[g + 1] - plan.token_offset[g];
    if (static_cast<std::int64_t>(encoded.ids.size()) != expected) {
      throw Error("sentence " + std::to_string(g) + " tokenized to " +
                  std::to_string(encoded.ids.size()) + " tokens, counted " + std::to_string(expected));
    }
    for (std::size_t t = 0; t < encoded.ids.size(); ++t) {
      rows.ids.push_back(encoded.ids[t]);
      rows.sentence.push_back(static_cast<std::int32_t>(g));
      rows.position.push_back(static_cast<std::int32_t>(t));
      rows.special.push_back(setup.tokenizer->is_special(encoded.ids[t]) ? 1 : 0);
    }
    ids.push_back(std::move(encoded.ids));
  }
  return rows;
}

struct WindowJob {  // one round's window, handed to the writer (empty for a rank without one)
  WindowRows rows;
  WindowOutput states;
  const Window* window = nullptr;
};

// Tokenizes and runs one window; its rows and states stay alive in the job until written.
std::shared_ptr<WindowJob> compute_window(const Window& window, const PlannedWork& work, SentenceSource& source,
                                          const Setup& setup, const WindowRunner& runner) {
  auto job = std::make_shared<WindowJob>();
  std::vector<std::vector<std::int32_t>> ids;
  job->rows = tokenize_window(window, work.plan, source, setup, ids);
  const AttentionIndex& maps = work.table.attention;
  if (!maps.offset.empty()) {
    job->rows.first_map_element =
        maps.offset[static_cast<std::size_t>(maps.range(window.first_sentence, window.end_sentence).first)];
  }
  job->states = runner.run(window, ids);  // charges "forward" and "copy" itself
  job->rows.states = &job->states;
  job->window = &window;
  return job;
}

ParallelOutput open_output(const Setup& setup, const PlannedWork& work, const mpi::Comm& comm) {
  POLYREP_PROFILE(phase::write);
  const OutputLayout layout = output_layout(setup, work.plan, work.table.attention);
  return mpi::agree(comm, [&] { return ParallelOutput(setup.partial, comm, layout); });
}

// This rank's windows in order: its slice, less those an earlier run already wrote.
std::vector<std::int64_t> windows_to_run(const PlannedWork& work, const RankSlice& slice) {
  std::vector<std::int64_t> out;
  for (std::int64_t w = slice.first_window; w < slice.end_window; ++w) {
    if (work.done.empty() || !work.done[static_cast<std::size_t>(w)]) out.push_back(w);
  }
  return out;
}

// A failed write names the file, and says so when its file system is full: MPI-IO reports only
// "file write failed".
void write_or_explain(ParallelOutput& out, const WindowRows* rows, const std::filesystem::path& path) {
  try {
    out.write_window(rows);
  } catch (const Error&) {
    struct statvfs fs {};
    const std::string dir = path.parent_path().empty() ? "." : path.parent_path().string();
    const bool full = ::statvfs(dir.c_str(), &fs) == 0 &&
                      static_cast<double>(fs.f_bavail) * static_cast<double>(fs.f_frsize) < 64.0 * (1 << 20);
    rethrow_with_context(path.string() + (full ? ": no space left on the file system (" +
                                                     std::to_string((fs.f_bavail * fs.f_frsize) >> 10) + " KiB free)"
                                               : std::string()));
  }
}

// Sentences and tokens of the windows an earlier run wrote, so that progress counts them.
std::pair<std::int64_t, std::int64_t> already_written(const PlannedWork& work) {
  std::int64_t sentences = 0, tokens = 0;
  for (std::size_t w = 0; w < work.done.size(); ++w) {
    if (!work.done[w]) continue;
    sentences += work.plan.windows[w].end_sentence - work.plan.windows[w].first_sentence;
    tokens += work.plan.windows[w].end_token - work.plan.windows[w].first_token;
  }
  return {sentences, tokens};
}

// Records the windows of the rounds since the last checkpoint as durably written: they are on
// disk first (flush), then in the journal (rank 0), so a kill between the two only costs their
// recomputation. Errors (a full disk) reach every rank.
class Checkpointer {
 public:
  Checkpointer(const Setup& setup, const PlannedWork& work, const mpi::Comm& comm)
      : setup_(setup), comm_(comm), last_(std::chrono::steady_clock::now()) {
    if (!comm.is_root()) return;
    for (const RankSlice& slice : work.slices) runs_.push_back(windows_to_run(work, slice));
  }

  /// After round `round`'s write, on every rank; returns whether the ranks agreed to stop.
  bool after_round(std::int64_t round, ParallelOutput& out) {
    if (comm_.is_root()) {
      for (const auto& run : runs_) {
        if (round < static_cast<std::int64_t>(run.size())) pending_.push_back(run[static_cast<std::size_t>(round)]);
      }
    }
    const bool stop = comm_.allreduce_or(stop_requested());
    const bool due = std::chrono::duration<double>(std::chrono::steady_clock::now() - last_).count() >=
                     setup_.checkpoint_seconds;
    if (stop || comm_.allreduce_or(comm_.is_root() && due)) save(out);
    return stop;
  }

  void save(ParallelOutput& out) {
    out.flush();
    mpi::on_root(comm_, [&] { append_done(setup_.journal, to_ranges(std::move(pending_))); });
    pending_.clear();
    last_ = std::chrono::steady_clock::now();
  }

 private:
  const Setup& setup_;
  const mpi::Comm& comm_;
  std::chrono::steady_clock::time_point last_;
  std::vector<std::vector<std::int64_t>> runs_;   // rank 0: every rank's windows, in round order
  std::vector<std::int64_t> pending_;             // rank 0: written since the last checkpoint
};

void count_window(const WindowJob& job, RankCounts& mine) {
  if (job.window == nullptr) return;
  mine.windows += 1;
  mine.sentences += job.window->end_sentence - job.window->first_sentence;
  mine.tokens += job.window->end_token - job.window->first_token;
  const metrics::PhaseClock* clock = metrics::active_clock();
  if (clock != nullptr) mine.finish_seconds = clock->since_start();
}

}  // namespace

OutputLayout output_layout(const Setup& setup, const Plan& plan, const AttentionIndex& attention) {
  OutputLayout layout;
  layout.sentences = setup.total_sentences();
  layout.tokens = plan.total_tokens();
  layout.hidden = setup.encoder->config().hidden_size;
  layout.layers = setup.layers;
  layout.poolings = setup.poolings;
  layout.float16 = setup.float16;
  if (setup.attention) {
    layout.attention_layers = setup.encoder->config().num_layers;
    layout.attention_maps = attention.maps();
    layout.attention_elements = attention.elements();
  }
  return layout;
}

const std::vector<std::string>& extract_phases() {
  static const std::vector<std::string> names{"load", "tokenize", "forward", "copy", "wait", "write", "finalize"};
  return names;
}

namespace {

// One round's collective write and what follows it, run by the write-behind thread (or inline):
// what the tasks share lives here rather than in a lambda's captures.
struct RoundSink {
  const Setup& setup;
  const mpi::Comm& comm;
  ParallelOutput& out;
  Checkpointer& checkpoint;
  Progress& progress;
  RoundStats& stats;
  std::pair<std::int64_t, std::int64_t> done;   // sentences and tokens written by earlier runs
  std::atomic<bool> stopped{false};
  const WriteBehind* behind = nullptr;

  void write(const WindowJob& job, std::int64_t round) {
    if (stopped) return;  // the ranks agreed to stop in an earlier round: no more collectives
    // Waiting for slower ranks before the collective write: asleep on the writer thread (the
    // compute threads keep the cores), else charged to "wait" so that "write" is the I/O.
    if (setup.overlap) {
      comm.barrier_polling([&] { return behind->cancelled(); }, std::chrono::microseconds(200));
    } else {
      POLYREP_PROFILE(phase::wait);
      comm.barrier();
    }
    {
      POLYREP_PROFILE(phase::write);
      mpi::agree(comm, [&] { write_or_explain(out, job.window != nullptr ? &job.rows : nullptr, setup.partial); });
      if (checkpoint.after_round(round, out)) stopped = true;
    }
    count_window(job, stats.mine);
    update_progress();
  }

  void update_progress() {
    progress.update(done.first + comm.allreduce_sum(stats.mine.sentences),
                    done.second + comm.allreduce_sum(stats.mine.tokens));
  }
};

}  // namespace

RoundStats write_rounds(const Setup& setup, const PlannedWork& work, const mpi::Comm& comm) {
  const RankSlice& slice = work.slices.at(static_cast<std::size_t>(comm.rank()));
  const std::vector<std::int64_t> mine = windows_to_run(work, slice);
  ParallelOutput out = open_output(setup, work, comm);
  RoundStats stats;
  stats.rounds = comm.allreduce_max(static_cast<std::int64_t>(mine.size()));
  const WindowRunner runner(*setup.encoder, {setup.layers, setup.poolings, setup.float16, setup.cuda_ordinal,
                                             setup.attention ? &work.table.attention : nullptr});
  SentenceSource source(*setup.corpus, setup.sample, slice.first_sentence);
  Progress progress("extract", setup.total_sentences(), work.plan.total_tokens(), setup.progress_seconds,
                    comm.is_root());
  Checkpointer checkpoint(setup, work, comm);
  RoundSink sink{setup, comm, out, checkpoint, progress, stats, already_written(work)};
  progress.start_from(sink.done.second);
  // Declared last: cancelled and joined before what its tasks use.
  WriteBehind behind(setup.overlap, kWriteQueue);
  sink.behind = &behind;
  for (std::int64_t round = 0; round < stats.rounds && !sink.stopped; ++round) {
    const Window* window = round < static_cast<std::int64_t>(mine.size())
                               ? &work.plan.windows[static_cast<std::size_t>(mine[static_cast<std::size_t>(round)])]
                               : nullptr;
    if (window != nullptr) source.skip_to(window->first_sentence);
    auto job = window != nullptr ? compute_window(*window, work, source, setup, runner) : std::make_shared<WindowJob>();
    auto task = [&sink, job, round] { sink.write(*job, round); };
    if (!setup.overlap) {
      behind.run(std::move(task));  // inline: the task charges its own phases
      continue;
    }
    POLYREP_PROFILE(phase::wait);   // the compute thread idling until the previous window is written
    behind.run(std::move(task));
  }
  {
    POLYREP_PROFILE(phase::wait);
    behind.finish();
  }
  {
    POLYREP_PROFILE(phase::write);
    if (!sink.stopped) checkpoint.save(out);
    out.close();
  }
  if (sink.stopped) {
    throw Interrupted("stopped by signal " + std::to_string(comm.allreduce_max(std::int64_t{stop_signal()})) +
                      " after " + with_thousands(comm.allreduce_sum(stats.mine.windows)) +
                      " windows of this run; resumable: rerun with --resume");
  }
  progress.finish(sink.done.first + comm.allreduce_sum(stats.mine.sentences),
                  sink.done.second + comm.allreduce_sum(stats.mine.tokens));
  stats.mine.bytes = out.bytes_written();
  stats.bytes_written = comm.allreduce_sum(stats.mine.bytes);
  stats.all_collective = !comm.allreduce_or(!out.all_writes_collective());
  return stats;
}

}  // namespace polyrep::extract
