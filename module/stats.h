/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A peer's counters: its traffic, what was dropped and why, and its
 * handshakes. Read together by wgc_peer_read_stats() for netlink.
 *
 * The packet path counts without atomics and without a per-CPU copy of the
 * counters for every peer: each set below has one writer at a time.
 *  - rx: the peer's NAPI poll alone (softirq), which delivers its data
 *    messages in order;
 *  - tx: the peer's transmit work alone (a work item never runs on two
 *    CPUs at once), which counts with BHs off, as u64_stats needs of a
 *    writer in process context on 32-bit;
 *  - counts: the rest, from any context: atomics. They move a few times a
 *    minute, but for the drops of packets that waited for a session, which
 *    are counted under the staging queue's lock anyway.
 * A per-CPU copy would cost every peer its size times the CPUs (5 KiB on
 * 64 CPUs), for writers that do not contend.
 *
 * What WireGuard reports as a peer's received and sent bytes (and wgctl
 * shows as "transfer") is what the tunnel carried for it: every authentic
 * data message and keepalive, and the initiations and responses, each by
 * its length as a UDP payload. Packets count the same messages. Handshake
 * messages have fixed lengths, so their bytes are their counts times those
 * lengths, and need no counters of their own.
 */

#ifndef _WGC_STATS_H
#define _WGC_STATS_H

#include "messages.h"

#include <linux/atomic.h>
#include <linux/timekeeping.h>
#include <linux/u64_stats_sync.h>

/* Written by the peer's NAPI poll only. */
struct wgc_peer_rx_stats {
	struct u64_stats_sync syncp;
	u64_stats_t packets;		/* data messages, keepalives included */
	u64_stats_t bytes;
	u64_stats_t keepalives;
	u64_stats_t dropped_replay;	/* counter seen before, or too old */
	u64_stats_t dropped_auth;	/* failed authentication */
	u64_stats_t dropped_source;	/* inner source not the peer's */
	u64_stats_t dropped_no_session;	/* session expired or retired */
};

/* Written by the peer's transmit work only, with BHs off. */
struct wgc_peer_tx_stats {
	struct u64_stats_sync syncp;
	u64_stats_t packets;		/* data messages, keepalives included */
	u64_stats_t bytes;
	u64_stats_t keepalives;
};

/* Written from any context. */
struct wgc_peer_event_counts {
	atomic64_t initiations_sent;
	atomic64_t initiations_received;	/* authentic ones */
	atomic64_t responses_sent;
	atomic64_t responses_received;		/* authentic ones */
	atomic64_t cookies_sent;
	atomic64_t cookies_received;
	atomic64_t given_up;
	/*
	 * sessions that replaced one still in use (the initiator's when made,
	 * the responder's when confirmed), and when the last did
	 */
	atomic64_t rekeys;
	atomic64_t walltime_last_rekey;		/* ns; 0: never */
	/* waited for a session that did not come: overflow, given up, down */
	atomic64_t tx_dropped_no_session;
	/* would not fit in one UDP datagram once encrypted */
	atomic64_t tx_dropped_too_big;
};

/* A snapshot, for netlink. */
struct wgc_peer_stats {
	u64 rx_packets, rx_bytes, rx_keepalives;
	u64 rx_dropped_replay, rx_dropped_auth, rx_dropped_source;
	u64 rx_dropped_no_session;
	u64 tx_packets, tx_bytes, tx_keepalives;
	u64 tx_dropped_no_session, tx_dropped_too_big;
	u64 initiations_sent, initiations_received;
	u64 responses_sent, responses_received;
	u64 cookies_sent, cookies_received;
	u64 handshakes_given_up, rekeys, walltime_last_rekey;
};

/*
 * A session replaced one still in use. A reader may, for a moment, see the
 * new count with the old time.
 */
static inline void wgc_stats_count_rekey(struct wgc_peer_event_counts *counts)
{
	atomic64_set(&counts->walltime_last_rekey, ktime_get_real_ns());
	atomic64_inc(&counts->rekeys);
}

/* The peer's NAPI poll: an authentic data message of @len bytes. */
static inline void wgc_stats_rx_data(struct wgc_peer_rx_stats *stats,
				     unsigned int len)
{
	u64_stats_update_begin(&stats->syncp);
	u64_stats_inc(&stats->packets);
	u64_stats_add(&stats->bytes, len);
	if (len == wgc_message_data_len(0))
		u64_stats_inc(&stats->keepalives);
	u64_stats_update_end(&stats->syncp);
}

/* The peer's NAPI poll: a message dropped, counted in @counter. */
static inline void wgc_stats_rx_drop(struct wgc_peer_rx_stats *stats,
				     u64_stats_t *counter)
{
	u64_stats_update_begin(&stats->syncp);
	u64_stats_inc(counter);
	u64_stats_update_end(&stats->syncp);
}

/* The peer's transmit work, BHs off: @segs messages in one packet. */
static inline void wgc_stats_tx(struct wgc_peer_tx_stats *stats,
				unsigned int segs, unsigned int len,
				unsigned int keepalives)
{
	u64_stats_update_begin(&stats->syncp);
	u64_stats_add(&stats->packets, segs);
	u64_stats_add(&stats->bytes, len);
	u64_stats_add(&stats->keepalives, keepalives);
	u64_stats_update_end(&stats->syncp);
}

void wgc_stats_read(const struct wgc_peer_rx_stats *rx,
		    const struct wgc_peer_tx_stats *tx,
		    const struct wgc_peer_event_counts *counts,
		    struct wgc_peer_stats *out);

#endif /* _WGC_STATS_H */
