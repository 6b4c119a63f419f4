// SPDX-License-Identifier: GPL-2.0
/*
 * The allowed-IPs tries: longest-prefix match from an address to a peer.
 *
 * Readers (the packet path) walk a trie under RCU alone. Writers hold the
 * table's mutex and change the trie only in ways a concurrent walk survives:
 * a node's prefix never changes once it is reachable, a new node is complete
 * before the one pointer that publishes it is set, and a node that leaves the
 * trie is freed only after a grace period, with its own child pointers left
 * as they were. Because every node a walk passes is checked against the whole
 * address, a walk that raced a change can at worst miss or find a prefix that
 * was being added or removed; it never matches a prefix that does not cover
 * the address.
 */

#include "allowedips.h"
#include "peer.h"

#include <linux/bitops.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/minmax.h>
#include <linux/rcupdate.h>
#include <linux/skbuff.h>
#include <linux/slab.h>

static struct kmem_cache *node_cache;

#define deref_locked(p, lock) rcu_dereference_protected(p, lockdep_is_held(lock))

static void key_from_v4(u64 key[2], __be32 addr)
{
	key[0] = (u64)be32_to_cpu(addr) << 32;
	key[1] = 0;
}

static void key_from_v6(u64 key[2], const struct in6_addr *ip)
{
	key[0] = (u64)be32_to_cpu(ip->s6_addr32[0]) << 32 |
		 be32_to_cpu(ip->s6_addr32[1]);
	key[1] = (u64)be32_to_cpu(ip->s6_addr32[2]) << 32 |
		 be32_to_cpu(ip->s6_addr32[3]);
}

/* The @n most significant bits of a word set, 0 <= @n <= 64. */
static u64 top_bits(unsigned int n)
{
	return n ? ~0ULL << (64 - n) : 0;
}

static void key_truncate(u64 key[2], unsigned int cidr)
{
	key[0] &= top_bits(min(cidr, 64U));
	key[1] &= top_bits(cidr > 64 ? cidr - 64 : 0);
}

/* How many leading bits @a and @b share (128 if they are equal). */
static unsigned int key_common_bits(const u64 a[2], const u64 b[2])
{
	u64 diff = a[0] ^ b[0];

	if (diff)
		return 63 - __fls(diff);
	diff = a[1] ^ b[1];
	return diff ? 127 - __fls(diff) : 128;
}

/* The bit of @key at @depth (0: the most significant), @depth < 128. */
static unsigned int key_bit(const u64 key[2], unsigned int depth)
{
	return (key[depth / 64] >> (63 - depth % 64)) & 1;
}

static bool prefix_covers(const struct wgc_allowedips_node *node,
			  const u64 key[2])
{
	return key_common_bits(node->key, key) >= node->cidr;
}

/*
 * Caller holds rcu_read_lock_bh(). Prefixes only get longer on the way down,
 * so the last peer seen is the longest match's; each node's peer pointer is
 * read once, as a removal may clear it under the walk.
 */
static struct wgc_peer *lookup(struct wgc_allowedips_node __rcu *const *root,
			       unsigned int bits, const u64 key[2])
{
	struct wgc_allowedips_node *node = rcu_dereference_bh(*root);
	struct wgc_peer *best = NULL, *peer;

	while (node && prefix_covers(node, key)) {
		peer = rcu_dereference_bh(node->peer);
		if (peer)
			best = peer;
		if (node->cidr == bits)
			break;
		node = rcu_dereference_bh(node->child[key_bit(key, node->cidr)]);
	}
	/*
	 * A peer's refcount reaches zero only after its prefixes were taken
	 * out of the table (peer removal unlinks them first), so a fresh walk
	 * could only find whatever replaced it. That is a race with a
	 * configuration change, and dropping this one packet is its cheapest
	 * resolution; looping here instead would turn a refcount bug
	 * elsewhere into a softirq livelock.
	 */
	return best ? wgc_peer_get_maybe_zero(best) : NULL;
}

