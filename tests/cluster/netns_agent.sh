#!/usr/bin/env bash
# Stand-in for ssh, for Open MPI's launch agent (`--mca plm_rsh_agent "netns_agent.sh MAP"`) on the
# pretend cluster of tests/cluster/lib/netns_cluster.sh: `netns_agent.sh MAP [-opts] HOST CMD...`
# runs CMD on HOST the way `ssh HOST CMD...` would, except that "HOST" is a network namespace
# on this machine. MAP has one "address netns hostname" line per member; HOST may be the address
# or the hostname.
#
# Like ssh, the words of CMD are joined with spaces and run by a shell, in a fresh login-like
# environment (only PATH, HOME, USER, LOGNAME, SHELL): nothing leaks from the caller's environment,
# so a launcher that forgets to forward a variable (mpirun -x) fails here as it would on a cluster.
set -euo pipefail
map=$1; shift
while [ $# -gt 0 ] && [ "${1#-}" != "$1" ]; do shift; done   # ssh options (e.g. -x): ignored
[ $# -ge 2 ] || { echo "netns_agent: usage: netns_agent.sh MAP [-opts] HOST CMD..." >&2; exit 255; }
host=$1; shift
line=$(awk -v h="$host" '$1 == h || $3 == h { print; exit }' "$map")
[ -n "$line" ] || { echo "netns_agent: unknown host '$host' (not in $map)" >&2; exit 255; }
read -r _ ns name <<<"$line"
user=$(id -un)
path=/usr/local/bin:/usr/bin:/bin
[ "$(id -u)" -eq 0 ] && path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
exec ip netns exec "$ns" unshare --uts -- \
  env -i PATH="$path" HOME="${HOME:-/root}" USER="$user" LOGNAME="$user" SHELL=/bin/sh \
  /bin/sh -c 'hostname "$0" && exec /bin/sh -c "$1"' "$name" "$*"
