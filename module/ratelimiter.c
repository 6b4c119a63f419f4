// SPDX-License-Identifier: GPL-2.0
/*
 * Per-source token buckets for handshake messages, each of which costs the
 * receiver Curve25519 work.
 *
 * Anyone can send from any address. A message with a valid MAC2 proves that
 * its sender receives at its address and UDP port (it got our cookie
 * there); other messages prove nothing. So:
 * - unproven messages count against their address: an IPv4 address or an
 *   IPv6 /64, the smallest block one user can be assumed to hold;
 * - proven messages count against their port, so that peers behind one NAT
 *   address each get a source's rate, and the proven ports of an address
 *   together against a larger budget of the address's, which bounds what
 *   its host gains by proving many ports.
 * A message refused while unproven gets a cookie reply (see
 * wgc_handshake_within_rate()): a real peer comes back proven, a spoofed
 * one never does.
 *
 * The buckets live in a hash table read under RCU. Sources idle for a
 * second, whose buckets are full again by then, are collected once a
 * second. Each table, and all tables together, hold a bounded number of
 * sources; unproven sources may fill only half of either, and ports a
 * quarter, so that neither a flood from spoofed sources (in any namespace)
 * nor a few addresses proving many ports can keep out a new source that
 * receives at its address. A port that finds no room is held to its
 * address's budget alone.
 *
 * One ratelimiter serves all devices whose sockets live in one namespace,
 * so that a source cannot multiply its rate by the number of devices, and
 * namespaces do not share hash chains.
 */

#include "ratelimiter.h"

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/siphash.h>
#include <linux/sizes.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

enum {
	/* One source: an address, or one proven port of an address. */
	WGC_RATELIMIT_PER_SECOND = 20,
	WGC_RATELIMIT_BURST = 5,
	WGC_RATELIMIT_COST_NS = NSEC_PER_SEC / WGC_RATELIMIT_PER_SECOND,
	WGC_RATELIMIT_FULL_NS = WGC_RATELIMIT_COST_NS * WGC_RATELIMIT_BURST,
	/* All the proven ports of one address together. */
	WGC_RATELIMIT_PORTS_PER_SECOND = 128,
	WGC_RATELIMIT_PORTS_BURST = 128,
	WGC_RATELIMIT_PORTS_COST_NS = NSEC_PER_SEC /
				      WGC_RATELIMIT_PORTS_PER_SECOND,
	WGC_RATELIMIT_PORTS_FULL_NS = WGC_RATELIMIT_PORTS_COST_NS *
				      WGC_RATELIMIT_PORTS_BURST,
	/* A source silent this long has full buckets: forget it. */
	WGC_RATELIMIT_IDLE_NS = NSEC_PER_SEC,
	WGC_RATELIMIT_MIN_BUCKETS = 16,
	WGC_RATELIMIT_MAX_BUCKETS = 8192,
	WGC_RATELIMIT_ENTRIES_PER_BUCKET = 8,
	/* All namespaces together: about 12 MiB at most. */
	WGC_RATELIMIT_MAX_TOTAL_ENTRIES = 2 * WGC_RATELIMIT_MAX_BUCKETS *
					  WGC_RATELIMIT_ENTRIES_PER_BUCKET,
};

/* A rate in nanoseconds of refill: what one message costs, and a burst. */
struct wgc_ratelimit_rate {
	u64 cost_ns;
	u64 full_ns;
};

static const struct wgc_ratelimit_rate wgc_ratelimit_source_rate = {
	.cost_ns = WGC_RATELIMIT_COST_NS,
	.full_ns = WGC_RATELIMIT_FULL_NS,
};

static const struct wgc_ratelimit_rate wgc_ratelimit_ports_rate = {
	.cost_ns = WGC_RATELIMIT_PORTS_COST_NS,
	.full_ns = WGC_RATELIMIT_PORTS_FULL_NS,
};

