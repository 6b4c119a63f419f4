/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Replay protection for received data messages: a sliding window over the
 * 64-bit message counters, WGC_COUNTER_WINDOW_SIZE messages wide (the
 * protocol's window, so that reordering tolerance matches WireGuard's).
 */

#ifndef _WGC_REPLAY_H
#define _WGC_REPLAY_H

#include "messages.h"

#include <linux/types.h>

struct wgc_replay_counter {
	u64 counter;	/* one past the highest counter accepted so far */
	unsigned long backtrack[WGC_COUNTER_BITS_TOTAL / BITS_PER_LONG];
};

void wgc_replay_counter_init(struct wgc_replay_counter *counter);
/*
 * Accepts @their_counter if it was never seen before, is within the window
 * and below @reject_limit (WGC_REJECT_AFTER_MESSAGES), recording it; returns
 * false otherwise. Only call for messages that authenticated. Callers
 * serialise calls on one counter (the peer's receive path does).
 */
bool wgc_replay_counter_validate(struct wgc_replay_counter *counter,
				 u64 their_counter, u64 reject_limit);

#ifdef WGC_DEBUG
bool wgc_replay_selftest(void);
#endif

#endif /* _WGC_REPLAY_H */
