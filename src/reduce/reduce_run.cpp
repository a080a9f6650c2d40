#include "polyrep/reduce/reduce_run.hpp"

#include <iomanip>
#include <sstream>

#include "polyrep/core/error.hpp"
#include "polyrep/h5/dataset.hpp"
#include "polyrep/metrics/phase_clock.hpp"
#include "polyrep/metrics/run_metrics.hpp"
#include "polyrep/mpi/agree.hpp"
#include "polyrep/mpi/comm.hpp"
#include "polyrep/core/version.hpp"
#include "polyrep/reduce/reduce_progress.hpp"
#include "polyrep/reduce/results_file.hpp"
#include "polyrep/reduce/token_types.hpp"
#include "polyrep/reduce/tsne.hpp"
#include "polyrep/schema/extraction.hpp"

namespace polyrep::reduce {
namespace {

namespace phase {
inline constexpr std::size_t open = 0, pca = 1, token_types = 2, tsne = 3, commit = 4;
}

std::int64_t language_count(const ReduceFiles& files, const mpi::Comm& comm) {
  return mpi::agree(comm, [&] {
    return static_cast<std::int64_t>(h5::Dataset::open(files.source.id(), schema::languages).dims().at(0));
  });
}

void write_metrics(const ReduceOptions& options, const ReduceSummary& summary, std::int64_t languages,
                   const metrics::PhaseClock& clock, double finish, const mpi::Comm& comm) {
  metrics::RunInfo run;
  run.command = "reduce";
  run.threads_per_rank = options.tsne_options.tsne.threads;
  run.languages = languages;
  run.sentences = summary.pca.sentence_rows;
  run.tokens = summary.pca.token_rows;
  run.wall_seconds = summary.seconds;
  run.phases = clock.phases();
  metrics::RankMetrics mine;
  mine.seconds = clock.seconds();
  // PCA is collective throughout (its passes end in allreduces); the t-SNE jobs are this rank's own.
  mine.busy_seconds = clock.seconds(phase::pca) + clock.seconds(phase::token_types) + clock.seconds(phase::tsne);
  mine.finish_seconds = finish;
  mine.counters = {{"tsne_jobs", summary.tsne.my_jobs}};
  metrics::write_run_metrics(options.metrics, run, mine, comm);
}

void validate(const ReduceOptions& options, const mpi::Comm& comm) {
  mpi::agree(comm, [&] {
    // Every flag before any file is opened or created (the PCA job checks its own again).
    if (options.pca.components < 1)
      throw UsageError("--pca " + std::to_string(options.pca.components) + ": expected at least 1 component");
    if (options.pca.chunk_rows < 1)
      throw UsageError("--chunk-rows " + std::to_string(options.pca.chunk_rows) + ": expected a positive number");
    metrics::check_metrics_path(options.metrics);
    // Bad t-SNE flags are refused before the PCA runs, not after it, and even without --tsne: a
    // value that is wrong is a mistake either way (the point count is not known yet; each job
    // checks perplexity against its own again).
    validate_tsne_options(options.tsne_options.tsne, std::ptrdiff_t{1} << 40);
  });
}

ReduceJobs plan_jobs(const ReduceFiles& files, const ReduceOptions& options, const mpi::Comm& comm) {
  ReduceJobs jobs;
  jobs.types = options.token_types;
  jobs.tsne = options.tsne;
  mpi::agree(comm, [&] {
    jobs.pca_clouds = pca_clouds(files);
    if (jobs.pca_clouds.empty()) throw InputError(files.extraction.string() + ": no hidden states to reduce");
    jobs.layers = std::int64_t(h5::Dataset::open(files.source.id(), schema::hidden::tokens).dims().at(0));
  });
  return jobs;
}

// Every option that changes what reduce writes, and the extraction it reads: what --resume
// compares. Not t-SNE's threads (its layouts are bit-identical for any count) nor the ranks.
std::string number(double v) {
  std::ostringstream out;
  out << std::setprecision(17) << v;
  return out.str();
}

extract::Fingerprint reduce_fingerprint(const ReduceOptions& o, const std::string& source) {
  const TsneOptions& t = o.tsne_options.tsne;
  extract::Fingerprint f;
  f.add("extraction run_id", source);
  f.add("--pca", std::to_string(o.pca.components));
  f.add("--chunk-rows", std::to_string(o.pca.chunk_rows));
  f.add("--average-token-duplicates", o.token_types ? "on" : "off");
  f.add("--tsne", o.tsne ? "on" : "off");
  if (o.tsne) {
    f.add("--perplexity", number(t.perplexity));
    f.add("--iterations", std::to_string(t.iterations));
    f.add("--early-exaggeration-iterations", std::to_string(t.early_exaggeration_iterations));
    f.add("--seed", std::to_string(t.seed));
    f.add("--tsne-max-points", std::to_string(o.tsne_options.max_points));
    f.add("t-SNE exaggeration, learning rate, theta, init",
          number(t.early_exaggeration) + " " + number(t.learning_rate) + " " + number(t.theta) + " " +
              std::to_string(int(t.init)));
  }
  f.add("polyrep version", kVersion);
  return f;
}

}  // namespace

ReduceSummary run_reduce(const ReduceOptions& options, const mpi::Comm& comm) {
  metrics::PhaseClock clock({"open", "pca", "token_types", "tsne", "commit"});
  validate(options, comm);
  ReduceSummary summary;
  ReduceFiles files = clock.time(phase::open, [&] { return open_reduce_source(options.file, comm); });
  const std::int64_t languages = options.metrics.empty() ? 0 : language_count(files, comm);
  ReduceProgress progress;
  progress.jobs = plan_jobs(files, options, comm);
  const extract::Fingerprint fingerprint = reduce_fingerprint(options, source_stamp(files, comm));
  const ReduceStart start = clock.time(phase::open, [&] {
    return begin_progress(files, progress, fingerprint, options.resume, comm);
  });
  if (start == ReduceStart::nothing_to_do) return summary;
  if (progress.stage == 0) {
    clock.time(phase::open, [&] {
      create_pca_datasets(files, comm, options.pca);
      if (options.tsne) create_tsne_datasets(files, comm, options.tsne_options, progress.jobs.pca_clouds);
      save_stage(files, progress, 1, comm);
    });
  }
  summary.pca = clock.time(phase::pca, [&] { return run_pca_job(files, comm, options.pca, &progress); });
  if (options.token_types && progress.stage < 2) {
    clock.time(phase::token_types, [&] {
      run_token_types_job(files, comm, {options.pca.chunk_rows});
      if (options.tsne) create_tsne_datasets(files, comm, options.tsne_options, {"types"});
      save_stage(files, progress, 2, comm);
      progress.done[std::size_t(progress.jobs.types_job())] = true;
    });
    stop_if_asked(progress, comm);
  }
  if (options.tsne) {
    summary.tsne = clock.time(phase::tsne, [&] { return run_tsne_job(files, comm, options.tsne_options, &progress); });
  }
  const double finish = clock.since_start();
  clock.time(phase::commit, [&] { commit_reduce_files(files, comm, fingerprint_text(fingerprint)); });
  summary.seconds = clock.since_start();
  if (!options.metrics.empty()) write_metrics(options, summary, languages, clock, finish, comm);
  return summary;
}

}  // namespace polyrep::reduce