/* A source forgotten when idle would have had full buckets anyway. */
static_assert(WGC_RATELIMIT_IDLE_NS >= WGC_RATELIMIT_FULL_NS);
static_assert(WGC_RATELIMIT_IDLE_NS >= WGC_RATELIMIT_PORTS_FULL_NS);

#ifdef WGC_DEBUG
/*
 * A flood in the VM cannot track 131,072 sources at once; the selftests
 * lower the bound instead to fill it.
 */
static unsigned int ratelimiter_total_limit;
module_param(ratelimiter_total_limit, uint, 0644);
MODULE_PARM_DESC(ratelimiter_total_limit,
		 "sources all ratelimiters may track together, 0: the default (debug builds)");

static unsigned int wgc_ratelimiter_total_max(void)
{
	unsigned int limit = READ_ONCE(ratelimiter_total_limit);

	return limit ?: WGC_RATELIMIT_MAX_TOTAL_ENTRIES;
}
#else
static unsigned int wgc_ratelimiter_total_max(void)
{
	return WGC_RATELIMIT_MAX_TOTAL_ENTRIES;
}
#endif

/* Not a UDP port: the key of a whole address. */
#define WGC_RATELIMIT_NO_PORT U32_MAX

struct wgc_ratelimit_key {
	u64 addr;			/* IPv4 address, or IPv6 /64 prefix */
	u32 port;			/* a proven port, or ..._NO_PORT */
	u16 family;
};

/* Tokens, in nanoseconds of refill. */
struct wgc_ratelimit_tokens {
	u64 tokens_ns;
	u64 last_ns;			/* when tokens_ns was last brought up */
};

struct wgc_ratelimiter_entry {
	struct hlist_node node;		/* in a bucket; see table_lock */
	struct wgc_ratelimit_key key;
	spinlock_t lock;		/* protects the fields below */
	bool proven;			/* counted in unproven while false */
	bool unlinked;			/* out of the table: counted nowhere */
	/* An address's unproven messages, or a port's messages. */
	struct wgc_ratelimit_tokens own;
	/* An address's proven messages, from all its ports together. */
	struct wgc_ratelimit_tokens ports;
	u64 seen_ns;			/* the latest message, for the collector */
	struct rcu_head rcu;
};

/*
 * Locking: lookups walk the buckets under RCU; table_lock serialises
 * insertions and removals. refs and slot belong to wgc_ratelimiter_mutex.
 * slot is the namespace's pointer to the ratelimiter, for as long as the
 * namespace lives: its exit empties the slot and clears it here, so that a
 * device destroyed later (its destructor may run after the namespace that
 * created it is gone) does not write into the freed per-namespace data.
 */
struct wgc_ratelimiter {
	struct hlist_head *buckets;
	unsigned int bucket_mask;
	unsigned int max_entries;
	atomic_t entries;
	atomic_t unproven;		/* those of entries not proven */
	atomic_t ports;			/* those of entries for a port */
	spinlock_t table_lock;		/* see "Locking" above */
	siphash_key_t hash_key;
	struct delayed_work gc_work;
	/* Self-tests run the collector themselves, on their own clock. */
	bool manual_gc;
	unsigned int refs;
	struct wgc_ratelimiter **slot;
};

static struct kmem_cache *wgc_ratelimiter_cache;
static DEFINE_MUTEX(wgc_ratelimiter_mutex);
/* Entries allocated in all tables, until their memory is freed. */
static atomic_t wgc_ratelimiter_total = ATOMIC_INIT(0);
/* Unproven entries in all tables. */
static atomic_t wgc_ratelimiter_unproven_total = ATOMIC_INIT(0);
/* Port entries in all tables. */
static atomic_t wgc_ratelimiter_ports_total = ATOMIC_INIT(0);

static bool wgc_ratelimit_is_address(const struct wgc_ratelimit_key *key)
{
	return key->port == WGC_RATELIMIT_NO_PORT;
}

/* Caller holds the lock of an entry counted as unproven. */
static void wgc_ratelimiter_uncount_unproven(struct wgc_ratelimiter *rl)
{
	atomic_dec(&rl->unproven);
	atomic_dec(&wgc_ratelimiter_unproven_total);
}

