// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test of the index table, included at the end of index.c in WGC_DEBUG
 * builds so that it can narrow the random source: with only eight possible
 * indices, inserting eight entries collides on nearly every draw, and only
 * the retry under the lock can hand out all eight values exactly once.
 *
 * The peers are bare kzalloc'd objects with only their refcount set; the
 * test keeps their initial reference, drops each one a lookup hands out at
 * once, and expects every refcount back at one in the end.
 */

#include <linux/bsearch.h>
#include <linux/sort.h>

enum {
	IX_ENTRIES = 1000,
	IX_MOVES = 100,
	IX_ABSENT_LOOKUPS = 500,
	IX_NARROW = 8,
	IX_NARROW_ROUNDS = 20,
	IX_PEERS = 3,
	IX_MAX_REPORTS = 10,
};

static unsigned int ix_failures __initdata;

static bool __init ix_expect(bool ok, const char *what, unsigned int line)
{
	if (!ok && ++ix_failures <= IX_MAX_REPORTS)
		pr_err("index self-test, line %u: %s\n", line, what);
	return ok;
}

#define EXPECT(cond) ix_expect(cond, #cond, __LINE__)

/* A lookup as the receive path does it; the peer comes back unreferenced. */
static struct wgc_index_entry *__init ix_lookup(struct wgc_index_table *table,
						u32 type_mask, __le32 index,
						struct wgc_peer **peer_out)
{
	struct wgc_index_entry *entry;
	struct wgc_peer *peer;

	rcu_read_lock_bh();
	entry = wgc_index_lookup(table, type_mask, index, &peer);
	rcu_read_unlock_bh();
	EXPECT(!entry == !peer);
	if (peer)
		wgc_peer_put(peer);
	if (peer_out)
		*peer_out = peer;
	return entry;
}

/* Whether @entry is found by its index and type, and not by the other. */
static bool __init ix_finds(struct wgc_index_table *table,
			    struct wgc_index_entry *entry)
{
	const u32 other = entry->type ^ (WGC_INDEX_HANDSHAKE | WGC_INDEX_KEYPAIR);
	struct wgc_peer *peer;

	return ix_lookup(table, entry->type, entry->index, &peer) == entry &&
	       peer == entry->peer &&
	       !ix_lookup(table, other, entry->index, NULL);
}

/* The type mask: any type in it matches, none when it is empty. */
static bool __init ix_finds_by_mask(struct wgc_index_table *table,
				    struct wgc_index_entry *entry)
{
	return ix_lookup(table, WGC_INDEX_HANDSHAKE | WGC_INDEX_KEYPAIR,
			 entry->index, NULL) == entry &&
	       !ix_lookup(table, 0, entry->index, NULL);
}

