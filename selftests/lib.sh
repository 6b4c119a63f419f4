# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Helpers for wgc selftests. A test (selftests/NAME.test.sh) starts with:
#
#   #!/bin/bash
#   # timeout: 120            (optional; default 300 s)
#   # debug kernel: skip: WHY  (optional: left out of the full suite on the
#                              debug kernel; see qemu/init)
#   source "$(dirname "$0")/lib.sh"
#
# and runs inside the test VM under the runner (qemu/init), which cleans up
# after it (processes, namespaces, links, nftables ruleset, wgc.ko).
# Sourcing this turns on `set -Eeuo pipefail`: any failing command fails the
# test, and the failing command and its line are printed.
#
# Output: KTAP (ktap.sh), nested in the runner's (qemu/init), which prints
# the test's own result line; the sub-cases are the test's results, two
# spaces in:
#   log MSG...              "# MSG"
#   subtest SUB CMD...      runs CMD in a subshell, prints "# SUB: N ms" (its
#                           time), then "ok N SUB" or "not ok N SUB"; the
#                           test fails at exit if any sub-case failed, but
#                           continues with the next one. At exit, the
#                           sub-cases' "# Totals:" line (also written to
#                           WGC_TOTALS_FILE, for the runner to add up)
#   subtest_nodebug SUB WHY CMD...   subtest SUB CMD..., but a skip (with
#                           WHY) in the full suite on a kernel with
#                           sanitizers: for a sub-case that checks behaviour
#                           (timers, limits, interop), whose kernel paths
#                           other sub-cases drive there, and which the run on
#                           Debian's kernel checks in full. Named with
#                           --tests, the test runs it on any kernel.
#   fail MSG                "# NAME[/SUB]: MSG (file:line)", exit 1
#
# Assertions:  assert_eq GOT WANT [WHAT]   assert_ne GOT UNWANTED [WHAT]
#              assert_match GOT ERE [WHAT]   assert_nomatch GOT ERE [WHAT]
#                (bash =~ on the whole value: ^ and $ anchor its start and end,
#                 not lines; a newline in GOT is matched like any character)
#              assert_line GOT ERE [WHAT]    some line of GOT matches ERE
# Commands:    expect_fail CMD...   CMD must fail; sets OUT, ERR (its stdout,
#                                   stderr) and RC
#              expect_ok CMD...     CMD must succeed; sets OUT, ERR, RC=0 and
#                                   shows stderr when it fails
#              within SECONDS CMD...   whether CMD succeeds within SECONDS
#                                   (polled every 0.2 s; a "no" is not a
#                                   failure by itself)
#              wait_for [-t SECONDS] [-i INTERVAL] CMD...   poll until CMD
#                                   succeeds (default 10 s, every 0.1 s); a
#                                   $(...) in CMD's arguments is expanded
#                                   once, before the first try: poll a
#                                   function that reads the value itself
# Dumps:       paused_dump DIR IFNAME [NS]   a wgc-nl dump of IFNAME (in NS)
#                                   with 4 KiB reads, stopped after its first
#                                   read (the kernel has then made two
#                                   messages); sets PID
#              finish_dump DIR      lets it go on to its end; sets OUT, RC
# Modules:     load_wgc [PARAM=VALUE...]   modprobe wgc, fail clearly if not
#              unload_wgc                  rmmod wgc (retries while busy)
#              need_modules NAME...        modprobe each (autoload is not
#                                          reliable in the VM: load explicitly)
#              wgc_has_param NAME          whether the loaded wgc.ko has that
#                                          writable parameter (the debug
#                                          build's shortcuts: WGC_DEBUG=y)
#              wgc_param NAME VALUE        sets it for this (sub-)test, put
#                                          back by defer; fails the test if
#                                          wgc.ko has no such parameter
# Kernel log:  kmsg_mark                writes a unique line into the kernel
#                                       log and prints it: a MARK, to judge
#                                       what is logged from here on (a line
#                                       count would stop telling once the
#                                       log's buffer is full)
#              kmsg_since MARK          the kernel log's lines after MARK
#              assert_kmsg_clean MARK   no oops, WARN, KASAN, lockdep, leak...
#                                       report (kernel-splat.ere, the pattern
#                                       qemu/run.sh judges a whole run by)
#                                       logged since MARK
# Netlink:     netlink_joined PID       whether process PID's netlink socket
#                                       has joined a multicast group (for
#                                       wait_for): /proc/net/netlink of its
#                                       namespace shows a group bit, of ids
#                                       1 to 32 only
# Namespaces:  netns_add NAME...        ip netns add NAME + lo up
#              nsexec NAME CMD...       ip netns exec NAME CMD...
#              n0 CMD... .. n9 CMD...   nsexec n0 CMD... .. nsexec n9 CMD...
# Cleanup:     defer CMD...             run CMD at exit (reverse order);
#                                       do not `trap ... EXIT` yourself
set -Eeuo pipefail
shopt -s inherit_errexit