static void wgc_ratelimiter_free_entry(struct rcu_head *rcu)
{
	kmem_cache_free(wgc_ratelimiter_cache,
			container_of(rcu, struct wgc_ratelimiter_entry, rcu));
	atomic_dec(&wgc_ratelimiter_total);
}

/* Caller holds table_lock. */
static void wgc_ratelimiter_unlink(struct wgc_ratelimiter *rl,
				   struct wgc_ratelimiter_entry *entry)
{
	lockdep_assert_held(&rl->table_lock);
	hlist_del_rcu(&entry->node);
	atomic_dec(&rl->entries);
	if (!wgc_ratelimit_is_address(&entry->key)) {
		atomic_dec(&rl->ports);
		atomic_dec(&wgc_ratelimiter_ports_total);
	}
	/* A reader may still prove it: after this, that counts nowhere. */
	spin_lock(&entry->lock);
	entry->unlinked = true;
	if (!entry->proven)
		wgc_ratelimiter_uncount_unproven(rl);
	spin_unlock(&entry->lock);
	call_rcu(&entry->rcu, wgc_ratelimiter_free_entry);
}

static bool wgc_ratelimiter_is_idle(struct wgc_ratelimiter_entry *entry,
				    u64 now)
{
	u64 last = READ_ONCE(entry->seen_ns);

	return now > last && now - last > WGC_RATELIMIT_IDLE_NS;
}

/* Forgets idle sources, or all of them. Process context. */
static void wgc_ratelimiter_collect(struct wgc_ratelimiter *rl, u64 now,
				    bool all)
{
	struct wgc_ratelimiter_entry *entry;
	struct hlist_node *next;
	unsigned int i;

	for (i = 0; i <= rl->bucket_mask; i++) {
		spin_lock(&rl->table_lock);
		hlist_for_each_entry_safe(entry, next, &rl->buckets[i], node) {
			if (all || wgc_ratelimiter_is_idle(entry, now))
				wgc_ratelimiter_unlink(rl, entry);
		}
		spin_unlock(&rl->table_lock);
		if (!(i % 64))
			cond_resched();
	}
}

static void wgc_ratelimiter_schedule_gc(struct wgc_ratelimiter *rl)
{
	if (!rl->manual_gc)
		queue_delayed_work(system_power_efficient_wq, &rl->gc_work, HZ);
}

static void wgc_ratelimiter_gc_worker(struct work_struct *work)
{
	struct wgc_ratelimiter *rl = container_of(to_delayed_work(work),
						  struct wgc_ratelimiter,
						  gc_work);

	wgc_ratelimiter_collect(rl, ktime_get_coarse_boottime_ns(), false);
	/* An empty table needs no collector until a source comes. */
	if (atomic_read(&rl->entries))
		wgc_ratelimiter_schedule_gc(rl);
}

/*
 * Refills @tokens for the time since they were last brought up and takes one
 * message's worth if it is there. Clocks read on different CPUs may arrive
 * out of order: time never runs backwards for a bucket.
 */
static bool wgc_ratelimit_take(struct wgc_ratelimit_tokens *tokens,
			       const struct wgc_ratelimit_rate *rate, u64 now)
{
	u64 ns = tokens->tokens_ns;

	if (now > tokens->last_ns) {
		ns = min(rate->full_ns, ns + (now - tokens->last_ns));
		tokens->last_ns = now;
	}
	if (ns < rate->cost_ns) {
		tokens->tokens_ns = ns;
		return false;
	}
	tokens->tokens_ns = ns - rate->cost_ns;
	return true;
}

/*
 * One message from @entry's source, @proven by its MAC2 or not: an address
 * spends from the bucket for its ports or from its own, a port from its
 * own. The first proven message proves the entry.
 */
