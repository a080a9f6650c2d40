# Sourced by the cluster tests: a pretend cluster made of Linux network namespaces on this machine.
#
# Every member ("head", "node1", ...) is a network namespace with one veth interface (eth0,
# 10.77.0.<10+i>/24) plugged into a bridge that lives in a namespace of its own (the "switch"), so
# the root namespace's interfaces, routes and firewall are never touched and two clusters built at
# the same time (ctest -j) cannot see each other. Processes started with nc_run also get their own
# UTS namespace with the member's hostname, so `hostname` on "node2" says node2, as on a real node.
# The filesystem stays shared, which plays the part of the cluster's shared filesystem.
#
# Functions: nc_require_root_netns (exit 77 when this cannot work here), nc_up MEMBER..., nc_run
# MEMBER CMD..., nc_prefix MEMBER, nc_addr MEMBER, nc_ns MEMBER, nc_pids, nc_live_pids [MEMBER...],
# nc_iface_bytes MEMBER, nc_down.
# After nc_up: NC_PREFIX, NC_NET (10.77.0.0/24), NC_MAP (file: "address netns hostname" per member,
# created in $NC_DIR, default $TMPDIR or /tmp).

NC_NET=10.77.0.0/24
NC_MEMBERS=()
NC_PREFIX=""
NC_MAP=""

# Exit 77 (skipped) when not root or when network namespaces cannot be created here.
nc_require_root_netns() {
  if [ "$(id -u)" -ne 0 ]; then echo "SKIP: needs root (network namespaces)"; exit 77; fi
  for tool in ip unshare timeout setsid; do
    command -v "$tool" >/dev/null || { echo "SKIP: '$tool' not installed"; exit 77; }
  done
  local probe="pclprobe$$"
  if ! ip netns add "$probe" 2>/dev/null; then echo "SKIP: 'ip netns add' is not permitted here"; exit 77; fi
  if ! ip -n "$probe" link add br0 type bridge 2>/dev/null; then
    ip netns del "$probe"; echo "SKIP: cannot create a bridge inside a network namespace"; exit 77
  fi
  ip netns del "$probe"
}

# Namespaces left behind by an earlier run of a test that was killed with SIGKILL (its pid is in the
# name, so a namespace whose creator is gone is stale).
nc_remove_stale() {
  local ns pid
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^pcl[0-9]+-' || true); do
    pid=${ns#pcl}; pid=${pid%%-*}
    if ! kill -0 "$pid" 2>/dev/null; then
      nc_kill_ns_pids "$ns"
      ip netns del "$ns" 2>/dev/null || true
    fi
  done
}

nc_kill_ns_pids() {
  local pids
  pids=$(ip netns pids "$1" 2>/dev/null || true)
  [ -n "$pids" ] && kill -KILL $pids 2>/dev/null || true
}

nc_ns() { echo "$NC_PREFIX-$1"; }

nc_addr() {
  local i
  for i in "${!NC_MEMBERS[@]}"; do
    [ "${NC_MEMBERS[$i]}" = "$1" ] && { echo "10.77.0.$((10 + i))"; return 0; }
  done
  return 1
}

# nc_up MEMBER...: build the switch and one namespace per member; writes NC_MAP.
nc_up() {
  nc_remove_stale
  NC_PREFIX="pcl$$"
  NC_MEMBERS=("$@")
  NC_MAP=$(mktemp "${NC_DIR:-${TMPDIR:-/tmp}}/pcl$$-map.XXXXXX")
  local sw; sw=$(nc_ns switch)
  ip netns add "$sw"
  ip -n "$sw" link set lo up
  ip -n "$sw" link add br0 type bridge
  ip -n "$sw" link set br0 up
  local i m ns addr
  for i in "${!NC_MEMBERS[@]}"; do
    m=${NC_MEMBERS[$i]}; ns=$(nc_ns "$m"); addr=$(nc_addr "$m")
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip link add name eth0 netns "$ns" type veth peer name "p$i" netns "$sw"
    ip -n "$sw" link set "p$i" master br0
    ip -n "$sw" link set "p$i" up
    ip -n "$ns" addr add "$addr/24" dev eth0
    ip -n "$ns" link set eth0 up
    echo "$addr $ns $m" >> "$NC_MAP"
  done
  # The bridge has STP off, so its ports forward at once; wait only for the links to come up.
  local tries
  for m in "${NC_MEMBERS[@]}"; do
    for tries in $(seq 1 50); do
      [ "$(ip netns exec "$(nc_ns "$m")" cat /sys/class/net/eth0/operstate)" = up ] && break
      sleep 0.1
    done
  done
}

# nc_run MEMBER CMD...: run CMD inside MEMBER's network namespace with its own hostname.
nc_run() {
  nc_prefix "$1"; shift
  "${NC_CMD[@]}" "$@"
}

# nc_prefix MEMBER: sets NC_CMD to the words that run a command on MEMBER, for `"${NC_CMD[@]}" CMD &`
# (every step execs the next, so $! is CMD's own pid, which a shell function's would not be).
nc_prefix() {
  NC_CMD=(ip netns exec "$(nc_ns "$1")" unshare --uts -- /bin/sh -c 'hostname "$0" && exec "$@"' "$1")
}

# Bytes received on a member's eth0 (the traffic that reached it over the pretend network).
nc_iface_bytes() {
  ip netns exec "$(nc_ns "$1")" cat /sys/class/net/eth0/statistics/rx_bytes
}

# Every process still running inside one of this cluster's namespaces.
nc_pids() {
  local m
  for m in "${NC_MEMBERS[@]}"; do ip netns pids "$(nc_ns "$m")" 2>/dev/null || true; done
}

# nc_live_pids [MEMBER...]: like nc_pids (all members by default) without zombies: a process that has
# exited but whose parent died too waits for init to reap it, which here can take a moment.
nc_live_pids() {
  local m p st
  for m in "${@:-${NC_MEMBERS[@]}}"; do
    for p in $(ip netns pids "$(nc_ns "$m")" 2>/dev/null); do
      st=$(ps -o stat= -p "$p" 2>/dev/null) || continue
      [ "${st#Z}" = "$st" ] && echo "$p"
    done
  done
  return 0
}

nc_down() {
  [ -n "$NC_PREFIX" ] || return 0
  local m
  for m in "${NC_MEMBERS[@]}" switch; do
    nc_kill_ns_pids "$(nc_ns "$m")"
    ip netns del "$(nc_ns "$m")" 2>/dev/null || true
  done
  rm -f "$NC_MAP"
  NC_PREFIX=""
}
