#!/usr/bin/env bash
# A single-node Slurm cluster on this machine, from Debian's packages, for trying
# deploy/slurm/sweep.sbatch (and for `cargo xtask cluster-test`).
#
#   deploy/slurm/local-cluster.sh [start]   install if missing, configure, start, wait until idle
#   deploy/slurm/local-cluster.sh status    is it up? (exit status 0: all daemons run)
#   deploy/slurm/local-cluster.sh stop      shut it down
#
# Then point Slurm's commands at it:  export SLURM_CONF=$GROKKING_SLURM_DIR/slurm.conf
# (the script prints the line). Everything — configuration, state, spool, logs, a MUNGE
# key and socket of its own — lives in GROKKING_SLURM_DIR (default /tmp/grokking-slurm);
# nothing under /etc is changed. Idempotent: start on a running cluster changes nothing,
# stop on a stopped one does nothing.
#
# Made for containers and small VMs: runs as root without systemd or cgroups
# (proctrack/linuxproc, task/none, no accounting database). Daemons run as root, so
# munged needs --force. Not a production setup.
set -euo pipefail

DIR=${GROKKING_SLURM_DIR:-${TMPDIR:-/tmp}/grokking-slurm}
CONF=$DIR/slurm.conf
SOCKET=$DIR/munge/munge.socket
NODE=localhost
export SLURM_CONF=$CONF

say() { echo "local-cluster: $*" >&2; }

# The process whose id is in pid file $1, if it is alive.
alive() { [[ -s $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

as_root() { if [[ $(id -u) == 0 ]]; then "$@"; else sudo "$@"; fi; }

install() {
    if command -v slurmctld >/dev/null && command -v slurmd >/dev/null &&
        command -v sbatch >/dev/null && command -v munged >/dev/null; then
        return
    fi
    say "installing slurm-wlm and munge from Debian"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        --no-install-recommends slurm-wlm munge
}

# The node as slurmd sees the hardware (CPUs, sockets, cores, threads, memory), named
# $NODE; a 5 % margin on memory so a container's fluctuating figure never drains it.
node_line() {
    local line memory
    line=$(slurmd -C | head -n 1)
    memory=$(sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' <<<"$line")
    line=$(sed -e "s/^NodeName=[^ ]*/NodeName=$NODE/" -e 's/ RealMemory=[0-9]*//' <<<"$line")
    echo "$line RealMemory=$((memory * 95 / 100)) State=UNKNOWN"
}

write_config() {
    local new=$CONF.new
    cat >"$new" <<EOF
# Written by deploy/slurm/local-cluster.sh: a single-node test cluster.
ClusterName=grokking
SlurmctldHost=$NODE
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$SOCKET
# No systemd, no cgroups: processes are tracked by parent id, tasks are not bound.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
# One task per CPU, so an array runs as many tasks at once as there are cores.
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
# Trust this file over what slurmd measures; a node that was down comes back by itself.
SlurmdParameters=config_overrides
ReturnToService=2
SlurmctldTimeout=120
SlurmdTimeout=300
InactiveLimit=0
KillWait=5
MinJobAge=300
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/slurmctld.log
SlurmdLogFile=$DIR/slurmd.log
$(node_line)
PartitionName=local Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
    if cmp -s "$new" "$CONF"; then
        rm "$new"
        return 1
    fi
    mv "$new" "$CONF"
}

munge_works() { munge -n -S "$SOCKET" 2>/dev/null | unmunge -S "$SOCKET" >/dev/null 2>&1; }

node_state() { sinfo -h -N -n "$NODE" -o %T 2>/dev/null | head -n 1; }

start() {
    install
    mkdir -p "$DIR"
    # munged refuses key and socket directories others can write to.
    chmod 700 "$DIR"
    mkdir -p -m 700 "$DIR/state" "$DIR/spool" "$DIR/munge"
    local changed=0
    write_config && changed=1

    if ! munge_works; then
        [[ -s $DIR/munge.key ]] || mungekey --create --keyfile="$DIR/munge.key"
        chmod 600 "$DIR/munge.key"
        alive "$DIR/munged.pid" && kill "$(cat "$DIR/munged.pid")"
        rm -f "$SOCKET"
        # munged will not run as root unless forced.
        munged --force --socket="$SOCKET" --key-file="$DIR/munge.key" \
            --pid-file="$DIR/munged.pid" --log-file="$DIR/munged.log" \
            --seed-file="$DIR/munged.seed" </dev/null >>"$DIR/daemons.out" 2>&1
        for _ in $(seq 50); do munge_works && break; sleep 0.2; done
        munge_works || { say "munged did not start; see $DIR/munged.log"; exit 1; }
    fi
    if alive "$DIR/slurmctld.pid"; then
        ((changed)) && scontrol reconfigure
    else
        # Daemons keep no terminal or pipe of ours open: what they print before their log
        # file is set up lands in daemons.out.
        slurmctld -f "$CONF" </dev/null >>"$DIR/daemons.out" 2>&1
    fi
    # slurmd names itself after the host; this node is "$NODE" whatever the hostname.
    alive "$DIR/slurmd.pid" || slurmd -f "$CONF" -N "$NODE" </dev/null >>"$DIR/daemons.out" 2>&1

    local state=""
    for i in $(seq 120); do
        state=$(node_state)
        case $state in
        idle | mixed | allocated | completing) break ;;
        down* | drain* | fail*) scontrol update NodeName="$NODE" State=RESUME 2>/dev/null || true ;;
        esac
        ((i % 10 == 0)) && say "waiting for node $NODE (state: ${state:-no answer yet})"
        sleep 1
    done
    case $state in
    idle | mixed | allocated | completing) ;;
    *)
        say "node $NODE is not up (state: ${state:-no answer}); logs in $DIR"
        tail -n 20 "$DIR/slurmctld.log" "$DIR/slurmd.log" >&2 || true
        exit 1
        ;;
    esac
    say "up: node $NODE is $state ($(sinfo -h -n "$NODE" -o '%c CPUs, %m MB'))"
    echo "export SLURM_CONF=$CONF"
}

stop() {
    if alive "$DIR/slurmctld.pid"; then
        # Stops slurmctld and every slurmd, saving the controller's state.
        scontrol shutdown || true
    fi
    local name pid
    for name in slurmd slurmctld munged; do
        alive "$DIR/$name.pid" || continue
        pid=$(cat "$DIR/$name.pid")
        [[ $name == munged ]] && kill "$pid"
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        if kill -0 "$pid" 2>/dev/null; then
            say "$name ($pid) did not stop; killing it"
            kill -9 "$pid" || true
        fi
    done
    say "stopped"
}

# Exits 0 when all three daemons run.
status() {
    local name down=0
    for name in munged slurmctld slurmd; do
        if alive "$DIR/$name.pid"; then
            say "$name running ($(cat "$DIR/$name.pid"))"
        else
            say "$name not running"
            down=1
        fi
    done
    alive "$DIR/slurmctld.pid" && say "node $NODE: $(node_state)"
    echo "export SLURM_CONF=$CONF"
    return "$down"
}

case ${1:-start} in
start) start ;;
stop) stop ;;
status) status ;;
*)
    echo "usage: $0 [start | stop | status]" >&2
    exit 2
    ;;
esac