struct wgc_peer *wgc_allowedips_lookup_dst(struct wgc_allowedips *table,
					   struct sk_buff *skb)
{
	u64 key[2];

	if (skb->protocol == htons(ETH_P_IP)) {
		key_from_v4(key, ip_hdr(skb)->daddr);
		return lookup(&table->root4, 32, key);
	}
	if (skb->protocol == htons(ETH_P_IPV6)) {
		key_from_v6(key, &ipv6_hdr(skb)->daddr);
		return lookup(&table->root6, 128, key);
	}
	return NULL;
}

struct wgc_peer *wgc_allowedips_lookup_src(struct wgc_allowedips *table,
					   struct sk_buff *skb)
{
	u64 key[2];

	if (skb->protocol == htons(ETH_P_IP)) {
		key_from_v4(key, ip_hdr(skb)->saddr);
		return lookup(&table->root4, 32, key);
	}
	if (skb->protocol == htons(ETH_P_IPV6)) {
		key_from_v6(key, &ipv6_hdr(skb)->saddr);
		return lookup(&table->root6, 128, key);
	}
	return NULL;
}

static struct wgc_allowedips_node *node_new(const u64 key[2], unsigned int cidr,
					    unsigned int bits)
{
	struct wgc_allowedips_node *node;

	node = kmem_cache_zalloc(node_cache, GFP_KERNEL);
	if (unlikely(!node))
		return NULL;
	node->key[0] = key[0];
	node->key[1] = key[1];
	key_truncate(node->key, cidr);
	node->cidr = cidr;
	node->bits = bits;
	INIT_LIST_HEAD(&node->peer_list);
	return node;
}

static void node_free_rcu(struct rcu_head *rcu)
{
	kmem_cache_free(node_cache,
			container_of(rcu, struct wgc_allowedips_node, rcu));
}

static struct wgc_allowedips_node __rcu **root_of(struct wgc_allowedips *table,
						  unsigned int bits)
{
	return bits == 32 ? &table->root4 : &table->root6;
}

/* Where @node hangs: its parent's child pointer, or the root. */
static struct wgc_allowedips_node __rcu **
slot_of(struct wgc_allowedips_node __rcu **root,
	const struct wgc_allowedips_node *node)
{
	struct wgc_allowedips_node *parent = node->parent;

	return parent ? &parent->child[key_bit(node->key, parent->cidr)] : root;
}

/* Gives @node to @peer, taking it from its previous owner if any. */
static void node_set_peer(struct wgc_allowedips_node *node,
			  struct wgc_peer *peer)
{
	/* peer_list is empty (self-linked) while the node has no peer. */
	list_move_tail(&node->peer_list, &peer->allowedips_list);
	rcu_assign_pointer(node->peer, peer);
}

static int insert(struct wgc_allowedips_node __rcu **root, unsigned int bits,
		  u64 key[2], unsigned int cidr, struct wgc_peer *peer,
		  struct mutex *lock)
{
	struct wgc_allowedips_node __rcu **slot = root;
	struct wgc_allowedips_node *node, *parent = NULL, *leaf, *fork, *top;
	unsigned int common = 0;

	lockdep_assert_held(lock);
	if (unlikely(cidr > bits))
		return -EINVAL;
	key_truncate(key, cidr);

	/* Go down as long as the node's prefix is a prefix of the new one. */
	for (node = deref_locked(*slot, lock); node;
	     node = deref_locked(*slot, lock)) {
		common = min3(key_common_bits(node->key, key), cidr,
			      (unsigned int)node->cidr);
		if (common < node->cidr)
			break;
		if (node->cidr == cidr) {
			node_set_peer(node, peer);
			return 0;
		}
		parent = node;
		slot = &node->child[key_bit(key, node->cidr)];
	}

