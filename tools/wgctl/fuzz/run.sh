#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the libFuzzer harnesses of wgctl's parsers and run each for a
# short while, from a copy of its seed corpus (corpus/<name>/ is never
# written to).
#
#   run.sh [NAME...]        NAME: conf, set, keys, reply (default: all)
#
# FUZZ_SECONDS (default 10) is how long each harness runs, FUZZ_JOBS
# (default: the number of CPUs) how many run at once. Prints KTAP, a
# result per harness, a failure after the sanitizer's report and the input
# that caused it (kept, with the whole log, in build/fuzz/<name>/), and
# ends with "N passed, N failed"; exits non-zero if anything failed.

set -uo pipefail

top=$(cd "$(dirname "$0")/../../.." && pwd)
corpus=$top/tools/wgctl/fuzz/corpus
bin=$top/build/wgctl/fuzz
out=$top/build/fuzz
seconds=${FUZZ_SECONDS:-10}
jobs=${FUZZ_JOBS:-$(nproc)}
names=("$@")
((${#names[@]})) || names=(conf set keys reply)

# shellcheck source=../../../selftests/ktap.sh
source "$top/selftests/ktap.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

# Like the other builds of make check: any compiler warning fails it.
build() {
	local log=$out/build.log

	if make --no-print-directory -C "$top/tools/wgctl" -j"$jobs" fuzz \
		> "$log" 2>&1 && ! grep -q 'warning:' "$log"; then
		return 0
	fi
	sed 's/^/# /' "$log"
	ktap_begin 1
	ktap_result build fail
	ktap_end
	ktap_summary
	exit 1
}

# run_one NAME: fuzz from a scratch copy of the corpus; the harness runs
# in build/fuzz/NAME/, where its log, exit status and crashes go.
run_one() {
	local name=$1 dir=$out/$1

	rm -rf "$dir"
	mkdir -p "$dir/crashes"
	cp -r "$corpus/$name" "$work/$name"
	(cd "$dir" && TMPDIR=$work "$bin/fuzz-$name" \
		-max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$dir/crashes/" \
		"$work/$name") > "$dir/log" 2>&1
	echo $? > "$dir/status"
}

# The report of a failed run: from the sanitizer's (or libFuzzer's)
# first word about it to the line naming the input, at most 60 lines,
# without ASan's map of shadow memory.
report() {
	local dir=$1 name=$2 input

	awk '/^==[0-9]+==|runtime error:|^fuzz: |Deadly signal/ { on = 1 }
	     /^ALARM:|out-of-memory|^ERROR: libFuzzer/ { on = 1 }
	     /^Shadow bytes around/ { shadow = 1 }
	     /==ABORTING/ { shadow = 0 }
	     on && !shadow && n++ < 60 { print "#   " $0 }
	     /Test unit written to/ { exit }' "$dir/log"
	for input in "$dir"/crashes/*; do
		[ -e "$input" ] || continue
		echo "#   input: ${input#"$top"/}"
		echo "#   replay: build/wgctl/fuzz/fuzz-$name ${input#"$top"/}"
	done
	echo "#   log: ${dir#"$top"/}/log"
}

result() {
	local name=$1 dir=$out/$1 runs

	if [ ! -x "$bin/fuzz-$name" ] || [ ! -d "$corpus/$name" ]; then
		ktap_result "$name" fail "no such harness"
	elif [ "$(cat "$dir/status" 2>/dev/null)" = 0 ]; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log")
		ktap_result "$name" ok "${runs:-?} runs in $seconds s"
	else
		report "$dir" "$name"
		ktap_result "$name" fail
	fi
}

build
ktap_begin ${#names[@]}
for name in "${names[@]}"; do
	[ -x "$bin/fuzz-$name" ] && [ -d "$corpus/$name" ] || continue
	while (($(jobs -rp | wc -l) >= jobs)); do
		wait -n
	done
	run_one "$name" &
done
wait
for name in "${names[@]}"; do
	result "$name"
done

ktap_end
status=$?
ktap_summary
((status == 0 && KTAP_PASS > 0))
