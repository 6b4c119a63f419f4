/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The in-memory form of a wgc device: what "show" reads back from the
 * kernel and what "set" asks it to change, in one shape for both
 * directions; a few fields only mean something in one.
 */
#ifndef WGCTL_DEVICE_H
#define WGCTL_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <linux/wgc.h>

struct wgctl_allowedip {
	uint16_t family;		/* AF_INET or AF_INET6 */
	uint8_t cidr;
	/*
	 * To set: WGC_ALLOWEDIP_F_*, sent only when not 0 (a module older
	 * than the flags refuses the attribute). Read back: always 0.
	 */
	uint32_t flags;
	union {
		struct in_addr ip4;
		struct in6_addr ip6;
	};
};

/* An endpoint is either address family; AF_UNSPEC means none. */
union wgctl_endpoint {
	struct sockaddr addr;
	struct sockaddr_in addr4;
	struct sockaddr_in6 addr6;
};

/*
 * A peer's counters (WGC_PEER_A_STATS; the uapi header says what each
 * counts). Read back only, and only when asked for.
 */
struct wgctl_peer_stats {
	uint64_t rx_packets, tx_packets;
	uint64_t rx_keepalives, tx_keepalives;
	uint64_t rx_dropped_replay, rx_dropped_auth, rx_dropped_source;
	uint64_t rx_dropped_no_session;
	uint64_t tx_dropped_no_session, tx_dropped_too_big;
	uint64_t initiations_sent, initiations_received;
	uint64_t responses_sent, responses_received;
	uint64_t cookies_sent, cookies_received;
	uint64_t handshakes_given_up, rekeys;
	int64_t last_rekey_sec;		/* wall clock; 0: never */
	int64_t last_rekey_nsec;
};

struct wgctl_peer {
	uint8_t public_key[WGC_KEY_LEN];
	uint8_t preshared_key[WGC_KEY_LEN];
	/*
	 * Read back: the peer has a (non-zero) preshared key. To set: send
	 * preshared_key, where all zeros removes it.
	 */
	bool has_preshared_key;
	bool has_keepalive;		/* to set: send the interval */
	uint32_t flags;			/* to set: WGC_PEER_F_* */
	union wgctl_endpoint endpoint;
	uint16_t persistent_keepalive;	/* seconds; 0: off */
	int64_t last_handshake_sec;	/* wall clock; 0: never */
	int64_t last_handshake_nsec;
	uint64_t rx_bytes;
	uint64_t tx_bytes;
	/* Allocated when the kernel sent them (a get that asked); or NULL. */
	struct wgctl_peer_stats *stats;
	struct wgctl_allowedip *allowedips;
	size_t num_allowedips;
	size_t cap_allowedips;
};

/*
 * Peers are only ever added (wgctl_peers_add()), never removed: count
 * never goes down, and wgctl_peers_free() wipes only the count written.
 */
struct wgctl_peer_list {
	struct wgctl_peer *peers;	/* a mapping of its own: see device.c */
	size_t count;
	size_t capacity;
};

/*
 * What the device's defences against handshake floods did since it was
 * created (WGC_DEVICE_A_HANDSHAKE_STATS; the uapi header says what each
 * counter counts). Read back only.
 */
struct wgctl_handshake_stats {
	uint64_t processed;
	uint64_t invalid;
	uint64_t ratelimited;
	uint64_t invalid_mac1;
	uint64_t missing_cookie;
	uint64_t cookie_replies_sent;
	uint64_t cookies_received;
	uint64_t queue_full;
	uint32_t ratelimiter_entries;
	bool under_load;
};

/* What became of the device's events (WGC_DEVICE_A_EVENT_STATS). */
struct wgctl_event_stats {
	uint64_t sent;
	uint64_t dropped;
	uint64_t suppressed;
};

/*
 * A device, both ways. Read back from the kernel: all but the set_ flags
 * and replace_peers, with peers in the order the kernel sent them. As a
 * change: the name, the fields the set_ flags select, replace_peers, and
 * the peers, applied in their order; nothing else is sent.
 */
struct wgctl_device {
	char name[IFNAMSIZ];
	uint32_t ifindex;
	uint16_t listen_port;
	uint32_t fwmark;
	uint8_t public_key[WGC_KEY_LEN];
	uint8_t private_key[WGC_KEY_LEN];	/* to set: zeros remove it */
	bool has_public_key;
	bool has_private_key;
	/* Sent once per dump, in its first message, by kernels that have it. */
	bool has_handshake_stats;
	struct wgctl_handshake_stats handshake_stats;
	bool has_event_stats;
	struct wgctl_event_stats event_stats;
	/* Session keys go to event listeners (WGC_DEVICE_A_KEYLOG). */
	bool keylog;
	bool has_keylog;		/* read back: the kernel said */
	bool set_keylog;
	bool set_private_key;
	bool set_listen_port;
	bool set_fwmark;
	bool replace_peers;		/* WGC_DEVICE_F_REPLACE_PEERS */
	struct wgctl_peer_list peers;
};

struct wgctl_peer *wgctl_peers_add(struct wgctl_peer_list *list);
struct wgctl_allowedip *wgctl_peer_add_allowedip(struct wgctl_peer *peer);
void wgctl_peers_free(struct wgctl_peer_list *list);
void wgctl_device_free(struct wgctl_device *dev);

#endif /* WGCTL_DEVICE_H */
