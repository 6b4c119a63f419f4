#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: installs what is missing, builds, and runs every test, ending
# with one "N passed, N failed" line. With test names, runs only those VM
# selftests after the build checks.
set -uo pipefail
cd "$(dirname "$0")/.."

logs=build/check
passed=0
failed=0

count() {
	if [ "$2" -eq 0 ]; then
		echo "PASS: $1"
		passed=$((passed + 1))
	else
		echo "FAIL: $1"
		failed=$((failed + 1))
	fi
}

# Adds a step's own "N passed, N failed" line; a step that died before
# printing one counts as one failure.
count_from_log() {
	local line

	line=$(tr -d '\r' < "$2" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -n 1)
	if [ -z "$line" ]; then
		count "$1 (no result line)" 1
		return
	fi
	passed=$((passed + $(echo "$line" | cut -d' ' -f1)))
	failed=$((failed + $(echo "$line" | cut -d' ' -f3)))
}

# A build passes when it succeeds with no compiler warning.
build_step() {
	local name=$1 log=$logs/$1.log
	shift
	"$@" > "$log" 2>&1
	local status=$?
	if [ $status -ne 0 ] || grep -q 'warning:' "$log"; then
		cat "$log"
		status=1
	fi
	count "build/$name" $status
}

scripts/deps.sh || { echo "0 passed, 1 failed"; exit 1; }
mkdir -p "$logs"

build_step module make --no-print-directory module W=1
build_step wgctl make --no-print-directory wgctl
build_step selftest-tools make --no-print-directory -C selftests/tools

if [ $# -eq 0 ]; then
	scripts/checkpatch.sh
	count style/checkpatch $?

	make --no-print-directory -C tools/wgctl unit 2>&1 | tee $logs/unit.log
	count_from_log unit $logs/unit.log
fi

if [ -f wgc.ko ] && [ -x tools/wgctl/wgctl ]; then
	qemu/run.sh --mode test --tests "$*" 2>&1 | tee $logs/vm.log
	count_from_log vm $logs/vm.log
else
	count "vm (nothing to test: the build failed)" 1
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
