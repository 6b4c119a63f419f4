#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Who may read a device's configuration, and what a reader holds on to.
# Reading it (WGC_CMD_GET_DEVICE) needs CAP_NET_ADMIN over the device's
# network namespace, as in WireGuard: a user without it gets "Operation not
# permitted" from wgctl show, show all, showconf and a raw request, and no
# key, endpoint or allowed IP, while a user in a user and network namespace
# of their own reads the device they made there. A dump holds nothing
# between its messages: a reader that stops half way keeps neither the
# device from being deleted (ip link del, or the end of the namespace its
# sockets live in) nor the module from being unloaded, and when it reads on
# it is told the device was deleted, even if a new device has taken its
# ifindex; a device moved to another namespace is no longer dumped to the
# first; a peer removed under a paused dump is freed at once, and the dump,
# which would have resumed at it, ends marked interrupted, as it does when
# a peer is added; wgctl, which starts such a dump again, shows the
# configuration as it is now. Root of a container that was handed a device
# made outside it may change its peers, but not its listen port or fwmark:
# those act on sockets in the namespace that made it (as in WireGuard).
# wgc only: it looks at wgc's own debug messages.
# timeout: 300
source "$(dirname "$0")/lib.sh"

# RFC 7748, section 6.1: Alice's private key, Bob's public key.
ALICE_PRIV=70076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c6a
BOB_PUB=de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f
PSK=$(printf '5c%.0s' {1..32})
KEY_PREFIX=$(printf 'a5%.0s' {1..28})

# Device and peer lifetimes are logged at debug level, which the WGC_DEBUG
# build the harness tests has on (dyndbg=+p does the same for a release
# build).
load_wgc dyndbg=+p

# K[N]: the public key of made-up peer N (without forks: under TCG each
# costs tens of milliseconds).
K=()
for ((i = 0; i <= 400; i++)); do
	printf -v "K[i]" '%s%08x' "$KEY_PREFIX" "$i"
done

NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all)
# as_nobody CMD...: CMD as a user without capabilities, from a directory it
# may enter.
as_nobody() { (cd / && exec "${NOBODY[@]}" "$@"); }

# device_destroyed_since TAG NAME: the kernel logged NAME's destruction
# after TAG.
device_destroyed_since() {
	kmsg_since "$1" | grep -qE "$2( \\(unregistered\\))?: device destroyed\$"
}

# peers_destroyed_since TAG N: the kernel logged N peers destroyed after
# TAG.
peers_destroyed_since() {
	local n
	n=$(kmsg_since "$1" | grep -cE ': peer [0-9]+ destroyed$' || true)
	[[ $n == "$2" ]]
}

# many_peers N: wgc-nl arguments for N peers with an endpoint and an
# allowed IP each, in ARGS: enough for a dump of many messages.
many_peers() {
	local i
	ARGS=()
	for ((i = 0; i < $1; i++)); do
		ARGS+=(peer public-key="${K[i]}" endpoint="192.0.2.1:$((1000 + i))"
			allowed-ip="10.$((i >> 8)).$((i & 255)).0/24")
	done
}

# The values of wg0 that only CAP_NET_ADMIN may read, as wgctl and wgc-nl
# print them, in SECRETS.
secrets_of_wg0() {
	local dev peer
	expect_ok wgctl show wg0 dump
	read -r -a dev <<<"${OUT%%$'\n'*}"
	read -r -a peer <<<"${OUT#*$'\n'}"
	SECRETS=("${dev[0]}" "${dev[1]}" "${peer[0]}" "${peer[1]}" "${peer[2]}"
		"$ALICE_PRIV" "$BOB_PUB" "$PSK" 192.0.2.7 10.7.0.0 fd07:: c0000207)
}

