#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Events: what the kernel multicasts to the wgc family's "events" group, as
# `wgctl monitor --json` shows it. Each event comes once for its cause, with
# the right fields, and only to privileged listeners of the device's own
# namespace.
# - configuration: a peer added, changed (also when the values are the same),
#   named without settings (no event), removed, and replaced with setconf;
#   a monitor of another device, or in another namespace, sees none of it.
# - sessions-and-roaming: a handshake gives the initiator "session-started
#   role initiator" with the responder's endpoint, and the responder an
#   "endpoint-changed" (learned, no old endpoint) then "session-started role
#   responder"; a move of the initiator is one more "endpoint-changed" with
#   the old and the new address.
# - given-up-and-zeroed: initiations to a silent peer end in
#   "handshake-given-up", and the keys are zeroed later ("keys-zeroed"); the
#   debug module's max_timer_handshakes and zero_keys_after make that take
#   seconds instead of minutes.
# - on-demand-peer: an initiation from a key n2 does not know is an
#   "unknown-initiator" event with the key and where it came from; a script
#   that adds that key as a peer makes the initiator's next try succeed
#   (Documentation/events.md shows it).
# - unknown-flood-bounded: a flood of initiations from 50 unknown keys gives
#   at most 10 events plus 10 a second; the rest count as suppressed.
# - unprivileged: without CAP_NET_ADMIN, wgctl monitor fails and says why.
# - module-unloaded: a monitor says so, and ends, when the module goes.
# - session-keys: the keylog switch, off by default: no keys then; turned
#   on (the kernel logs it), each new session's keys come to `wgctl monitor
#   wg0 keylog`, on both ends, as Wireshark's key log, and they are the
#   right ones: the device's private key, the peer's public key, the
#   preshared key, and an ephemeral key whose public half is the one in the
#   initiation (initiator) or the response (responder) on the wire; the
#   events group never carries them; off again (logged too), no more keys.
# - stalled-listener: a monitor that stops reading (SIGSTOP) loses events,
#   which count as dropped, while the configuration (3000 changes in one
#   set) and the tunnel go on; once it reads again it says events were lost,
#   shows every event counted as sent, and goes on.
# timeout: 300
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tunnel-lib.sh"

[[ $TUN_IMPL == wgc ]] || fail "events are wgc's own: IMPL=$TUN_IMPL has none"

YNL_CLI=/usr/share/wgc/ynl/cli.py
YNL_SPEC=/usr/share/wgc/specs/wgc.yaml
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all)

# monitor_start NAME NS [ARGS...]: `wgctl monitor ARGS --json` in NS, its
# lines into $TMPDIR/NAME.events; waits until it listens (netlink_joined:
# wgctl joins the controller's notify group, id 16, after wgc's own).
# MONITOR_PID is its process.
monitor_start() {
	local name=$1 ns=$2 pid
	shift 2
	: >"$TMPDIR/$name.events"
	ip netns exec "$ns" wgctl monitor "$@" --json >"$TMPDIR/$name.events" \
		2>"$TMPDIR/$name.err" &
	pid=$!
	MONITOR_PID=$pid
	defer kill_quiet "$pid"
	FAIL_DEPTH=2 wait_for -t 10 netlink_joined "$pid"
}

# events NAME [JQ_FILTER]: the events so far, one compact line each, with
# only the members the filter keeps (default: event and public_key)
events() {
	jq -c "${2:-[.event, .public_key]}" <"$TMPDIR/$1.events"
}

# events_settle [-t SECONDS] NAME N: waits until NAME has N events (15 s
# at most), then a little more, for any that must not come
events_settle() {
	local t=15
	if [[ $1 == -t ]]; then
		t=$2
		shift 2
	fi
	FAIL_DEPTH=2 wait_for -t "$t" _events_at_least "$1" "$2"
	sleep 0.5
}
_events_at_least() { (($(wc -l <"$TMPDIR/$1.events") >= $2)); }

