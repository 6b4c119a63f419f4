#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# usage: scripts/deb.sh [OUTDIR]
#
# Builds the Debian packages wgc-dkms and wgctl with `dpkg-buildpackage -us
# -uc -b` from a copy of the files git tracks (all files when the tree is
# not a git checkout), so that neither build products nor uncommitted files
# of the tree end up in them, and checks them with lintian at its default
# level, when it is installed. The .deb files, the .changes file and
# lintian's report end up in OUTDIR (default build/deb). DEB_BUILD_OPTIONS
# is passed on: make check sets nocheck, since it runs wgctl's unit tests
# itself.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
out=$(mkdir -p "${1:-$REPO/build/deb}" && cd "${1:-$REPO/build/deb}" && pwd)
version=$(cat "$REPO/VERSION")
src=$out/wgc-$version

die() {
	printf 'deb.sh: %s\n' "$*" >&2
	exit 1
}

rm -rf "$out"/*
mkdir -p "$src"
if git -C "$REPO" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	# tracked files, as they are in the work tree now
	git -C "$REPO" ls-files -z | (cd "$REPO" && xargs -0 cp --parents -t "$src" --)
else
	tar -C "$REPO" --exclude=./build --exclude=./.git -cf - . | tar -C "$src" -xf -
fi

(cd "$src" && dpkg-buildpackage -us -uc -b) > "$out/build.log" 2>&1 ||
	{ tail -n 40 "$out/build.log" >&2; die "dpkg-buildpackage failed (log: $out/build.log)"; }

changes=$(ls "$out"/wgc_"$version"_*.changes)
# --fail-on: what lintian shows by default (errors and warnings) fails.
# (make check installs lintian, and fails without its log.)
if ! command -v lintian >/dev/null; then
	echo "deb.sh: lintian is not installed: the packages are not checked" >&2
elif ! lintian --fail-on error,warning "$changes" > "$out/lintian.log" 2>&1; then
	cat "$out/lintian.log" >&2
	die "lintian found problems in $changes"
fi
ls "$out"/*.deb
