#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# usage: scripts/build-module.sh KDIR OUTDIR [make arguments...]
#
# Builds wgc.ko against the kernel tree KDIR in OUTDIR, a mirror of the
# module's sources, so that builds for several kernels do not overwrite each
# other's objects.
# The module ends up as OUTDIR/wgc.ko.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
kdir=${1:?usage: build-module.sh KDIR OUTDIR [make arguments]}
out=${2:?usage: build-module.sh KDIR OUTDIR [make arguments]}
shift 2

mkdir -p "$out"
# Only changed files are copied, so kbuild rebuilds only what changed.
for path in Kbuild VERSION module include; do
	cp -a --update "$REPO/$path" "$out/"
done
# One job per CPU (it halves the build on two), unless a make above us
# already shares its job slots with us.
jobs=(-j"$(nproc)")
case " ${MAKEFLAGS:-} " in
*jobserver* | *" -j"*) jobs=() ;;
esac
exec make "${jobs[@]}" -C "$kdir" M="$(cd "$out" && pwd)" "$@" modules
