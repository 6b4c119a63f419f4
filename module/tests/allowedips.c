// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test of the allowed-IPs tries, included at the end of allowedips.c in
 * WGC_DEBUG builds so that it reaches the static helpers.
 *
 * Hand-written cases pin the semantics (longest match, /0 and full-length
 * prefixes, host bits, moves, removal, reading back). Then random prefixes
 * (many of them sharing leading bits with earlier ones, so that the tries
 * branch deep) are checked against a naive reference: a flat array searched
 * linearly for the longest match. After every phase the trie's shape is
 * checked too: parent links, child placement, every branch point with two
 * children, and each peer's list holding exactly its prefixes.
 *
 * The peers are bare kzalloc'd objects with only the refcount and the list
 * initialised. The test holds their initial reference throughout, so the
 * references lookups hand out are dropped at once and never free a peer;
 * at the end each refcount must be back to one.
 */

#include <linux/inet.h>
#include <linux/ktime.h>
#include <linux/prandom.h>
#include <linux/random.h>
#include <linux/sched.h>

enum {
	AT_PEERS = 32,
	AT_RANDOM_PREFIXES = 1000,
	AT_MORE_PREFIXES = 300,
	AT_RANDOM_LOOKUPS = 1000,
	AT_BULK_PEERS = 1000,
	AT_BULK_PREFIXES_PER_PEER = 10,
	/* A trie is at most 129 levels deep; a walk's stack needs one more. */
	AT_MAX_DEPTH = 130,
	/* Prefixes plus branch points, in the largest trie built here. */
	AT_MAX_NODES = 2 * (AT_RANDOM_PREFIXES + AT_MORE_PREFIXES +
			    AT_BULK_PEERS * AT_BULK_PREFIXES_PER_PEER),
	AT_MAX_REPORTS = 10,
};

struct at_ref_prefix {
	u64 key[2];
	struct wgc_peer *peer;
	unsigned int cidr;
};

/* The reference: one family's prefixes in an array. */
struct at_ref {
	struct at_ref_prefix *prefixes;
	unsigned int len;
	unsigned int bits;
};

struct at_ctx {
	struct wgc_allowedips table;
	struct mutex lock;	/* the table's writer lock, held throughout */
	struct rnd_state rng;
	u64 seed;
	struct wgc_peer *peers[AT_PEERS];
	struct at_ref ref4, ref6;
	struct wgc_allowedips_node *stack[AT_MAX_DEPTH];
};

static unsigned int at_failures __initdata;

static bool __init at_expect(bool ok, const char *what, unsigned int line)
{
	if (!ok && ++at_failures <= AT_MAX_REPORTS)
		pr_err("allowedips self-test, line %u: %s\n", line, what);
	return ok;
}

#define EXPECT(cond) at_expect(cond, #cond, __LINE__)

static struct wgc_peer *__init at_peer_new(void)
{
	struct wgc_peer *peer = kzalloc(sizeof(*peer), GFP_KERNEL);

	if (peer) {
		kref_init(&peer->refcount);
		INIT_LIST_HEAD(&peer->allowedips_list);
	}
	return peer;
}

static void __init at_peer_free(struct wgc_peer *peer)
{
	if (!peer)
		return;
	EXPECT(list_empty(&peer->allowedips_list));
	EXPECT(kref_read(&peer->refcount) == 1);
	kfree(peer);
}

static u64 __init at_rand64(struct at_ctx *c)
{
	return (u64)prandom_u32_state(&c->rng) << 32 | prandom_u32_state(&c->rng);
}

static unsigned int __init at_rand(struct at_ctx *c, unsigned int below)
{
	return prandom_u32_state(&c->rng) % below;
}

/* Looks @key up as the packet path does; returns the peer, unreferenced. */
static struct wgc_peer *__init at_lookup(struct at_ctx *c, unsigned int bits,
					 const u64 key[2])
{
	struct wgc_peer *peer;

	rcu_read_lock_bh();
	peer = lookup(root_of(&c->table, bits), bits, key);
	rcu_read_unlock_bh();
	if (peer)
		wgc_peer_put(peer);
	return peer;
}

static int __init at_ins4(struct at_ctx *c, const char *addr, u8 cidr,
			  struct wgc_peer *peer)
{
	struct in_addr ip;

	if (!in4_pton(addr, -1, (u8 *)&ip, -1, NULL))
		return -EINVAL;
	return wgc_allowedips_insert_v4(&c->table, &ip, cidr, peer, &c->lock);
}

