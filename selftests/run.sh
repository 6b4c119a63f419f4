#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Selftest runner. Runs INSIDE the test VM (booted by qemu/run.sh; /init calls
# it for wgc.mode=test). Do not run it on a development machine: tests create
# network namespaces and load kernel modules.
#
# usage: bash /selftests/run.sh [NAME...]     (names also comma separated)
#
# A test is a file selftests/NAME.test.sh, run by bash in its own process,
# cgroup and scratch directory (also $TMPDIR and the working directory), with
# stdin from /dev/null and a timeout: WGC_TEST_TIMEOUT if set (qemu/run.sh
# --test-timeout), else a line "# timeout: SECONDS" in the file, else 300 s.
# A test still running then has its processes, with their kernel stacks,
# listed, and is killed.
# After each test, whatever it left behind is removed: its processes (the
# whole cgroup is killed, daemons included), all network namespaces, all
# links of the initial namespace but lo, the initial namespace's nftables
# ruleset, and wgc.ko (unloaded; a module that stays busy fails the test).
#
# Output: the test's own output, its kernel messages (prefixed "kmsg: "), then
# one top-level result line per test and a summary:
#   PASS: NAME
#   FAIL: NAME (REASON)
#   VMRESULT: N passed, N failed
# Tests report their sub-cases as "ok: NAME/SUB" / "not ok: NAME/SUB" (see
# lib.sh), which are never counted here.
set -euo pipefail

export LC_ALL=C
# Few forks on purpose: under TCG each exec costs tens of milliseconds.
DIR=${BASH_SOURCE[0]%/*}
[[ $DIR == /* ]] || DIR=$PWD/$DIR
DEFAULT_TIMEOUT=300
FORCED_TIMEOUT=${WGC_TEST_TIMEOUT:-}
CG_ROOT=/sys/fs/cgroup
WATCHDOG_FIFO=/run/wgc-selftest-watchdog

if [[ ! -e /run/wgc-vm ]]; then
	echo "run.sh: this runs inside the wgc test VM only (use qemu/run.sh)" >&2
	exit 2
fi

[[ -p $WATCHDOG_FIFO ]] || mkfifo "$WATCHDOG_FIFO"

# ---- discovery
declare -A AVAILABLE=()
ALL=()
shopt -s nullglob
for f in "$DIR"/*.test.sh; do
	n=${f##*/}
	n=${n%.test.sh}
	AVAILABLE[$n]=1
	ALL+=("$n")
done
shopt -u nullglob # (globs come sorted, bytewise with LC_ALL=C)

REQ=()
for a in "$@"; do
	IFS=', ' read -r -a parts <<<"$a"
	for p in "${parts[@]}"; do
		[[ -n $p ]] && REQ+=("${p%.test.sh}")
	done