unprivileged_get() {
	ip link add wg0 type wgc
	defer ip link del wg0
	wgc-nl set ifname=wg0 private-key="$ALICE_PRIV" \
		peer public-key="$BOB_PUB" preshared-key="$PSK" endpoint=192.0.2.7:51820 \
		allowed-ip=10.7.0.0/24 allowed-ip=fd07::/64 >/dev/null
	secrets_of_wg0

	local cmd s
	for cmd in "show wg0" "show wg0 dump" "show wg0 --json" "showconf wg0" \
		"show all" "show" "show all --json"; do
		# shellcheck disable=SC2086 # the words of the command
		expect_fail as_nobody wgctl $cmd
		assert_eq "$RC" 1 "exit status of unprivileged wgctl $cmd"
		assert_match "$ERR" '^Unable to access interface( wg0)?: Operation not permitted$' \
			"error of unprivileged wgctl $cmd"
		if [[ $cmd == "show all --json" ]]; then
			assert_eq "$(jq -c .interfaces <<<"$OUT")" "[]" "unprivileged wgctl $cmd"
		else
			assert_eq "$OUT" "" "output of unprivileged wgctl $cmd"
		fi
		for s in "${SECRETS[@]}"; do
			[[ $OUT$ERR != *"$s"* ]] || fail "unprivileged wgctl $cmd shows $s"
		done
	done
	# The names of the interfaces are anyone's to list, as with ip link.
	expect_ok as_nobody wgctl show interfaces
	assert_eq "$OUT" wg0 "unprivileged wgctl show interfaces"

	# The kernel refuses the request itself, before it looks for the
	# device: EPERM says nothing about which devices exist.
	local req
	for req in ifname=wg0 "ifindex=$(</sys/class/net/wg0/ifindex)" ifname=nosuch0; do
		expect_fail as_nobody wgc-nl get "$req"
		assert_eq "$OUT" "error: Operation not permitted: (no message)" "unprivileged wgc-nl get $req"
	done

	# Root still reads everything.
	expect_ok wgctl show wg0
	assert_line "$OUT" '^  endpoint: 192\.0\.2\.7:51820$' "endpoint shown to root"
	assert_line "$OUT" '^  allowed ips: 10\.7\.0\.0/24, fd07::/64$' "allowed IPs shown to root"
	expect_ok wgc-nl get ifname=wg0
	assert_line "$OUT" "^3:$ALICE_PRIV\$" "private key in root's dump"

	# CAP_NET_ADMIN over the device's namespace is what counts: a user
	# with a user and network namespace of their own manages a device
	# there, reading it included.
	if ! as_nobody unshare -Urn true 2>/dev/null; then
		log "own namespaces: skipped: this kernel gives an unprivileged user no user namespace (the debug kernel is built without CONFIG_USER_NS)"
		return 0
	fi
	# shellcheck disable=SC2016 # $1 is bash -c's own
	expect_ok as_nobody unshare -Urn bash -c '
		ip link add wgu0 type wgc &&
		wgc-nl set ifname=wgu0 peer public-key="$1" endpoint=192.0.2.8:51820 \
			allowed-ip=10.8.0.0/24 >/dev/null &&
		wgctl show wgu0' _ "$BOB_PUB"
	assert_line "$OUT" '^  endpoint: 192\.0\.2\.8:51820$' "endpoint in one's own namespace"
	assert_line "$OUT" '^  allowed ips: 10\.8\.0\.0/24$' "allowed IPs in one's own namespace"
}

# DUMP_DELETED: how a dump ends whose device went away under it.
DUMP_DELETED=$'\nerror: No such device: device was deleted or moved to another namespace during the dump$'

# The module unloads: no dump holds anything of it.
reload_wgc() {
	unload_wgc
	load_wgc dyndbg=+p
}

