add_library(polyrep_warnings INTERFACE)
target_compile_options(polyrep_warnings INTERFACE
  $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra -Wpedantic -Wno-unused-parameter>)
