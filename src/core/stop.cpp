#include "polyrep/core/stop.hpp"

#include <csignal>

namespace polyrep {
namespace {

volatile std::sig_atomic_t g_signal = 0;
volatile std::sig_atomic_t g_installed = 0;

extern "C" void on_stop_signal(int signal_number) {
  g_signal = signal_number;
  // A second signal ends the process the default way (a user pressing Ctrl-C twice).
  std::signal(SIGTERM, SIG_DFL);
  std::signal(SIGINT, SIG_DFL);
}

}  // namespace

void install_stop_handlers() {
  if (g_installed) return;
  g_installed = 1;
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // interrupted reads and writes resume: only the flag changes
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
}

bool stop_requested() { return g_signal != 0; }
int stop_signal() { return g_signal; }
void request_stop(int signal_number) { g_signal = signal_number; }

}  // namespace polyrep
