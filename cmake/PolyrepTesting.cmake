# Test executables are made per (kind, module) from the files found under tests/<kind>/<module>/,
# so adding a test file needs no CMake edit. MPI tests run as mpi.<module>.np{1,2,3}.
# POLYREP_GTEST_SOURCE_DIR: GoogleTest built from its sources with this compiler (Debian's
# googletest package, /usr/src/googletest), for a machine without an installed GTest whose
# compiler may not link Debian's prebuilt static libraries (tools/gpu/device_check.sh).
set(POLYREP_GTEST_SOURCE_DIR "" CACHE PATH "Build GoogleTest from this source tree instead of find_package(GTest)")
if(POLYREP_GTEST_SOURCE_DIR)
  set(INSTALL_GTEST OFF CACHE BOOL "" FORCE)
  set(BUILD_GMOCK OFF CACHE BOOL "" FORCE)
  add_subdirectory("${POLYREP_GTEST_SOURCE_DIR}" "${PROJECT_BINARY_DIR}/googletest" EXCLUDE_FROM_ALL)
  foreach(_t gtest gtest_main)
    if(NOT TARGET GTest::${_t})
      add_library(GTest::${_t} ALIAS ${_t})
    endif()
  endforeach()
  include(GoogleTest)
else()
  find_package(GTest REQUIRED)
endif()

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