static bool wgc_ratelimiter_spend(struct wgc_ratelimiter *rl,
				  struct wgc_ratelimiter_entry *entry,
				  u64 now, bool proven)
{
	bool allowed;

	spin_lock(&entry->lock);
	if (proven && !entry->proven && !entry->unlinked) {
		entry->proven = true;
		wgc_ratelimiter_uncount_unproven(rl);
	}
	if (proven && wgc_ratelimit_is_address(&entry->key))
		allowed = wgc_ratelimit_take(&entry->ports,
					     &wgc_ratelimit_ports_rate, now);
	else
		allowed = wgc_ratelimit_take(&entry->own,
					     &wgc_ratelimit_source_rate, now);
	if (now > entry->seen_ns)
		WRITE_ONCE(entry->seen_ns, now);
	spin_unlock(&entry->lock);
	return allowed;
}

static struct hlist_head *
wgc_ratelimiter_chain_of(struct wgc_ratelimiter *rl,
			 const struct wgc_ratelimit_key *key)
{
	u64 rest = (u64)key->port << 16 | key->family;

	return &rl->buckets[siphash_2u64(key->addr, rest, &rl->hash_key) &
			    rl->bucket_mask];
}

static struct wgc_ratelimiter_entry *
wgc_ratelimiter_find(struct wgc_ratelimiter *rl, struct hlist_head *chain,
		     const struct wgc_ratelimit_key *key)
{
	struct wgc_ratelimiter_entry *entry;

	hlist_for_each_entry_rcu(entry, chain, node,
				 lockdep_is_held(&rl->table_lock)) {
		if (entry->key.addr == key->addr &&
		    entry->key.port == key->port &&
		    entry->key.family == key->family)
			return entry;
	}
	return NULL;
}

/* The share of a table, and of all tables, a kind of entry may hold. */
static bool wgc_ratelimiter_share(atomic_t *in_table, unsigned int table_max,
				  atomic_t *in_all, unsigned int all_max)
{
	if (atomic_inc_return(in_all) > all_max)
		goto all_full;
	if (atomic_inc_return(in_table) > table_max)
		goto table_full;
	return true;

table_full:
	atomic_dec(in_table);
all_full:
	atomic_dec(in_all);
	return false;
}

/*
 * Counts one more entry for @key, unless its table or all tables are full;
 * an unproven address only while unproven ones hold at most half of each,
 * a port while ports hold at most a quarter.
 */
static bool wgc_ratelimiter_reserve(struct wgc_ratelimiter *rl,
				    const struct wgc_ratelimit_key *key,
				    bool proven)
{
	unsigned int total_max = wgc_ratelimiter_total_max();

	if (!wgc_ratelimiter_share(&rl->entries, rl->max_entries,
				   &wgc_ratelimiter_total, total_max))
		return false;
	if (!wgc_ratelimit_is_address(key)) {
		if (wgc_ratelimiter_share(&rl->ports, rl->max_entries / 4,
					  &wgc_ratelimiter_ports_total,
					  total_max / 4))
			return true;
	} else if (proven ||
		   wgc_ratelimiter_share(&rl->unproven, rl->max_entries / 2,
					 &wgc_ratelimiter_unproven_total,
					 total_max / 2)) {
		return true;
	}
	atomic_dec(&rl->entries);
	atomic_dec(&wgc_ratelimiter_total);
	return false;
}

static void wgc_ratelimiter_unreserve(struct wgc_ratelimiter *rl,
				      const struct wgc_ratelimit_key *key,
				      bool proven)
{
	if (!wgc_ratelimit_is_address(key)) {
		atomic_dec(&rl->ports);
		atomic_dec(&wgc_ratelimiter_ports_total);
	} else if (!proven) {
		atomic_dec(&rl->unproven);
		atomic_dec(&wgc_ratelimiter_unproven_total);
	}
	atomic_dec(&rl->entries);
	atomic_dec(&wgc_ratelimiter_total);
}

