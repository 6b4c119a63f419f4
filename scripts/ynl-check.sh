#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The YNL spec of the family against its uapi header, on the host (make
# check's "ynl" step):
#
#   ynl/spec              Linux 6.12's own generator, tools/net/ynl/ynl-gen-c.py,
#                         validates Documentation/netlink/specs/wgc.yaml against
#                         the genetlink-legacy schema and renders the uapi
#                         header from it
#   ynl/uapi-constants    every constant of that header, enum constants (with
#                         the tag of their enum) and macros, has the same name
#                         and value in include/uapi/linux/wgc.h, and the other
#                         way round
#   ynl/detects-*         and the comparison can tell: a spec with one
#                         attribute more, a spec with two flags swapped and a
#                         header with one constant more must each fail it
#
# The generator and the schemas come from Debian's linux-source-6.12, never
# from this repository: they are extracted once into build/ynl/, keyed on the
# tarball's size and mtime. Names are read from clang's AST of each header,
# so a constant is found however it is written; values from a C program that
# includes the header and prints them.
#
# One name is translated: 6.12's generator names the mask of a flags enum
# (render-max) WGC_X_F_MASK, where the header has __WGC_X_F_ALL, which the
# module uses; the values must still agree.
#
# Prints KTAP, a result per check.
set -uo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
TARBALL=/usr/src/linux-source-6.12.tar.xz
PYTHON=/usr/bin/python3 # Debian's, with python3-yaml and python3-jsonschema
CLANG=clang-14
SPEC=$REPO/Documentation/netlink/specs/wgc.yaml
HEADER=$REPO/include/uapi/linux/wgc.h

