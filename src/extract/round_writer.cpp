#include "polyrep/extract/round_writer.hpp"

#include <chrono>
#include <memory>

#include "polyrep/core/error.hpp"
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
std::shared_ptr<WindowJob> compute_window(const Window& window, const Plan& plan, SentenceSource& source,
                                          const Setup& setup, const WindowRunner& runner) {
  auto job = std::make_shared<WindowJob>();
  std::vector<std::vector<std::int32_t>> ids;
  job->rows = tokenize_window(window, plan, source, setup, ids);
  {
    POLYREP_PROFILE(phase::forward);
    job->states = runner.run(window, ids);
  }
  job->rows.states = &job->states;
  job->window = &window;
  return job;
}

OutputLayout make_layout(const Setup& setup, const Plan& plan) {
  OutputLayout layout;
  layout.sentences = setup.total_sentences();
  layout.tokens = plan.total_tokens();
  layout.hidden = setup.encoder->config().hidden_size;
  layout.layers = setup.layers;
  layout.poolings = setup.poolings;
  layout.float16 = setup.float16;
  return layout;
}

ParallelOutput open_output(const Setup& setup, const PlannedWork& work, const mpi::Comm& comm) {
  POLYREP_PROFILE(phase::write);
  const OutputLayout layout = make_layout(setup, work.plan);
  ParallelOutput file = mpi::agree(comm, [&] { return ParallelOutput(setup.partial, comm, layout); });
  file.write_sentences(comm.is_root() ? &work.table : nullptr);
  return file;
}

void count_window(const WindowJob& job, RankCounts& mine) {
  if (job.window == nullptr) return;
  mine.windows += 1;
  mine.sentences += job.window->end_sentence - job.window->first_sentence;
  mine.tokens += job.window->end_token - job.window->first_token;
  const metrics::PhaseClock* clock = metrics::active_clock();
  if (clock != nullptr) mine.finish_seconds = clock->since_start();
}

}  // namespace

const std::vector<std::string>& extract_phases() {
  static const std::vector<std::string> names{"load", "tokenize", "forward", "wait", "write", "finalize"};
  return names;
}

RoundStats write_rounds(const Setup& setup, const PlannedWork& work, const mpi::Comm& comm) {
  const RankSlice& slice = work.slices.at(static_cast<std::size_t>(comm.rank()));
  ParallelOutput out = open_output(setup, work, comm);
  RoundStats stats;
  stats.rounds = comm.allreduce_max(slice.end_window - slice.first_window);
  const WindowRunner runner(*setup.encoder, {setup.layers, setup.poolings, setup.float16});
  SentenceSource source(*setup.corpus, setup.sample, slice.first_sentence);
  Progress progress("extract", setup.total_sentences(), work.plan.total_tokens(), setup.progress_seconds,
                    comm.is_root());
  // Declared last: cancelled and joined before what its tasks use.
  WriteBehind behind(setup.overlap, kWriteQueue);
  for (std::int64_t round = 0; round < stats.rounds; ++round) {
    const std::int64_t w = slice.first_window + round;
    auto job = w < slice.end_window
                   ? compute_window(work.plan.windows[static_cast<std::size_t>(w)], work.plan, source, setup, runner)
                   : std::make_shared<WindowJob>();
    auto task = [&, job] {
      // Waiting for slower ranks before the collective write: asleep on the writer thread (the
      // compute threads keep the cores), else charged to "wait" so that "write" is the I/O.
      if (setup.overlap) {
        comm.barrier_polling([&] { return behind.cancelled(); }, std::chrono::microseconds(200));
      } else {
        POLYREP_PROFILE(phase::wait);
        comm.barrier();
      }
      {
        POLYREP_PROFILE(phase::write);
        out.write_window(job->window != nullptr ? &job->rows : nullptr);
      }
      count_window(*job, stats.mine);
      progress.update(comm.allreduce_sum(stats.mine.sentences), comm.allreduce_sum(stats.mine.tokens));
    };
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
    out.close();
  }
  progress.finish(comm.allreduce_sum(stats.mine.sentences), comm.allreduce_sum(stats.mine.tokens));
  stats.mine.bytes = out.bytes_written();
  stats.bytes_written = comm.allreduce_sum(stats.mine.bytes);
  stats.all_collective = !comm.allreduce_or(!out.all_writes_collective());
  return stats;
}

}  // namespace polyrep::extract