static struct wgc_ratelimiter_entry *
wgc_ratelimiter_new_entry(const struct wgc_ratelimit_key *key, u64 now,
			  bool proven)
{
	struct wgc_ratelimiter_entry *entry;

	entry = kmem_cache_alloc(wgc_ratelimiter_cache, GFP_KERNEL);
	if (unlikely(!entry))
		return NULL;
	entry->key = *key;
	spin_lock_init(&entry->lock);
	entry->proven = proven;
	entry->unlinked = false;
	entry->own.tokens_ns = wgc_ratelimit_source_rate.full_ns;
	entry->own.last_ns = now;
	entry->ports.tokens_ns = wgc_ratelimit_ports_rate.full_ns;
	entry->ports.last_ns = now;
	entry->seen_ns = now;
	return entry;
}

enum wgc_ratelimit_verdict {
	WGC_RATELIMIT_ALLOWED,
	WGC_RATELIMIT_LIMITED,		/* above its rate */
	WGC_RATELIMIT_NO_ROOM,		/* new, and no room to track it */
};

static enum wgc_ratelimit_verdict
wgc_ratelimiter_spend_verdict(struct wgc_ratelimiter *rl,
			      struct wgc_ratelimiter_entry *entry, u64 now,
			      bool proven)
{
	return wgc_ratelimiter_spend(rl, entry, now, proven) ?
	       WGC_RATELIMIT_ALLOWED : WGC_RATELIMIT_LIMITED;
}

/*
 * A source seen for the first time: its first message is allowed, from
 * full buckets, if there is room to track it (the tables' bound holds).
 */
static enum wgc_ratelimit_verdict
wgc_ratelimiter_add(struct wgc_ratelimiter *rl, struct hlist_head *chain,
		    const struct wgc_ratelimit_key *key, u64 now, bool proven)
{
	struct wgc_ratelimiter_entry *entry, *fresh;
	enum wgc_ratelimit_verdict verdict;

	if (!wgc_ratelimiter_reserve(rl, key, proven))
		return WGC_RATELIMIT_NO_ROOM;
	fresh = wgc_ratelimiter_new_entry(key, now, proven);
	if (unlikely(!fresh)) {
		wgc_ratelimiter_unreserve(rl, key, proven);
		return WGC_RATELIMIT_NO_ROOM;
	}
	spin_lock(&rl->table_lock);
	/* Another CPU may have added the same source since our lookup. */
	entry = wgc_ratelimiter_find(rl, chain, key);
	if (entry) {
		verdict = wgc_ratelimiter_spend_verdict(rl, entry, now, proven);
		spin_unlock(&rl->table_lock);
		kmem_cache_free(wgc_ratelimiter_cache, fresh);
		wgc_ratelimiter_unreserve(rl, key, proven);
		return verdict;
	}
	verdict = wgc_ratelimiter_spend_verdict(rl, fresh, now, proven);
	hlist_add_head_rcu(&fresh->node, chain);
	spin_unlock(&rl->table_lock);
	wgc_ratelimiter_schedule_gc(rl);
	return verdict;
}

static enum wgc_ratelimit_verdict
wgc_ratelimiter_allow_key(struct wgc_ratelimiter *rl,
			  const struct wgc_ratelimit_key *key, u64 now,
			  bool proven)
{
	struct hlist_head *chain = wgc_ratelimiter_chain_of(rl, key);
	enum wgc_ratelimit_verdict verdict;
	struct wgc_ratelimiter_entry *entry;

	rcu_read_lock();
	entry = wgc_ratelimiter_find(rl, chain, key);
	if (entry) {
		verdict = wgc_ratelimiter_spend_verdict(rl, entry, now, proven);
		rcu_read_unlock();
		return verdict;
	}
	rcu_read_unlock();
	return wgc_ratelimiter_add(rl, chain, key, now, proven);
}

/*
 * A proven message its port refused after its address paid: the address's
 * budget for its ports gets the message's worth back, so that one port
 * above its own rate does not use up what its neighbours behind the same
 * NAT have.
 */