static int __init at_ins6(struct at_ctx *c, const char *addr, u8 cidr,
			  struct wgc_peer *peer)
{
	struct in6_addr ip;

	if (!in6_pton(addr, -1, (u8 *)&ip, -1, NULL))
		return -EINVAL;
	return wgc_allowedips_insert_v6(&c->table, &ip, cidr, peer, &c->lock);
}

static int __init at_del4(struct at_ctx *c, const char *addr, u8 cidr,
			  struct wgc_peer *peer)
{
	struct in_addr ip;

	if (!in4_pton(addr, -1, (u8 *)&ip, -1, NULL))
		return -EINVAL;
	return wgc_allowedips_remove_v4(&c->table, &ip, cidr, peer, &c->lock);
}

static struct wgc_peer *__init at_look4(struct at_ctx *c, const char *addr)
{
	__be32 ip;
	u64 key[2];

	if (!in4_pton(addr, -1, (u8 *)&ip, -1, NULL))
		return ERR_PTR(-EINVAL);
	key_from_v4(key, ip);
	return at_lookup(c, 32, key);
}

static struct wgc_peer *__init at_look6(struct at_ctx *c, const char *addr)
{
	struct in6_addr ip;
	u64 key[2];

	if (!in6_pton(addr, -1, (u8 *)&ip, -1, NULL))
		return ERR_PTR(-EINVAL);
	key_from_v6(key, &ip);
	return at_lookup(c, 128, key);
}

static unsigned int __init at_list_len(struct wgc_peer *peer)
{
	return list_count_nodes(&peer->allowedips_list);
}

/* Whether @peer's first prefix reads back as @addr/@cidr. */
static bool __init at_reads_back(struct wgc_peer *peer, int family,
				 const char *addr, u8 cidr)
{
	struct wgc_allowedips_node *node;
	u8 want[16] = { }, got[16] = { }, got_cidr;
	int len = family == AF_INET ? 4 : 16;

	node = list_first_entry_or_null(&peer->allowedips_list,
					struct wgc_allowedips_node, peer_list);
	if (!node)
		return false;
	if (family == AF_INET ? !in4_pton(addr, -1, want, -1, NULL) :
				!in6_pton(addr, -1, want, -1, NULL))
		return false;
	return wgc_allowedips_read_node(node, got, &got_cidr) == family &&
	       got_cidr == cidr && !memcmp(got, want, len);
}

static void __init at_remove_all(struct at_ctx *c)
{
	unsigned int i;

	for (i = 0; i < AT_PEERS; i++)
		wgc_allowedips_remove_by_peer(&c->table, c->peers[i], &c->lock);
}

/*
 * Checks one trie's shape; returns how many of its nodes carry a peer, or -1
 * if the walk found it broken.
 */
static int __init at_check_trie(struct at_ctx *c, unsigned int bits)
{
	struct wgc_allowedips_node *node, *child;
	unsigned int depth = 0, visited = 0, owned = 0, i;
	u64 key[2];

	node = deref_locked(*root_of(&c->table, bits), &c->lock);
	if (!node)
		return 0;
	if (!EXPECT(!node->parent))
		return -1;
	c->stack[depth++] = node;
	while (depth) {
		node = c->stack[--depth];
		if (!EXPECT(++visited <= AT_MAX_NODES))
			return -1;
		key[0] = node->key[0];
		key[1] = node->key[1];
		key_truncate(key, node->cidr);
		if (!EXPECT(node->bits == bits && node->cidr <= bits &&
			    key[0] == node->key[0] && key[1] == node->key[1]))
			return -1;
		if (rcu_access_pointer(node->peer)) {
			owned++;
			EXPECT(!list_empty(&node->peer_list));
		} else {
			/* A branch point always holds two subtrees. */
			EXPECT(list_empty(&node->peer_list));
			EXPECT(rcu_access_pointer(node->child[0]) &&
			       rcu_access_pointer(node->child[1]));
		}
		for (i = 0; i < 2; i++) {
			child = deref_locked(node->child[i], &c->lock);
			if (!child)
				continue;
			if (!EXPECT(child->parent == node &&
				    child->cidr > node->cidr &&
				    prefix_covers(node, child->key) &&
				    key_bit(child->key, node->cidr) == i))
				return -1;
			if (!EXPECT(depth < AT_MAX_DEPTH))
				return -1;
			c->stack[depth++] = child;
		}
	}
	return owned;
}

