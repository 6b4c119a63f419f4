/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The index table: every handshake in progress and every keypair of a device
 * is known to the other side by a random 32-bit index, which it echoes in
 * each message it sends back. A received message finds its handshake or
 * keypair, and through it the peer, only by that index.
 */

#ifndef _WGC_INDEX_H
#define _WGC_INDEX_H

#include <linux/hashtable.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct wgc_peer;

enum wgc_index_type {
	WGC_INDEX_HANDSHAKE = 1U << 0,
	WGC_INDEX_KEYPAIR = 1U << 1,
};

/*
 * Embedded in a handshake or keypair; owned by the table while inserted.
 * The node starts out unhashed (zeroed, or INIT_HLIST_NODE()).
 */
struct wgc_index_entry {
	struct hlist_node node;		/* in the table, under its lock */
	struct wgc_peer *peer;		/* set by the owner before inserting */
	__le32 index;			/* as on the wire */
	enum wgc_index_type type;	/* set by the owner before inserting */
};

struct wgc_index_table {
	DECLARE_HASHTABLE(buckets, 13);
	spinlock_t lock;	/* serialises writers; readers use RCU */
};

struct wgc_index_table *wgc_index_table_alloc(void);
/* The table must be empty. */
void wgc_index_table_free(struct wgc_index_table *table);

/*
 * Gives @entry a fresh random index no other entry has and publishes it;
 * returns the index. May be called again on an inserted entry to move it to
 * a new index. Any context.
 */
__le32 wgc_index_insert(struct wgc_index_table *table,
			struct wgc_index_entry *entry);
/*
 * @new takes over @old's index, atomically for readers; @old is left
 * unhashed. Returns false (and does nothing) if @old is no longer in the
 * table. Any context.
 */
bool wgc_index_replace(struct wgc_index_table *table,
		       struct wgc_index_entry *old,
		       struct wgc_index_entry *new);
/* Unpublishes @entry (a no-op if it is not in the table). Any context. */
void wgc_index_remove(struct wgc_index_table *table,
		      struct wgc_index_entry *entry);
/*
 * Finds the entry with @index whose type is in @type_mask, and returns it
 * with a reference taken on its peer (*@peer), or NULL. Caller holds
 * rcu_read_lock_bh(); the entry stays valid for the rest of that RCU read
 * section; the peer reference must be dropped with wgc_peer_put().
 */
struct wgc_index_entry *wgc_index_lookup(struct wgc_index_table *table,
					 u32 type_mask, __le32 index,
					 struct wgc_peer **peer);

#ifdef WGC_DEBUG
bool wgc_index_selftest(void);
#endif

#endif /* _WGC_INDEX_H */
