/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Events: what happens to a device's peers, multicast to the "events"
 * group of the generic netlink family; see include/uapi/linux/wgc.h.
 */

#ifndef _WGC_EVENTS_H
#define _WGC_EVENTS_H

#include <linux/atomic.h>
#include <linux/gfp.h>
#include <linux/ratelimit.h>
#include <linux/types.h>
#include <uapi/linux/wgc.h>

struct sk_buff;
struct wgc_device;
struct wgc_endpoint;
struct wgc_peer;

/* The family's multicast groups, in the order netlink.c lists them. */
enum wgc_mcgrp {
	WGC_MCGRP_EVENTS_ID,
	WGC_MCGRP_KEYLOG_ID,
};

/*
 * Per device: what became of its events (WGC_EVENT_STATS_A_*), and the
 * rate limits of the events that others than the administrator can cause.
 */
struct wgc_event_state {
	atomic64_t sent;
	atomic64_t dropped;
	atomic64_t suppressed;
	struct ratelimit_state unknown_initiator_limit;
	struct ratelimit_state endpoint_limit;
};

void wgc_events_init(struct wgc_device *wgc);

/*
 * Each sends its event if anyone listens, and nothing about a peer being
 * removed but its removal. @cmd is one of the WGC_CMD_* that only name the
 * peer; wgc_event_peer() sleeps only if @gfp allows it.
 */
void wgc_event_peer(struct wgc_peer *peer, u8 cmd, gfp_t gfp);
/* Any context, without locks held: GFP_ATOMIC, rate limited. */
void wgc_event_endpoint_changed(struct wgc_peer *peer,
				const struct wgc_endpoint *old,
				const struct wgc_endpoint *new);
/*
 * What decrypts a session's handshake, and so its data (a Wireshark key
 * log): copied by wgc_noise_handshake_begin_session() while the device's
 * keylog switch is on (@copied), sent and zeroed by
 * wgc_event_session_keys().
 */
struct wgc_session_keys {
	u8 local_private[WGC_KEY_LEN];
	u8 ephemeral_private[WGC_KEY_LEN];
	u8 preshared[WGC_KEY_LEN];
	bool copied;
};

/* Process context (they sleep). */
void wgc_event_session_started(struct wgc_peer *peer, bool initiator);
/* Sends @keys if copied, to the keylog group, and zeroes them. */
void wgc_event_session_keys(struct wgc_peer *peer, bool initiator,
			    struct wgc_session_keys *keys);
void wgc_event_unknown_initiator(struct wgc_device *wgc, const u8 *public_key,
				 const struct sk_buff *skb);

#endif /* _WGC_EVENTS_H */