# shellcheck source=../selftests/ktap.sh
source "$REPO/selftests/ktap.sh"
ktap_begin
result() { # result NAME STATUS
	if (($2 == 0)); then
		ktap_result "ynl/$1" ok
	else
		ktap_result "ynl/$1" fail
	fi
}
finish() {
	ktap_end
	exit
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# ynl_tree: extracts tools/net/ynl and the schemas once; prints the tree.
ynl_tree() {
	local cache=$REPO/build/ynl key dir old
	key=$(stat -c '%s %Y' "$TARBALL" | sha256sum | cut -c1-16) || return 1
	dir=$cache/linux-6.12-$key
	mkdir -p "$cache"
	exec 8>"$cache/.lock"
	flock 8
	if [[ ! -f $dir/done ]]; then
		for old in "$cache"/linux-6.12-*; do
			[[ $old == "$dir" ]] || rm -rf "$old"
		done
		rm -rf "$dir"
		mkdir -p "$dir"
		echo "ynl-check: extracting the generator from $TARBALL" >&2
		tar -xJf "$TARBALL" -C "$dir" --strip-components=1 \
			--exclude='linux-source-6.12/Documentation/netlink/specs' \
			linux-source-6.12/tools/net/ynl \
			linux-source-6.12/Documentation/netlink || return 1
		touch "$dir/done"
	fi
	exec 8>&-
	printf '%s\n' "$dir"
}

# gen_header SPEC OUT: the uapi header ynl-gen-c.py makes of SPEC. It wants
# the spec in a kernel tree: the schema two directories up, and a MAINTAINERS
# file somewhere above (it only looks for the name: without one it searches
# upwards for ever).
gen_header() {
	local tree f
	tree=$(mktemp -d "$work/tree.XXXXXX") || return 1
	mkdir -p "$tree/Documentation/netlink/specs"
	for f in "$YNL"/Documentation/netlink/*.yaml; do
		ln -s "$f" "$tree/Documentation/netlink/"
	done
	: >"$tree/MAINTAINERS"
	cp "$1" "$tree/Documentation/netlink/specs/wgc.yaml"
	(cd "$tree" && timeout 120 "$PYTHON" "$YNL/tools/net/ynl/ynl-gen-c.py" \
		--mode uapi --header --spec Documentation/netlink/specs/wgc.yaml -o "$2")
}

# constants HEADER: one sorted line per constant, "enum TAG NAME VALUE" ("-"
# for an enum without tag) or "define NAME VALUE". Neither header includes
# another; if one did, what that brings would show up as differences.
constants() {
	local h=$1 d name
	local -a enums=() macros=()
	d=$(mktemp -d "$work/constants.XXXXXX") || return 1
	"$CLANG" -x c -fsyntax-only -Xclang -ast-dump=json "$h" >"$d/ast.json" || return 1
	mapfile -t enums < <(jq -r '.inner[]
		| select(.kind == "EnumDecl" and (.isImplicit | not))
		| (.name // "-") as $tag
		| .inner[]? | select(.kind == "EnumConstantDecl")
		| "\($tag) \(.name)"' "$d/ast.json") || return 1
	# Object-like macros with a value, but the compiler's own.
	gcc -dM -E -x c /dev/null | LC_ALL=C sort >"$d/builtin"
	gcc -dM -E -x c "$h" | LC_ALL=C sort >"$d/all" || return 1
	mapfile -t macros < <(LC_ALL=C comm -13 "$d/builtin" "$d/all" |
		awk 'NF >= 3 && $2 !~ /\(/ { print $2 }')
	{
		printf '#include <stdio.h>\n#include "%s"\n' "$h"
		printf 'static void str(const char *n, const char *v) { printf("define %%s \\"%%s\\"\\n", n, v); }\n'
		printf 'static void num(const char *n, long long v) { printf("define %%s %%lld\\n", n, v); }\n'
		printf '#define MACRO(x) _Generic((x), char *: str, const char *: str, default: num)(#x, x)\n'
		printf 'int main(void)\n{\n'
		for name in "${enums[@]}"; do
			printf '\tprintf("enum %s %%lld\\n", (long long)%s);\n' "$name" "${name#* }"
		done
		for name in "${macros[@]}"; do
			printf '\tMACRO(%s);\n' "$name"
		done
		printf '\treturn 0;\n}\n'
	} >"$d/print.c"
	gcc -std=gnu11 -Wall -Werror -o "$d/print" "$d/print.c" || return 1
	"$d/print" | LC_ALL=C sort
}

# compare SPEC LIST HEADER: quiet when the constants of the header made of
# SPEC are those of LIST (the constants of HEADER); else the difference.
compare() {
	local gen
	gen=$(mktemp "$work/gen.XXXXXX.h") || return 2
	gen_header "$1" "$gen" || return 2
	constants "$gen" |
		sed -E 's/^enum ([a-z0-9_]+) WGC_([A-Z0-9_]+)_F_MASK /enum \1 __WGC_\2_F_ALL /' |
		LC_ALL=C sort >"$gen.list" || return 2
	diff -U0 --label "only in $3" --label "only in the header made of $1" \
		"$2" "$gen.list" | grep -v '^@@'
	return "${PIPESTATUS[0]}"
}

# mutate_spec KIND OUT: a copy of the spec, wrong in one way.
mutate_spec() {
	"$PYTHON" - "$SPEC" "$2" "$1" <<-'EOF'
		import sys, yaml
		src, out, kind = sys.argv[1:]
		text = open(src).read()
		spec = yaml.safe_load(text)
		if kind == 'extra-attribute':
		    spec['attribute-sets'][-1]['attributes'].append(
		        {'name': 'ynl-check-extra', 'type': 'u32'})
		elif kind == 'swapped-flags':
		    flags = [d for d in spec['definitions']
		             if d['type'] == 'flags' and len(d['entries']) > 1][0]
		    flags['entries'][0:2] = flags['entries'][1::-1]
		with open(out, 'w') as f:
		    f.write(text.splitlines()[0] + '\n')  # the SPDX line
		    yaml.safe_dump(spec, f, sort_keys=False)
	EOF
}

for tool in "$PYTHON" "$CLANG" jq gcc; do
	command -v "$tool" >/dev/null || { echo "ynl-check: $tool is missing (run scripts/deps.sh)"; result tools 1; finish; }
done
YNL=$(ynl_tree) || { result extract 1; finish; }

gen_header "$SPEC" "$work/wgc.h" >"$work/gen.log" 2>&1
status=$?
((status == 0)) || cat "$work/gen.log"
result spec $status
((status == 0)) || finish

# The constants of a header, in $work/NAME.list.
listed() { # listed NAME HEADER
	constants "$2" >"$work/$1.list" || return 1
	[[ -s $work/$1.list ]] || { echo "ynl-check: no constants found in $2"; return 1; }
}
listed wgc.h "$HEADER" || { result uapi-constants 1; finish; }
compare "$SPEC" "$work/wgc.h.list" "$HEADER"
result uapi-constants $?

# Each of these must fail the comparison (status 1: a difference, not an error).
expect_difference() { # expect_difference NAME SPEC LIST HEADER
	local out status
	out=$(compare "$2" "$3" "$4" 2>&1)
	status=$?
	if ((status != 1)); then
		echo "ynl-check: the comparison did not see the change ($1): status $status"
		printf '%s\n' "$out"
	fi
	[[ $status -eq 1 ]]
	result "detects-$1" $?
}
mutate_spec extra-attribute "$work/extra.yaml" &&
	expect_difference spec-constant "$work/extra.yaml" "$work/wgc.h.list" "$HEADER"
mutate_spec swapped-flags "$work/swapped.yaml" &&
	expect_difference value "$work/swapped.yaml" "$work/wgc.h.list" "$HEADER"
{ cat "$HEADER"; echo 'enum wgc_ynl_check { WGC_YNL_CHECK_EXTRA };'; } >"$work/extra.h"
listed extra.h "$work/extra.h" &&
	expect_difference header-constant "$SPEC" "$work/extra.h.list" "$work/extra.h"

finish
