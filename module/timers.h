/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The protocol's timers: handshake retransmission, rekeying, keepalives and
 * the zeroing of old key material. Each wgc_timers_* event hook is called by
 * the packet path when the event happens.
 */

#ifndef _WGC_TIMERS_H
#define _WGC_TIMERS_H

#include <linux/types.h>

struct wgc_peer;
struct work_struct;

/* Sets up the timers of a new peer, whose fields start out zeroed. */
void wgc_timers_init(struct wgc_peer *peer);
/* Stops every timer; none runs afterwards until the peer is re-armed. */
void wgc_timers_stop(struct wgc_peer *peer);

void wgc_timers_data_sent(struct wgc_peer *peer);
void wgc_timers_data_received(struct wgc_peer *peer);
void wgc_timers_any_authenticated_packet_sent(struct wgc_peer *peer);
void wgc_timers_any_authenticated_packet_received(struct wgc_peer *peer);
void wgc_timers_handshake_initiated(struct wgc_peer *peer);
void wgc_timers_handshake_complete(struct wgc_peer *peer);
void wgc_timers_session_derived(struct wgc_peer *peer);
void wgc_timers_any_authenticated_packet_traversal(struct wgc_peer *peer);

void wgc_timers_clear_peer_worker(struct work_struct *work);

/* Whether @birthdate (coarse boottime ns) is over @seconds in the past. */
bool wgc_birthdate_has_expired(u64 birthdate, u64 seconds);

#endif /* _WGC_TIMERS_H */
