#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run host unit tests and total their results.
#
#   run.sh TEST...
#
# Each TEST is a program printing KTAP (unit.h, or selftests/ktap.sh for the
# shell ones): a result per case and a "# Totals:" line. Here each is one
# result, its own nested in it. A test that exits non-zero without a failed
# case of its own (a crash, say) counts as one more failure, so that nothing
# can fail silently. Ends with the Totals and "N passed, N failed"; exits
# non-zero if anything failed or nothing ran.

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../../../selftests/ktap.sh
source "$here/../../../selftests/ktap.sh"
out=$(mktemp)
trap 'rm -f "$out"' EXIT

ktap_begin $#
for t in "$@"; do
	name=$(basename "$t")
	name=${name%.sh}
	"$t" >"$out"
	status=$?
	sed 's/^/  /' "$out"
	if ((status == 0)); then
		ktap_parent "$name" ok "$(ktap_totals "$out")"
	else
		ktap_parent "$name" fail "$(ktap_totals "$out")" "exited with status $status"
	fi
done
ktap_end
status=$?
ktap_summary
((status == 0 && KTAP_PASS > 0))
