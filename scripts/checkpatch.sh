#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs the kernel's checkpatch.pl (from Debian's linux-source-6.1, extracted
# once into build/) over the module, its self-tests and the uapi header, with
# the options in .checkpatch.conf. Prints the findings, if any, and fails when
# there are.
set -euo pipefail
cd "$(dirname "$0")/.."

tarball=/usr/src/linux-source-6.1.tar.xz
cache=build/checkpatch
script=$cache/linux-source-6.1/scripts/checkpatch.pl

if [ ! -f "$script" ]; then
	mkdir -p "$cache"
	tar -C "$cache" -xJf "$tarball" \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch
fi

out=$(perl "$script" --terse -f module/*.[ch] module/tests/*.c include/uapi/linux/wgc.h 2>&1 |
	grep -v ': total: 0 errors, 0 warnings, 0 checks\|^total: 0 errors, 0 warnings, 0 checks' || true)
[ -z "$out" ] || { printf '%s\n' "$out"; exit 1; }
