#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Prints the kernel release of the test kernel: the one Debian's
# linux-image-amd64 meta package depends on (e.g. 6.1.0-56-amd64).
#
# This is deliberately NOT `uname -r`: the build machine runs another kernel;
# wgc.ko is built against, and tested in QEMU with, Debian's packaged kernel.
set -euo pipefail

meta=linux-image-amd64

die() {
	printf 'kernel-version.sh: %s\n' "$*" >&2
	exit 1
}

line=$(dpkg-query -W -f='${db:Status-Abbrev}|${Depends}' "$meta" 2>/dev/null) ||
	die "$meta is not installed (run scripts/deps.sh)"
status=${line%%|*}
depends=${line#*|}
[[ $status == ?i* ]] || die "$meta is not installed (status '$status'; run scripts/deps.sh)"

# Depends looks like "linux-image-6.1.0-56-amd64 (= 6.1.192-2)", possibly with
# alternatives ("|") or an -unsigned flavour.
kver=$(printf '%s\n' "${depends//[,|]/$'\n'}" |
	sed -nE 's/^[[:space:]]*linux-image-([0-9][^[:space:]]*)([[:space:]].*)?$/\1/p' |
	head -n1)
kver=${kver%-unsigned}
[[ -n $kver ]] || die "cannot find the kernel image in the dependencies of $meta: '$depends'"

[[ -e /boot/vmlinuz-$kver ]] ||
	die "kernel image /boot/vmlinuz-$kver is missing (run scripts/deps.sh)"
[[ -d /lib/modules/$kver/kernel ]] ||
	die "modules directory /lib/modules/$kver is missing (run scripts/deps.sh)"

printf '%s\n' "$kver"
