#include "polyrep/extract/extractor.hpp"

#include <chrono>
#include <ctime>
#include <random>
#include <cstdio>

#include "polyrep/core/error.hpp"
#include "polyrep/core/log.hpp"
#include "polyrep/core/version.hpp"
#include "polyrep/corpus/sample.hpp"
#include "polyrep/core/hash.hpp"
#include "polyrep/core/stop.hpp"
#include "polyrep/extract/checkpoint.hpp"
#include "polyrep/extract/complete_output.hpp"
#include "polyrep/extract/finalize.hpp"
#include "polyrep/extract/fingerprint.hpp"
#include "polyrep/extract/resume.hpp"
#include "polyrep/extract/output_file.hpp"
#include "polyrep/extract/progress.hpp"
#include "polyrep/extract/round_writer.hpp"
#include "polyrep/extract/sentence_source.hpp"
#include "polyrep/extract/setup.hpp"
#include "polyrep/extract/window_runner.hpp"
#include "polyrep/extract/work_estimate.hpp"
#include "polyrep/metrics/phase_clock.hpp"
#include "polyrep/metrics/run_metrics.hpp"
#include "polyrep/model/encoder.hpp"
#include "polyrep/mpi/agree.hpp"
#include "polyrep/mpi/comm.hpp"
#include "polyrep/mpi/placement.hpp"
#include "polyrep/schema/attributes.hpp"
#include "polyrep/tokenizer/tokenizer.hpp"