static int __init ix_cmp(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

/* Sorts every entry's index into @sorted; false if two are equal. */
static bool __init ix_all_unique(const struct wgc_index_entry *entries,
				 u32 *sorted)
{
	unsigned int i;

	for (i = 0; i < IX_ENTRIES; i++)
		sorted[i] = (__force u32)entries[i].index;
	sort(sorted, IX_ENTRIES, sizeof(*sorted), ix_cmp, NULL);
	for (i = 1; i < IX_ENTRIES; i++)
		if (sorted[i] == sorted[i - 1])
			return false;
	return true;
}

static void __init ix_test_many(struct wgc_index_table *table,
				struct wgc_peer **peers,
				struct wgc_index_entry *entries, u32 *sorted)
{
	struct wgc_index_entry *fresh, *other;
	__le32 index, old;
	unsigned int i;
	u32 absent;

	for (i = 0; i < IX_ENTRIES; i++) {
		entries[i].peer = peers[i % 2];
		entries[i].type = i % 3 ? WGC_INDEX_KEYPAIR : WGC_INDEX_HANDSHAKE;
		index = wgc_index_insert(table, &entries[i]);
		EXPECT(index == entries[i].index);
	}
	EXPECT(ix_all_unique(entries, sorted));
	for (i = 0; i < IX_ENTRIES; i++)
		if (!EXPECT(ix_finds(table, &entries[i])))
			break;
	EXPECT(ix_finds_by_mask(table, &entries[0]) &&
	       ix_finds_by_mask(table, &entries[1]));
	for (i = 0; i < IX_ABSENT_LOOKUPS; i++) {
		absent = get_random_u32();
		if (bsearch(&absent, sorted, IX_ENTRIES, sizeof(*sorted), ix_cmp))
			continue;
		EXPECT(!ix_lookup(table, WGC_INDEX_HANDSHAKE | WGC_INDEX_KEYPAIR,
				  (__force __le32)absent, NULL));
	}

	/* Inserting an entry again moves it to a new index. */
	for (i = 0; i < IX_MOVES; i++) {
		old = entries[i].index;
		index = wgc_index_insert(table, &entries[i]);
		EXPECT(index == entries[i].index && ix_finds(table, &entries[i]));
		if (index != old)
			EXPECT(!ix_lookup(table, WGC_INDEX_HANDSHAKE | WGC_INDEX_KEYPAIR,
					  old, NULL));
	}
	EXPECT(ix_all_unique(entries, sorted));

	/* A keypair takes over its handshake's index. */
	fresh = kzalloc(sizeof(*fresh), GFP_KERNEL);
	other = kzalloc(sizeof(*other), GFP_KERNEL);
	if (EXPECT(fresh && other)) {
		fresh->peer = peers[1];
		fresh->type = WGC_INDEX_KEYPAIR;
		other->peer = peers[1];
		other->type = WGC_INDEX_KEYPAIR;
		index = entries[0].index;
		EXPECT(wgc_index_replace(table, &entries[0], fresh));
		EXPECT(fresh->index == index && ix_finds(table, fresh));
		EXPECT(hlist_unhashed(&entries[0].node));
		EXPECT(!wgc_index_replace(table, &entries[0], other));
		EXPECT(hlist_unhashed(&other->node));
		wgc_index_remove(table, &entries[0]);
		EXPECT(ix_finds(table, fresh));
		/* The replaced entry can come back, at an index of its own. */
		EXPECT(wgc_index_insert(table, &entries[0]) != index);
		EXPECT(ix_finds(table, &entries[0]) && ix_finds(table, fresh));
		wgc_index_remove(table, fresh);
		wgc_index_remove(table, fresh);
		EXPECT(!ix_lookup(table, WGC_INDEX_KEYPAIR, index, NULL));
	}
	kfree(fresh);
	kfree(other);

	/* An entry whose peer's refcount already reached zero is not found. */
	entries[1].peer = peers[2];
	refcount_set(&peers[2]->refcount.refcount, 0);
	EXPECT(!ix_lookup(table, entries[1].type, entries[1].index, NULL));
	refcount_set(&peers[2]->refcount.refcount, 1);
	EXPECT(ix_finds(table, &entries[1]));

	for (i = 0; i < IX_ENTRIES; i++) {
		wgc_index_remove(table, &entries[i]);
		EXPECT(!ix_lookup(table, WGC_INDEX_HANDSHAKE | WGC_INDEX_KEYPAIR,
				  entries[i].index, NULL));
	}
	EXPECT(hash_empty(table->buckets));
}

static void __init ix_test_collisions(struct wgc_index_table *table,
				      struct wgc_peer *peer)
{
	struct wgc_index_entry entries[IX_NARROW] = { };
	unsigned int round, i, seen;
	u32 value;

	index_random_mask = IX_NARROW - 1;
	for (i = 0; i < IX_NARROW; i++) {
		entries[i].peer = peer;
		entries[i].type = WGC_INDEX_KEYPAIR;
	}
	for (round = 0; round < IX_NARROW_ROUNDS; round++) {
		seen = 0;
		for (i = 0; i < IX_NARROW; i++) {
			value = (__force u32)wgc_index_insert(table, &entries[i]);
			if (EXPECT(value < IX_NARROW))
				seen |= BIT(value);
		}
		/* Eight draws from eight values, yet all eight taken once. */
		EXPECT(seen == BIT(IX_NARROW) - 1);
		for (i = 0; i < IX_NARROW; i++) {
			EXPECT(ix_finds(table, &entries[i]));
			/* In a full table, a move can only land where it was. */
			value = (__force u32)entries[i].index;
			EXPECT((__force u32)wgc_index_insert(table, &entries[i]) == value);
		}
		for (i = 0; i < IX_NARROW; i++)
			wgc_index_remove(table, &entries[i]);
		if (ix_failures)
			break;
	}
	index_random_mask = U32_MAX;
	EXPECT(hash_empty(table->buckets));
}

bool __init wgc_index_selftest(void)
{
	struct wgc_peer *peers[IX_PEERS] = { };
	struct wgc_index_entry *entries;
	struct wgc_index_table *table;
	unsigned int i;
	u32 *sorted;

	ix_failures = 0;
	table = wgc_index_table_alloc();
	entries = kvcalloc(IX_ENTRIES, sizeof(*entries), GFP_KERNEL);
	sorted = kvcalloc(IX_ENTRIES, sizeof(*sorted), GFP_KERNEL);
	for (i = 0; i < IX_PEERS; i++) {
		peers[i] = kzalloc(sizeof(*peers[i]), GFP_KERNEL);
		if (peers[i])
			kref_init(&peers[i]->refcount);
		else
			ix_failures++;
	}
	if (EXPECT(table && entries && sorted) && !ix_failures) {
		ix_test_many(table, peers, entries, sorted);
		ix_test_collisions(table, peers[0]);
	}
	for (i = 0; i < IX_PEERS; i++) {
		if (peers[i])
			EXPECT(kref_read(&peers[i]->refcount) == 1);
		kfree(peers[i]);
	}
	/* After a failure midway some may still be in; removal is idempotent. */
	for (i = 0; table && entries && i < IX_ENTRIES; i++)
		wgc_index_remove(table, &entries[i]);
	wgc_index_table_free(table);
	kvfree(sorted);
	kvfree(entries);
	return !ix_failures;
}
