#include "polyrep/extract/round_writer.hpp"

#include <mpi.h>

#include <chrono>
#include <memory>

#include "polyrep/core/error.hpp"
#include "polyrep/core/log.hpp"
#include "polyrep/extract/write_behind.hpp"
#include "polyrep/mpi/environment.hpp"
#include "polyrep/metrics/phase_clock.hpp"
#include "polyrep/extract/progress.hpp"
#include "polyrep/extract/sentence_source.hpp"
#include "polyrep/extract/setup.hpp"
#include "polyrep/extract/window_runner.hpp"
#include "polyrep/mpi/agree.hpp"
#include "polyrep/mpi/comm.hpp"

namespace polyrep::extract {
namespace {

// Re-reads and re-tokenizes the window's sentences (counting already did this once, on whichever
// rank had them; keeping the ids would make memory grow with the corpus).
WindowRows tokenize_window(const Window& window, const Plan& plan, SentenceSource& source,
                           const Setup& setup, std::vector<std::vector<std::int32_t>>& ids) {
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
  bool has_window = false;
  std::int64_t sentences = 0, tokens = 0;
};

// On a CPU the writer thread competes with the compute threads for the same cores (measured: no
// gain on 2 cores), so `auto` overlaps only when the forward runs on a GPU.
// Tokenizes and runs one window; its rows and states stay alive in the job until written.
std::shared_ptr<WindowJob> compute_window(const Window& window, const Plan& plan, SentenceSource& source,
                                          const Setup& setup, const WindowRunner& runner,
                                          metrics::PhaseClock& clock) {
  auto job = std::make_shared<WindowJob>();
  std::vector<std::vector<std::int32_t>> ids;
  job->rows = clock.time(phase::tokenize, [&] { return tokenize_window(window, plan, source, setup, ids); });
  job->states = clock.time(phase::forward, [&] { return runner.run(window, ids); });
  job->rows.states = &job->states;
  job->has_window = true;
  job->sentences = window.end_sentence - window.first_sentence;
  job->tokens = window.end_token - window.first_token;
  return job;
}

bool use_overlap(const ExtractOptions& options, const Setup& setup, const mpi::Comm& comm) {
  if (options.overlap == "off") return false;
  if (options.overlap == "auto" && setup.encoder->device() == "cpu") return false;
  if (options.overlap != "on" && options.overlap != "auto") {
    throw UsageError("--overlap: expected auto, on or off, got '" + options.overlap + "'");
  }
  if (mpi::query_thread_level() >= MPI_THREAD_SERIALIZED) return true;
  if (comm.is_root()) {
    log::warn("MPI grants no MPI_THREAD_SERIALIZED: windows are computed and written in turn");
  }
  return false;
}

OutputLayout make_layout(const Setup& setup, const Plan& plan, const ExtractOptions& options) {
  OutputLayout layout;
  layout.sentences = setup.total_sentences();
  layout.tokens = plan.total_tokens();
  layout.hidden = setup.encoder->config().hidden_size;
  layout.layers = setup.layers;
  layout.poolings = setup.poolings;
  layout.float16 = options.dtype == "float16";
  return layout;
}

}  // namespace

const std::vector<std::string>& extract_phases() {
  static const std::vector<std::string> names{"load", "tokenize", "forward", "wait", "write", "finalize"};
  return names;
}

RoundStats write_rounds(const Setup& setup, const Plan& plan, const std::vector<RankSlice>& slices,
                        const SentenceTable& table, const ExtractOptions& options,
                        const mpi::Comm& comm, metrics::PhaseClock& clock) {
  const RankSlice& mine = slices.at(static_cast<std::size_t>(comm.rank()));
  const OutputLayout layout = make_layout(setup, plan, options);
  ParallelOutput out = clock.time(phase::write, [&] {
    ParallelOutput file = mpi::agree(comm, [&] { return ParallelOutput(setup.partial, comm, layout); });
    file.write_sentences(comm.is_root() ? &table : nullptr);
    return file;
  });

  RoundStats stats;
  stats.rounds = comm.allreduce_max(mine.end_window - mine.first_window);
  const bool overlap = use_overlap(options, setup, comm);
  const WindowRunner runner(*setup.encoder, {setup.layers, setup.poolings, layout.float16,
                                             setup.tokenizer->pad_id()});
  SentenceSource source(*setup.corpus, setup.sample, mine.first_sentence);
  Progress progress("extract", layout.sentences, layout.tokens, options.progress_seconds, comm.is_root());
  // Declared last: destroyed (cancelled and joined) before anything its tasks use.
  WriteBehind behind(overlap);
  for (std::int64_t round = 0; round < stats.rounds; ++round) {
    const std::int64_t w = mine.first_window + round;
    std::shared_ptr<WindowJob> job = std::make_shared<WindowJob>();
    if (w < mine.end_window) job = compute_window(plan.windows[static_cast<std::size_t>(w)], plan, source, setup, runner, clock);
    auto task = [&, job] {
      // Waiting for slower ranks before the collective write: asleep on the writer thread (the
      // compute threads keep the cores), else charged to "wait" so that "write" is the I/O.
      if (overlap) {
        comm.barrier_polling([&] { return behind.cancelled(); }, std::chrono::microseconds(200));
      } else {
        clock.time(phase::wait, [&] { comm.barrier(); });
      }
      clock.time(phase::write, [&] { out.write_window(job->has_window ? &job->rows : nullptr); });
      if (job->has_window) {
        stats.my_windows += 1;
        stats.my_sentences += job->sentences;
        stats.my_tokens += job->tokens;
        stats.my_finish_seconds = clock.since_start();
      }
      progress.update(comm.allreduce_sum(stats.my_sentences), comm.allreduce_sum(stats.my_tokens));
    };
    // With overlap, "wait" is the compute thread idling until the previous window is written.
    if (overlap) {
      clock.time(phase::wait, [&] { behind.run(std::move(task)); });
    } else {
      behind.run(std::move(task));
    }
  }
  clock.time(phase::wait, [&] { behind.finish(); });
  clock.time(phase::write, [&] { out.close(); });
  progress.finish(comm.allreduce_sum(stats.my_sentences), comm.allreduce_sum(stats.my_tokens));
  stats.my_bytes = out.bytes_written();
  stats.bytes_written = comm.allreduce_sum(stats.my_bytes);
  stats.all_collective = !comm.allreduce_or(!out.all_writes_collective());
  return stats;
}

}  // namespace polyrep::extract