TEST_NAME=${TEST_NAME:-$(basename "$0" .test.sh)}
SELFTESTS_DIR=${SELFTESTS_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
export TEST_NAME SELFTESTS_DIR
PATH=$SELFTESTS_DIR/bin:$PATH
# shellcheck disable=SC2034 # ktap.sh's: sub-cases nest in the runner's results
KTAP_INDENT="  "
# shellcheck source=ktap.sh
source "$SELFTESTS_DIR/ktap.sh"

_LIB_SUB=""
# Diagnostics go to the test's original stdout, even from inside $(...).
exec {_LIB_OUT}>&1
_LIB_SUBFAILED=()
_LIB_DEFERRED=()

_lib_id() { printf '%s' "$TEST_NAME${_LIB_SUB:+/$_LIB_SUB}"; }

# The first failure reason goes to the runner's result line.
_lib_reason() {
	if [[ -n ${WGC_FAIL_REASON_FILE:-} && ! -s ${WGC_FAIL_REASON_FILE:-/nonexistent} ]]; then
		local r=$*
		r=${r//$'\n'/ | }
		((${#r} <= 300)) || r="${r:0:300}..."
		printf '%s\n' "$r" >"$WGC_FAIL_REASON_FILE" 2>/dev/null || true
	fi
}

log() { printf '# %s\n' "$*"; }

# A failure inside $(...) only ends that subshell, and the command around
# it may still succeed (assert_eq "$(cmd)" "" passes when cmd fails early
# with no output). So every failure also writes its sub-case's name here,
# and a sub-case (or test) with its name here fails, whatever its status.
if [[ -z ${_LIB_FAILMARK:-} ]]; then
	_LIB_FAILMARK=${TMPDIR:-/tmp}/.lib-failed.$$
	: >"$_LIB_FAILMARK"
fi
_lib_mark_failed() { printf '%s\n' "$(_lib_id)" >>"$_LIB_FAILMARK" 2>/dev/null || true; }
_lib_failed_here() { grep -qxF -- "$1" "$_LIB_FAILMARK" 2>/dev/null; }

# fail MSG: the caller's location is reported (or FAIL_DEPTH frames up).
fail() {
	local d=${FAIL_DEPTH:-1}
	local where="${BASH_SOURCE[$d]##*/}:${BASH_LINENO[$((d - 1))]}"
	printf '  # %s: %s (%s)\n' "$(_lib_id)" "$*" "$where" >&"$_LIB_OUT"
	_lib_reason "$(_lib_id): $*"
	_lib_mark_failed
	exit 1
}

_lib_on_err() {
	local rc=$1 cmd=$2 where="${BASH_SOURCE[1]##*/}:${BASH_LINENO[0]}"
	printf '  # %s: command failed with status %s: %s (%s)\n' "$(_lib_id)" "$rc" "$cmd" "$where" >&"$_LIB_OUT"
	_lib_reason "$(_lib_id): '$cmd' failed with status $rc ($where)"
	_lib_mark_failed
}
trap '_lib_on_err "$?" "$BASH_COMMAND"' ERR

_lib_on_exit() {
	local rc=$? i
	trap - ERR
	set +e
	for ((i = ${#_LIB_DEFERRED[@]} - 1; i >= 0; i--)); do
		eval "${_LIB_DEFERRED[i]}"
	done
	if ((rc == 0)) && [[ -z $_LIB_SUB ]] && _lib_failed_here "$TEST_NAME"; then
		printf '  # %s: a failure inside $(...), reported above\n' "$TEST_NAME"
		rc=1
	fi
	if ((rc == 0 && ${#_LIB_SUBFAILED[@]})); then
		printf '  # %s: %d sub-case(s) failed: %s\n' "$TEST_NAME" "${#_LIB_SUBFAILED[@]}" "${_LIB_SUBFAILED[*]}"
		_lib_reason "sub-case(s) failed: ${_LIB_SUBFAILED[*]}"
		rc=1
	fi
	[[ -n $_LIB_SUB ]] || _lib_totals
	exit "$rc"
}

# The sub-cases' count, for the runner to add up (none: the test is one leaf).
_lib_totals() {
	((KTAP_NUM > 0)) || return 0
	ktap_end || true
	[[ -z ${WGC_TOTALS_FILE:-} ]] || KTAP_INDENT="" ktap_end >"$WGC_TOTALS_FILE" 2>/dev/null || true
}
trap _lib_on_exit EXIT

defer() {
	local q
	printf -v q '%q ' "$@"
	_LIB_DEFERRED+=("$q")
}

subtest() {
	local sub=$1 rc=0 start=${EPOCHREALTIME/./}
	shift
	# Run as an async job and wait for it: a subshell whose status is tested
	# directly (if, ||) would run with `set -e` silently disabled.
	# shellcheck disable=SC2030 # the subshell's copies are meant to be local
	(
		_LIB_SUB=$sub
		_LIB_DEFERRED=()
		_LIB_SUBFAILED=()
		trap _lib_on_exit EXIT
		"$@"
	) &
	wait $! || rc=$?
	if ((rc == 0)) && _lib_failed_here "$TEST_NAME/$sub"; then
		printf '  # %s/%s: a failure inside $(...), reported above\n' "$TEST_NAME" "$sub"
		rc=1
	fi
	# the time each sub-case takes, to see where a run's minutes go
	printf '  # %s: %d ms\n' "$sub" $(((${EPOCHREALTIME/./} - start) / 1000))
	((KTAP_NUM > 0)) || ktap_begin
	if ((rc == 0)); then
		ktap_result "$sub" ok
	else
		ktap_result "$sub" fail
		# shellcheck disable=SC2031 # the parent's list, not the subshell's
		_LIB_SUBFAILED+=("$sub")
	fi
}

subtest_nodebug() {
	local sub=$1 why=$2
	shift 2
	if [[ -n ${WGC_SANITIZERS:-} && -n ${WGC_FULL_SUITE:-} ]]; then
		((KTAP_NUM > 0)) || ktap_begin
		ktap_result "$sub" skip "on the debug kernel: $why"
		return 0
	fi
	subtest "$sub" "$@"
}

assert_eq() {
	[[ $1 == "$2" ]] || FAIL_DEPTH=2 fail "${3:-value}: got '$1', want '$2'"
}
assert_ne() {
	[[ $1 != "$2" ]] || FAIL_DEPTH=2 fail "${3:-value}: got '$1', which it must not be"
}
assert_match() {
	[[ $1 =~ $2 ]] || FAIL_DEPTH=2 fail "${3:-value}: '$1' does not match /$2/"
}
assert_nomatch() {
	[[ ! $1 =~ $2 ]] || FAIL_DEPTH=2 fail "${3:-value}: '$1' matches /$2/"
}
assert_line() { # some line of GOT matches ERE (^ and $ anchor lines here)
	local l
	while IFS= read -r l; do
		[[ $l =~ $2 ]] && return 0
	done <<<"$1"
	FAIL_DEPTH=2 fail "${3:-value}: no line of '$1' matches /$2/"
}

within() {
	local end=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		((SECONDS < end)) || return 1
		sleep 0.2
	done
}

paused_dump() {
	local dir=$1 ifname=$2 in=()
	[[ -z ${3:-} ]] || in=(ip netns exec "$3")
	mkdir -p "$dir"
	"${in[@]}" wgc-nl --bufsize 4096 --pause "$dir" get ifname="$ifname" >"$dir/out" 2>&1 &
	PID=$!
	# never left paused, whatever happens
	defer touch "$dir/go"
	wait_for test -e "$dir/paused"
}
finish_dump() {
	touch "$1/go"
	RC=0
	wait "$PID" || RC=$?
	OUT=$(<"$1/out")
}

kmsg_mark() {
	local mark="wgc-selftest-mark $TEST_NAME ${EPOCHREALTIME/./} $BASHPID $RANDOM"
	echo "<6>$mark" >/dev/kmsg
	printf '%s\n' "$mark"
}
kmsg_since() {
	dmesg | awk -v mark="$1" 'seen { print; next } index($0, mark) { seen = 1 }'
}
assert_kmsg_clean() {
	local splats
	splats=$(kmsg_since "$1" | grep -a -E -f "$SELFTESTS_DIR/kernel-splat.ere" | head -n 5 || true)
	[[ -z $splats ]] || FAIL_DEPTH=2 fail "kernel log reports: ${splats//$'\n'/ | }"
}

_lib_capture() { # runs "$@", sets OUT ERR RC
	local o=${TMPDIR:-/tmp}/.lib-capture.$BASHPID
	RC=0
	"$@" >"$o.out" 2>"$o.err" || RC=$?
	OUT=$(<"$o.out") ERR=$(<"$o.err")
}

expect_fail() {
	_lib_capture "$@"
	if ((RC == 0)); then
		FAIL_DEPTH=2 fail "expected to fail, but succeeded: $*${OUT:+ (stdout: $OUT)}"
	fi
}

expect_ok() {
	_lib_capture "$@"
	if ((RC != 0)); then
		FAIL_DEPTH=2 fail "failed with status $RC: $*${ERR:+ (stderr: $ERR)}"
	fi
}

wait_for() {
	local t=10 iv=0.1
	while (($#)); do
		case $1 in
		-t) t=$2; shift 2 ;;
		-i) iv=$2; shift 2 ;;
		*) break ;;
		esac
	done
	local s=${t%%.*} f=0
	[[ $t == *.* ]] && f=${t#*.}
	f=${f}000000
	local deadline=$((${EPOCHREALTIME/./} + 10#${s:-0} * 1000000 + 10#${f:0:6}))
	until "$@" >/dev/null 2>&1; do
		if ((${EPOCHREALTIME/./} > deadline)); then
			FAIL_DEPTH=2 fail "timed out after ${t}s waiting for: $*"
		fi
		sleep "$iv"
	done
}

load_wgc() {
	if [[ -d /sys/module/wgc ]]; then
		(($# == 0)) || FAIL_DEPTH=2 fail "load_wgc $*: wgc is already loaded (unload_wgc first)"
		return 0
	fi
	modinfo wgc >/dev/null 2>&1 ||
		FAIL_DEPTH=2 fail "wgc.ko is not in the VM image (build it, then rerun qemu/run.sh)"
	local err
	err=$(modprobe wgc "$@" 2>&1) || FAIL_DEPTH=2 fail "modprobe wgc $* failed: $err"
	[[ -d /sys/module/wgc ]] || FAIL_DEPTH=2 fail "modprobe wgc succeeded, but /sys/module/wgc is missing"
}

unload_wgc() {
	local i err
	for ((i = 0; i < 100; i++)); do
		[[ -d /sys/module/wgc ]] || return 0
		err=$(rmmod wgc 2>&1) && return 0
		sleep 0.1
	done
	FAIL_DEPTH=2 fail "rmmod wgc failed: $err"
}

wgc_has_param() { [[ -w /sys/module/wgc/parameters/$1 ]]; }

wgc_param() {
	local file=/sys/module/wgc/parameters/$1
	[[ -w $file ]] ||
		FAIL_DEPTH=2 fail "wgc.ko has no parameter $1: not a debug build (WGC_DEBUG=y), or not loaded"
	defer eval "echo $(<"$file") >$file"
	echo "$2" >"$file"
}

need_modules() {
	local m err
	for m in "$@"; do
		err=$(modprobe "$m" 2>&1) || FAIL_DEPTH=2 fail "modprobe $m failed: $err"
	done
}

netlink_joined() {
	local inode ns in=()
	inode=$(readlink /proc/"$1"/fd/* 2>/dev/null | sed -n 's/^socket:\[\([0-9]*\)\]$/\1/p' |
		head -n 1)
	[[ -n $inode ]] || return 1
	ns=$(ip netns identify "$1" 2>/dev/null || true)
	[[ -z $ns ]] || in=(ip netns exec "$ns")
	"${in[@]}" awk -v i="$inode" '$NF == i && $4 != "00000000" { f = 1 } END { exit !f }' \
		/proc/net/netlink
}

netns_add() {
	local ns
	for ns in "$@"; do
		ip netns add "$ns"
		ip -n "$ns" link set lo up
	done
}

nsexec() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

for _i in 0 1 2 3 4 5 6 7 8 9; do
	eval "n$_i() { ip netns exec n$_i \"\$@\"; }"
done
unset _i