# event_stat NS DEV NAME: one counter of the device's event statistics
event_stat() {
	ip netns exec "$1" python3 "$YNL_CLI" --spec "$YNL_SPEC" --no-schema --output-json \
		--dump get-device --json "{\"ifname\": \"$2\"}" |
		jq -r ".[0][\"event-stats\"][\"$3\"]"
}

key_of() { pubkey_of "$1"; }

newkey() { wgctl genkey | wgctl pubkey; }

# keylog_value FILE NAME: one key of a key log's lines NAME = BASE64
keylog_value() { awk -v n="$2" '$1 == n && $2 == "=" { print $3 }' "$1"; }

# hex_to_b64 HEX: those bytes in base64
hex_to_b64() { printf "$(sed 's/../\\x&/g' <<<"$1")" | base64; }

# last_ephemeral NAME TYPE OFFSET: the ephemeral key in the last handshake
# message of TYPE (1: initiation, 2: response) in capture NAME, OFFSET
# bytes into it from the IPv4 header
last_ephemeral() {
	local hex
	hex=$(capture_read "$1" -x "udp[8] = $2" | awk '
		/^[0-9]/ { h = "" }
		/0x[0-9a-f]+:/ { for (i = 2; i <= NF; i++) h = h $i }
		END { print h }')
	hex_to_b64 "${hex:$(($3 * 2)):64}"
}

# keylog_start NS FILE: `wgctl monitor wg0 keylog` in NS, into FILE, once
# it listens
keylog_start() {
	local pid
	ip netns exec "$1" wgctl monitor wg0 keylog >"$2" 2>"$2.err" &
	pid=$!
	defer kill_quiet "$pid"
	FAIL_DEPTH=2 wait_for -t 10 netlink_joined "$pid"
}

# new_session NS: NS forgets its sessions (down and up) and makes a new one
# with a ping, as the initiator
new_session() {
	ip -n "$1" link set wg0 down
	ip -n "$1" link set wg0 up
	ping_ok -c 1 "$1" "$N2_IN4"
}

_lines_at_least() { (($(wc -l <"$1") >= $2)); }

# check_keys FILE NS PEER_NS CAPTURE TYPE OFFSET: FILE's key log is NS's
# for its session with PEER_NS: its keys, and an ephemeral key whose
# public half is the one in the last message of TYPE in CAPTURE (at
# OFFSET)
check_keys() {
	local f=$1 ns=$2 peer=$3
	assert_eq "$(awk '{ print $1 }' "$f" | tr '\n' ' ')" \
		"LOCAL_STATIC_PRIVATE_KEY REMOTE_STATIC_PUBLIC_KEY LOCAL_EPHEMERAL_PRIVATE_KEY PRESHARED_KEY " \
		"$ns's key log lines"
	assert_eq "$(keylog_value "$f" LOCAL_STATIC_PRIVATE_KEY)" "$(wgx "$ns" show wg0 private-key)" \
		"$ns's static key"
	assert_eq "$(keylog_value "$f" REMOTE_STATIC_PUBLIC_KEY)" "$(pubkey_of "$peer")" \
		"$ns's peer's static key"
	assert_eq "$(keylog_value "$f" PRESHARED_KEY)" "$(<"$(psk_file)")" "$ns's preshared key"
	assert_eq "$(wgctl pubkey <<<"$(keylog_value "$f" LOCAL_EPHEMERAL_PRIVATE_KEY)")" \
		"$(last_ephemeral "$4" "$5" "$6")" \
		"$ns's ephemeral key's public half against its handshake message's"
}

session_keys() {
	local mark
	defer netns_del_quiet n1 n2
	pair_setup
	peer_set n1 n2 endpoint "$N2_OUT4:$N2_PORT" preshared-key "$(psk_file)"
	peer_set n2 n1 preshared-key "$(psk_file)"
	monitor_start json n1 wg0
	keylog_start n1 "$TMPDIR/n1.keys"
	keylog_start n2 "$TMPDIR/n2.keys"
	assert_eq "$(wgx n1 show --json | jq -r '.interfaces[0].keylog')" false "the switch, by default"
	wait_for -t 5 grep -q "^wgctl: keylog is off on wg0: no keys until" "$TMPDIR/n1.keys.err"

	# off: a session, and no keys
	ping_ok -c 1 n1 "$N2_IN4"
	events_settle json 1
	assert_eq "$(events json .event)" '"session-started"' "events with the switch off"
	assert_eq "$(cat "$TMPDIR/n1.keys" "$TMPDIR/n2.keys" | wc -c)" 0 \
		"key log bytes with the switch off"

	mark=$(kmsg_mark)
	wgx n1 set wg0 keylog on
	wgx n2 set wg0 keylog on
	assert_match "$(kmsg_since "$mark")" "wg0: keylog on" "the kernel log, switched on"
	assert_match "$(wgx n1 show wg0)" $'\n  keylog: on ' "wgctl show, switched on"
	assert_eq "$(wgx n1 show --json | jq -r '.interfaces[0].keylog')" true "--json, switched on"
	capture_start hs n2 v2 "udp and (udp[8] = 1 or udp[8] = 2)"
	new_session n1
	wait_for -t 10 _lines_at_least "$TMPDIR/n1.keys" 4
	wait_for -t 10 _lines_at_least "$TMPDIR/n2.keys" 4
	capture_stop hs
	# initiation: IPv4 20 + UDP 8 + type and sender index 8: the ephemeral
	check_keys "$TMPDIR/n1.keys" n1 n2 hs 1 36
	# response: and the receiver index, 4 more
	check_keys "$TMPDIR/n2.keys" n2 n1 hs 2 40
	events_settle json 2
	assert_eq "$(events json .event)" '"session-started"
"session-started"' "the events group's events: no keys on it"

	mark=$(kmsg_mark)
	wgx n1 set wg0 keylog off
	wgx n2 set wg0 keylog off
	assert_match "$(kmsg_since "$mark")" "wg0: keylog off" "the kernel log, switched off"
	new_session n1
	events_settle json 3
	assert_eq "$(cat "$TMPDIR/n1.keys" "$TMPDIR/n2.keys" | wc -l)" 8 \
		"key log lines once switched off"
}

configuration() {
	defer netns_del_quiet n1 n3
	netns_add n1 n3
	node_add n1
	ip -n n1 link add wg1 type wgc
	monitor_start all n1
	monitor_start wg0 n1 wg0
	monitor_start other n3
	local k1 k2 k3
	k1=$(newkey) k2=$(newkey) k3=$(newkey)

	wgx n1 set wg0 peer "$k1" allowed-ips 10.1.0.1/32
	wgx n1 set wg0 peer "$k1" endpoint 192.0.2.9:1234
	wgx n1 set wg0 peer "$k1" endpoint 192.0.2.9:1234 # the same: still a change
	wgx n1 set wg0 peer "$k1"                          # no settings: no event
	wgx n1 set wg1 peer "$k2" allowed-ips 10.2.0.1/32 # the other device
	wgx n1 set wg0 peer "$k2" remove                   # not a peer of wg0
	wgx n1 set wg0 peer "$k1" remove
	wgx n1 set wg0 peer "$k2" peer "$k3"
	printf '[Peer]\nPublicKey = %s\n' "$k1" >"$TMPDIR/one.conf"
	wgx n1 setconf wg0 "$TMPDIR/one.conf"
	# A device never has itself as a peer: taking a peer's key removes it.
	local own own_pub
	own=$TMPDIR/own.key
	(umask 077 && wgctl genkey >"$own")
	own_pub=$(wgctl pubkey <"$own")
	wgx n1 set wg0 peer "$own_pub"
	wgx n1 set wg0 private-key "$own"
	events_settle all 12

	local want
	want=$(printf '%s\n' \
		"[\"peer-added\",\"$k1\"]" \
		"[\"peer-changed\",\"$k1\"]" \
		"[\"peer-changed\",\"$k1\"]" \
		"[\"peer-added\",\"$k2\"]" \
		"[\"peer-removed\",\"$k1\"]" \
		"[\"peer-added\",\"$k2\"]" \
		"[\"peer-added\",\"$k3\"]")
	# setconf removes both (in the device's order), then adds k1
	local got
	got=$(events all)
	assert_eq "$(head -n 7 <<<"$got")" "$want" "events of the sets, in order"
	assert_eq "$(sed -n 8,10p <<<"$got" | sort)" "$(printf '%s\n' \
		"[\"peer-added\",\"$k1\"]" "[\"peer-removed\",\"$k2\"]" \
		"[\"peer-removed\",\"$k3\"]" | sort)" "events of setconf"
	assert_eq "$(sed -n 10p <<<"$got")" "[\"peer-added\",\"$k1\"]" "setconf's last event"
	assert_eq "$(tail -n +11 <<<"$got")" "[\"peer-added\",\"$own_pub\"]
[\"peer-removed\",\"$own_pub\"]" "events of the peer whose key the device took"

	# Every event names its device; the filtered monitor has only wg0's.
	assert_eq "$(events all '.interface' | sort -u)" '"wg0"
"wg1"' "devices named"
	assert_eq "$(events all 'select(.interface == "wg0") | .ifindex' | sort -u)" \
		"$(ip netns exec n1 cat /sys/class/net/wg0/ifindex)" "ifindex of wg0"
	assert_eq "$(events wg0)" "$(events all 'select(.interface == "wg0") | [.event, .public_key]')" \
		"what the monitor of wg0 shows"
	assert_eq "$(wc -l <"$TMPDIR/other.events")" 0 "events seen in another namespace"
	local sent
	sent=$(event_stat n1 wg0 sent)
	assert_eq "$sent" 11 "events sent for wg0"
	assert_eq "$(event_stat n1 wg0 dropped)" 0 "events dropped"
}

sessions_and_roaming() {
	defer netns_del_quiet n1 n2
	pair_setup
	monitor_start n1 n1
	monitor_start n2 n2
	peer_set n1 n2 endpoint "$N2_OUT4:$N2_PORT"
	ping_ok n1 "$N2_IN4"
	events_settle n1 2
	events_settle n2 2
	local f='[.event, .public_key, .role, .endpoint, .old_endpoint]'
	assert_eq "$(events n1 "$f")" \
		"[\"peer-changed\",\"$(key_of n2)\",null,null,null]
[\"session-started\",\"$(key_of n2)\",\"initiator\",\"$N2_OUT4:$N2_PORT\",null]" "n1's events"
	assert_eq "$(events n2 "$f")" \
		"[\"endpoint-changed\",\"$(key_of n1)\",null,\"$N1_OUT4:$N1_PORT\",null]
[\"session-started\",\"$(key_of n1)\",\"responder\",\"$N1_OUT4:$N1_PORT\",null]" "n2's events"

	# n1 moves: n2 follows, once.
	ip -n n1 addr del "$N1_OUT4/24" dev v1
	ip -n n1 addr add 192.0.2.11/24 dev v1
	ping_ok n1 "$N2_IN4"
	events_settle n2 3
	assert_eq "$(events n2 "$f" | tail -n +3)" \
		"[\"endpoint-changed\",\"$(key_of n1)\",null,\"192.0.2.11:$N1_PORT\",\"$N1_OUT4:$N1_PORT\"]" \
		"n2's events after n1 moved"
}

given_up_and_zeroed() {
	defer netns_del_quiet n1 n2
	load_wgc
	if ! wgc_has_param max_timer_handshakes; then
		log "the release module has no max_timer_handshakes: nothing to see in less than 9 minutes"
		return 0
	fi
	wgc_param max_timer_handshakes 0
	wgc_param zero_keys_after 4
	pair_setup
	ip -n n2 link set wg0 down # n2 never answers
	monitor_start n1 n1 wg0
	peer_set n1 n2 endpoint "$N2_OUT4:$N2_PORT"
	ping_none -c 1 n1 "$N2_IN4" >/dev/null
	# two initiations 5 s apart (plus jitter), the end of trying 5 s later,
	# the keys zeroed 4 s after that
	events_settle -t 30 n1 3
	assert_eq "$(events n1)" "[\"peer-changed\",\"$(key_of n2)\"]
[\"handshake-given-up\",\"$(key_of n2)\"]
[\"keys-zeroed\",\"$(key_of n2)\"]" "n1's events"
}

on_demand_peer() {
	defer netns_del_quiet n1 n2
	pair_setup
	wgx n2 set wg0 peer "$(key_of n1)" remove
	monitor_start n2 n2 wg0
	# The listener of Documentation/events.md: a peer for each stranger.
	ip netns exec n2 bash -c '
		wgctl monitor wg0 --json | while read -r line; do
			key=$(jq -r "select(.event == \"unknown-initiator\") | .public_key" <<<"$line")
			[[ -n $key ]] && wgctl set wg0 peer "$key" allowed-ips '"$N1_IN4/32"'
		done' &
	defer kill_quiet $!
	peer_set n1 n2 endpoint "$N2_OUT4:$N2_PORT"
	# the first try is unknown, the next (5 s later) goes through
	ping_ok -c 1 -w 15 n1 "$N2_IN4"
	local f='[.event, .public_key, .endpoint]'
	assert_eq "$(events n2 "$f" | head -n 2)" \
		"[\"unknown-initiator\",\"$(key_of n1)\",\"$N1_OUT4:$N1_PORT\"]
[\"peer-added\",\"$(key_of n1)\",null]" "n2's first events"
	assert_eq "$(events n2 | grep -c unknown-initiator)" 1 "unknown-initiator events"
}

unknown_flood_bounded() {
	defer netns_del_quiet n1 n2
	command -v wgc-flood >/dev/null || fail "wgc-flood is missing from /selftests/bin"
	pair_setup
	monitor_start n2 n2 wg0
	wgc-flood --make-keys 50 >"$TMPDIR/strangers"
	local start out secs n suppressed
	start=$SECONDS
	out=$(ip netns exec n1 wgc-flood --target "$N2_OUT4" --port "$N2_PORT" \
		--public-key "$(key_of n2)" --valid-from "$TMPDIR/strangers" \
		--from "$N1_OUT4" --count 100000 --seconds 4 2>&1) ||
		fail "wgc-flood failed: $out"
	secs=$((SECONDS - start + 1))
	sleep 1
	n=$(events n2 | grep -c unknown-initiator || true)
	suppressed=$(event_stat n2 wg0 suppressed)
	log "wgc-flood: ${out//$'\n'/; }; $n events in about $secs s, $suppressed suppressed"
	((n >= 10)) || fail "only $n unknown-initiator events"
	((n <= 10 + 10 * secs)) || fail "$n unknown-initiator events in $secs s: more than 10 + 10 a second"
	((suppressed > 0)) || fail "no event counted as suppressed"
	assert_eq "$(events n2 '.event' | sort -u)" '"unknown-initiator"' "kinds of events"
}

unprivileged() {
	defer netns_del_quiet n1
	netns_add n1
	node_add n1
	expect_fail ip netns exec n1 "${NOBODY[@]}" wgctl monitor
	assert_eq "$RC" 1 "exit status"
	assert_eq "$ERR" "wgctl: Unable to listen to wgc events: Operation not permitted (it needs CAP_NET_ADMIN)" \
		"the error"
	expect_fail ip netns exec n1 wgctl monitor nosuch0
	assert_match "$ERR" "nosuch0" "the error for a missing interface"
	ip -n n1 link add dummy0 type dummy
	expect_fail ip netns exec n1 wgctl monitor dummy0
	assert_eq "$ERR" "wgctl: Interface dummy0 is not a wgc interface" "the error for another kind"
	expect_fail ip netns exec n1 wgctl monitor wg0 --bogus
	assert_match "$ERR" "^Usage: wgctl monitor" "usage"
}

stalled_listener() {
	defer netns_del_quiet n1 n2
	pair_setup
	peer_set n1 n2 endpoint "$N2_OUT4:$N2_PORT"
	ping_ok n1 "$N2_IN4"
	monitor_start stall n1 wg0
	# A listener that stops reading: its socket fills up.
	local pid=$MONITOR_PID
	kill -STOP "$pid"
	# 3000 peer-changed events from one set (a peer may be named again and
	# again; the kernel applies each block in turn), more than wgctl's
	# receive buffer holds; the last gives n2 a keepalive interval, which
	# must be applied.
	local i n=3000 args=() k2
	k2=$(key_of n2)
	for ((i = 0; i < n; i++)); do
		args+=(peer "$k2" persistent-keepalive $((i == n - 1 ? 25 : 0)))
	done
	wgx n1 set wg0 "${args[@]}"
	assert_eq "$(peer_field n1 n2 persistent-keepalive)" 25 "n2's keepalive after the set"
	ping_ok n1 "$N2_IN4"
	local dropped sent
	dropped=$(event_stat n1 wg0 dropped)
	sent=$(event_stat n1 wg0 sent)
	log "$n events to a stopped listener: $sent sent, $dropped dropped"
	((dropped > 0)) || fail "no event counted as dropped"
	((sent + dropped >= n)) || fail "only $sent + $dropped events for $n changes"
	# Reading again, the monitor says it lost some, shows every event
	# counted as sent (it is the only listener), and goes on.
	kill -CONT "$pid"
	events_settle stall "$((sent + 1))"
	assert_eq "$(grep -c '^{"event":"lost"}$' "$TMPDIR/stall.events")" 1 "lines saying events were lost"
	assert_eq "$(grep -vc '^{"event":"lost"}$' "$TMPDIR/stall.events")" "$sent" "events the listener read"
	wgx n1 set wg0 peer "$(head -c 32 /dev/urandom | base64)" allowed-ips 10.201.0.1/32
	events_settle stall "$((sent + 2))"
	assert_eq "$(tail -n 1 "$TMPDIR/stall.events" | jq -r .event)" peer-added "the event after the loss"
	assert_eq "$(grep -vc '"peer-changed"' "$TMPDIR/stall.events")" 2 "events other than the changes read"
}

# _exited PID: the process has ended (a zombie still answers kill -0).
_exited() { [[ ! -e /proc/$1/stat || $(awk '{ print $3 }' "/proc/$1/stat") == Z ]]; }

module_unloaded() {
	defer netns_del_quiet n1
	netns_add n1
	load_wgc
	monitor_start gone n1
	unload_wgc
	local rc=0
	wait_for -t 10 _exited "$MONITOR_PID"
	wait "$MONITOR_PID" || rc=$?
	assert_eq "$rc" 1 "the monitor's exit status"
	assert_eq "$(<"$TMPDIR/gone.err")" "wgctl: The wgc module was unloaded: no more events" \
		"what the monitor said"
}

subtest configuration configuration
subtest sessions-and-roaming sessions_and_roaming
subtest given-up-and-zeroed given_up_and_zeroed
subtest on-demand-peer on_demand_peer
subtest_nodebug unknown-flood-bounded "a rate limit, checked on Debian's kernel" unknown_flood_bounded
subtest unprivileged unprivileged
subtest session-keys session_keys
subtest stalled-listener stalled_listener
subtest module-unloaded module_unloaded
