#!/usr/bin/env bash
# jobs/mpirun/run.sh on a pretend 3-node cluster: network namespaces node1..node3 (10.77.0.11-13)
# and a head node (10.77.0.10) on a bridge, Open MPI's ssh replaced by tests/cluster/netns_agent.sh
# (which enters the target's namespace, with a clean environment, as ssh would), and MPI restricted
# to TCP on that network (btl tcp,self; oob and btl on 10.77.0.0/24), so every byte between ranks
# crosses a veth. mpirun runs on the head node; no rank runs there.
#
# Checks: a placement run (--exec) puts 2 ranks on each node, in that node's namespace, with the
# threads run.sh computed, each rank bound to cores of its own; then run.sh --pipeline (extract,
# then reduce --pca --tsne) writes a complete file from 6 ranks whose data equal a single-process
# extraction, and polyrep's placement lines say every rank runs those threads on as many cores of
# its own (no "share cores" warning); every node received traffic on its interface;
# tools/scaling.sh runs its grid across the nodes (its table says 3 hosts, its ranks are bound to
# a core each); nothing is left running in the namespaces afterwards.
#
# Usage: netns_mpirun.sh [POLYREP]. Needs root and `ip netns` (exit 77 otherwise).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/common.sh"
. "$here/lib/netns_cluster.sh"
nc_require_root_netns
command -v mpirun >/dev/null || cl_skip "mpirun not installed"
cl_find_polyrep "${1:-}"
cl_start netns
cl_on_exit nc_down
t0=$SECONDS

NC_DIR=$CL_TMP nc_up head node1 node2 node3
hostfile="$CL_TMP/hostfile"
for m in node1 node2 node3; do echo "$(nc_addr "$m") slots=2"; done > "$hostfile"
cl_ok "cluster up: $(tr '\n' ';' < "$NC_MAP")"

# The pretend nodes share this machine's cores, and each node's orted binds its ranks among all of
# them: a node has as many cores as this machine (at most 4), and run.sh must give each of its 2
# ranks half of them as threads, bound to cores of its own (with 1 core: 1 thread, unbound). Ranks
# waiting in MPI yield instead of spinning (mpi_yield_when_idle): the nodes share the cores.
. "$CL_ROOT/jobs/common/launch_lib.sh"
host_cores=$(pr_node_cores)
node_cores=$(( host_cores < 4 ? host_cores : 4 ))
threads=$(( node_cores >= 2 ? node_cores / 2 : 1 ))
bound=""; [ $((2 * threads)) -le "$node_cores" ] && [ -z "$(pr_mask_not_binding_safe)" ] && bound=bound
if [ -n "$bound" ]; then placement="--map-by ppr:2:node:pe=$threads --bind-to core"; else placement="--map-by ppr:2:node --bind-to none"; fi
launch=(timeout -k 10 120 "$CL_ROOT/jobs/mpirun/run.sh" --hostfile "$hostfile"
        --ranks-per-node 2 --cores-per-node "$node_cores"
        --mca plm_rsh_agent "$here/netns_agent.sh $NC_MAP"
        --mca btl tcp,self --mca btl_tcp_if_include "$NC_NET" --mca oob_tcp_if_include "$NC_NET"
        --mca mpi_yield_when_idle 1)

# 1. Where do ranks land? Each prints its rank, hostname, network namespace, address, threads and
# the CPUs it may run on.
nc_run head "${launch[@]}" --exec -- /bin/sh -c \
  'echo "placement $OMPI_COMM_WORLD_RANK $(hostname) $(ip netns identify) $(ip -4 -o addr show dev eth0 | awk "{print \$4}") $OMP_NUM_THREADS $(sed -n "s/^Cpus_allowed_list:[[:space:]]*//p" /proc/self/status)"' \
  > "$CL_TMP/placement.log" 2>&1 || { cl_show_log "$CL_TMP/placement.log"; cl_fail "placement run failed"; }