# A paused dump does not hold up "ip link del", which runs in the
# background and is waited for in bounded time: a deletion that waits for a
# reference sleeps where no signal reaches it. The dump, let go once a new
# device has taken the old one's ifindex, does not go on with that one.
held_dump_does_not_pin() {
	local dir=$TMPDIR/link del_pid ifindex
	many_peers 300
	ip link add wgpin0 type wgc
	wgc-nl set ifname=wgpin0 "${ARGS[@]}" >/dev/null
	ifindex=$(</sys/class/net/wgpin0/ifindex)
	paused_dump "$dir" wgpin0
	(
		rc=0
		ip link del wgpin0 || rc=$?
		echo "$rc" >"$dir/deleted"
	) &
	del_pid=$!
	if ! within 20 test -e "$dir/deleted"; then
		finish_dump "$dir"
		wait "$del_pid" || true
		fail "ip link del waited for the paused dump: the dump holds a reference to the device"
	fi
	assert_eq "$(<"$dir/deleted")" 0 "status of ip link del"
	ip link add wgpin0 index "$ifindex" type wgc
	wgc-nl set ifname=wgpin0 peer public-key="${K[400]}" >/dev/null
	finish_dump "$dir"
	assert_eq "$RC" 1 "status of the dump of a deleted device"
	assert_match "$OUT" "$DUMP_DELETED" "end of the dump of a deleted device"
	assert_nomatch "$OUT" "${K[400]}" "the new device's peer in the dump of the old one"
	reload_wgc
}

# The end of the namespace a device's sockets live in deletes the device,
# wherever it is; a paused dump does not hold that up either. (The reader's
# own namespace cannot end under it: its socket and process keep it.)
held_dump_namespace_exit() {
	local dir=$TMPDIR/netns tag
	many_peers 300
	netns_add pa pb
	ip -n pa link add wgpin1 type wgc
	ip -n pa link set wgpin1 netns pb
	nsexec pb wgc-nl set ifname=wgpin1 "${ARGS[@]}" >/dev/null
	tag=$(kmsg_mark)
	paused_dump "$dir" wgpin1 pb
	ip netns del pa
	if ! within 20 device_destroyed_since "$tag" wgpin1; then
		finish_dump "$dir"
		fail "the namespace's teardown waited for the paused dump: the dump holds a reference to the device"
	fi
	finish_dump "$dir"
	assert_eq "$RC" 1 "status of the dump of a device deleted with its namespace"
	assert_match "$OUT" "$DUMP_DELETED" "end of the dump of a device deleted with its namespace"
	reload_wgc
}

# A device moved to another namespace is not dumped on to a reader in the
# one it left.
dump_device_moved() {
	local dir=$TMPDIR/moved
	many_peers 300
	netns_add pc
	ip link add wgpin2 type wgc
	wgc-nl set ifname=wgpin2 "${ARGS[@]}" >/dev/null
	paused_dump "$dir" wgpin2
	ip link set wgpin2 netns pc
	finish_dump "$dir"
	assert_eq "$RC" 1 "status of the dump of a device moved away"
	assert_match "$OUT" "$DUMP_DELETED" "end of the dump of a device moved away"
}

