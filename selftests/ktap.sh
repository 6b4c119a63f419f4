# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# KTAP (Documentation/dev-tools/ktap.rst in the kernel), the one result
# format of every layer of wgc's tests: a sub-case, a VM test, a VM run, a
# step of `make check`. A layer whose results have results of their own
# prints them nested, two spaces deeper. Every layer ends its document with
# the count of the leaves of its tree, "# Totals: pass:P fail:F skip:S",
# which the layer above adds up; `make check` ends with "P passed, F failed".
# Sourced on the host and in the VM.
#
#   ktap_begin [PLAN]          a new document (its counts start at 0):
#                              "KTAP version 1", and "1..PLAN" when the
#                              number of results to come is known
#   ktap_result NAME ok|fail|skip [DIAG]
#                              the next result, a leaf; DIAG follows a "#"
#                              (with "SKIP " before it for a skip)
#   ktap_parent NAME ok|fail TOTALS [DIAG]
#                              the next result, of a test that printed its
#                              own (TOTALS: its "# Totals:" line, or empty
#                              when it printed none: it counts as a leaf);
#                              a failed test whose own results all passed
#                              adds one failure
#   ktap_totals FILE           the last "# Totals:" line of FILE, unindented
#   ktap_end                   prints the Totals line; status 1 if a result
#                              failed
#   ktap_summary               "P passed, F failed"
# KTAP_INDENT, empty by default, goes before every line printed.

KTAP_INDENT=${KTAP_INDENT:-}
KTAP_NUM=0
KTAP_PASS=0
KTAP_FAIL=0
KTAP_SKIP=0
KTAP_TOTALS_RE='^# Totals: pass:([0-9]+) fail:([0-9]+) skip:([0-9]+)$'

ktap_begin() {
	KTAP_NUM=0 KTAP_PASS=0 KTAP_FAIL=0 KTAP_SKIP=0
	printf '%sKTAP version 1\n' "$KTAP_INDENT"
	[[ -z ${1:-} ]] || printf '%s1..%s\n' "$KTAP_INDENT" "$1"
}

# KTAP allows neither "#" nor a newline in a description.
_ktap_line() { # _ktap_line ok|not-ok NAME [DIRECTIVE-AND-DIAG]
	local name=${2//#/_} diag=${3:-}
	name=${name//$'\n'/ }
	diag=${diag//$'\n'/ | }
	KTAP_NUM=$((KTAP_NUM + 1))
	printf '%s%s %d %s%s\n' "$KTAP_INDENT" "${1/-/ }" "$KTAP_NUM" "$name" "${diag:+ # $diag}"
}

ktap_result() {
	case $2 in
	ok)
		KTAP_PASS=$((KTAP_PASS + 1))
		_ktap_line ok "$1" "${3:-}"
		;;
	skip)
		KTAP_SKIP=$((KTAP_SKIP + 1))
		_ktap_line ok "$1" "SKIP ${3:-}"
		;;
	*)
		KTAP_FAIL=$((KTAP_FAIL + 1))
		_ktap_line not-ok "$1" "${3:-}"
		;;
	esac
}

ktap_parent() {
	local name=$1 status=$2 totals=$3
	if [[ ! $totals =~ $KTAP_TOTALS_RE ]]; then
		ktap_result "$name" "$status" "${4:-}"
		return
	fi
	KTAP_PASS=$((KTAP_PASS + BASH_REMATCH[1]))
	KTAP_FAIL=$((KTAP_FAIL + BASH_REMATCH[2]))
	KTAP_SKIP=$((KTAP_SKIP + BASH_REMATCH[3]))
	if [[ $status == ok ]]; then
		_ktap_line ok "$name" "${4:-}"
	else
		((BASH_REMATCH[2] > 0)) || KTAP_FAIL=$((KTAP_FAIL + 1))
		_ktap_line not-ok "$name" "${4:-}"
	fi
}

ktap_totals() {
	[[ -f $1 ]] || return 0
	tr -d '\r' <"$1" | grep -a -E "$KTAP_TOTALS_RE" | tail -n 1 || true
}

ktap_end() {
	printf '%s# Totals: pass:%d fail:%d skip:%d\n' "$KTAP_INDENT" "$KTAP_PASS" "$KTAP_FAIL" "$KTAP_SKIP"
	((KTAP_FAIL == 0))
}

ktap_summary() { printf '%d passed, %d failed\n' "$KTAP_PASS" "$KTAP_FAIL"; }
