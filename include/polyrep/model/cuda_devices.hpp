#pragma once
/// Which GPU an MPI rank uses. Launchers either narrow CUDA_VISIBLE_DEVICES to one GPU per rank
/// (jobs/common/rank_wrapper.sh, Slurm's --gpu-bind, HTCondor's assigned GPU), so that every
/// rank sees exactly one device and takes ordinal 0, or leave several visible (a plain
/// `mpirun -np 4` on a node with 4 GPUs), and then the ranks of one node take the visible
/// devices in turn by node-local rank. Pure functions, so that the choice is unit-tested on a
/// machine without a GPU; torch is asked only for the device count.
#include <optional>
#include <string>
#include <vector>

namespace polyrep::model {

/// CUDA_VISIBLE_DEVICES as the CUDA runtime reads it: nullopt when the variable is unset (every
/// device visible); otherwise the entries CUDA honours, i.e. the comma-separated entries up to
/// the first it rejects (a device index, or a GPU-/MIG- UUID, is accepted; "-1", "none", an
/// empty entry end the list), so "" and "-1" hide every device and "0,-1,1" shows one.
std::optional<std::vector<std::string>> visible_device_entries(const char* value);

/// The device ordinal a rank uses: its node-local rank modulo the devices it sees. InputError when
/// there is no device or a negative rank.
int device_for_local_rank(int local_rank, int device_count);

/// One line for the log when ranks of a node must share GPUs (more local ranks than devices),
/// else "": sharing works, but each rank then holds its own copy of the model on the GPU.
std::string sharing_note(int local_size, int device_count);

/// Why no CUDA device is usable, for the --device cuda error: names CUDA_VISIBLE_DEVICES when it
/// hides every device, else the build or the driver.
std::string no_device_reason(bool cuda_build, const char* visible_devices);

}  // namespace polyrep::model