namespace polyrep::extract {
namespace {

struct Counts {
  std::vector<std::int32_t> tokens;     // per sentence, canonical order
  std::vector<std::int32_t> truncated;  // 0/1 per sentence
};

// Each rank tokenizes an equal share of the canonical sentence list; the counts are all-gathered
// so that every rank can make the same plan.
Counts count_tokens(const Setup& setup, const mpi::Comm& comm) {
  const std::int64_t total = setup.total_sentences();
  const auto [begin, end] = even_share(total, comm.size(), comm.rank());
  Counts mine;
  mpi::agree(comm, [&] {
    SentenceSource source(*setup.corpus, setup.sample, begin);
    Sentence sentence;
    for (std::int64_t g = begin; g < end && source.next(sentence); ++g) {
      const auto encoded = setup.tokenizer->encode(sentence.text, setup.max_tokens);
      mine.tokens.push_back(static_cast<std::int32_t>(encoded.ids.size()));
      mine.truncated.push_back(encoded.truncated ? 1 : 0);
    }
  });
  Counts all{comm.allgatherv(mine.tokens), comm.allgatherv(mine.truncated)};
  if (static_cast<std::int64_t>(all.tokens.size()) != total) {
    throw Error("token counting: gathered " + std::to_string(all.tokens.size()) + " counts for " +
                std::to_string(total) + " sentences");
  }
  return all;
}

std::int64_t report_truncation(const Counts& counts, const Setup& setup, const mpi::Comm& comm) {
  std::int64_t truncated = 0;
  for (std::int32_t t : counts.truncated) truncated += t;
  if (truncated > 0 && comm.is_root()) {
    log::warn(std::to_string(truncated) + " of " + std::to_string(counts.truncated.size()) +
              " sentences were longer than " + std::to_string(setup.max_tokens) +
              " tokens and were truncated (--max-tokens; /sentences/truncated marks them)");
  }
  return truncated;
}

SentenceTable make_sentence_table(const Setup& setup, const Counts& counts, const Plan& plan) {
  SentenceTable table;
  const auto per_lang = static_cast<std::int64_t>(setup.sample.size());
  for (std::int64_t g = 0; g < setup.total_sentences(); ++g) {
    table.language.push_back(static_cast<std::int32_t>(g / per_lang));
    table.source_index.push_back(setup.sample[static_cast<std::size_t>(g % per_lang)]);
    table.truncated.push_back(static_cast<std::uint8_t>(counts.truncated[static_cast<std::size_t>(g)]));
  }
  table.token_offset = plan.token_offset;
  if (setup.attention) table.attention = select_attention(table.language, table.token_offset, setup.attention_sentences);
  return table;
}

std::vector<Attribute> run_attributes(const ExtractOptions& options, const Setup& setup,
                                      const std::vector<std::int64_t>& threads, const mpi::Comm& comm) {
  std::time_t now = std::time(nullptr);
  char created[32];
  std::strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  // Identifies this extraction (reduce results record it, so results made for an earlier file of
  // the same name are recognised as stale even within the same second).
  std::random_device entropy;
  char run_id[32];
  std::snprintf(run_id, sizeof run_id, "%08x%08x", entropy(), entropy());
  std::vector<std::int64_t> layers(setup.layers.begin(), setup.layers.end());
  std::string poolings;
  for (Pooling p : setup.poolings) poolings += (poolings.empty() ? "" : ",") + pooling_name(p);
  const auto& config = setup.encoder->config();
  namespace attr = schema::attr;
  return {{attr::polyrep_version, std::string(kVersion)},
          {attr::model, options.model_dir.string()},
          {attr::model_type, config.model_type},
          {attr::architecture, config.architecture},
          {attr::adapters, setup.adapters},
          {attr::num_layers, std::int64_t{config.num_layers}},
          {attr::hidden_size, std::int64_t{config.hidden_size}},
          {attr::tokenizer, setup.tokenizer->kind()},
          {attr::dtype, to_string(options.dtype)},
          {attr::layers, layers},
          {attr::pooling, poolings},
          {attr::attention, to_string(options.attention)},
          {attr::attention_sentences, options.attention_sentences},
          {attr::corpus, options.corpus.path.string()},
          {attr::corpus_layout, std::string(corpus::to_string(setup.corpus->layout()))},
          {attr::split, options.corpus.split},
          {attr::seed, static_cast<std::int64_t>(options.seed)},
          {attr::sample_size, options.sample ? *options.sample : std::int64_t{-1}},
          {attr::max_tokens, static_cast<std::int64_t>(setup.max_tokens)},
          {attr::device, model::to_string(setup.encoder->device())},
          {attr::precision, model::to_string(options.precision)},
          {attr::ranks, std::int64_t{comm.size()}},
          // Float sums depend on the thread count (BLAS splits its work by it): files are
          // byte-identical across rank counts at equal threads per rank, within 1e-5 otherwise.
          {attr::threads_per_rank, threads},
          {attr::command_line, options.command_line},
          {attr::created, std::string(created)},
          {attr::run_id, std::string(run_id)}};
}

void write_metrics(const ExtractOptions& options, const Setup& setup, const ExtractSummary& summary,
                   const RankCounts& mine, const metrics::PhaseClock& clock, const mpi::Comm& comm) {
  metrics::RunInfo run;
  run.command = "extract";
  run.device = model::to_string(setup.encoder->device());
  run.precision = model::to_string(options.precision);
  run.threads_per_rank = setup.threads;
  run.languages = static_cast<std::int64_t>(setup.corpus->languages().size());
  run.sentences = summary.sentences;
  run.tokens = summary.tokens;
  run.wall_seconds = summary.seconds;
  run.phases = clock.phases();
  metrics::RankMetrics rank;
  rank.seconds = clock.seconds();
  rank.busy_seconds = clock.seconds(phase::tokenize) + clock.seconds(phase::forward) + clock.seconds(phase::copy);
  rank.finish_seconds = mine.finish_seconds;
  rank.threads = setup.threads;
  rank.cores = setup.placement.cores;
  rank.cpus = mpi::format_cpu_list(setup.placement.cpus);
  rank.counters = {{"tokens", mine.tokens},
                   {"sentences", mine.sentences},
                   {"windows", mine.windows},
                   {"bytes_written", mine.bytes},
                   {"planned_work", static_cast<std::int64_t>(mine.planned_work + 0.5)}};
  metrics::write_run_metrics(options.metrics, run, rank, comm);
}

// The windows (sized for the job and device, never for the rank count; a resumed run uses the
// sizes recorded by the run it continues) and the per-sentence table.
PlannedWork plan_work(const Setup& setup, const Counts& counts, const PlanOptions& sizes, const mpi::Comm& comm) {
  PlannedWork work;
  work.plan = mpi::agree(comm, [&] { return make_plan(counts.tokens, sizes); });
  work.window_work = window_work(work.plan, work_model_for_hidden(setup.encoder->config().hidden_size));
  work.table = make_sentence_table(setup, counts, work.plan);
  return work;
}

// Each rank's share of the windows still to run, equal in estimated forward work rather than in
// tokens: languages differ in fertility, so equal tokens can mean very different sentence lengths
// and attention cost. Windows already written weigh nothing.
void assign_windows(const Setup& setup, const PlanOptions& sizes, PlannedWork& work, const mpi::Comm& comm) {
  std::vector<double> weights = work.window_work;
  for (std::size_t w = 0; w < work.done.size(); ++w) weights[w] = work.done[w] ? 0.0 : weights[w];
  work.slices = partition(work.plan, comm.size(), weights);
  if (!comm.is_root()) return;
  std::vector<double> load = rank_work(work.slices, weights);
  char balance[64];
  std::snprintf(balance, sizeof balance, "%.1f%%", 100.0 * imbalance(load));
  log::info("extract: " + std::to_string(setup.total_sentences()) + " sentences in " +
            std::to_string(setup.corpus->languages().size()) + " languages, " +
            std::to_string(work.plan.total_tokens()) + " tokens, " + std::to_string(work.plan.windows.size()) +
            " windows of up to " + std::to_string(sizes.window_tokens) + " tokens over " +
            std::to_string(comm.size()) + " ranks (estimated work of the busiest rank " + balance + " above the mean)");
}

// Where the run starts: the plan options it must use, and on rank 0 the record of the run it
// continues (resuming = a record was read).
struct Start {
  bool resuming = false;
  PlanOptions sizes;
  ResumeRecord record;   // rank 0
};

Start read_start(const ExtractOptions& options, const Setup& setup, std::int64_t total_tokens, const mpi::Comm& comm) {
  Start start;
  std::vector<std::int64_t> sizes{0, 0, 0, 0};
  mpi::on_root(comm, [&] {
    PlanOptions chosen = resolve_plan_options(setup.plan, setup.encoder->device() == model::Device::cuda, total_tokens);
    if (options.resume && output_state(options.out) == OutputState::resumable) {
      start.record = read_resume_record(resume_paths(options.out).record);
      chosen = resumed_plan_options(start.record, setup.plan);
      sizes[3] = 1;
    }
    sizes[0] = chosen.batch_tokens;
    sizes[1] = chosen.window_sentences;
    sizes[2] = chosen.window_tokens;
  });
  comm.broadcast(sizes);
  start.sizes = {sizes[0], sizes[1], sizes[2]};
  start.resuming = sizes[3] == 1;
  return start;
}

// A fresh run creates the file and saves its resume record; a resumed one checks that it is the
// same run, puts the file's metadata back as it was at creation and learns which windows are done.
std::vector<bool> begin_output(const ExtractOptions& options, const Setup& setup, const PlannedWork& work,
                               Start& start, const mpi::Comm& comm) {
  const auto windows = static_cast<std::int64_t>(work.plan.windows.size());
  std::vector<std::int64_t> done(static_cast<std::size_t>(windows), 0);
  if (!start.resuming) {
    mpi::agree(comm, [&] { create_output(setup.partial, comm, output_layout(setup, work.plan, work.table.attention),
                                   comm.is_root() ? &work.table : nullptr); });
  }
  mpi::on_root(comm, [&] {
    const Fingerprint fingerprint = run_fingerprint(options, setup, start.sizes);
    const ResumePaths paths = resume_paths(options.out);
    if (start.resuming) {
      check_same_run(paths.partial, start.record, fingerprint, run_context(setup));
      if (start.record.windows != windows) throw InputError(paths.record.string() + ": records another plan");
      restore_metadata(paths.partial, start.record);
      const std::vector<bool> flags = read_done(paths.journal, windows);
      std::int64_t n = 0;
      for (std::size_t w = 0; w < flags.size(); ++w) n += (done[w] = flags[w] ? 1 : 0);
      log::info("resuming " + paths.partial.string() + ": " + with_thousands(n) + " of " + with_thousands(windows) +
                " windows already written; " + with_thousands(windows - n) + " to go");
      return;
    }
    ResumeRecord record;
    record.fingerprint = fingerprint;
    record.context = run_context(setup);
    record.windows = windows;
    snapshot_metadata(paths.partial, raw_extents(paths.partial), record);
    std::error_code ec;
    std::filesystem::remove(paths.journal, ec);
    write_resume_record(paths.record, record);
    start.record = std::move(record);
  });
  comm.broadcast(done);
  return std::vector<bool>(done.begin(), done.end());
}

void stop_if_asked(const mpi::Comm& comm, const char* when) {
  if (comm.allreduce_or(stop_requested())) {
    throw Interrupted(std::string("stopped by signal ") + std::to_string(stop_signal()) + " " + when +
                      "; resumable: rerun with --resume");
  }
}

}  // namespace

ExtractSummary run_extract(const ExtractOptions& options, const mpi::Comm& comm) {
  metrics::PhaseClock clock(extract_phases());
  const metrics::ActiveClock active(clock);
  mpi::agree(comm, [&] { metrics::check_metrics_path(options.metrics); });
  ExtractSummary summary;
  summary.path = options.out;
  const bool finished =
      options.resume && mpi::agree(comm, [&] { return comm.is_root() && resume_finds_complete(options.out); });
  const bool complete = options.resume && comm.allreduce_or(finished);
  const Setup setup = clock.time(phase::load, [&] { return prepare(options, comm); });
  if (complete) {
    const std::vector<std::int64_t> threads = comm.allgatherv(std::vector<std::int64_t>{setup.threads});
    mpi::on_root(comm, [&] {
      const std::string change =
          complete_output_change(options.out, run_attributes(options, setup, threads, comm), setup.corpus->languages());
      if (!change.empty()) {
        throw UsageError("--resume: '" + options.out.string() + "' is complete but was made from other inputs (" +
                         change + "): pass --overwrite instead of --resume to replace it, or choose another --out");
      }
      log::info("--resume: '" + options.out.string() + "' is complete: nothing to do");
      remove_resume_files(options.out);
    });
    return summary;
  }
  const Counts counts = clock.time(phase::tokenize, [&] { return count_tokens(setup, comm); });
  stop_if_asked(comm, "before any window was computed");
  summary.truncated = report_truncation(counts, setup, comm);
  std::int64_t total_tokens = 0;
  for (std::int32_t n : counts.tokens) total_tokens += n;
  Start start = read_start(options, setup, total_tokens, comm);
  PlannedWork work = plan_work(setup, counts, start.sizes, comm);
  work.done = clock.time(phase::write, [&] { return begin_output(options, setup, work, start, comm); });
  assign_windows(setup, start.sizes, work, comm);
  summary.sentences = setup.total_sentences();
  summary.tokens = work.plan.total_tokens();
  const double rounds_start = clock.since_start();
  RoundStats stats = write_rounds(setup, work, comm);
  stats.mine.planned_work = rank_work(work.slices, work.window_work).at(static_cast<std::size_t>(comm.rank()));
  summary.extract_seconds = clock.since_start() - rounds_start;
  summary.bytes_written = stats.bytes_written;
  summary.all_writes_collective = stats.all_collective;
  for (const RankSlice& s : work.slices) summary.ranks_without_work += s.empty() ? 1 : 0;
  const std::vector<std::int64_t> threads = comm.allgatherv(std::vector<std::int64_t>{setup.threads});
  const std::int64_t tokens_this_run = comm.allreduce_sum(stats.mine.tokens);
  clock.time(phase::finalize, [&] {
    mpi::on_root(comm, [&] {
      FinalizeInput input{setup.corpus.get(), &setup.sample, setup.tokenizer.get(),
                          run_attributes(options, setup, threads, comm)};
      input.attributes.push_back({schema::attr::input_fingerprint, hex64(fingerprint_hash(start.record.fingerprint))});
      std::int64_t resumed = 0;
      for (bool d : work.done) resumed += d ? 1 : 0;
      input.attributes.push_back({schema::attr::windows_from_earlier_runs, resumed});
      finalize_output(setup.partial, options.out, input);
      remove_resume_files(options.out);
    });
  });
  summary.seconds = clock.since_start();
  summary.peak_rss_bytes = comm.allreduce_max(metrics::peak_rss_bytes());
  if (!options.metrics.empty()) write_metrics(options, setup, summary, stats.mine, clock, comm);
  if (comm.is_root()) {
    log::info("extract: wrote " + options.out.string() + " in " +
              Progress::format_duration(summary.seconds) + " (" +
              std::to_string(static_cast<long long>(static_cast<double>(tokens_this_run) /
                                                    std::max(summary.extract_seconds, 1e-9))) +
              " tokens/s over all ranks; peak memory per rank " +
              std::to_string(summary.peak_rss_bytes >> 20) + " MiB)");
  }
  return summary;
}

}  // namespace polyrep::extract
