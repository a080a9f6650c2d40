#include "polyrep/core/log.hpp"

#include <cstdio>
#include <mutex>

namespace polyrep::log {
namespace {
int g_rank = -1;
int g_size = 0;
Level g_level = Level::info;
std::mutex g_mutex;

void emit(Level at, const char* tag, const std::string& message) {
  if (at < g_level) return;
  std::lock_guard<std::mutex> lock(g_mutex);
  // One fprintf per line so that lines of different ranks do not interleave mid-line.
  std::fprintf(stderr, "%s %s%s\n", prefix().c_str(), tag, message.c_str());
  std::fflush(stderr);
}
}  // namespace

void set_rank(int rank, int size) {
  g_rank = rank;
  g_size = size;
}
void set_level(Level level) { g_level = level; }
Level level() { return g_level; }

std::string prefix() {
  if (g_rank < 0) return "[polyrep]";  // a serial command (no MPI)
  return "[polyrep r" + std::to_string(g_rank) + "/" + std::to_string(g_size) + "]";
}

void debug(const std::string& message) { emit(Level::debug, "debug: ", message); }
void info(const std::string& message) { emit(Level::info, "", message); }
void warn(const std::string& message) { emit(Level::warn, "warning: ", message); }
void error(const std::string& message) { emit(Level::error, "error: ", message); }

}  // namespace polyrep::log
