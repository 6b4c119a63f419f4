#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Writes the files a VM run handed over on its console into a directory and
# lists them. In the VM, bench.sh's vm_export prints each one gzip'd and
# base64-encoded on one line between two markers:
#   === wgc-vm file: NAME ===
#   H4sI...
#   === wgc-vm file end ===
# (nested lines may be indented). Each NAME is reduced to a plain file name
# in DIR; a file that does not decode is named and left out, and the exit
# status is then 1. The payload lines are then deleted from CONSOLE-LOG, so
# that what judges it for kernel reports does not read base64 (which can
# spell "Oops"); only a line of base64 alone right after a start marker
# goes, so a report printed into or after a cut-off file stays.
#
# usage: qemu/vm-files.sh CONSOLE-LOG DIR
set -uo pipefail

log=${1?usage: vm-files.sh CONSOLE-LOG DIR} dir=${2?usage: vm-files.sh CONSOLE-LOG DIR}
grep -a -q '^ *=== wgc-vm file: ' "$log" || exit 0
mkdir -p "$dir"
awk -v dir="$dir" '
	{ sub(/^ +/, "") }
	/^=== wgc-vm file end ===$/ { name = ""; next }
	/^=== wgc-vm file: .* ===$/ {
		name = substr($0, 18, length($0) - 21)
		gsub(/[^A-Za-z0-9._-]/, "_", name)
		sub(/^\./, "_.", name)
		next
	}
	name != "" { print > (dir "/" name ".b64"); close(dir "/" name ".b64"); name = "" }
' "$log"
status=0
for f in "$dir"/*.b64; do
	[[ -e $f ]] || continue
	name=${f%.b64}
	if base64 -d <"$f" 2>/dev/null | gzip -dc >"$name" 2>/dev/null; then
		echo "# from the VM: $name"
	else
		echo "# from the VM: ${name##*/} did not arrive whole"
		rm -f "$name"
		status=1
	fi
	rm -f "$f"
done
sed -i '/^ *=== wgc-vm file: /{n;/^ *[A-Za-z0-9+\/=]*$/d}' "$log"
exit "$status"
