# Imported targets for every third-party dependency. Nothing here edits global flags:
# libtorch's flags go onto the polyrep::torch interface target only.
find_package(MPI REQUIRED COMPONENTS C)

set(HDF5_PREFER_PARALLEL TRUE)
find_package(HDF5 REQUIRED COMPONENTS C)
if(NOT HDF5_IS_PARALLEL)
  message(FATAL_ERROR "polyrep needs a parallel (MPI-IO) HDF5 build; found a serial one at "
                      "${HDF5_INCLUDE_DIRS}. On Debian: apt-get install libhdf5-openmpi-dev")
endif()
if(NOT TARGET HDF5::HDF5)
  add_library(HDF5::HDF5 INTERFACE IMPORTED)
  target_include_directories(HDF5::HDF5 INTERFACE ${HDF5_INCLUDE_DIRS})
  target_link_libraries(HDF5::HDF5 INTERFACE ${HDF5_LIBRARIES})
  target_compile_definitions(HDF5::HDF5 INTERFACE ${HDF5_DEFINITIONS})
endif()

find_package(Torch REQUIRED)
add_library(polyrep_torch INTERFACE)
target_link_libraries(polyrep_torch INTERFACE ${TORCH_LIBRARIES})
separate_arguments(_polyrep_torch_flags UNIX_COMMAND "${TORCH_CXX_FLAGS}")
target_compile_options(polyrep_torch INTERFACE ${_polyrep_torch_flags})
target_include_directories(polyrep_torch SYSTEM INTERFACE ${TORCH_INCLUDE_DIRS})

find_package(Eigen3 3.3 REQUIRED NO_MODULE)
find_package(CLI11 REQUIRED)
find_package(nlohmann_json 3.9 REQUIRED)

find_package(PkgConfig REQUIRED)
pkg_check_modules(SENTENCEPIECE REQUIRED IMPORTED_TARGET sentencepiece)
pkg_check_modules(UTF8PROC REQUIRED IMPORTED_TARGET libutf8proc)
# Static figures (SVG, PNG, PDF) of polyrep plot and the scaling charts.
if(POLYREP_WITH_PLOT)
  pkg_check_modules(CAIRO REQUIRED IMPORTED_TARGET cairo)
endif()

# libsentencepiece is used only by the torch-free test tool tests/tools/spm_reference: Debian's
# build exports its bundled protobuf 3.14 runtime, which clashes with the libprotobuf 3.21 that
# libtorch loads (a crash before main in one link order, a version abort in the other), so
# polyrep_core reads SentencePiece models with its own implementation (src/tokenizer/spm_*.cpp).

# nanoflann (header-only k-d trees) for the t-SNE neighbour search.
find_path(POLYREP_NANOFLANN_INCLUDE_DIR nanoflann.hpp REQUIRED)
add_library(polyrep_nanoflann INTERFACE)
target_include_directories(polyrep_nanoflann SYSTEM INTERFACE ${POLYREP_NANOFLANN_INCLUDE_DIR})
