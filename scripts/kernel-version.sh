#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# usage: scripts/kernel-version.sh [debian|debian-6.12]
#
# Prints the kernel release of a test kernel: the one a Debian meta package
# depends on. debian (the default): linux-image-amd64, Debian 12's own
# kernel (e.g. 6.1.0-56-amd64); debian-6.12: linux-image-6.12-amd64, the
# 6.12 kernel Debian 12 offers as an update (e.g. 6.12.118+deb12-amd64).
#
# This is deliberately NOT `uname -r`: the build machine runs another kernel;
# wgc.ko is built against, and tested in QEMU with, Debian's packaged kernel.
set -euo pipefail

case ${1:-debian} in
debian) meta=linux-image-amd64 ;;
debian-6.12) meta=linux-image-6.12-amd64 ;;
*) echo "kernel-version.sh: unknown kernel '$1' (debian or debian-6.12)" >&2; exit 1 ;;
esac

die() {
	printf 'kernel-version.sh: %s\n' "$*" >&2
	exit 1
}

line=$(dpkg-query -W -f='${db:Status-Abbrev}|${Depends}' "$meta" 2>/dev/null) ||
	die "$meta is not installed (run scripts/deps.sh ${1:-})"
status=${line%%|*}
depends=${line#*|}
[[ $status == ?i* ]] || die "$meta is not installed (status '$status'; run scripts/deps.sh ${1:-})"

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