	leaf = node_new(key, cidr, bits);
	if (unlikely(!leaf))
		return -ENOMEM;
	top = leaf;
	if (node && common < cidr) {
		/*
		 * The new prefix and @node's first differ at bit @common: a
		 * branch point there holds both.
		 */
		fork = node_new(key, common, bits);
		if (unlikely(!fork)) {
			kmem_cache_free(node_cache, leaf);
			return -ENOMEM;
		}
		RCU_INIT_POINTER(fork->child[key_bit(node->key, common)], node);
		RCU_INIT_POINTER(fork->child[key_bit(key, common)], leaf);
		node->parent = fork;
		leaf->parent = fork;
		top = fork;
	} else if (node) {
		/* The new prefix is a prefix of @node's: it goes above. */
		RCU_INIT_POINTER(leaf->child[key_bit(node->key, cidr)], node);
		node->parent = leaf;
	}
	top->parent = parent;
	node_set_peer(leaf, peer);
	/* The one store that makes the new nodes reachable, complete. */
	rcu_assign_pointer(*slot, top);
	return 0;
}

int wgc_allowedips_insert_v4(struct wgc_allowedips *table,
			     const struct in_addr *ip, u8 cidr,
			     struct wgc_peer *peer, struct mutex *lock)
{
	u64 key[2];

	key_from_v4(key, ip->s_addr);
	return insert(&table->root4, 32, key, cidr, peer, lock);
}

int wgc_allowedips_insert_v6(struct wgc_allowedips *table,
			     const struct in6_addr *ip, u8 cidr,
			     struct wgc_peer *peer, struct mutex *lock)
{
	u64 key[2];

	key_from_v6(key, ip);
	return insert(&table->root6, 128, key, cidr, peer, lock);
}

/*
 * @node has just lost its peer. It stays if it still joins two subtrees;
 * otherwise its only child (if any) takes its place. A leaf leaving may
 * leave its parent a branch point with a single child, which goes the same
 * way; that parent's own parent keeps its number of children, so the
 * collapse stops there.
 */
static void prune(struct wgc_allowedips_node __rcu **root,
		  struct wgc_allowedips_node *node, struct mutex *lock)
{
	struct wgc_allowedips_node *child0, *child1, *child, *parent;

	while (node) {
		child0 = deref_locked(node->child[0], lock);
		child1 = deref_locked(node->child[1], lock);
		if (child0 && child1)
			return;
		child = child0 ?: child1;
		parent = node->parent;
		if (child)
			child->parent = parent;
		rcu_assign_pointer(*slot_of(root, node), child);
		call_rcu(&node->rcu, node_free_rcu);

		if (child || !parent || rcu_access_pointer(parent->peer))
			return;
		node = parent;
	}
}

/* The node of exactly @key/@cidr, with or without a peer, or NULL. */
static struct wgc_allowedips_node *
find_exact(struct wgc_allowedips_node __rcu **root, const u64 key[2],
	   unsigned int cidr, struct mutex *lock)
{
	struct wgc_allowedips_node *node = deref_locked(*root, lock);

	while (node && node->cidr <= cidr &&
	       key_common_bits(node->key, key) >= node->cidr) {
		if (node->cidr == cidr)
			return node;
		node = deref_locked(node->child[key_bit(key, node->cidr)], lock);
	}
	return NULL;
}

/* @node loses its peer, and leaves the trie unless it still joins two. */
static void node_clear_peer(struct wgc_allowedips_node __rcu **root,
			    struct wgc_allowedips_node *node,
			    struct mutex *lock)
{
	list_del_init(&node->peer_list);
	RCU_INIT_POINTER(node->peer, NULL);
	prune(root, node, lock);
}

static int remove_prefix(struct wgc_allowedips_node __rcu **root,
			 unsigned int bits, u64 key[2], unsigned int cidr,
			 struct wgc_peer *peer, struct mutex *lock)
{
	struct wgc_allowedips_node *node;

	lockdep_assert_held(lock);
	if (unlikely(cidr > bits))
		return -EINVAL;
	key_truncate(key, cidr);
	node = find_exact(root, key, cidr, lock);
	/* A branch point has no peer, so it is never @peer's. */
	if (node && rcu_access_pointer(node->peer) == peer)
		node_clear_peer(root, node, lock);
	return 0;
}

