#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# wgctl show --json on a live tunnel. Two namespaces with a real wgc tunnel
# (preshared key, IPv6 endpoints, a handshake made and traffic sent), plus
# peers with preshared keys, IPv6 and IPv4 endpoints, many allowed IPs and
# keepalives, and a bare second device. jq reads every document: each member
# of every interface and peer must say what "show dump" says, with the types
# and in the order wgctl(8) promises; "show wg0 --json" is the wg0 of "show
# all --json"; latest_handshake_age agrees with latest_handshake; the
# handshake statistics are those of the handshake-stats field; odd interface
# names stay valid JSON; the refusals fail with a message; and a caller
# without CAP_NET_ADMIN is shown nothing.
# timeout: 300
# debug kernel: skip: wgctl's JSON printing; netlink-peers drives the dump
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tunnel-lib.sh"

# The document as "show dump" would print it: with $all, each line starts
# with the interface's name, as for "show all dump".
JQ_AS_DUMP='
def hex: if . < 16 then "0123456789abcdef"[.:. + 1]
	else (. / 16 | floor | hex) + ("0123456789abcdef"[. % 16:. % 16 + 1]) end;
def none: if . == null then "(none)" else . end;
def line($name): (if $all then [$name] + . else . end) | map(tostring) | join("\t");
.interfaces[] | .name as $n |
	([(.private_key | none), (.public_key | none), .listen_port,
	  (if .fwmark == 0 then "off" else "0x" + (.fwmark | hex) end)] | line($n)),
	(.peers[] | [.public_key, (.preshared_key | none), (.endpoint | none),
	  (if .allowed_ips == [] then "(none)" else .allowed_ips | join(",") end),
	  .latest_handshake, .transfer_rx, .transfer_tx,
	  (if .persistent_keepalive == 0 then "off" else .persistent_keepalive end)]
	 | line($n))'

# What is wrong with the document's shape, one line per fault (none: all
# well): every member, in wgctl(8)'s order, of its type; every number an
# integer.
JQ_SHAPE='
def check($o; $spec; $where):
	if ($o | keys_unsorted) != [$spec[][0]] then
		"\($where): members \($o | keys_unsorted | join(","))"
	else
		$spec[] | . as $f | ($o[$f[0]] | type) as $t
		| select([$f[1:][] | select(. == $t)] == [])
		| "\($where): \($f[0]) is a \($t)"
	end;
check(.; [["version", "number"], ["interfaces", "array"]]; "document"),
(select(.version != 1) | "version \(.version)"),
(.. | numbers | select(. != floor) | "\(.) is not an integer"),
(.interfaces[] | .name as $n |
	check(.; [["name", "string"], ["public_key", "string", "null"],
		  ["private_key", "string", "null"], ["listen_port", "number"],
		  ["fwmark", "number"], ["handshake_stats", "object", "null"],
		  ["event_stats", "object", "null"], ["keylog", "boolean", "null"],
		  ["peers", "array"]]; "interface \($n)"),
	(.event_stats // empty | check(.; [["sent", "number"],
		["dropped", "number"], ["suppressed", "number"]]; "\($n) event_stats")),
	(.handshake_stats // empty | check(.; [["processed", "number"],
		["invalid", "number"], ["rate_limited", "number"],
		["invalid_mac1", "number"], ["missing_cookie", "number"],
		["cookie_replies_sent", "number"], ["cookies_received", "number"],
		["queue_full", "number"], ["under_load", "boolean"],
		["ratelimiter_entries", "number"]]; "\($n) handshake_stats")),
	(.peers[] | check(.; [["public_key", "string"],
		["preshared_key", "string", "null"], ["endpoint", "string", "null"],
		["allowed_ips", "array"], ["latest_handshake", "number"],
		["latest_handshake_age", "number", "null"],
		["transfer_rx", "number"], ["transfer_tx", "number"],
		["persistent_keepalive", "number"], ["stats", "object", "null"]];
		"\($n) peer \(.public_key)"),
		(.stats // empty | check(.; [["rx_bytes", "number"],
			["tx_bytes", "number"], ["rx_packets", "number"],
			["tx_packets", "number"], ["rx_keepalives", "number"],
			["tx_keepalives", "number"], ["rx_dropped_replay", "number"],
			["rx_dropped_auth", "number"], ["rx_dropped_source", "number"],
			["rx_dropped_no_session", "number"],
			["tx_dropped_no_session", "number"],
			["tx_dropped_too_big", "number"], ["initiations_sent", "number"],
			["initiations_received", "number"], ["responses_sent", "number"],
			["responses_received", "number"], ["cookies_sent", "number"],
			["cookies_received", "number"],
			["handshakes_given_up", "number"], ["rekeys", "number"],
			["last_rekey", "number"]]; "\($n) peer stats")),
		(.allowed_ips[] | select(type != "string") | "\($n): allowed IP \(.)")))'