/* The trie's shape, and every peer's list against the reference. */
static void __init at_check_shape(struct at_ctx *c)
{
	struct wgc_allowedips_node *node;
	unsigned int i, j, want;

	EXPECT(at_check_trie(c, 32) == (int)c->ref4.len);
	EXPECT(at_check_trie(c, 128) == (int)c->ref6.len);
	for (i = 0; i < AT_PEERS; i++) {
		want = 0;
		for (j = 0; j < c->ref4.len; j++)
			want += c->ref4.prefixes[j].peer == c->peers[i];
		for (j = 0; j < c->ref6.len; j++)
			want += c->ref6.prefixes[j].peer == c->peers[i];
		EXPECT(at_list_len(c->peers[i]) == want);
		list_for_each_entry(node, &c->peers[i]->allowedips_list, peer_list)
			EXPECT(rcu_access_pointer(node->peer) == c->peers[i]);
	}
}

static void __init at_ref_insert(struct at_ref *ref, const u64 key[2],
				 unsigned int cidr, struct wgc_peer *peer)
{
	struct at_ref_prefix *p;
	unsigned int i;

	for (i = 0; i < ref->len; i++) {
		p = &ref->prefixes[i];
		if (p->cidr == cidr && p->key[0] == key[0] &&
		    p->key[1] == key[1]) {
			p->peer = peer;
			return;
		}
	}
	p = &ref->prefixes[ref->len++];
	p->key[0] = key[0];
	p->key[1] = key[1];
	p->cidr = cidr;
	p->peer = peer;
}

static void __init at_ref_remove_peer(struct at_ref *ref, struct wgc_peer *peer)
{
	unsigned int i, kept = 0;

	for (i = 0; i < ref->len; i++)
		if (ref->prefixes[i].peer != peer)
			ref->prefixes[kept++] = ref->prefixes[i];
	ref->len = kept;
}

/* What removing one exact prefix of @peer does to the model. */
static void __init at_ref_remove_prefix(struct at_ref *ref, const u64 key[2],
					unsigned int cidr,
					struct wgc_peer *peer)
{
	unsigned int i;

	for (i = 0; i < ref->len; i++) {
		if (ref->prefixes[i].cidr == cidr &&
		    ref->prefixes[i].key[0] == key[0] &&
		    ref->prefixes[i].key[1] == key[1]) {
			if (ref->prefixes[i].peer == peer)
				ref->prefixes[i] = ref->prefixes[--ref->len];
			return;
		}
	}
}

static struct wgc_peer *__init at_ref_lookup(const struct at_ref *ref,
					     const u64 key[2])
{
	const struct at_ref_prefix *p, *best = NULL;
	unsigned int i;

	for (i = 0; i < ref->len; i++) {
		p = &ref->prefixes[i];
		if (key_common_bits(p->key, key) >= p->cidr &&
		    (!best || p->cidr > best->cidr))
			best = p;
	}
	return best ? best->peer : NULL;
}

/*
 * A random address: either anywhere, or (three times in four) sharing a
 * random number of leading bits with a prefix already in @ref.
 */
static void __init at_random_key(struct at_ctx *c, const struct at_ref *ref,
				 u64 key[2])
{
	const struct at_ref_prefix *near;
	unsigned int keep;
	u64 mask0, mask1;

	key[0] = at_rand64(c);
	key[1] = ref->bits == 128 ? at_rand64(c) : 0;
	if (ref->bits == 32)
		key[0] &= top_bits(32);
	if (!ref->len || !at_rand(c, 4))
		return;
	near = &ref->prefixes[at_rand(c, ref->len)];
	keep = at_rand(c, ref->bits + 1);
	mask0 = top_bits(min(keep, 64U));
	mask1 = top_bits(keep > 64 ? keep - 64 : 0);
	key[0] = (near->key[0] & mask0) | (key[0] & ~mask0);
	key[1] = (near->key[1] & mask1) | (key[1] & ~mask1);
}

/*
 * Adds (or with @remove takes away) @key/@cidr for @peer through the
 * table's API for @ref's family.
 */
static int __init at_apply(struct at_ctx *c, const struct at_ref *ref,
			   const u64 key[2], unsigned int cidr,
			   struct wgc_peer *peer, bool remove)
{
	struct in6_addr ip6;
	struct in_addr ip4;