grep -q -- "^+ mpirun .* $placement " "$CL_TMP/placement.log" || { cl_show_log "$CL_TMP/placement.log"; cl_fail "run.sh did not place ranks with $placement"; }
grep '^placement' "$CL_TMP/placement.log" | sort -n -k2 > "$CL_TMP/placement.txt"
expected=""
for r in 0 1 2 3 4 5; do
  node="node$((r / 2 + 1))"
  expected+="placement $r $node $(nc_ns "$node") $(nc_addr "$node")/24 $threads"$'\n'
done
if [ "$(cut -d' ' -f1-6 "$CL_TMP/placement.txt")" != "${expected%$'\n'}" ]; then
  echo "expected:"; printf '%s' "$expected"; echo "got:"; cat "$CL_TMP/placement.txt"
  cl_fail "ranks are not 2 per node in the nodes' own namespaces with OMP_NUM_THREADS=$threads"
fi
if [ -n "$bound" ]; then
  # The two ranks of a node run on different CPUs (the cpu lists of ranks 2k and 2k+1 differ).
  awk '++n[$3] == 2 && cpus[$3] == $7 { bad = 1 } { cpus[$3] = $7 } END { exit bad }' "$CL_TMP/placement.txt" \
    || { cat "$CL_TMP/placement.txt"; cl_fail "the two ranks of a node were bound to the same CPUs"; }
fi
sed 's/^/    /' "$CL_TMP/placement.txt"
cl_ok "placement: ranks 0-1 on node1, 2-3 on node2, 4-5 on node3, each in its node's network namespace with its address, OMP_NUM_THREADS=$threads ($node_cores cores / 2 ranks), $placement${bound:+ (each rank on CPUs of its own)}"

# 2. The real thing: extract then reduce, 6 ranks on 3 nodes.
declare -A rx_before
for m in node1 node2 node3; do rx_before[$m]=$(nc_iface_bytes "$m"); done
input=(--model "$CL_DATA/models/tiny-bert" --corpus "$CL_DATA/flores200" --split dev
       --langs eng_Latn,fra_Latn,spa_Latn --sample 8 --seed 1)
reduce=(--pca 10 --tsne --perplexity 5 --iterations 250)
t1=$SECONDS
nc_run head env POLYREP="$CL_POLYREP" POLYREP_JOBS_VERBOSE=1 "${launch[@]}" \
  --pipeline --reduce-args "${reduce[*]}" -- extract "${input[@]}" --out "$CL_TMP/cluster.h5" \
  > "$CL_TMP/run.log" 2>&1 || { cl_show_log "$CL_TMP/run.log" 60; cl_fail "run.sh --pipeline failed"; }
cl_ok "run.sh --pipeline (extract + reduce) on 3 nodes x 2 ranks finished in $((SECONDS - t1)) s"
grep -q -- "^+ mpirun .* --hostfile .* $placement " "$CL_TMP/run.log" || cl_fail "run.sh did not print its mpirun command with $placement"
grep -q "$threads thread(s) per rank" "$CL_TMP/run.log" || { cl_show_log "$CL_TMP/run.log"; cl_fail "run.sh did not choose $threads threads per rank"; }
cl_check_placement "$CL_TMP/run.log" 6 "$threads" $bound
hosts=$(awk '{ print $2 }' "$CL_TMP/placement.table" | paste -sd' ' -)
[ "$hosts" = "node1 node1 node2 node2 node3 node3" ] || cl_fail "polyrep's placement lines put ranks 0-5 on '$hosts'"
cl_ok "polyrep's placement lines: ranks 0-5 on node1 node1 node2 node2 node3 node3, each running $threads thread(s)${bound:+ on $threads core(s) of its own, the two ranks of a node on different CPUs}, no warning that threads share cores"
hosts=$(grep -o 'rank_wrapper: rank [0-9]*/6 local [01] host node[123]' "$CL_TMP/run.log" | awk '{print $7}' | sort | uniq -c | awk '{print $2 "=" $1}' | tr '\n' ' ')
# Two launches (extract, reduce), each with 2 ranks per node.
[ "$hosts" = "node1=4 node2=4 node3=4 " ] || { cl_show_log "$CL_TMP/run.log"; cl_fail "polyrep ranks per host: '$hosts'"; }
cl_ok "polyrep ranks per host over both launches: $hosts; run.sh says $threads thread(s) per rank"
for m in node1 node2 node3; do
  got=$(( $(nc_iface_bytes "$m") - rx_before[$m] ))
  [ "$got" -gt 100000 ] || cl_fail "$m received only $got bytes on its interface during the run"
  echo "    $m received $got bytes over the pretend network"