static void wgc_ratelimiter_give_back(struct wgc_ratelimiter *rl,
				      const struct wgc_ratelimit_key *key)
{
	struct wgc_ratelimiter_entry *entry;

	rcu_read_lock();
	entry = wgc_ratelimiter_find(rl, wgc_ratelimiter_chain_of(rl, key),
				     key);
	if (entry) {
		spin_lock(&entry->lock);
		entry->ports.tokens_ns = min_t(u64, WGC_RATELIMIT_PORTS_FULL_NS,
					       entry->ports.tokens_ns +
					       WGC_RATELIMIT_PORTS_COST_NS);
		spin_unlock(&entry->lock);
	}
	rcu_read_unlock();
}

/*
 * An unproven message spends from its address's bucket. A proven one
 * spends from its address's budget for ports first (so that ports without
 * a budget get no entries), then from its port's bucket; a port the table
 * has no room for is held to the address's budget alone.
 */
static bool wgc_ratelimiter_allow_source(struct wgc_ratelimiter *rl,
					 u64 addr, u16 family, __be16 port,
					 u64 now, bool proven)
{
	struct wgc_ratelimit_key key = {
		.addr = addr,
		.port = WGC_RATELIMIT_NO_PORT,
		.family = family,
	};

	if (wgc_ratelimiter_allow_key(rl, &key, now, proven) !=
	    WGC_RATELIMIT_ALLOWED)
		return false;
	if (!proven)
		return true;
	key.port = be16_to_cpu(port);
	if (wgc_ratelimiter_allow_key(rl, &key, now, true) !=
	    WGC_RATELIMIT_LIMITED)
		return true;
	key.port = WGC_RATELIMIT_NO_PORT;
	wgc_ratelimiter_give_back(rl, &key);
	return false;
}

/* The source of @skb: an IPv4 address, or the /64 of an IPv6 address. */
static bool wgc_ratelimiter_source_of(struct sk_buff *skb, u64 *addr,
				      u16 *family)
{
	*addr = 0;
	if (skb->protocol == htons(ETH_P_IP)) {
		*family = AF_INET;
		memcpy(addr, &ip_hdr(skb)->saddr, sizeof(struct in_addr));
		return true;
	}
	if (IS_ENABLED(CONFIG_IPV6) && skb->protocol == htons(ETH_P_IPV6)) {
		*family = AF_INET6;
		memcpy(addr, &ipv6_hdr(skb)->saddr, sizeof(*addr));
		return true;
	}
	return false;
}

bool wgc_ratelimiter_allow(struct wgc_ratelimiter *rl, struct sk_buff *skb,
			   bool proven)
{
	u16 family;
	u64 addr;

	if (unlikely(!wgc_ratelimiter_source_of(skb, &addr, &family)))
		return false;
	return wgc_ratelimiter_allow_source(rl, addr, family,
					    udp_hdr(skb)->source,
					    ktime_get_coarse_boottime_ns(),
					    proven);
}

unsigned int wgc_ratelimiter_entries(const struct wgc_ratelimiter *rl)
{
	return atomic_read(&rl->entries);
}

/* One bucket per 128 KiB of memory, a power of two within the limits. */
static unsigned int wgc_ratelimiter_bucket_count(void)
{
	unsigned long pages_per_bucket = max_t(unsigned long, 1,
					       SZ_128K / PAGE_SIZE);
	unsigned long buckets = totalram_pages() / pages_per_bucket;

	buckets = clamp_t(unsigned long, buckets, WGC_RATELIMIT_MIN_BUCKETS,
			  WGC_RATELIMIT_MAX_BUCKETS);
	return rounddown_pow_of_two(buckets);
}