	if (ref->bits == 32) {
		ip4.s_addr = cpu_to_be32(key[0] >> 32);
		return remove ?
			wgc_allowedips_remove_v4(&c->table, &ip4, cidr, peer,
						 &c->lock) :
			wgc_allowedips_insert_v4(&c->table, &ip4, cidr, peer,
						 &c->lock);
	}
	ip6.s6_addr32[0] = cpu_to_be32(key[0] >> 32);
	ip6.s6_addr32[1] = cpu_to_be32(key[0]);
	ip6.s6_addr32[2] = cpu_to_be32(key[1] >> 32);
	ip6.s6_addr32[3] = cpu_to_be32(key[1]);
	return remove ?
		wgc_allowedips_remove_v6(&c->table, &ip6, cidr, peer, &c->lock) :
		wgc_allowedips_insert_v6(&c->table, &ip6, cidr, peer, &c->lock);
}

static void __init at_random_inserts(struct at_ctx *c, struct at_ref *ref,
				     unsigned int count)
{
	struct wgc_peer *peer;
	unsigned int i, cidr;
	u64 key[2];
	int ret;

	for (i = 0; i < count; i++) {
		at_random_key(c, ref, key);
		cidr = at_rand(c, ref->bits + 1);
		peer = c->peers[at_rand(c, AT_PEERS)];
		ret = at_apply(c, ref, key, cidr, peer, false);
		if (!EXPECT(!ret))
			return;
		key_truncate(key, cidr);
		at_ref_insert(ref, key, cidr, peer);
	}
}

/*
 * Single prefixes taken from random peers: half of them prefixes the trie
 * has (whose owner is the peer one time in two), half random ones.
 */
static void __init at_random_removes(struct at_ctx *c, struct at_ref *ref,
				     unsigned int count)
{
	const struct at_ref_prefix *p;
	struct wgc_peer *peer;
	unsigned int i, cidr;
	u64 key[2];
	int ret;

	for (i = 0; i < count; i++) {
		peer = c->peers[at_rand(c, AT_PEERS)];
		if (ref->len && at_rand(c, 2)) {
			p = &ref->prefixes[at_rand(c, ref->len)];
			key[0] = p->key[0];
			key[1] = p->key[1];
			cidr = p->cidr;
			if (at_rand(c, 2))
				peer = p->peer;
		} else {
			at_random_key(c, ref, key);
			cidr = at_rand(c, ref->bits + 1);
		}
		ret = at_apply(c, ref, key, cidr, peer, true);
		if (!EXPECT(!ret))
			return;
		key_truncate(key, cidr);
		at_ref_remove_prefix(ref, key, cidr, peer);
	}
}

static void __init at_random_lookups(struct at_ctx *c, const struct at_ref *ref)
{
	const struct at_ref_prefix *p;
	struct wgc_peer *want;
	unsigned int i;
	u64 key[2];

	for (i = 0; i < AT_RANDOM_LOOKUPS + ref->len; i++) {
		if (i < ref->len) {
			/* Every prefix's own first address. */
			p = &ref->prefixes[i];
			key[0] = p->key[0];
			key[1] = p->key[1];
		} else {
			at_random_key(c, ref, key);
		}
		want = at_ref_lookup(ref, key);
		if (!EXPECT(at_lookup(c, ref->bits, key) == want)) {
			pr_err("allowedips self-test: IPv%u lookup of %016llx%016llx\n",
			       ref->bits == 32 ? 4 : 6, key[0], key[1]);
			return;
		}
		if (!(i % 256))
			cond_resched();
	}
}

static void __init at_random_checks(struct at_ctx *c)
{
	at_random_lookups(c, &c->ref4);
	at_random_lookups(c, &c->ref6);
	at_check_shape(c);
}