done
cl_ok "every node exchanged data over its veth (TCP only, no shared memory between nodes)"

cl_reference "${input[@]}"
cl_check_file "$CL_TMP/cluster.h5" 6
cl_check_reduce "$CL_TMP/cluster.h5" "${reduce[@]:0:2}"

# 3. A scaling experiment over the 3 nodes: tools/scaling.sh at 3 and 6 ranks (1 and 2 per node)
# through the same launcher; every rank's metrics name its host, so the table shows 3 hosts.
mca=(--mca plm_rsh_agent "$here/netns_agent.sh $NC_MAP" --mca btl tcp,self --mca btl_tcp_if_include "$NC_NET"
     --mca oob_tcp_if_include "$NC_NET" --mca mpi_yield_when_idle 1)
scaling=(--hostfile "$hostfile" --ranks "3 6" --langs 6 --weak 0 --sample 4 --reduce-args "--pca 5"
         --out "$CL_TMP/scaling")
for word in "${mca[@]}"; do scaling+=(--launcher-arg "$word"); done
t1=$SECONDS
nc_run head env POLYREP="$CL_POLYREP" timeout -k 10 240 bash "$CL_ROOT/tools/scaling.sh" "${scaling[@]}" \
  > "$CL_TMP/scaling.log" 2>&1 || { cl_show_log "$CL_TMP/scaling.log" 60; cl_fail "tools/scaling.sh over the nodes failed"; }
hosts=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next } { print $col["ranks"] "x" $col["hosts"] }' \
  "$CL_TMP/scaling/scaling.csv" | tr '\n' ' ')
[ "$hosts" = "3x3 6x3 " ] || { cl_show_log "$CL_TMP/scaling.log"; cl_fail "scaling.csv ranks x hosts: '$hosts' (want 3x3 6x3)"; }
cl_ok "tools/scaling.sh over 3 nodes in $((SECONDS - t1)) s: scaling.csv rows at 3 and 6 ranks each ran on 3 hosts"
# One thread per rank (scaling.sh's default), 1 and 2 ranks per node: bound to a core each when
# this machine has 2 (the cores run.sh counts on the head node).
for r in 3 6; do
  sbound=""; [ $((r / 3)) -le "$host_cores" ] && [ -z "$(pr_mask_not_binding_safe)" ] && sbound=bound
  log="$CL_TMP/scaling/logs/r$r-l6.log"
  if [ -n "$sbound" ]; then
    grep -q -- "^+ mpirun .* --map-by ppr:$((r / 3)):node:pe=1 --bind-to core " "$log" || { cl_show_log "$log"; cl_fail "scaling.sh at $r ranks: not bound with ppr:$((r / 3)):node:pe=1 --bind-to core"; }
  fi
  cl_check_placement "$log" "$r" 1 $sbound
  cl_ok "tools/scaling.sh at $r ranks: every rank runs 1 thread${sbound:+ on a core of its own}, no warning that threads share cores"
done
grep '^|' "$CL_TMP/scaling.log" | sed 's/^/    /'

left=$(nc_live_pids | tr '\n' ' ')
[ -z "$left" ] || { ps -o pid,args -p ${left// /,} || true; cl_fail "processes left in the namespaces: $left"; }
cl_ok "no process left in the cluster's namespaces"
echo "netns_mpirun: passed in $((SECONDS - t0)) s"
