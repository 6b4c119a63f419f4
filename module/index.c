// SPDX-License-Identifier: GPL-2.0
/*
 * The index table: random 32-bit indices, unique within a device, mapping
 * the receiver index of an incoming message to its handshake or keypair.
 *
 * Writers serialise on the table's spinlock, which is also what makes an
 * index unique: it is drawn and checked against the table with the lock
 * held. Readers only walk one bucket under RCU. The entries belong to
 * their owners (handshakes, keypairs), which free them only after a grace
 * period once they are out of the table.
 */

#include "index.h"
#include "peer.h"

#include <linux/mm.h>
#include <linux/random.h>
#include <linux/rculist.h>
#include <linux/slab.h>

#ifdef WGC_DEBUG
/*
 * The self-test narrows the random source to a handful of values, so that
 * collisions are certain rather than one in four billion.
 */
static u32 index_random_mask = U32_MAX;
#endif

/* The bucket is picked from the index's bits as they are on the wire. */
static u32 index_key(__le32 index)
{
	return (__force u32)index;
}

static __le32 random_index(void)
{
	u32 value = get_random_u32();

#ifdef WGC_DEBUG
	value &= index_random_mask;
#endif
	return (__force __le32)value;
}

static bool index_in_use(struct wgc_index_table *table, __le32 index)
{
	struct wgc_index_entry *entry;

	lockdep_assert_held(&table->lock);
	hash_for_each_possible(table->buckets, entry, node, index_key(index))
		if (entry->index == index)
			return true;
	return false;
}

struct wgc_index_table *wgc_index_table_alloc(void)
{
	struct wgc_index_table *table;

	/* 8192 buckets: 64 KiB, which vmalloc may have to provide. */
	table = kvmalloc(sizeof(*table), GFP_KERNEL);
	if (unlikely(!table))
		return NULL;
	hash_init(table->buckets);
	spin_lock_init(&table->lock);
	return table;
}

void wgc_index_table_free(struct wgc_index_table *table)
{
	if (!table)
		return;
	/* Entries left behind would point into freed memory. */
	WARN_ON(!hash_empty(table->buckets));
	kvfree(table);
}

__le32 wgc_index_insert(struct wgc_index_table *table,
			struct wgc_index_entry *entry)
{
	__le32 index;

	spin_lock_bh(&table->lock);
	/*
	 * Moving an entry: it leaves its old bucket first. A reader standing
	 * on it may then follow it into the new bucket and miss the rest of
	 * the old one; that lookup fails (the packet is dropped, as it would
	 * have been a moment later), but it never returns a wrong entry,
	 * since a match is by index. Waiting for readers instead would rule
	 * out the callers that cannot sleep.
	 */
	hlist_del_init_rcu(&entry->node);
	/* With at most a few thousand entries, a retry is rare. */
	do {
		index = random_index();
	} while (index_in_use(table, index));
	WRITE_ONCE(entry->index, index);
	hash_add_rcu(table->buckets, &entry->node, index_key(index));
	spin_unlock_bh(&table->lock);
	return index;
}

bool wgc_index_replace(struct wgc_index_table *table,
		       struct wgc_index_entry *old, struct wgc_index_entry *new)
{
	spin_lock_bh(&table->lock);
	if (unlikely(hlist_unhashed(&old->node))) {
		spin_unlock_bh(&table->lock);
		return false;
	}
	hlist_del_init_rcu(&new->node);
	WRITE_ONCE(new->index, old->index);
	hlist_replace_rcu(&old->node, &new->node);
	/*
	 * @old is out of the table, as hlist_unhashed() tells from a NULL
	 * pprev. Its next pointer is left as hlist_replace_rcu() left it, so
	 * that a reader standing on @old still walks the rest of the bucket.
	 */
	WRITE_ONCE(old->node.pprev, NULL);
	spin_unlock_bh(&table->lock);
	return true;
}

void wgc_index_remove(struct wgc_index_table *table,
		      struct wgc_index_entry *entry)
{
	spin_lock_bh(&table->lock);
	hlist_del_init_rcu(&entry->node);
	spin_unlock_bh(&table->lock);
}

struct wgc_index_entry *wgc_index_lookup(struct wgc_index_table *table,
					 u32 type_mask, __le32 index,
					 struct wgc_peer **peer)
{
	struct wgc_index_entry *entry;

	*peer = NULL;
	hash_for_each_possible_rcu(table->buckets, entry, node, index_key(index)) {
		if (READ_ONCE(entry->index) != index || !(entry->type & type_mask))
			continue;
		/* A dying peer's entries are on their way out: no match. */
		*peer = wgc_peer_get_maybe_zero(entry->peer);
		return *peer ? entry : NULL;
	}
	return NULL;
}

#ifdef WGC_DEBUG
#include "tests/index.c"
#endif
