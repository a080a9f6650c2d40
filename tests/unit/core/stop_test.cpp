#include "polyrep/core/stop.hpp"

#include <gtest/gtest.h>

#include <csignal>

namespace polyrep {
namespace {

bool handler_is_default(int signal_number) {
  struct sigaction now {};
  sigaction(signal_number, nullptr, &now);
  return now.sa_handler == SIG_DFL;
}

// USR1 is what the launchers send mpirun (which passes it on at once); it must stop a run as TERM
// does, and the first stop signal hands every stop signal back to its default action so that a
// second one kills.
TEST(Stop, Usr1StopsAndASecondSignalWouldKill) {
  request_stop(0);
  install_stop_handlers();
  for (int s : {SIGTERM, SIGINT, SIGUSR1}) EXPECT_FALSE(handler_is_default(s)) << s;
  EXPECT_FALSE(stop_requested());
  std::raise(SIGUSR1);
  EXPECT_TRUE(stop_requested());
  EXPECT_EQ(stop_signal(), SIGUSR1);
  for (int s : {SIGTERM, SIGINT, SIGUSR1}) EXPECT_TRUE(handler_is_default(s)) << s;
}

}  // namespace
}  // namespace polyrep
