/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-source token buckets for handshake messages.
 */

#ifndef _WGC_RATELIMITER_H
#define _WGC_RATELIMITER_H

#include <linux/types.h>

struct net;
struct sk_buff;
struct wgc_ratelimiter;

/*
 * The ratelimiter of @net, shared by the devices whose sockets live there.
 * The first get creates it, the last put frees it, which may come after
 * @net is gone. Returns it, or NULL when out of memory. Process context;
 * may sleep.
 */
struct wgc_ratelimiter *wgc_ratelimiter_get(struct net *net);
void wgc_ratelimiter_put(struct wgc_ratelimiter *rl);

/*
 * Whether the sender of @skb may have one more handshake message processed
 * now. @proven: the message carries a valid MAC2, so its sender receives
 * at its address and port, and it counts against that port (and its
 * address's budget for ports) instead of against the whole address. A
 * refusal of an unproven message is the caller's cue to ask for a MAC2.
 * Process context.
 */
bool wgc_ratelimiter_allow(struct wgc_ratelimiter *rl, struct sk_buff *skb,
			   bool proven);

/* How many sources @rl tracks now. */
unsigned int wgc_ratelimiter_entries(const struct wgc_ratelimiter *rl);

int wgc_ratelimiter_module_init(void);
void wgc_ratelimiter_module_exit(void);

#ifdef WGC_DEBUG
bool wgc_ratelimiter_selftest(void);
#endif

#endif /* _WGC_RATELIMITER_H */
