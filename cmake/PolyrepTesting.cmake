# Test executables are made per (kind, module) from the files found under tests/<kind>/<module>/,
# so adding a test file needs no CMake edit. MPI tests run as mpi.<module>.np{1,2,3}.
find_package(GTest REQUIRED)

set(POLYREP_MPIEXEC_FLAGS --oversubscribe)
execute_process(COMMAND id -u OUTPUT_VARIABLE _polyrep_uid OUTPUT_STRIP_TRAILING_WHITESPACE)
if(_polyrep_uid STREQUAL "0")
  list(APPEND POLYREP_MPIEXEC_FLAGS --allow-run-as-root)
endif()

function(polyrep_test_executable name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE polyrep_core polyrep_test_support ${ARG_LIBS})
  if(POLYREP_PCH)
    target_precompile_headers(${name} REUSE_FROM polyrep_core)
  endif()
endfunction()

# Serial tests: one ctest entry per gtest case, named <kind>.<Suite>.<Test>.
function(polyrep_add_serial_tests kind module)
  file(GLOB _sources CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/${kind}/${module}/*.cpp")
  if(NOT _sources)
    return()
  endif()
  set(_exe ${kind}_${module})
  polyrep_test_executable(${_exe} SOURCES ${_sources} LIBS GTest::gtest_main)
  gtest_discover_tests(${_exe} TEST_PREFIX "${kind}.${module}." DISCOVERY_TIMEOUT 60
                       PROPERTIES LABELS ${kind} TIMEOUT 600)
endfunction()

# MPI tests: the whole executable runs under mpiexec at 1, 2 and 3 ranks.
function(polyrep_add_mpi_tests module)
  file(GLOB _sources CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/mpi/${module}/*.cpp")
  if(NOT _sources)
    return()
  endif()
  set(_exe mpi_${module})
  polyrep_test_executable(${_exe} SOURCES ${_sources} LIBS polyrep_mpi_gtest_main)
  foreach(np 1 2 3)
    add_test(NAME mpi.${module}.np${np}
             COMMAND ${MPIEXEC_EXECUTABLE} ${MPIEXEC_NUMPROC_FLAG} ${np} ${POLYREP_MPIEXEC_FLAGS}
                     $<TARGET_FILE:${_exe}>)
    set_tests_properties(mpi.${module}.np${np} PROPERTIES LABELS mpi TIMEOUT 600 PROCESSORS ${np})
  endforeach()
endfunction()