static void __init at_test_random(struct at_ctx *c)
{
	unsigned int i;

	at_random_inserts(c, &c->ref4, AT_RANDOM_PREFIXES);
	at_random_inserts(c, &c->ref6, AT_RANDOM_PREFIXES);
	at_random_checks(c);

	/* Remove every other peer, then grow the pruned tries again. */
	for (i = 0; i < AT_PEERS; i += 2) {
		wgc_allowedips_remove_by_peer(&c->table, c->peers[i], &c->lock);
		at_ref_remove_peer(&c->ref4, c->peers[i]);
		at_ref_remove_peer(&c->ref6, c->peers[i]);
	}
	at_random_checks(c);
	at_random_inserts(c, &c->ref4, AT_MORE_PREFIXES);
	at_random_inserts(c, &c->ref6, AT_MORE_PREFIXES);
	at_random_checks(c);

	/* Prefix by prefix, as incremental updates take them away. */
	at_random_removes(c, &c->ref4, AT_MORE_PREFIXES);
	at_random_removes(c, &c->ref6, AT_MORE_PREFIXES);
	at_random_checks(c);

	/* Emptied peer by peer, both tries must vanish, branch points too. */
	for (i = 0; i < AT_PEERS; i++) {
		wgc_allowedips_remove_by_peer(&c->table, c->peers[i], &c->lock);
		at_ref_remove_peer(&c->ref4, c->peers[i]);
		at_ref_remove_peer(&c->ref6, c->peers[i]);
		if (i == AT_PEERS * 3 / 4)
			at_random_checks(c);
	}
	EXPECT(!rcu_access_pointer(c->table.root4));
	EXPECT(!rcu_access_pointer(c->table.root6));
}

static void __init at_test_v4(struct at_ctx *c)
{
	struct wgc_peer **p = c->peers;

	EXPECT(!at_look4(c, "10.1.2.3"));
	EXPECT(!at_ins4(c, "10.0.0.0", 8, p[0]));
	EXPECT(!at_ins4(c, "10.1.0.0", 16, p[1]));
	EXPECT(!at_ins4(c, "10.1.2.0", 24, p[2]));
	EXPECT(!at_ins4(c, "10.1.2.3", 32, p[3]));
	EXPECT(at_look4(c, "10.1.2.3") == p[3]);
	EXPECT(at_look4(c, "10.1.2.4") == p[2]);
	EXPECT(at_look4(c, "10.1.3.1") == p[1]);
	EXPECT(at_look4(c, "10.200.0.1") == p[0]);
	EXPECT(!at_look4(c, "11.0.0.0"));
	EXPECT(!at_look4(c, "9.255.255.255"));

	/* A sibling of the /32 and a shorter prefix above two of them. */
	EXPECT(!at_ins4(c, "10.1.2.128", 25, p[4]));
	EXPECT(!at_ins4(c, "10.1.2.0", 23, p[5]));
	EXPECT(at_look4(c, "10.1.2.200") == p[4]);
	EXPECT(at_look4(c, "10.1.2.127") == p[2]);
	EXPECT(at_look4(c, "10.1.3.0") == p[5]);
	EXPECT(at_look4(c, "10.1.2.3") == p[3]);

	/* Host bits are ignored; the prefix reads back without them. */
	EXPECT(!at_ins4(c, "192.168.1.77", 24, p[6]));
	EXPECT(at_look4(c, "192.168.1.1") == p[6]);
	EXPECT(at_reads_back(p[6], AF_INET, "192.168.1.0", 24));
	EXPECT(at_reads_back(p[3], AF_INET, "10.1.2.3", 32));

	/* /0 catches everything else. */
	EXPECT(!at_ins4(c, "1.2.3.4", 0, p[7]));
	EXPECT(at_reads_back(p[7], AF_INET, "0.0.0.0", 0));
	EXPECT(at_look4(c, "11.0.0.0") == p[7]);
	EXPECT(at_look4(c, "255.255.255.255") == p[7]);
	EXPECT(at_look4(c, "10.1.2.3") == p[3]);

	/* An exact prefix moves between peers, and between their lists. */
	EXPECT(!at_ins4(c, "10.1.0.0", 16, p[0]));
	EXPECT(at_look4(c, "10.1.200.1") == p[0]);
	EXPECT(at_list_len(p[1]) == 0 && at_list_len(p[0]) == 2);
	EXPECT(!at_ins4(c, "10.1.0.0", 16, p[0]));
	EXPECT(at_list_len(p[0]) == 2);
	EXPECT(at_ins4(c, "10.0.0.0", 33, p[0]) == -EINVAL);
	EXPECT(at_check_trie(c, 32) == 8);

	/* A peer's removal uncovers the next shorter prefixes. */
	wgc_allowedips_remove_by_peer(&c->table, p[3], &c->lock);
	EXPECT(at_look4(c, "10.1.2.3") == p[2]);
	wgc_allowedips_remove_by_peer(&c->table, p[2], &c->lock);
	EXPECT(at_look4(c, "10.1.2.3") == p[5]);
	wgc_allowedips_remove_by_peer(&c->table, p[5], &c->lock);
	EXPECT(at_look4(c, "10.1.2.3") == p[0]);
	EXPECT(at_look4(c, "10.1.2.200") == p[4]);
	wgc_allowedips_remove_by_peer(&c->table, p[7], &c->lock);
	EXPECT(!at_look4(c, "11.0.0.0"));
	EXPECT(at_check_trie(c, 32) == 4);

	/*
	 * One prefix taken away: only the exact one, only from its owner; the
	 * lookup falls back to the next shorter prefix.
	 */
	EXPECT(!at_del4(c, "10.1.0.0", 16, p[1]));
	EXPECT(at_look4(c, "10.1.200.1") == p[0]);
	EXPECT(!at_del4(c, "10.1.0.0", 17, p[0]));
	EXPECT(!at_del4(c, "10.0.0.0", 15, p[0]));
	EXPECT(!at_del4(c, "10.1.99.99", 32, p[0]));
	EXPECT(at_look4(c, "10.1.200.1") == p[0]);
	EXPECT(at_list_len(p[0]) == 2 && at_check_trie(c, 32) == 4);
	EXPECT(!at_del4(c, "10.1.255.255", 16, p[0]));
	EXPECT(at_look4(c, "10.1.200.1") == p[0]);
	EXPECT(at_reads_back(p[0], AF_INET, "10.0.0.0", 8));
	EXPECT(at_list_len(p[0]) == 1 && at_check_trie(c, 32) == 3);
	EXPECT(at_look4(c, "10.1.2.200") == p[4]);
	EXPECT(at_del4(c, "10.0.0.0", 33, p[0]) == -EINVAL);

	/* Lookups give no peer whose refcount already dropped to zero. */
	refcount_set(&p[6]->refcount.refcount, 0);
	EXPECT(!at_look4(c, "192.168.1.1"));
	refcount_set(&p[6]->refcount.refcount, 1);
	EXPECT(at_look4(c, "192.168.1.1") == p[6]);

	at_remove_all(c);
	EXPECT(!rcu_access_pointer(c->table.root4));
}