pair_setup wgc wgc
PSK=$(<"$(psk_file)")
peer_set n1 n2 endpoint "[$N2_OUT6]:$N2_PORT" preshared-key "$(psk_file)"
peer_set n2 n1 preshared-key "$(psk_file)"
wgx n1 set wg0 fwmark 0x2a
wgx n2 set wg0 fwmark 0xffffffff
ping_ok n1 "$N2_IN4"
ping_ok n1 "$N2_IN6"

# Three more peers on n1's wg0 (nobody answers them).
for p in p1 p2 p3; do
	wgctl genkey | wgctl pubkey >"$TMPDIR/$p.pub"
done
P1=$(<"$TMPDIR/p1.pub") P2=$(<"$TMPDIR/p2.pub") P3=$(<"$TMPDIR/p3.pub")
P1_IPS=()
for ((i = 0; i < 32; i++)); do
	P1_IPS+=("10.9.$i.0/24" "fd09::$((i + 1))/128")
done
P1_IPS_LIST=$(IFS=,; echo "${P1_IPS[*]}")
n1 wgctl set wg0 \
	peer "$P1" preshared-key "$(psk_file)" endpoint '[2001:db8::99]:51999' \
		allowed-ips "$P1_IPS_LIST" persistent-keepalive 25 \
	peer "$P2" endpoint 198.51.100.7:1234 persistent-keepalive 65535 \
	peer "$P3"
# And a second device, bare and down: nulls, zeros and no peers.
ip -n n1 link add wg1 type wgc

NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all)

# snapshot NS WHAT: "show WHAT dump" and "show WHAT --json" in NS, taken
# while the dump stays the same on both sides of the JSON (keepalives and
# handshake retries move counters): DUMP, JSON.
snapshot() {
	local ns=$1 what=$2 i again
	for ((i = 0; i < 20; i++)); do
		DUMP=$(ip netns exec "$ns" wgctl show "$what" dump)
		JSON=$(ip netns exec "$ns" wgctl show "$what" --json)
		again=$(ip netns exec "$ns" wgctl show "$what" dump)
		[[ $DUMP == "$again" ]] && return 0
		sleep 0.3
	done
	FAIL_DEPTH=2 fail "show $what dump in $ns never stayed the same across a show --json"
}

# the first lines in which two texts differ
differences() {
	diff <(printf '%s\n' "$1") <(printf '%s\n' "$2") | sed -n 1,6p || true
}

# compare_dump NS WHAT: the JSON says what dump says, field by field.
compare_dump() {
	local ns=$1 what=$2 all=false got
	[[ $what == all ]] && all=true
	snapshot "$ns" "$what"
	[[ -n $DUMP ]] || FAIL_DEPTH=2 fail "show $what dump in $ns is empty"
	got=$(jq -r --argjson all "$all" "$JQ_AS_DUMP" <<<"$JSON")
	[[ $got == "$DUMP" ]] ||
		FAIL_DEPTH=2 fail "show $what --json in $ns differs from dump: $(differences "$DUMP" "$got")"
	# and not vacuously: every interface and peer line is there
	assert_eq "$(wc -l <<<"$got")" "$(wc -l <<<"$DUMP")" "lines"
}

json_equals_dump() {
	local ns
	for ns in n1 n2; do
		compare_dump "$ns" all
		compare_dump "$ns" wg0
	done
	compare_dump n1 wg1
	assert_eq "$(jq '.interfaces | length' <<<"$JSON")" 1 "interfaces of show wg1"
}