int wgc_allowedips_remove_v4(struct wgc_allowedips *table,
			     const struct in_addr *ip, u8 cidr,
			     struct wgc_peer *peer, struct mutex *lock)
{
	u64 key[2];

	key_from_v4(key, ip->s_addr);
	return remove_prefix(&table->root4, 32, key, cidr, peer, lock);
}

int wgc_allowedips_remove_v6(struct wgc_allowedips *table,
			     const struct in6_addr *ip, u8 cidr,
			     struct wgc_peer *peer, struct mutex *lock)
{
	u64 key[2];

	key_from_v6(key, ip);
	return remove_prefix(&table->root6, 128, key, cidr, peer, lock);
}

void wgc_allowedips_remove_by_peer(struct wgc_allowedips *table,
				   struct wgc_peer *peer, struct mutex *lock)
{
	struct wgc_allowedips_node *node, *next;

	lockdep_assert_held(lock);
	/*
	 * prune() frees only @node and branch points, which are on no list,
	 * so @next survives each step.
	 */
	list_for_each_entry_safe(node, next, &peer->allowedips_list, peer_list)
		node_clear_peer(root_of(table, node->bits), node, lock);
}

/* The first node of @node's subtree in post-order: its leftmost leaf. */
static struct wgc_allowedips_node *
first_leaf(struct wgc_allowedips_node *node, struct mutex *lock)
{
	struct wgc_allowedips_node *child;

	for (;;) {
		child = deref_locked(node->child[0], lock) ?:
			deref_locked(node->child[1], lock);
		if (!child)
			return node;
		node = child;
	}
}

/*
 * Frees a trie that readers can no longer reach from its root (but may still
 * be walking), in post-order through the parent pointers: no recursion and
 * no stack however deep the trie. Each node's successor is found before the
 * node is queued for freeing; children always precede their parent.
 */
static void free_trie(struct wgc_allowedips_node *root, struct mutex *lock)
{
	struct wgc_allowedips_node *node, *next, *parent, *right;

	for (node = root ? first_leaf(root, lock) : NULL; node; node = next) {
		parent = node->parent;
		next = parent;
		if (parent) {
			right = deref_locked(parent->child[1], lock);
			if (right && right != node)
				next = first_leaf(right, lock);
		}
		list_del_init(&node->peer_list);
		call_rcu(&node->rcu, node_free_rcu);
	}
}

void wgc_allowedips_init(struct wgc_allowedips *table)
{
	RCU_INIT_POINTER(table->root4, NULL);
	RCU_INIT_POINTER(table->root6, NULL);
}

void wgc_allowedips_free(struct wgc_allowedips *table, struct mutex *lock)
{
	struct wgc_allowedips_node *root4 = deref_locked(table->root4, lock);
	struct wgc_allowedips_node *root6 = deref_locked(table->root6, lock);

	RCU_INIT_POINTER(table->root4, NULL);
	RCU_INIT_POINTER(table->root6, NULL);
	free_trie(root4, lock);
	free_trie(root6, lock);
}

int wgc_allowedips_read_node(struct wgc_allowedips_node *node, u8 ip[16],
			     u8 *cidr)
{
	unsigned int i;

	/* Host bits are zero in the key: the prefix reads back canonical. */
	for (i = 0; i < node->bits / 8; i++)
		ip[i] = node->key[i / 8] >> (56 - 8 * (i % 8));
	*cidr = node->cidr;
	return node->bits == 32 ? AF_INET : AF_INET6;
}

int __init wgc_allowedips_slab_init(void)
{
	node_cache = KMEM_CACHE(wgc_allowedips_node, 0);
	return node_cache ? 0 : -ENOMEM;
}

void wgc_allowedips_slab_uninit(void)
{
	/* Nodes removed from a trie are still queued for RCU. */
	rcu_barrier();
	kmem_cache_destroy(node_cache);
}

#ifdef WGC_DEBUG
#include "tests/allowedips.c"
#endif
