#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run host unit tests and total their results.
#
#   run.sh TEST...
#
# Each TEST is a program printing "PASS: unit/<name>" or
# "FAIL: unit/<name>: <why>" lines on stdout. A test that exits non-zero
# without a FAIL line of its own (a crash, say) is counted as one failure,
# so that nothing can fail silently. Ends with "N passed, N failed" and
# exits non-zero if anything failed or nothing ran.

passed=0
failed=0

for t in "$@"; do
	name=$(basename "$t")
	name=${name%.sh}
	out=$("$t")
	status=$?
	[[ -n $out ]] && printf '%s\n' "$out"
	p=$(grep -c '^PASS: ' <<<"$out")
	f=$(grep -c '^FAIL: ' <<<"$out")
	if ((status != 0 && f == 0)); then
		echo "FAIL: unit/$name: exited with status $status"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
done

echo "$passed passed, $failed failed"
((failed == 0 && passed > 0))
