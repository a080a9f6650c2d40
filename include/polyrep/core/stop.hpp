#pragma once
/// Graceful stop on SIGTERM, SIGINT and SIGUSR1, what schedulers send before they kill a job
/// (Slurm at the time limit or with --signal, HTCondor on vacate or condor_rm) and what the
/// launchers send mpirun (which passes USR1 on to the ranks at once, TERM only a second later). The handler only sets a flag; long loops poll it at their safe points, agree on it
/// across ranks, leave their output resumable and throw `Interrupted`, and the CLI exits with
/// `kExitResumable`. A second signal restores the default action: the next one kills at once.
namespace polyrep {

/// Exit status of a run stopped by a signal whose work `--resume` continues (EX_TEMPFAIL: "try
/// again later").
inline constexpr int kExitResumable = 75;

/// Installs the handlers for SIGTERM, SIGINT and SIGUSR1 (once; later calls do nothing).
void install_stop_handlers();
/// True once a stop signal has arrived (or request_stop was called).
bool stop_requested();
/// The signal that asked to stop; 0 when none did.
int stop_signal();
/// Sets the flag as a signal would (tests; a rank that must stop for its own reasons).
void request_stop(int signal_number);

}  // namespace polyrep
