#include "polyrep/core/stop.hpp"

#include <csignal>

namespace polyrep {
namespace {

// SIGUSR1 too: Open MPI's mpirun passes it on to every rank at once (a TERM only a second later,
// a SIGKILL a second after that), so the launchers send it to mpirun; Slurm's --signal=USR1 is the
// usual "checkpoint and stop" request.
constexpr int kStopSignals[] = {SIGTERM, SIGINT, SIGUSR1};

volatile std::sig_atomic_t g_signal = 0;
volatile std::sig_atomic_t g_installed = 0;

extern "C" void on_stop_signal(int signal_number) {
  g_signal = signal_number;
  // A second signal ends the process the default way (a user pressing Ctrl-C twice).
  for (int s : kStopSignals) std::signal(s, SIG_DFL);
}

}  // namespace

void install_stop_handlers() {
  if (g_installed) return;
  g_installed = 1;
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // interrupted reads and writes resume: only the flag changes
  for (int s : kStopSignals) sigaction(s, &action, nullptr);
}

bool stop_requested() { return g_signal != 0; }
int stop_signal() { return g_signal; }
void request_stop(int signal_number) { g_signal = signal_number; }

}  // namespace polyrep
