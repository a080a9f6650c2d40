#!/usr/bin/env bash
# Open MPI's launch agent (in place of ssh) on node 0 of an HTCondor parallel-universe job, used by
# parallel_wrapper.sh in its default "chirp" mode: `chirp_agent.sh condor-node-K CMD...` does not
# connect anywhere; it hands the daemon command line that mpirun wants run on node K (Open MPI 4's
# `orted ...`) to node K's parallel_wrapper.sh through the job's spool directory on the submit
# machine (condor_chirp put), and returns. Node K fetches it and runs it under HTCondor's control,
# so no ssh between execute nodes is needed (the idea of HTCondor's own openmpiscript).
#
# Reads POLYREP_CONDOR_CHIRP, POLYREP_CONDOR_SPOOL and POLYREP_CONDOR_KEY, exported by node 0's wrapper.
set -euo pipefail
while [ $# -gt 0 ] && [ "${1#-}" != "$1" ]; do shift; done   # ssh-style options: none apply
[ $# -ge 2 ] || { echo "chirp_agent: usage: chirp_agent.sh condor-node-K CMD..." >&2; exit 255; }
host=$1; shift
node=${host#condor-node-}
case $node in ''|*[!0-9]*) echo "chirp_agent: '$host' is not a condor-node-K name" >&2; exit 255 ;; esac
: "${POLYREP_CONDOR_CHIRP:?}" "${POLYREP_CONDOR_SPOOL:?}" "${POLYREP_CONDOR_KEY:?}"

msg=$(mktemp "${TMPDIR:-/tmp}/polyrep-orted.XXXXXX")
trap 'rm -f "$msg"' EXIT
# "# end" marks a complete message: a reader never acts on a half-transferred file.
printf '%s\n# end\n' "$*" > "$msg"
"$POLYREP_CONDOR_CHIRP" put "$msg" "$POLYREP_CONDOR_SPOOL/polyrep.$POLYREP_CONDOR_KEY.orted.$node"
