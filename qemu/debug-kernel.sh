#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Builds, once, the debug kernel the VM can boot instead of Debian's: Linux
# 6.12 from Debian's linux-source-6.12, configured with
# qemu/debug-kernel.config over allnoconfig (KASAN, kmemleak, lockdep,
# UBSAN, DWARF, GDB scripts, no KASLR).
#
# The result lives in a cache outside the repository, named after a hash of
# the source tarball, the config fragment, the compiler and BUILD_RECIPE
# (below), and is reused for as long as none of them changes:
#
#   $WGC_CACHE_DIR (default ~/.cache/wgc)/debug-kernel-<hash>/
#     build/vmlinux, build/vmlinux-gdb.py   the kernel and its GDB scripts
#     modroot/lib/modules/<release>/        its modules
#     kernelrelease, build-seconds          facts about the build
#
# Prints that directory on stdout; progress goes to stderr.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
TARBALL=/usr/src/linux-source-6.12.tar.xz
FRAGMENT=$REPO/qemu/debug-kernel.config
home=${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}
CACHE=${WGC_CACHE_DIR:-${XDG_CACHE_HOME:-$home/.cache}/wgc}

# Bump when a change to this script changes what it produces; edits that do
# not (comments, messages) must not cost a 15-minute rebuild.
BUILD_RECIPE=1

# Other builds are removed once unused for this long (each use touches its
# "done" file): a build in use by a concurrent run is never pulled away.
STALE_DAYS=2

die() { echo "debug-kernel.sh: $*" >&2; exit 1; }
log() { echo "debug-kernel.sh: $*" >&2; }

[[ -f $TARBALL ]] || die "$TARBALL is missing (run scripts/deps.sh)"

key=$( {
	stat -c '%s %Y' "$TARBALL"
	cat "$FRAGMENT"
	echo "recipe $BUILD_RECIPE"
	gcc --version | head -n 1
} | sha256sum | cut -c1-16)
OUT=$CACHE/debug-kernel-$key

mkdir -p "$CACHE"
exec 9>"$CACHE/debug-kernel.lock"
flock 9

if [[ -f $OUT/done ]]; then
	touch "$OUT/done"
	echo "$OUT"
	exit 0
fi

# Every line of the fragment must have survived Kconfig's dependency
# resolution; a silently dropped sanitizer would make the whole run moot.
check_config() {
	local config=$1 line name missing=()

	while IFS= read -r line; do
		case $line in
		CONFIG_*=*)
			grep -qxF "$line" "$config" || missing+=("$line")
			;;
		"# CONFIG_"*" is not set")
			name=${line#\# }
			name=${name%% *}
			grep -q "^$name=" "$config" && missing+=("$line")
			;;
		esac
	done < "$FRAGMENT"
	((${#missing[@]} == 0)) ||
		die "options that did not make it into .config: ${missing[*]}"
}

start=$SECONDS
for old in "$CACHE"/debug-kernel-*; do
	[[ -d $old && $old != "$OUT" ]] || continue
	# In use (done touched) or being built (build.log growing): keep.
	[[ -z $(find "$old/done" "$old/build.log" -mtime "-$STALE_DAYS" 2>/dev/null) ]] ||
		continue
	log "removing $old, unused for $STALE_DAYS days"
	rm -rf "$old"
done
rm -rf "$OUT"
mkdir -p "$OUT/src" "$OUT/build"

log "extracting $TARBALL"
tar -C "$OUT/src" --strip-components=1 -xJf "$TARBALL"

kmake() { make -C "$OUT/src" O="$OUT/build" "$@"; }

log "configuring"
kmake -s KCONFIG_ALLCONFIG="$FRAGMENT" allnoconfig >&2
check_config "$OUT/build/.config"

jobs=$(($(nproc) + 1))
log "building with $jobs jobs (this takes a while once)"
kmake -j"$jobs" vmlinux modules scripts_gdb >"$OUT/build.log" 2>&1 ||
	{ tail -n 40 "$OUT/build.log" >&2; die "the build failed (log: $OUT/build.log)"; }
kmake -s INSTALL_MOD_PATH="$OUT/modroot" modules_install >&2

kmake -s kernelrelease > "$OUT/kernelrelease"
echo $((SECONDS - start)) > "$OUT/build-seconds"
touch "$OUT/done"
log "built $(cat "$OUT/kernelrelease") in $(cat "$OUT/build-seconds") s"
echo "$OUT"
