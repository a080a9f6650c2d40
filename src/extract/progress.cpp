#include "polyrep/extract/progress.hpp"

#include <unistd.h>

#include <cstdio>

#include "polyrep/core/log.hpp"

namespace polyrep::extract {

Progress::Progress(std::string what, std::int64_t total_sentences, std::int64_t total_tokens,
                   double interval_seconds, bool enabled)
    : what_(std::move(what)),
      total_sentences_(total_sentences),
      total_tokens_(total_tokens),
      interval_(interval_seconds),
      enabled_(enabled && log::level() <= log::Level::info),
      tty_(isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

double Progress::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

std::string Progress::format_duration(double seconds) {
  if (seconds < 0) seconds = 0;
  const auto total = static_cast<long long>(seconds + 0.5);
  char buf[32];
  if (total >= 3600) {
    std::snprintf(buf, sizeof buf, "%lldh%02lldm", total / 3600, (total % 3600) / 60);
  } else if (total >= 60) {
    std::snprintf(buf, sizeof buf, "%lldm%02llds", total / 60, total % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%llds", total);
  }
  return buf;
}

std::string Progress::line(std::int64_t sentences_done, std::int64_t tokens_done) const {
  const double elapsed = elapsed_seconds();
  const double rate = elapsed > 0 ? static_cast<double>(tokens_done - base_tokens_) / elapsed : 0.0;
  const double left = rate > 0 ? static_cast<double>(total_tokens_ - tokens_done) / rate : 0.0;
  const double percent =
      total_tokens_ > 0 ? 100.0 * static_cast<double>(tokens_done) / static_cast<double>(total_tokens_) : 100.0;
  char buf[256];
  std::snprintf(buf, sizeof buf, "%s: %5.1f%%  %lld/%lld sentences  %lld/%lld tokens  %.0f tok/s  ETA %s",
                what_.c_str(), percent, static_cast<long long>(sentences_done),
                static_cast<long long>(total_sentences_), static_cast<long long>(tokens_done),
                static_cast<long long>(total_tokens_), rate, format_duration(left).c_str());
  return buf;
}

void Progress::update(std::int64_t sentences_done, std::int64_t tokens_done) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  const double since = std::chrono::duration<double>(now - last_).count();
  if (since < (tty_ ? 0.5 : interval_)) return;
  last_ = now;
  if (tty_) {
    std::fprintf(stderr, "\r%s %s\033[K", log::prefix().c_str(), line(sentences_done, tokens_done).c_str());
    std::fflush(stderr);
  } else {
    log::info(line(sentences_done, tokens_done));
  }
}

void Progress::finish(std::int64_t sentences_done, std::int64_t tokens_done) {
  if (!enabled_) return;
  if (tty_) std::fprintf(stderr, "\r\033[K");
  log::info(line(sentences_done, tokens_done) + "  (" + format_duration(elapsed_seconds()) + ")");
}

}  // namespace polyrep::extract