# What an unprivileged caller gets: nothing. Reading an interface needs
# CAP_NET_ADMIN; "show all" still gives a whole document, without the
# interfaces it could not read, and fails.
unprivileged() {
	expect_fail n1 "${NOBODY[@]}" wgctl show all --json
	assert_eq "$(jq -c .interfaces <<<"$OUT")" '[]' "interfaces shown to nobody"
	assert_eq "$ERR" "Unable to access interface wg0: Operation not permitted
Unable to access interface wg1: Operation not permitted" "errors of show all"
	expect_fail n1 "${NOBODY[@]}" wgctl show wg0 --json
	assert_eq "$OUT" "" "show wg0 --json to nobody"
	assert_eq "$ERR" "Unable to access interface: Operation not permitted" "error of show wg0"
}

shape() {
	local ns what doc faults
	for ns in n1 n2; do
		for what in all wg0; do
			doc=$(ip netns exec "$ns" wgctl show "$what" --json)
			faults=$(jq -r "$JQ_SHAPE" <<<"$doc")
			assert_eq "$faults" "" "shape of show $what --json in $ns"
			# laid out as jq lays it out (no number here reaches 2^53)
			assert_eq "$(jq . <<<"$doc")" "$doc" "layout of show $what --json in $ns"
		done
	done
	# exactly one document: jq -s sees one value
	assert_eq "$(n1 wgctl show --json | jq -s length)" 1 "documents in show --json"
}

# The values set and made above, read from the JSON alone.
values() {
	local doc sel
	doc=$(n1 wgctl show all --json)
	# q KEY FILTER: FILTER of the document, compact, with $k = KEY
	q() { jq -c --arg k "$1" "$2" <<<"$doc"; }
	assert_eq "$(q "" '[.interfaces[].name]')" '["wg0","wg1"]' "names"
	assert_eq "$(q "" '.interfaces[0] | [.public_key, .listen_port, .fwmark, (.peers | length)]')" \
		"[\"$(pubkey_of n1)\",$N1_PORT,42,4]" "wg0"
	assert_eq "$(q "" '.interfaces[0].private_key')" "\"$(<"$_TUN_KEYS/n1.key")\"" "private key"
	# (the ratelimiter's entries are the namespace's, not wg1's own)
	assert_eq "$(q "" '.interfaces[1] | del(.name, .handshake_stats.ratelimiter_entries)')" \
		'{"public_key":null,"private_key":null,"listen_port":0,"fwmark":0,"handshake_stats":{"processed":0,"invalid":0,"rate_limited":0,"invalid_mac1":0,"missing_cookie":0,"cookie_replies_sent":0,"cookies_received":0,"queue_full":0,"under_load":false},"event_stats":{"sent":0,"dropped":0,"suppressed":0},"keylog":false,"peers":[]}' \
		"bare wg1"

	# the tunnel's peer: handshake made, bytes both ways
	sel=".interfaces[0].peers[] | select(.public_key == \$k)"
	assert_eq "$(q "$(pubkey_of n2)" "$sel | [.preshared_key, .endpoint, (.allowed_ips | sort), .persistent_keepalive]")" \
		"[\"$PSK\",\"[$N2_OUT6]:$N2_PORT\",[\"$N2_IN4/32\",\"$N2_IN6/128\"],0]" "n2 as n1's peer"
	assert_eq "$(q "$(pubkey_of n2)" "$sel | [.latest_handshake > 1600000000, .transfer_rx > 0, .transfer_tx > 0]")" \
		'[true,true,true]' "n2's handshake and transfer"
	# n2 learnt n1's endpoint from the handshake, over IPv6
	assert_eq "$(n2 wgctl show wg0 --json | jq -r '.interfaces[0].peers[0].endpoint')" \
		"[$N1_OUT6]:$N1_PORT" "endpoint n2 learnt"
	assert_eq "$(n2 wgctl show wg0 --json | jq -r '.interfaces[0].fwmark')" 4294967295 "fwmark 0xffffffff"

	assert_eq "$(q "$P1" "$sel | [.preshared_key, .endpoint, .persistent_keepalive, (.allowed_ips | length)]")" \
		"[\"$PSK\",\"[2001:db8::99]:51999\",25,64]" "p1"
	assert_eq "$(q "$P1" "$sel | .allowed_ips | sort")" \
		"$(printf '%s\n' "${P1_IPS[@]}" | jq -R . | jq -sc sort)" "p1's allowed IPs"
	assert_eq "$(q "$P2" "$sel | [.preshared_key, .endpoint, .allowed_ips, .persistent_keepalive]")" \
		'[null,"198.51.100.7:1234",[],65535]' "p2"
	assert_eq "$(q "$P3" "$sel | [.preshared_key, .endpoint, .allowed_ips, .latest_handshake, .latest_handshake_age, .transfer_rx, .persistent_keepalive]")" \
		'[null,null,[],0,null,0,0]' "p3"
	# counters: none for a peer nobody talked to; the tunnel's peer's
	# bytes are transfer's
	assert_eq "$(q "$P3" "$sel | .stats | [.[]] | add")" 0 "p3's counters"
	assert_eq "$(q "$(pubkey_of n2)" "$sel | [.stats.rx_bytes == .transfer_rx, .stats.tx_bytes == .transfer_tx, .stats.initiations_sent, .stats.responses_received]")" \
		'[true,true,1,1]' "n2's counters as n1's peer"
}