static struct wgc_ratelimiter *wgc_ratelimiter_create(unsigned int buckets,
						      unsigned int max_entries)
{
	struct wgc_ratelimiter *rl;

	rl = kzalloc(sizeof(*rl), GFP_KERNEL);
	if (!rl)
		return NULL;
	rl->buckets = kvcalloc(buckets, sizeof(*rl->buckets), GFP_KERNEL);
	if (!rl->buckets) {
		kfree(rl);
		return NULL;
	}
	rl->bucket_mask = buckets - 1;
	rl->max_entries = max_entries;
	atomic_set(&rl->entries, 0);
	atomic_set(&rl->unproven, 0);
	atomic_set(&rl->ports, 0);
	spin_lock_init(&rl->table_lock);
	get_random_bytes(&rl->hash_key, sizeof(rl->hash_key));
	INIT_DELAYED_WORK(&rl->gc_work, wgc_ratelimiter_gc_worker);
	return rl;
}

/* No lookups may run any more. */
static void wgc_ratelimiter_destroy(struct wgc_ratelimiter *rl)
{
	cancel_delayed_work_sync(&rl->gc_work);
	wgc_ratelimiter_collect(rl, 0, true);
	kvfree(rl->buckets);
	kfree(rl);
}

static unsigned int wgc_ratelimiter_net_id __read_mostly;

/* The namespace's ratelimiter, if one of its devices holds it. */
struct wgc_ratelimiter_net {
	struct wgc_ratelimiter *rl;	/* protected by wgc_ratelimiter_mutex */
};

struct wgc_ratelimiter *wgc_ratelimiter_get(struct net *net)
{
	struct wgc_ratelimiter_net *rn = net_generic(net, wgc_ratelimiter_net_id);
	struct wgc_ratelimiter **slot = &rn->rl;
	struct wgc_ratelimiter *rl;
	unsigned int buckets;

	mutex_lock(&wgc_ratelimiter_mutex);
	rl = *slot;
	if (!rl) {
		buckets = wgc_ratelimiter_bucket_count();
		rl = wgc_ratelimiter_create(buckets, buckets *
					    WGC_RATELIMIT_ENTRIES_PER_BUCKET);
		if (!rl)
			goto out;
		rl->slot = slot;
		*slot = rl;
	}
	rl->refs++;
out:
	mutex_unlock(&wgc_ratelimiter_mutex);
	return rl;
}

void wgc_ratelimiter_put(struct wgc_ratelimiter *rl)
{
	bool last;

	mutex_lock(&wgc_ratelimiter_mutex);
	last = !--rl->refs;
	if (last && rl->slot)
		*rl->slot = NULL;
	mutex_unlock(&wgc_ratelimiter_mutex);
	if (last)
		wgc_ratelimiter_destroy(rl);
}

/*
 * The namespace goes; devices it created may be destroyed later still,
 * holding the ratelimiter until then. Unlink it from the slot about to be
 * freed.
 */
static void __net_exit wgc_ratelimiter_net_exit(struct net *net)
{
	struct wgc_ratelimiter_net *rn = net_generic(net, wgc_ratelimiter_net_id);

	mutex_lock(&wgc_ratelimiter_mutex);
	if (rn->rl)
		rn->rl->slot = NULL;
	rn->rl = NULL;
	mutex_unlock(&wgc_ratelimiter_mutex);
}

static struct pernet_operations wgc_ratelimiter_net_ops = {
	.exit	= wgc_ratelimiter_net_exit,
	.id	= &wgc_ratelimiter_net_id,
	.size	= sizeof(struct wgc_ratelimiter_net),
};

int __init wgc_ratelimiter_module_init(void)
{
	int ret;

	wgc_ratelimiter_cache = KMEM_CACHE(wgc_ratelimiter_entry, 0);
	if (!wgc_ratelimiter_cache)
		return -ENOMEM;
	ret = register_pernet_subsys(&wgc_ratelimiter_net_ops);
	if (ret)
		kmem_cache_destroy(wgc_ratelimiter_cache);
	return ret;
}

/* After the last put, and after rcu_barrier(): every entry is freed. */
void wgc_ratelimiter_module_exit(void)
{
	unregister_pernet_subsys(&wgc_ratelimiter_net_ops);
	kmem_cache_destroy(wgc_ratelimiter_cache);
}

#ifdef WGC_DEBUG
#include "tests/ratelimiter.c"
#endif