dump_resume_after_change() {
	# One peer whose allowed IPs take several messages, so that a paused
	# dump is still at it, then 100 peers of one allowed IP.
	local i args=(peer public-key="${K[0]}") want=()
	for ((i = 0; i < 1000; i++)); do
		args+=(allowed-ip="172.16.$((i >> 8)).$((i & 255))/32")
	done
	for ((i = 1; i <= 100; i++)); do
		args+=(peer public-key="${K[i]}" allowed-ip="10.1.$i.0/24")
		want+=("10.1.$i.0/24")
	done
	ip link add wg0 type wgc
	wgc-nl set ifname=wg0 "${args[@]}" >/dev/null

	# Nothing changes: the dump is whole.
	paused_dump "$TMPDIR/quiet" wg0
	finish_dump "$TMPDIR/quiet"
	assert_eq "$RC" 0 "status of a quiet dump (${OUT##*$'\n'})"
	assert_eq "$(grep -c '^allowedip ' <<<"$OUT" || true)" 1100 "allowed IPs of a quiet dump"

	# The peer the dump is to resume at is removed: it is freed at once,
	# and the dump ends marked interrupted.
	local tag dir=$TMPDIR/removed
	tag=$(kmsg_mark)
	paused_dump "$dir" wg0
	wgc-nl set ifname=wg0 peer public-key="${K[0]}" flags=1 >/dev/null
	if ! within 20 peers_destroyed_since "$tag" 1; then
		finish_dump "$dir"
		fail "the removed peer was not freed while the dump was paused: the dump holds a reference to it"
	fi
	finish_dump "$dir"
	assert_eq "$RC" 1 "status of a dump whose resume peer was removed"
	assert_eq "$(grep '^peer [0-9a-f]*$' <<<"$OUT" | sort -u)" "peer ${K[0]}" \
		"peers in a dump whose resume peer was removed"
	assert_match "$OUT" $'\nerror: Interrupted system call: \\(no message\\)$' \
		"end of a dump whose resume peer was removed"

	# A peer is added.
	dir=$TMPDIR/added
	paused_dump "$dir" wg0
	wgc-nl set ifname=wg0 peer public-key="${K[200]}" allowed-ip=10.2.0.0/24 >/dev/null
	want+=(10.2.0.0/24)
	finish_dump "$dir"
	assert_eq "$RC" 1 "status of a dump with a peer added"
	assert_match "$OUT" $'\nerror: Interrupted system call: \\(no message\\)$' \
		"end of a dump with a peer added"

	# wgctl, which starts an interrupted dump again, shows it all.
	expect_ok wgctl show wg0 allowed-ips
	assert_eq "$(wc -l <<<"$OUT")" 101 "peers shown by wgctl"
	assert_eq "$(cut -f2 <<<"$OUT" | sort)" "$(printf '%s\n' "${want[@]}" | sort)" \
		"allowed IPs shown by wgctl"
}

in_other_netns() { [[ $(readlink "/proc/$1/ns/net") != "$(readlink /proc/self/ns/net)" ]]; }

# A device made here, moved into a user and network namespace of nobody's:
# root there manages its peers, but its sockets stay where they were made.
moved_device_sockets() {
	local pid out=$TMPDIR/moved.out
	if ! as_nobody unshare -Urn true 2>/dev/null; then
		log "skipped: this kernel gives an unprivileged user no user namespace (the debug kernel is built without CONFIG_USER_NS)"
		return 0
	fi
	ip link add wgm0 type wgc
	# (the namespace's end deletes it, unless it never got there)
	defer eval 'ip link del wgm0 2>/dev/null'
	expect_ok wgctl set wgm0 listen-port 40000
	# The namespace's root waits for the device, then tries each change.
	# (Not through as_nobody: $! must be the process that unshares.)
	# shellcheck disable=SC2016 # $1 is bash -c's own
	(cd / && exec "${NOBODY[@]}" unshare -Urn bash -c '
		for ((i = 0; i < 100; i++)); do
			ip link show wgm0 >/dev/null 2>&1 && break
			sleep 0.1
		done
		wgctl set wgm0 listen-port 40001; echo "port: $?"
		wgctl set wgm0 fwmark 7; echo "fwmark: $?"
		wgctl set wgm0 peer "$1" allowed-ips 10.11.0.0/24; echo "peer: $?"
		wgctl show wgm0 listen-port' _ "$(wgctl genkey | wgctl pubkey)") >"$out" 2>&1 &
	pid=$!
	wait_for in_other_netns "$pid"
	ip link set wgm0 netns "$pid"
	wait "$pid"
	log "in the namespace: $(tr '\n' '|' <"$out")"
	assert_line "$(cat "$out")" '^port: 1$' "listen port change refused"
	assert_line "$(cat "$out")" '^fwmark: 1$' "fwmark change refused"
	assert_line "$(cat "$out")" 'needs CAP_NET_ADMIN in the namespace that created the device' "the reason given"
	assert_line "$(cat "$out")" '^peer: 0$' "peer change allowed"
	assert_line "$(cat "$out")" '^40000$' "listen port unchanged"
}

subtest unprivileged-get unprivileged_get
subtest moved-device-sockets moved_device_sockets
subtest held-dump-does-not-pin held_dump_does_not_pin
subtest held-dump-namespace-exit held_dump_namespace_exit
subtest dump-device-moved dump_device_moved
subtest dump-resume-after-change dump_resume_after_change