static void __init at_test_v6(struct at_ctx *c)
{
	struct wgc_peer **p = c->peers;

	EXPECT(!at_ins6(c, "2001:db8::", 32, p[0]));
	EXPECT(!at_ins6(c, "2001:db8::", 64, p[1]));
	/* Prefixes whose last bit lies in the second half of the key. */
	EXPECT(!at_ins6(c, "2001:db8::8000:0:0:0", 65, p[2]));
	EXPECT(!at_ins6(c, "2001:db8::1", 128, p[3]));
	EXPECT(!at_ins6(c, "2001:db8::3", 128, p[4]));
	EXPECT(!at_ins6(c, "::", 0, p[5]));
	EXPECT(at_look6(c, "2001:db8::1") == p[3]);
	EXPECT(at_look6(c, "2001:db8::3") == p[4]);
	EXPECT(at_look6(c, "2001:db8::2") == p[1]);
	EXPECT(at_look6(c, "2001:db8::8000:0:0:1") == p[2]);
	EXPECT(at_look6(c, "2001:db8::7fff:0:0:1") == p[1]);
	EXPECT(at_look6(c, "2001:db8:0:1::") == p[0]);
	EXPECT(at_look6(c, "2001:db9::") == p[5]);
	EXPECT(at_look6(c, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff") == p[5]);

	EXPECT(!at_ins6(c, "fe80::1234", 10, p[6]));
	EXPECT(at_reads_back(p[6], AF_INET6, "fe80::", 10));
	EXPECT(at_reads_back(p[2], AF_INET6, "2001:db8::8000:0:0:0", 65));
	EXPECT(at_reads_back(p[3], AF_INET6, "2001:db8::1", 128));
	EXPECT(at_look6(c, "febf:ffff::1") == p[6]);
	EXPECT(at_look6(c, "fec0::") == p[5]);

	EXPECT(!at_ins6(c, "2001:db8::1", 128, p[4]));
	EXPECT(at_look6(c, "2001:db8::1") == p[4]);
	EXPECT(at_list_len(p[3]) == 0 && at_list_len(p[4]) == 2);
	EXPECT(at_ins6(c, "::", 129, p[4]) == -EINVAL);

	/* One peer's prefixes in both families go together. */
	EXPECT(!at_ins4(c, "172.16.0.0", 12, p[4]));
	EXPECT(at_check_trie(c, 128) == 7);
	wgc_allowedips_remove_by_peer(&c->table, p[4], &c->lock);
	EXPECT(!at_look4(c, "172.16.0.1"));
	EXPECT(at_look6(c, "2001:db8::1") == p[1]);
	EXPECT(!rcu_access_pointer(c->table.root4));
	EXPECT(at_check_trie(c, 128) == 5);

	at_remove_all(c);
	EXPECT(!rcu_access_pointer(c->table.root6));
}

static struct sk_buff *__init at_skb(bool v6, const char *src, const char *dst)
{
	struct sk_buff *skb = alloc_skb(sizeof(struct ipv6hdr), GFP_KERNEL);
	struct ipv6hdr *ip6;
	struct iphdr *ip4;

	if (!skb)
		return NULL;
	skb_reset_network_header(skb);
	if (v6) {
		ip6 = skb_put_zero(skb, sizeof(*ip6));
		ip6->version = 6;
		in6_pton(src, -1, (u8 *)&ip6->saddr, -1, NULL);
		in6_pton(dst, -1, (u8 *)&ip6->daddr, -1, NULL);
		skb->protocol = htons(ETH_P_IPV6);
	} else {
		ip4 = skb_put_zero(skb, sizeof(*ip4));
		ip4->version = 4;
		ip4->ihl = 5;
		in4_pton(src, -1, (u8 *)&ip4->saddr, -1, NULL);
		in4_pton(dst, -1, (u8 *)&ip4->daddr, -1, NULL);
		skb->protocol = htons(ETH_P_IP);
	}
	return skb;
}

/* Looks @skb up by destination (or source), returns the peer unreferenced. */
static struct wgc_peer *__init at_skb_lookup(struct at_ctx *c,
					     struct sk_buff *skb, bool dst)
{
	struct wgc_peer *peer;

	if (!skb)
		return ERR_PTR(-ENOMEM);
	rcu_read_lock_bh();
	peer = dst ? wgc_allowedips_lookup_dst(&c->table, skb) :
		     wgc_allowedips_lookup_src(&c->table, skb);
	rcu_read_unlock_bh();
	if (peer)
		wgc_peer_put(peer);
	return peer;
}

static void __init at_test_skb(struct at_ctx *c)
{
	struct wgc_peer **p = c->peers;
	struct sk_buff *skb4, *skb6;

	EXPECT(!at_ins4(c, "192.0.2.0", 24, p[0]));
	EXPECT(!at_ins4(c, "198.51.100.0", 24, p[1]));
	EXPECT(!at_ins6(c, "2001:db8:1::", 48, p[2]));
	EXPECT(!at_ins6(c, "2001:db8:2::", 48, p[3]));
	skb4 = at_skb(false, "192.0.2.1", "198.51.100.7");
	skb6 = at_skb(true, "2001:db8:1::1", "2001:db8:2::1");
	EXPECT(at_skb_lookup(c, skb4, true) == p[1]);
	EXPECT(at_skb_lookup(c, skb4, false) == p[0]);
	EXPECT(at_skb_lookup(c, skb6, true) == p[3]);
	EXPECT(at_skb_lookup(c, skb6, false) == p[2]);
	if (skb4) {
		/* Neither IPv4 nor IPv6: no peer, whatever the bytes say. */
		skb4->protocol = htons(ETH_P_ARP);
		EXPECT(!at_skb_lookup(c, skb4, true));
		EXPECT(!at_skb_lookup(c, skb4, false));
	}
	kfree_skb(skb4);
	kfree_skb(skb6);
	at_remove_all(c);
}

/* Prefix @n of the bulk test: distinct /28s and /96s, alternately. */
static int __init at_bulk_insert(struct at_ctx *c, unsigned int n,
				 struct wgc_peer *peer)
{
	struct in6_addr ip6 = { };
	struct in_addr ip4;

	if (n % 2) {
		ip6.s6_addr32[0] = htonl(0x20010db8);
		ip6.s6_addr32[2] = htonl(n);
		return wgc_allowedips_insert_v6(&c->table, &ip6, 96, peer,
						&c->lock);
	}
	ip4.s_addr = htonl(0x0a000000 | n << 4);
	return wgc_allowedips_insert_v4(&c->table, &ip4, 28, peer, &c->lock);
}

/*
 * Many peers with a few prefixes each. Half the peers are removed one by
 * one, and then the whole table is freed with the other half still in: both
 * must take time linear in the number of prefixes (the time is logged at
 * debug level), and leave nothing behind.
 */
static void __init at_test_bulk(struct at_ctx *c)
{
	const unsigned int per_peer = AT_BULK_PREFIXES_PER_PEER;
	struct wgc_peer *peers;
	ktime_t start, removed;
	unsigned int i, j;

	/* One array: these peers are only ever looked at, never freed alone. */
	peers = kvcalloc(AT_BULK_PEERS, sizeof(*peers), GFP_KERNEL);
	if (!EXPECT(peers))
		return;
	for (i = 0; i < AT_BULK_PEERS; i++) {
		kref_init(&peers[i].refcount);
		INIT_LIST_HEAD(&peers[i].allowedips_list);
	}
	start = ktime_get();
	for (i = 0; i < AT_BULK_PEERS; i++) {
		for (j = 0; j < per_peer; j++)
			if (!EXPECT(!at_bulk_insert(c, i * per_peer + j, &peers[i])))
				goto out;
		cond_resched();
	}
	EXPECT(at_check_trie(c, 32) + at_check_trie(c, 128) ==
	       AT_BULK_PEERS * per_peer);
	EXPECT(at_list_len(&peers[AT_BULK_PEERS / 2]) == per_peer);

	removed = ktime_get();
	for (i = 0; i < AT_BULK_PEERS; i += 2)
		wgc_allowedips_remove_by_peer(&c->table, &peers[i], &c->lock);
	EXPECT(at_check_trie(c, 32) + at_check_trie(c, 128) ==
	       AT_BULK_PEERS * per_peer / 2);
	EXPECT(at_list_len(&peers[0]) == 0 && at_list_len(&peers[1]) == per_peer);
	pr_debug("allowedips bulk test: %u prefixes of %u peers added in %lld us, half the peers removed in %lld us\n",
		 AT_BULK_PEERS * per_peer, AT_BULK_PEERS,
		 ktime_us_delta(removed, start),
		 ktime_us_delta(ktime_get(), removed));
out:
	wgc_allowedips_free(&c->table, &c->lock);
	EXPECT(!rcu_access_pointer(c->table.root4) &&
	       !rcu_access_pointer(c->table.root6));
	for (i = 0; i < AT_BULK_PEERS; i++)
		if (!EXPECT(list_empty(&peers[i].allowedips_list)))
			break;
	kvfree(peers);
}

bool __init wgc_allowedips_selftest(void)
{
	struct at_ctx *c;
	unsigned int i;

	at_failures = 0;
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return false;
	c->ref4.bits = 32;
	c->ref6.bits = 128;
	c->ref4.prefixes = kvcalloc(AT_RANDOM_PREFIXES + AT_MORE_PREFIXES,
				    sizeof(*c->ref4.prefixes), GFP_KERNEL);
	c->ref6.prefixes = kvcalloc(AT_RANDOM_PREFIXES + AT_MORE_PREFIXES,
				    sizeof(*c->ref6.prefixes), GFP_KERNEL);
	for (i = 0; i < AT_PEERS; i++)
		c->peers[i] = at_peer_new();
	mutex_init(&c->lock);
	wgc_allowedips_init(&c->table);
	c->seed = get_random_u64();
	prandom_seed_state(&c->rng, c->seed);

	if (!EXPECT(c->ref4.prefixes && c->ref6.prefixes))
		goto out;
	for (i = 0; i < AT_PEERS; i++)
		if (!EXPECT(c->peers[i]))
			goto out;

	mutex_lock(&c->lock);
	at_test_v4(c);
	at_test_v6(c);
	at_test_skb(c);
	at_test_random(c);
	at_test_bulk(c);
	wgc_allowedips_free(&c->table, &c->lock);
	mutex_unlock(&c->lock);

out:
	for (i = 0; i < AT_PEERS; i++)
		at_peer_free(c->peers[i]);
	kvfree(c->ref4.prefixes);
	kvfree(c->ref6.prefixes);
	mutex_destroy(&c->lock);
	if (at_failures)
		pr_err("allowedips self-test: %u failed checks (random seed %016llx)\n",
		       at_failures, c->seed);
	kfree(c);
	return !at_failures;
}
