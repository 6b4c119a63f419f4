/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Keypairs: the session keys a handshake yields, and each peer's three slots
 * for them. Unlike the handshake, these run on the packet path: softirq
 * context included.
 */

#ifndef _WGC_KEYPAIR_H
#define _WGC_KEYPAIR_H

#include "index.h"
#include "messages.h"
#include "replay.h"

#include <linux/atomic.h>
#include <linux/kref.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct wgc_peer;

struct wgc_symmetric_key {
	u8 key[WGC_NOISE_SYMMETRIC_KEY_LEN];
	u64 birthdate;		/* ktime_get_coarse_boottime_ns() */
	bool is_valid;
};

/*
 * One session's keys. Published through a peer's wgc_keypairs under RCU and
 * reference counted: the packet path holds a reference while a packet it
 * encrypts or decrypts is in flight.
 */
struct wgc_keypair {
	struct wgc_index_entry entry;	/* our index: the peer sends with it */
	struct wgc_symmetric_key sending;
	atomic64_t sending_counter;
	struct wgc_symmetric_key receiving;
	struct wgc_replay_counter receiving_counter;
	__le32 remote_index;		/* we send with it */
	bool i_am_the_initiator;
	struct kref refcount;
	struct rcu_head rcu;
	u64 internal_id;
};

/*
 * A peer's sessions. "current" carries traffic; "previous" still decrypts
 * packets that were in flight when it was replaced; "next" is a session the
 * responder derived but that the initiator has not yet confirmed by sending
 * on it. Readers use RCU.
 */
struct wgc_keypairs {
	struct wgc_keypair __rcu *current_keypair;
	struct wgc_keypair __rcu *previous_keypair;
	struct wgc_keypair __rcu *next_keypair;
	spinlock_t keypair_update_lock;	/* writers of the slots, BH off */
};

/* A keypair with no keys yet, holding one reference. May sleep. */
struct wgc_keypair *wgc_keypair_create(struct wgc_peer *peer);
/* NULL if @keypair is NULL or on its way out. Caller holds RCU (BH). */
struct wgc_keypair *wgc_keypair_get(struct wgc_keypair *keypair);
/*
 * Drops a reference (NULL is ignored). @unreference_now also takes it out
 * of the index table at once, for a keypair leaving the peer's slots.
 */
void wgc_keypair_put(struct wgc_keypair *keypair, bool unreference_now);

void wgc_keypairs_init(struct wgc_keypairs *keypairs);
/* Empties all three slots. */
void wgc_keypairs_clear(struct wgc_keypairs *keypairs);
/*
 * Places a new session's keypair, taking over its reference. The caller
 * checks, in the same rcu_read_lock_bh() section, that the peer is not
 * dead (wgc_peer_stop() clears the slots after a grace period, and nothing
 * may be added after that), and then moves the handshake's index entry to
 * the keypair. Returns true if it replaced a session still in use (a
 * rekey; see keypair.c for the responder's).
 */
bool wgc_keypairs_add(struct wgc_keypairs *keypairs, struct wgc_keypair *new);
/*
 * A packet arrived on @keypair: if it is "next", it is confirmed and becomes
 * current. Returns whether it did, and then sets *@rekey to whether the
 * "current" it replaced was still in use.
 */
bool wgc_keypairs_received_with(struct wgc_keypairs *keypairs,
				struct wgc_keypair *keypair, bool *rekey);
/* Stops sending on "current" and "next"; they still decrypt. */
void wgc_keypairs_stop_sending(struct wgc_keypairs *keypairs);

#endif /* _WGC_KEYPAIR_H */
