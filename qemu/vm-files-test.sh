#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Checks qemu/vm-files.sh, which writes out the files a VM run hands over
# on its console (bench.sh's vm_export), on made-up console logs. Prints
# KTAP, a result per check.
set -uo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../selftests/ktap.sh
source "$REPO/selftests/ktap.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

check() { # check NAME CONDITION-STATUS [WHY]
	if [[ $2 == 0 ]]; then
		ktap_result "vm-files/$1" ok
	else
		ktap_result "vm-files/$1" fail "${3:-}"
	fi
}

# block NAME FILE [INDENT]: the lines vm_export prints for FILE
block() {
	printf '%s=== wgc-vm file: %s ===\n' "${3:-}" "$1"
	printf '%s%s\n' "${3:-}" "$(gzip -c "$2" | base64 -w 0)"
	printf '%s=== wgc-vm file end ===\n' "${3:-}"
}

ktap_begin 7
head -c 300000 /dev/urandom >"$work/perf.data"
printf 'x\n' >"$work/small"
{
	echo "[    1.0] booting"
	block wgc.tcp.perf "$work/perf.data" "  "
	echo "  # round 1/1: wgc"
	block ../escape "$work/small"
	block .hidden "$work/small"
} >"$work/log"
out=$("$REPO/qemu/vm-files.sh" "$work/log" "$work/out")
rc=$?
cmp -s "$work/perf.data" "$work/out/wgc.tcp.perf"
check round-trip $? "the file did not come back byte for byte"
[[ $rc == 0 && $(grep -c '^# from the VM: ' <<<"$out") == 3 ]]
check listed $? "status $rc, output: $out"
[[ ! -e $work/escape && ! -e $work/escape.b64 && -f $work/out/_.._escape && -f $work/out/_.hidden &&
	$(find "$work/out" -type f | wc -l) == 3 ]]
check names-stay-inside $? "files: $(cd "$work" && find . -type f | tr '\n' ' ')"

{
	block good "$work/small"
	echo "=== wgc-vm file: cut ==="
	echo "H4sIAAAAAAAAA+tMz"
	echo "=== wgc-vm file end ==="
} >"$work/log2"
out=$("$REPO/qemu/vm-files.sh" "$work/log2" "$work/out2")
rc=$?
[[ $rc == 1 && -f $work/out2/good && ! -e $work/out2/cut && ! -e $work/out2/cut.b64 &&
	$out == *"cut did not arrive whole"* ]]
check broken-file-refused $? "status $rc, output: $out"

! grep -q '^ *H4sI' "$work/log" && grep -q '^  # round 1/1: wgc$' "$work/log" &&
	[[ $(grep -c '=== wgc-vm file' "$work/log") == 6 ]]
check payload-stripped $? "$(grep -c '' "$work/log") lines left"

# a file cut off by a panic: the report after it stays to be judged
{
	echo "=== wgc-vm file: cut ==="
	echo "H4sIAAAAAAAAA+tMz"
	echo "[  9.9] Kernel panic - not syncing: Fatal exception"
} >"$work/log4"
"$REPO/qemu/vm-files.sh" "$work/log4" "$work/out4" >/dev/null
grep -q 'Kernel panic' "$work/log4" && ! grep -q '^H4sI' "$work/log4"
check panic-after-cut-file-kept $? "$(cat "$work/log4")"

echo "no files here" >"$work/log3"
"$REPO/qemu/vm-files.sh" "$work/log3" "$work/out3" >/dev/null
rc=$?
[[ $rc == 0 && ! -e $work/out3 ]]
check none-none $? "status $rc"
ktap_end