# show wg0 --json is the wg0 of show all --json (ages aside: a second
# may pass between the two).
one_vs_all() {
	local i one all
	for ((i = 0; i < 20; i++)); do
		DUMP=$(n1 wgctl show all dump)
		one=$(n1 wgctl show wg0 --json | jq -c 'del(.. | .latest_handshake_age?)')
		all=$(n1 wgctl show all --json | jq -c 'del(.. | .latest_handshake_age?) | .interfaces |= map(select(.name == "wg0"))')
		[[ $(n1 wgctl show all dump) == "$DUMP" ]] && break
		sleep 0.3
	done
	assert_eq "$one" "$all" "show wg0 --json vs show all --json"
	assert_eq "$(jq '.interfaces | length' <<<"$one")" 1 "interfaces in show wg0 --json"
}

# latest_handshake_age is the wall clock when wgctl ran minus
# latest_handshake, or null for never.
handshake_age() {
	local t0 t1 doc lh age n=0 hs_age later
	t0=$(date +%s)
	doc=$(n1 wgctl show --json)
	t1=$(date +%s)
	while read -r lh age; do
		if ((lh == 0)); then
			assert_eq "$age" null "age of a peer with no handshake"
			continue
		fi
		n=$((n + 1))
		hs_age=$age
		[[ $age =~ ^[0-9]+$ ]] || fail "age '$age' for a handshake at $lh"
		((t0 - lh <= age && age <= t1 - lh)) ||
			fail "age $age for a handshake at $lh, between $t0 and $t1"
	done < <(jq -r '.interfaces[].peers[] | "\(.latest_handshake) \(.latest_handshake_age)"' <<<"$doc")
	assert_eq "$n" 1 "peers with a handshake"
	# and it grows with time
	sleep 2
	later=$(n1 wgctl show --json | jq '.interfaces[0].peers[] | select(.latest_handshake > 0) | .latest_handshake_age')
	((later >= hs_age + 2)) || fail "age $hs_age, then $later two seconds later"
}