done
# The full suite on the debug kernel leaves out the tests whose file says
# "# debug kernel: skip: REASON": those test wgctl's own logic, and other
# tests drive their kernel paths under the sanitizers. A test named on the
# command line runs on any kernel.
# It also leaves out a test whose file says "# needs: PATH REASON" when the
# VM has no PATH: the package test needs the packages' files, which only the
# run on Debian's 6.12 kernel puts into the image.
SKIPPED=()
if ((${#REQ[@]} == 0)); then
	skip_re='^#[[:space:]]*debug kernel:[[:space:]]*skip:[[:space:]]*(.*)'
	needs_re='^#[[:space:]]*needs:[[:space:]]*([^[:space:]]+)[[:space:]]*(.*)'
	for n in "${ALL[@]}"; do
		reason=""
		while IFS= read -r line; do
			if [[ $line =~ $skip_re && -e /sys/kernel/debug/kmemleak ]]; then
				reason=" on the debug kernel: ${BASH_REMATCH[1]}"
			elif [[ $line =~ $needs_re && ! -e ${BASH_REMATCH[1]} ]]; then
				reason=" no ${BASH_REMATCH[1]}: ${BASH_REMATCH[2]}"
			fi
			[[ -n $reason ]] && break
		done <"$DIR/$n.test.sh"
		if [[ -n $reason ]]; then
			SKIPPED+=("$n:$reason")
		else
			REQ+=("$n")
		fi
	done
fi

PASSED=0
FAILED=0
FAILED_NAMES=()
read -r KREL </proc/sys/kernel/osrelease
WGC_INFO="no wgc.ko"
if [[ -f /lib/modules/$KREL/extra/wgc.ko ]]; then
	read -r WGC_INFO _ < <(sha256sum /lib/modules/"$KREL"/extra/wgc.ko)
	WGC_INFO="wgc.ko sha256 ${WGC_INFO:0:16}"
fi
echo "=== selftests on $KREL, $WGC_INFO: ${REQ[*]:-(none)}"
for n in "${SKIPPED[@]}"; do
	echo "SKIP: ${n%%:*} (${n#*: })"
done

result() { # result NAME ok|REASON
	if [[ $2 == ok ]]; then
		PASSED=$((PASSED + 1))
		echo "PASS: $1"
	else
		FAILED=$((FAILED + 1))
		FAILED_NAMES+=("$1")
		echo "FAIL: $1 ($2)"
	fi
}

# ---- cleanup between tests
kill_cgroup() { # kill_cgroup DIR
	local cg=$1 i
	[[ -d $cg ]] || return 0
	echo 1 >"$cg/cgroup.kill" 2>/dev/null || true
	local k v
	for ((i = 0; i < 100; i++)); do
		v=""
		while read -r k v; do
			[[ $k == populated ]] && break
		done <"$cg/cgroup.events" || true
		[[ $v == 0 ]] && break
		sleep 0.05
	done
	rmdir "$cg" 2>/dev/null || echo "run.sh: warning: could not remove cgroup $cg"
}

# What a hung test is doing: its processes, their wait channels and kernel
# stacks (a process stuck in the kernel shows where).
show_cgroup() {
	local p pids=() line
	while read -r p; do pids+=("$p"); done <"$1/cgroup.procs" || true
	((${#pids[@]})) || return 0
	ps -ww -o pid,ppid,stat,wchan:24,etime,args -p "$(IFS=,; echo "${pids[*]}")" 2>/dev/null || true
	for p in "${pids[@]}"; do
		[[ -r /proc/$p/stack ]] || continue
		read -r -d '' line </proc/"$p"/cmdline || true
		echo "kernel stack of $p (${line:-?}):"
		while IFS= read -r line; do echo "  $line"; done </proc/"$p"/stack || true
	done
}

clean_network() {
	local ns=() dev
	shopt -s nullglob
	ns=(/run/netns/*)
	shopt -u nullglob
	((${#ns[@]} == 0)) || ip -all netns delete 2>/dev/null || true
	# every link but lo and the fallback devices of tunnel modules (tunl0...),
	# which cannot be deleted
	for dev in /sys/class/net/*; do
		dev=${dev##*/}
		case $dev in
		lo | tunl0 | sit0 | ip6tnl0 | gre0 | gretap0 | erspan0 | ip6gre0 | ip_vti0 | ip6_vti0) continue ;;
		esac
		[[ -e /sys/class/net/$dev ]] || continue # gone with its veth peer
		ip link del dev "$dev" 2>/dev/null || true
	done
	if [[ -d /sys/module/nf_tables ]]; then
		nft flush ruleset 2>/dev/null || true
	fi
}

# Unloads wgc.ko; namespaces are torn down asynchronously, so retry a while.
unload_wgc() {
	[[ -d /sys/module/wgc ]] || return 0
	local i err=""
	for ((i = 0; i < 100; i++)); do
		err=$(rmmod wgc 2>&1) && return 0
		[[ -d /sys/module/wgc ]] || return 0
		sleep 0.1
	done
	echo "run.sh: rmmod wgc: $err (refcnt $(cat /sys/module/wgc/refcnt 2>/dev/null))"
	return 1
}

test_timeout() { # test_timeout VAR FILE: WGC_TEST_TIMEOUT, else a "# timeout: N" line, else 300
	local line re='^#[[:space:]]*timeout:[[:space:]]*([0-9]+)'
	if [[ -n $FORCED_TIMEOUT ]]; then
		printf -v "$1" '%s' "$FORCED_TIMEOUT"
		return
	fi
	printf -v "$1" '%s' "$DEFAULT_TIMEOUT"
	while IFS= read -r line; do
		if [[ $line =~ $re ]]; then
			printf -v "$1" '%s' "${BASH_REMATCH[1]}"
			return
		fi
	done <"$2"
}

run_test() {
	local name=$1 file=$DIR/$1.test.sh
	local t cg tmp reason_file rc=0 reason=ok start ms
	test_timeout t "$file"
	cg=$CG_ROOT/wgc-test-$name
	tmp=/tmp/wgc-test-$name
	reason_file=/run/wgc-test-$name.reason
	[[ ! -e $tmp ]] || rm -rf "$tmp"
	: >"$reason_file"
	mkdir -p "$tmp" "$cg"
	echo "=== RUN: $name (timeout ${t}s)"
	echo "<6>wgc-selftest: begin $name" >/dev/kmsg
	start=${EPOCHREALTIME/./}

	local pid wd done_pid="" timed_out=0
	(
		echo "$BASHPID" >"$cg/cgroup.procs"
		cd "$tmp"
		export TEST_NAME=$name TEST_TMPDIR=$tmp TMPDIR=$tmp SELFTESTS_DIR=$DIR \
			WGC_FAIL_REASON_FILE=$reason_file HOME=/root USER=root LOGNAME=root \
			SHELL=/bin/bash
		exec bash "$file" </dev/null
	) &
	pid=$!
	# the watchdog: a subshell reading, with a timeout, from a FIFO nobody
	# writes to (no `sleep` process for tests to stumble on)
	(read -r -t "$t" _ <>"$WATCHDOG_FIFO" || true) &
	wd=$!
	wait -n -p done_pid "$pid" "$wd" || true
	if [[ $done_pid == "$wd" ]]; then
		timed_out=1
		echo "=== TIMEOUT: $name still running after ${t}s; its processes:"
		show_cgroup "$cg"
		echo 1 >"$cg/cgroup.kill"
	else
		kill "$wd" 2>/dev/null || true
		wait "$wd" 2>/dev/null || true
	fi
	wait "$pid" 2>/dev/null || rc=$?

	ms=$(((${EPOCHREALTIME/./} - start) / 1000))
	kill_cgroup "$cg"
	echo "<6>wgc-selftest: end $name rc=$rc" >/dev/kmsg

	# The kernel's messages since the test began (the console shows only
	# warnings and worse): the debugging trail next to the test's output.
	dmesg --color=never 2>/dev/null | awk -v m="wgc-selftest: begin $name" '
		substr($0, length($0) - length(m) + 1) == m { n = 0; f = 1; next }
		f && /wgc-selftest: end / { f = 0 }
		f { l[n++] = "kmsg: " $0 }
		END { for (i = 0; i < n; i++) print l[i] }'

	clean_network
	local cleanup_err=""
	if [[ ${WGC_KEEP_MODULE:-0} != 1 ]] && ! unload_wgc; then
		cleanup_err="wgc.ko still in use after the test; leaked reference?"
	fi
	rm -rf "$tmp"

	if ((timed_out)); then
		reason="timed out after ${t}s"
	elif ((rc != 0)); then
		reason="exit status $rc"
	fi
	if [[ $reason != ok && -s $reason_file ]]; then
		local first
		IFS= read -r first <"$reason_file" || true
		if ((timed_out)); then
			reason+="; first failure: $first"
		else
			reason+=": $first"
		fi
	fi
	if [[ -n $cleanup_err ]]; then
		[[ $reason == ok ]] && reason=$cleanup_err || reason+="; $cleanup_err"
	fi
	: >"$reason_file"
	echo "--- $name: ${ms} ms"
	result "$name" "$reason"
}

for name in "${REQ[@]}"; do
	if [[ -z ${AVAILABLE[$name]:-} ]]; then
		result "$name" "no such test: $DIR/$name.test.sh"
		continue
	fi
	run_test "$name"
done

((FAILED == 0)) || echo "failed tests: ${FAILED_NAMES[*]}"
echo "VMRESULT: $PASSED passed, $FAILED failed"
((FAILED == 0))
