/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * wgc: generic netlink interface of the wgc tunnel device.
 *
 * The family is WGC_GENL_NAME, version WGC_GENL_VERSION. Two commands:
 *
 * WGC_CMD_GET_DEVICE
 *   Must be sent as a dump (NLM_F_DUMP). The request names one device with
 *   exactly one of WGC_DEVICE_A_IFINDEX or WGC_DEVICE_A_IFNAME, and may
 *   carry WGC_DEVICE_A_GET_FLAGS, nothing else (see "Validation" below):
 *     WGC_DEVICE_A_GET_FLAGS     u32; WGC_GET_F_PEER_STATS adds each peer's
 *                                counters (WGC_PEER_A_STATS), which a plain
 *                                get leaves out to keep dumps small
 *   Each reply message carries
 *   WGC_DEVICE_A_IFINDEX, WGC_DEVICE_A_IFNAME, WGC_DEVICE_A_LISTEN_PORT,
 *   WGC_DEVICE_A_FWMARK, WGC_DEVICE_A_KEYLOG and, when the device has an
 *   identity,
 *   WGC_DEVICE_A_PUBLIC_KEY. WGC_DEVICE_A_PRIVATE_KEY is only included for
 *   callers holding CAP_NET_ADMIN in the device's namespace.
 *
 * WGC_CMD_SET_DEVICE
 *   Requires CAP_NET_ADMIN in the device's namespace. Names the device as
 *   above and carries any of:
 *     WGC_DEVICE_A_PRIVATE_KEY   32 bytes; clamped by the kernel; all zeros
 *                                removes the device's identity
 *     WGC_DEVICE_A_LISTEN_PORT   u16; 0 lets the kernel choose a free port
 *                                when the device next binds its sockets
 *     WGC_DEVICE_A_FWMARK        u32; 0 clears the mark
 *     WGC_DEVICE_A_FLAGS         u32; WGC_DEVICE_F_REPLACE_PEERS removes every
 *                                peer first (peers named in the message are
 *                                then created anew, without their sessions
 *                                and counters)
 *     WGC_DEVICE_A_PEERS         nest of peer nests (below)
 *     WGC_DEVICE_A_KEYLOG        u8; 1: each new session's keys go to the
 *                                keylog group as WGC_CMD_SESSION_KEYS, for
 *                                decrypting a capture (debugging only; the
 *                                kernel logs the change); 0: off, the
 *                                default. Any other value is refused.
 *   Each message is validated whole before anything is applied: on any
 *   error (reported with an extended ack message naming the attribute) the
 *   device is left as it was. Only running out of memory part-way through
 *   applying the peers can leave a request half done.
 *
 *   A set takes none of the attributes only a get returns or takes:
 *   WGC_DEVICE_A_PUBLIC_KEY, WGC_DEVICE_A_HANDSHAKE_STATS,
 *   WGC_DEVICE_A_EVENT_STATS, WGC_DEVICE_A_GET_FLAGS and the peers' "get
 *   only" ones.
 *
 *   A configuration too large for one message is sent as several: the first
 *   may carry WGC_DEVICE_F_REPLACE_PEERS, the rest only add to it. A peer
 *   whose allowed IPs do not fit is repeated in the next message with the
 *   rest of them (and without WGC_PEER_F_REPLACE_ALLOWEDIPS).
 *
 * Validation: requests are checked strictly. One that breaks any of these
 * rules is refused whole (nothing of it is applied), with EINVAL (ERANGE
 * for some lengths) unless said otherwise, and an extended ack whose
 * message explains and whose NLMSGERR_ATTR_OFFS points at the offending
 * attribute, at every level (device, peer, allowed IP):
 *   - an attribute type the level does not have;
 *   - an attribute the command does not take: in a get, anything but
 *     WGC_DEVICE_A_IFINDEX, WGC_DEVICE_A_IFNAME and WGC_DEVICE_A_GET_FLAGS
 *     (whose unknown bits are refused too); in a set, those only a get
 *     returns or takes;
 *   - a value of any length but its own: integers exactly their size, keys
 *     WGC_KEY_LEN bytes, WGC_PEER_A_ENDPOINT a whole struct sockaddr_in or
 *     sockaddr_in6, WGC_ALLOWEDIP_A_IPADDR its family's address,
 *     WGC_DEVICE_A_IFNAME NUL-terminated within IFNAMSIZ bytes; and a nest
 *     without NLA_F_NESTED;
 *   - bytes after the last entry of the peer list or of an allowed-IP list
 *     (the ack points at the list);
 *   - flag bits not defined below (EOPNOTSUPP: this kernel does not know
 *     the flag), a WGC_PEER_A_PROTOCOL_VERSION above 1 (EPFNOSUPPORT).
 * Refused too, with a message but no attribute to point at: bytes after
 * the last attribute of the message or of a nest, a non-zero reserved byte
 * in the generic netlink header, nlmsg_flags beyond NLM_F_REQUEST,
 * NLM_F_ACK, NLM_F_ECHO and NLM_F_DUMP, and a request that does not name
 * its device by exactly one of ifindex and ifname. A get's attributes are
 * checked before its dump starts, so those errors come in an NLMSG_ERROR;
 * the device it names is looked up by the dump, which a failed lookup ends
 * with the error in NLMSG_DONE.
 *
 * Peers (each a nest of WGC_PEER_A_*, inside WGC_DEVICE_A_PEERS):
 *   WGC_PEER_A_PUBLIC_KEY        WGC_KEY_LEN bytes; names the peer (required)
 *   WGC_PEER_A_PRESHARED_KEY     WGC_KEY_LEN bytes; all zeros: none
 *   WGC_PEER_A_FLAGS             u32; WGC_PEER_F_* (set only)
 *   WGC_PEER_A_ENDPOINT          struct sockaddr_in or struct sockaddr_in6
 *   WGC_PEER_A_PERSISTENT_KEEPALIVE_INTERVAL  u16 seconds; 0: off
 *   WGC_PEER_A_LAST_HANDSHAKE_TIME  struct __kernel_timespec, wall clock;
 *                                zero if never (get only)
 *   WGC_PEER_A_RX_BYTES, WGC_PEER_A_TX_BYTES  u64 (get only): what the
 *                                tunnel carried, as WireGuard counts it:
 *                                each authentic data message, keepalive,
 *                                initiation and response, by its length
 *                                as a UDP payload
 *   WGC_PEER_A_ALLOWEDIPS        nest of allowed-IP nests (below)
 *   WGC_PEER_A_PROTOCOL_VERSION  u32; 1 is the only version (0 on set: 1)
 *   WGC_PEER_A_STATS             nest of WGC_PEER_STATS_A_* (get only, with
 *                                WGC_GET_F_PEER_STATS)
 *
 * Peer statistics (a nest of WGC_PEER_STATS_A_*, in WGC_PEER_A_STATS):
 * u64 counters since the peer was created, that only grow, but for the
 * time. Packets are the messages counted in the peer's bytes. Drops for
 * other reasons (not IP, a full crypto queue, an index of no session) are
 * the device's alone.
 *   WGC_PEER_STATS_A_RX_PACKETS, WGC_PEER_STATS_A_TX_PACKETS
 *   WGC_PEER_STATS_A_RX_KEEPALIVES, WGC_PEER_STATS_A_TX_KEEPALIVES
 *                                 data messages without a packet inside
 *   WGC_PEER_STATS_A_RX_DROPPED_REPLAY  authentic data messages refused for
 *                                 a counter seen before or too old
 *   WGC_PEER_STATS_A_RX_DROPPED_AUTH  data messages for one of the peer's
 *                                 sessions that failed authentication (or,
 *                                 rarely, found no memory to decrypt in)
 *   WGC_PEER_STATS_A_RX_DROPPED_SOURCE  packets from the peer whose source
 *                                 address is not among its allowed IPs
 *   WGC_PEER_STATS_A_RX_DROPPED_NO_SESSION  data messages for a session
 *                                 that could no longer be used (expired,
 *                                 retired, or at its message limit)
 *   WGC_PEER_STATS_A_TX_DROPPED_NO_SESSION  packets that waited for a
 *                                 session in vain: more than the queue
 *                                 holds, the handshake given up, the
 *                                 device taken down
 *   WGC_PEER_STATS_A_TX_DROPPED_TOO_BIG  packets that would not fit in one
 *                                 UDP datagram once encrypted (a route's
 *                                 locked MTU above the device's largest);
 *                                 the sender got an ICMP "too big"
 *   WGC_PEER_STATS_A_INITIATIONS_SENT, WGC_PEER_STATS_A_INITIATIONS_RECEIVED
 *   WGC_PEER_STATS_A_RESPONSES_SENT, WGC_PEER_STATS_A_RESPONSES_RECEIVED
 *                                 handshake messages; received ones only
 *                                 once they proved authentic
 *   WGC_PEER_STATS_A_COOKIES_SENT cookie replies to responses for one of
 *                                 the peer's handshakes (those to
 *                                 initiations cannot be told apart by
 *                                 peer; the device's handshake statistics
 *                                 count all)
 *   WGC_PEER_STATS_A_COOKIES_RECEIVED  cookie replies from the peer that
 *                                 decrypted
 *   WGC_PEER_STATS_A_HANDSHAKES_GIVEN_UP  handshakes abandoned after their
 *                                 last retransmission
 *   WGC_PEER_STATS_A_REKEYS       sessions that replaced one still in use:
 *                                 the initiator's when made, the
 *                                 responder's when its first data message
 *                                 confirmed it
 *   WGC_PEER_STATS_A_LAST_REKEY_TIME  struct __kernel_timespec, wall clock
 *                                 of the last of those; zero if none
 *
 * Allowed IPs (each a nest of WGC_ALLOWEDIP_A_*, inside
 * WGC_PEER_A_ALLOWEDIPS):
 *   WGC_ALLOWEDIP_A_FAMILY       u16; AF_INET or AF_INET6
 *   WGC_ALLOWEDIP_A_IPADDR       4 or 16 bytes, network byte order
 *   WGC_ALLOWEDIP_A_CIDR_MASK    u8; at most 32 or 128
 *   WGC_ALLOWEDIP_A_FLAGS        u32; WGC_ALLOWEDIP_F_* (set only). Without
 *                                WGC_ALLOWEDIP_F_REMOVE_ME the prefix is
 *                                added to the peer (taken from any other
 *                                peer that owned it); with it, the prefix
 *                                is removed if this peer owns exactly it,
 *                                and ignored otherwise. A peer's allowed IPs
 *                                are applied in order, so one message can
 *                                add a new prefix before removing an old one
 *                                (WGC_PEER_F_REPLACE_ALLOWEDIPS would leave
 *                                the peer without routes in between).
 *
 * Handshake statistics (a nest of WGC_HANDSHAKE_STATS_A_*, in
 * WGC_DEVICE_A_HANDSHAKE_STATS): what the defences against handshake floods
 * did since the device was created. Counters are u64 and only grow.
 *   WGC_HANDSHAKE_STATS_A_PROCESSED        initiations and responses that got
 *                                          the handshake's Curve25519 work
 *   WGC_HANDSHAKE_STATS_A_INVALID          of those, the ones that failed
 *                                          (unknown sender, bad encryption,
 *                                          replayed or too frequent)
 *   WGC_HANDSHAKE_STATS_A_RATELIMITED      dropped by the per-source token
 *                                          bucket (20 per second, burst 5, per
 *                                          IPv4 address or IPv6 /64)
 *   WGC_HANDSHAKE_STATS_A_INVALID_MAC1     dropped for a wrong MAC1
 *   WGC_HANDSHAKE_STATS_A_MISSING_COOKIE   arrived while under load without a
 *                                          valid MAC2 (answered with a cookie
 *                                          reply instead of being processed)
 *   WGC_HANDSHAKE_STATS_A_COOKIE_REPLIES_SENT
 *   WGC_HANDSHAKE_STATS_A_COOKIES_RECEIVED cookie replies from peers that
 *                                          decrypted, and are used for MAC2
 *   WGC_HANDSHAKE_STATS_A_QUEUE_FULL       dropped because the queue of
 *                                          handshake messages was full
 *   WGC_HANDSHAKE_STATS_A_UNDER_LOAD       u8; 1 while the device is under
 *                                          load (MAC2 required)
 *   WGC_HANDSHAKE_STATS_A_RATELIMITER_ENTRIES  u32; sources the token buckets
 *                                          of the device's socket namespace
 *                                          track now (shared by its devices)
 *
 * Event statistics (a nest of WGC_EVENT_STATS_A_*, in
 * WGC_DEVICE_A_EVENT_STATS): what became of the device's events (below)
 * since it was created. u64 counters that only grow.
 *   WGC_EVENT_STATS_A_SENT        events netlink delivered
 *   WGC_EVENT_STATS_A_DROPPED     events netlink reported undelivered: no
 *                                 listener's receive buffer had room (each
 *                                 reads ENOBUFS next), or a listener that
 *                                 set NETLINK_BROADCAST_ERROR had none; or
 *                                 no memory to build the event. A listener
 *                                 that misses an event another one got
 *                                 learns it from ENOBUFS only.
 *   WGC_EVENT_STATS_A_SUPPRESSED  unknown-initiator and endpoint-changed
 *                                 events held back by their rate limits
 * Events are only built while someone listens: none of these move while
 * nobody does.
 *
 * A dump sends the device's attributes and then its peers, spread over as
 * many messages as needed; every message carries WGC_DEVICE_A_IFINDEX and
 * WGC_DEVICE_A_IFNAME. A peer whose allowed IPs continue in the next message
 * appears there again, with its public key and the rest of its allowed IPs.
 * If the configuration changes during a dump, the kernel marks the dump
 * interrupted (NLM_F_DUMP_INTR) and the caller should start again.
 *
 * Events. The multicast group WGC_MCGRP_EVENTS carries one message per
 * event, in the namespace of the device it is about; joining it needs
 * CAP_NET_ADMIN there (EPERM otherwise). Each is a WGC_CMD_* up to
 * WGC_CMD_MAX other than a get or a set, with WGC_EVENT_A_IFINDEX,
 * WGC_EVENT_A_IFNAME and the peer's WGC_EVENT_A_PUBLIC_KEY (events added
 * later may be about the device alone, without a key), plus:
 *   WGC_CMD_PEER_ADDED         a set created the peer
 *   WGC_CMD_PEER_CHANGED       a set named the existing peer with settings
 *                              for it (preshared key, endpoint, keepalive,
 *                              allowed IPs), whether or not they differ
 *   WGC_CMD_PEER_REMOVED       a set removed the peer (itself, with every
 *                              peer, or by giving the device its key);
 *                              deleting the device sends none. No other
 *                              event about the peer follows it.
 *   WGC_CMD_SESSION_STARTED    a session's keys were derived:
 *                              WGC_EVENT_A_ROLE says which side this device
 *                              was (the initiator got the response; the
 *                              responder sent it, and the session is
 *                              confirmed when the initiator's first data
 *                              arrives), WGC_EVENT_A_ENDPOINT where the
 *                              peer is
 *   WGC_CMD_KEYS_ZEROED        no new session for three times the reject
 *                              time (540 s), also after a handshake given
 *                              up: the peer's keys are erased
 *   WGC_CMD_ENDPOINT_CHANGED   an authenticated packet came from another
 *                              address or port than the peer's endpoint:
 *                              WGC_EVENT_A_ENDPOINT is the new one,
 *                              WGC_EVENT_A_OLD_ENDPOINT the old (absent if
 *                              the peer had none). At most 100 per second
 *                              per device, a burst of 100 (the rest count
 *                              as suppressed).
 *   WGC_CMD_HANDSHAKE_GIVEN_UP no response after 90 s of retransmissions
 *   WGC_CMD_UNKNOWN_INITIATOR  an initiation passed MAC1 (and MAC2 under
 *                              load), the token bucket and the decryption
 *                              of its static key, which no peer has:
 *                              WGC_EVENT_A_PUBLIC_KEY is that key, and
 *                              WGC_EVENT_A_ENDPOINT where it came from. At
 *                              most 10 per second per device, a burst of
 *                              10 (the rest count as suppressed). A peer
 *                              added with that key gets its handshake
 *                              through at the initiator's next try.
 *   WGC_CMD_SESSION_KEYS       to the group WGC_MCGRP_KEYLOG instead (also
 *                              CAP_NET_ADMIN), and only while the device's
 *                              WGC_DEVICE_A_KEYLOG is 1: a session began (as
 *                              for
 *                              WGC_CMD_SESSION_STARTED, with
 *                              WGC_EVENT_A_ROLE), and these are the keys
 *                              that decrypt its handshake and so its
 *                              data: WGC_EVENT_A_LOCAL_PRIVATE_KEY (the
 *                              device's static key),
 *                              WGC_EVENT_A_EPHEMERAL_PRIVATE_KEY (this
 *                              side's ephemeral key of the handshake),
 *                              WGC_EVENT_A_PRESHARED_KEY (all zeros if
 *                              none) and the peer's WGC_EVENT_A_PUBLIC_KEY.
 * No event but WGC_CMD_SESSION_KEYS carries a secret, and that one goes to
 * a group of its own, which only a key log's reader joins. Events are sent
 * without blocking anything: a listener that reads too slowly misses some
 * (its next read fails with ENOBUFS) and they count as dropped in the
 * event statistics.
 *
 * New attributes are only ever appended to these enums.
 */

#ifndef _UAPI_LINUX_WGC_H
#define _UAPI_LINUX_WGC_H

#define WGC_GENL_NAME "wgc"
#define WGC_GENL_VERSION 1

#define WGC_KEY_LEN 32

enum wgc_cmd {
	WGC_CMD_GET_DEVICE,
	WGC_CMD_SET_DEVICE,
	/* Events, sent to WGC_MCGRP_EVENTS only (see "Events" above). */
	WGC_CMD_PEER_ADDED,
	WGC_CMD_PEER_CHANGED,
	WGC_CMD_PEER_REMOVED,
	WGC_CMD_SESSION_STARTED,
	WGC_CMD_KEYS_ZEROED,
	WGC_CMD_ENDPOINT_CHANGED,
	WGC_CMD_HANDSHAKE_GIVEN_UP,
	WGC_CMD_UNKNOWN_INITIATOR,
	WGC_CMD_SESSION_KEYS,
	__WGC_CMD_MAX
};

#define WGC_CMD_MAX (__WGC_CMD_MAX - 1)

#define WGC_MCGRP_EVENTS "events"
/* Only WGC_CMD_SESSION_KEYS, while a device's keylog switch is on. */
#define WGC_MCGRP_KEYLOG "keylog"

enum wgc_device_attribute {
	WGC_DEVICE_A_UNSPEC,
	WGC_DEVICE_A_IFINDEX,		/* u32 */
	WGC_DEVICE_A_IFNAME,		/* NUL-terminated string */
	WGC_DEVICE_A_PRIVATE_KEY,	/* WGC_KEY_LEN bytes */
	WGC_DEVICE_A_PUBLIC_KEY,	/* WGC_KEY_LEN bytes, read-only */
	WGC_DEVICE_A_LISTEN_PORT,	/* u16, host byte order */
	WGC_DEVICE_A_FWMARK,		/* u32 */
	WGC_DEVICE_A_FLAGS,		/* u32, WGC_DEVICE_F_* */
	WGC_DEVICE_A_PEERS,		/* nest of nests of WGC_PEER_A_* */
	WGC_DEVICE_A_HANDSHAKE_STATS,	/* nest of WGC_HANDSHAKE_STATS_A_* */
	WGC_DEVICE_A_EVENT_STATS,	/* nest of WGC_EVENT_STATS_A_* */
	WGC_DEVICE_A_GET_FLAGS,		/* u32, WGC_GET_F_* (get only) */
	WGC_DEVICE_A_KEYLOG,		/* u8, 0 or 1 */
	__WGC_DEVICE_A_LAST
};

#define WGC_DEVICE_A_MAX (__WGC_DEVICE_A_LAST - 1)

enum wgc_device_flag {
	WGC_DEVICE_F_REPLACE_PEERS	= 1U << 0,
	__WGC_DEVICE_F_ALL		= WGC_DEVICE_F_REPLACE_PEERS
};

enum wgc_get_flag {
	/* Each peer's WGC_PEER_A_STATS too. */
	WGC_GET_F_PEER_STATS		= 1U << 0,
	__WGC_GET_F_ALL			= WGC_GET_F_PEER_STATS
};

enum wgc_peer_attribute {
	WGC_PEER_A_UNSPEC,
	WGC_PEER_A_PUBLIC_KEY,		/* WGC_KEY_LEN bytes */
	WGC_PEER_A_PRESHARED_KEY,	/* WGC_KEY_LEN bytes */
	WGC_PEER_A_FLAGS,		/* u32, WGC_PEER_F_* */
	WGC_PEER_A_ENDPOINT,		/* struct sockaddr_in or _in6 */
	WGC_PEER_A_PERSISTENT_KEEPALIVE_INTERVAL,	/* u16, seconds */
	WGC_PEER_A_LAST_HANDSHAKE_TIME,	/* struct __kernel_timespec */
	WGC_PEER_A_RX_BYTES,		/* u64 */
	WGC_PEER_A_TX_BYTES,		/* u64 */
	WGC_PEER_A_ALLOWEDIPS,		/* nest of nests of WGC_ALLOWEDIP_A_* */
	WGC_PEER_A_PROTOCOL_VERSION,	/* u32 */
	WGC_PEER_A_STATS,		/* nest of WGC_PEER_STATS_A_* */
	__WGC_PEER_A_LAST
};

#define WGC_PEER_A_MAX (__WGC_PEER_A_LAST - 1)

enum wgc_peer_flag {
	/* Remove the peer named by the public key. */
	WGC_PEER_F_REMOVE_ME		= 1U << 0,
	/* Drop the peer's allowed IPs before adding the ones given. */
	WGC_PEER_F_REPLACE_ALLOWEDIPS	= 1U << 1,
	/* Change the peer only if it exists; never create it. */
	WGC_PEER_F_UPDATE_ONLY		= 1U << 2,
	__WGC_PEER_F_ALL		= WGC_PEER_F_REMOVE_ME |
					  WGC_PEER_F_REPLACE_ALLOWEDIPS |
					  WGC_PEER_F_UPDATE_ONLY
};

enum wgc_allowedip_attribute {
	WGC_ALLOWEDIP_A_UNSPEC,
	WGC_ALLOWEDIP_A_FAMILY,		/* u16, AF_INET or AF_INET6 */
	WGC_ALLOWEDIP_A_IPADDR,		/* 4 or 16 bytes */
	WGC_ALLOWEDIP_A_CIDR_MASK,	/* u8 */
	WGC_ALLOWEDIP_A_FLAGS,		/* u32, WGC_ALLOWEDIP_F_* (set only) */
	__WGC_ALLOWEDIP_A_LAST
};

#define WGC_ALLOWEDIP_A_MAX (__WGC_ALLOWEDIP_A_LAST - 1)

enum wgc_allowedip_flag {
	/*
	 * Take this exact prefix away from the peer, if the peer owns it;
	 * otherwise nothing happens.
	 */
	WGC_ALLOWEDIP_F_REMOVE_ME	= 1U << 0,
	__WGC_ALLOWEDIP_F_ALL		= WGC_ALLOWEDIP_F_REMOVE_ME
};

enum wgc_handshake_stats_attribute {
	WGC_HANDSHAKE_STATS_A_UNSPEC,	/* also the padding of u64s */
	WGC_HANDSHAKE_STATS_A_PROCESSED,		/* u64 */
	WGC_HANDSHAKE_STATS_A_INVALID,			/* u64 */
	WGC_HANDSHAKE_STATS_A_RATELIMITED,		/* u64 */
	WGC_HANDSHAKE_STATS_A_INVALID_MAC1,		/* u64 */
	WGC_HANDSHAKE_STATS_A_MISSING_COOKIE,		/* u64 */
	WGC_HANDSHAKE_STATS_A_COOKIE_REPLIES_SENT,	/* u64 */
	WGC_HANDSHAKE_STATS_A_COOKIES_RECEIVED,		/* u64 */
	WGC_HANDSHAKE_STATS_A_QUEUE_FULL,		/* u64 */
	WGC_HANDSHAKE_STATS_A_UNDER_LOAD,		/* u8 */
	WGC_HANDSHAKE_STATS_A_RATELIMITER_ENTRIES,	/* u32 */
	__WGC_HANDSHAKE_STATS_A_LAST
};

#define WGC_HANDSHAKE_STATS_A_MAX (__WGC_HANDSHAKE_STATS_A_LAST - 1)

enum wgc_peer_stats_attribute {
	WGC_PEER_STATS_A_UNSPEC,	/* also the padding of u64s */
	WGC_PEER_STATS_A_RX_PACKETS,			/* u64 */
	WGC_PEER_STATS_A_TX_PACKETS,			/* u64 */
	WGC_PEER_STATS_A_RX_KEEPALIVES,			/* u64 */
	WGC_PEER_STATS_A_TX_KEEPALIVES,			/* u64 */
	WGC_PEER_STATS_A_RX_DROPPED_REPLAY,		/* u64 */
	WGC_PEER_STATS_A_RX_DROPPED_AUTH,		/* u64 */
	WGC_PEER_STATS_A_RX_DROPPED_SOURCE,		/* u64 */
	WGC_PEER_STATS_A_RX_DROPPED_NO_SESSION,		/* u64 */
	WGC_PEER_STATS_A_TX_DROPPED_NO_SESSION,		/* u64 */
	WGC_PEER_STATS_A_TX_DROPPED_TOO_BIG,		/* u64 */
	WGC_PEER_STATS_A_INITIATIONS_SENT,		/* u64 */
	WGC_PEER_STATS_A_INITIATIONS_RECEIVED,		/* u64 */
	WGC_PEER_STATS_A_RESPONSES_SENT,		/* u64 */
	WGC_PEER_STATS_A_RESPONSES_RECEIVED,		/* u64 */
	WGC_PEER_STATS_A_COOKIES_SENT,			/* u64 */
	WGC_PEER_STATS_A_COOKIES_RECEIVED,		/* u64 */
	WGC_PEER_STATS_A_HANDSHAKES_GIVEN_UP,		/* u64 */
	WGC_PEER_STATS_A_REKEYS,			/* u64 */
	WGC_PEER_STATS_A_LAST_REKEY_TIME,	/* struct __kernel_timespec */
	__WGC_PEER_STATS_A_LAST
};

#define WGC_PEER_STATS_A_MAX (__WGC_PEER_STATS_A_LAST - 1)

enum wgc_event_stats_attribute {
	WGC_EVENT_STATS_A_UNSPEC,	/* also the padding of u64s */
	WGC_EVENT_STATS_A_SENT,		/* u64 */
	WGC_EVENT_STATS_A_DROPPED,	/* u64 */
	WGC_EVENT_STATS_A_SUPPRESSED,	/* u64 */
	__WGC_EVENT_STATS_A_LAST
};

#define WGC_EVENT_STATS_A_MAX (__WGC_EVENT_STATS_A_LAST - 1)

enum wgc_session_role {
	WGC_SESSION_ROLE_INITIATOR,
	WGC_SESSION_ROLE_RESPONDER,
};

enum wgc_event_attribute {
	WGC_EVENT_A_UNSPEC,
	WGC_EVENT_A_IFINDEX,		/* u32 */
	WGC_EVENT_A_IFNAME,		/* NUL-terminated string */
	WGC_EVENT_A_PUBLIC_KEY,		/* WGC_KEY_LEN bytes */
	WGC_EVENT_A_ENDPOINT,		/* struct sockaddr_in or _in6 */
	WGC_EVENT_A_OLD_ENDPOINT,	/* struct sockaddr_in or _in6 */
	WGC_EVENT_A_ROLE,		/* u8, enum wgc_session_role */
	WGC_EVENT_A_LOCAL_PRIVATE_KEY,	/* WGC_KEY_LEN bytes */
	WGC_EVENT_A_EPHEMERAL_PRIVATE_KEY,	/* WGC_KEY_LEN bytes */
	WGC_EVENT_A_PRESHARED_KEY,	/* WGC_KEY_LEN bytes */
	__WGC_EVENT_A_LAST
};

#define WGC_EVENT_A_MAX (__WGC_EVENT_A_LAST - 1)

#endif /* _UAPI_LINUX_WGC_H */