# handshake_stats says what the handshake-stats field says, event_stats
# what event-stats says.
handshake_stats() {
	local ns i field json
	for ns in n1 n2; do
		for ((i = 0; i < 20; i++)); do
			field=$(ip netns exec "$ns" wgctl show wg0 handshake-stats)
			json=$(ip netns exec "$ns" wgctl show wg0 --json |
				jq -r '.interfaces[0].handshake_stats | to_entries[] |
					"\(.key | gsub("_"; "-"))\t\(if .value == true then 1 elif .value == false then 0 else .value end)"')
			[[ $(ip netns exec "$ns" wgctl show wg0 handshake-stats) == "$field" ]] && break
			sleep 0.3
		done
		assert_eq "$json" "$field" "handshake_stats in $ns"
		assert_eq "$(wc -l <<<"$json")" 10 "counters in $ns"
		assert_eq "$(ip netns exec "$ns" wgctl show wg0 --json |
			jq -r '.interfaces[0].event_stats | to_entries[] | "\(.key)\t\(.value)"')" \
			"$(ip netns exec "$ns" wgctl show wg0 event-stats)" "event_stats in $ns"
	done
	# each side processed the other's handshake message
	assert_eq "$(n1 wgctl show wg0 --json | jq '.interfaces[0].handshake_stats.processed >= 1')" true "n1 processed"
	assert_eq "$(n2 wgctl show wg0 --json | jq '.interfaces[0].handshake_stats.processed >= 1')" true "n2 processed"
}

# Interface names need escaping, or are not UTF-8 at all: the document
# stays valid, and the names read back as wgctl(8) says. (Not control
# characters: wgctl reads those in a name from the kernel as spaces, for
# every form of show, so the JSON never sees them; the unit tests cover
# their escaping.)
odd_names() {
	netns_add n3
	local names=('q"b\s' 'wé€😀' $'l\xe9n') got want
	local n
	for n in "${names[@]}"; do
		ip -n n3 link add name "$n" type wgc
	done
	got=$(n3 wgctl show --json | jq -r '.interfaces[].name | @json')
	# in the order of show all (strcmp), as jq writes them
	want=$(printf '%s\n' '"l�n"' '"q\"b\\s"' '"wé€😀"')
	assert_eq "$got" "$want" "names in show --json"
	got=$(n3 wgctl show 'q"b\s' --json | jq -r '.interfaces[0].name')
	assert_eq "$got" 'q"b\s' "a name with a quote and a backslash, read back"
	got=$(n3 wgctl show 'wé€😀' --json | jq -r '.interfaces[0].name')
	assert_eq "$got" 'wé€😀' "a UTF-8 name, read back"
	# the non-UTF-8 byte of l\xe9n is U+FFFD, in valid UTF-8
	n3 wgctl show $'l\xe9n' --json >"$TMPDIR/latin1.json"
	jq -e . "$TMPDIR/latin1.json" >/dev/null || fail "not JSON: $(head -c 200 "$TMPDIR/latin1.json")"
	grep -q $'"name": "l\xef\xbf\xbdn"' "$TMPDIR/latin1.json" || fail "no U+FFFD in $(grep name "$TMPDIR/latin1.json")"
	! grep -q $'\xe9' "$TMPDIR/latin1.json" || fail "the raw byte 0xe9 was copied"
}

refusals() {
	expect_fail n1 wgctl show nosuch0 --json
	assert_eq "$RC" 1 "status for an unknown interface"
	assert_eq "$OUT" "" "stdout for an unknown interface"
	assert_match "$ERR" '^Unable to access interface: [^'$'\n'']+$' "message for an unknown interface"
	expect_fail n1 wgctl show wg0 --json dump
	assert_eq "$OUT" "" "stdout with a field"
	assert_match "$ERR" "^wgctl: --json shows every field; it cannot be combined with \`dump'$" "message with a field"
	expect_fail n1 wgctl show --json all transfer
	assert_match "$ERR" "cannot be combined with \`transfer'" "message with all and a field"
	expect_fail n1 wgctl show --json interfaces
	assert_match "$ERR" "^wgctl: --json cannot be combined with \`interfaces'" "message with interfaces"
	assert_eq "$OUT" "" "stdout with interfaces"
}

subtest json-equals-dump json_equals_dump
subtest handshake-stats handshake_stats
# The rest is wgctl's own printing, which does not depend on the kernel;
# the debug kernel, many times slower here, is for the module's memory and
# locking, which the two cases above take through the whole dump.
if ((TUN_SLOW)); then
	log "slow (debug) kernel: the cases of wgctl's own printing are left to the Debian kernel's run"
	exit 0
fi
subtest unprivileged unprivileged
subtest shape shape
subtest values values
subtest one-vs-all one_vs_all
subtest handshake-age handshake_age
subtest odd-names odd_names
subtest refusals refusals
