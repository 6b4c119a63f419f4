/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Cryptokey routing: each peer owns a set of IP prefixes. On transmit the
 * destination address picks the peer (longest prefix match); on receive a
 * decrypted packet's source address must map back to the peer that sent it.
 * One binary trie per address family; a prefix belongs to at most one peer.
 */

#ifndef _WGC_ALLOWEDIPS_H
#define _WGC_ALLOWEDIPS_H

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>

struct sk_buff;
struct wgc_peer;
struct wgc_allowedips_node;

/*
 * Writers hold the mutex passed to each call (the device's
 * device_update_lock); packet-path readers hold rcu_read_lock_bh().
 */
struct wgc_allowedips {
	struct wgc_allowedips_node __rcu *root4;
	struct wgc_allowedips_node __rcu *root6;
};

void wgc_allowedips_init(struct wgc_allowedips *table);
/* Removes every prefix; frees the nodes after an RCU grace period. */
void wgc_allowedips_free(struct wgc_allowedips *table, struct mutex *lock);

/*
 * Adds @ip/@cidr for @peer; the host bits of @ip are ignored. If another
 * peer owned exactly that prefix, it moves to @peer. Returns 0, -EINVAL if
 * @cidr is longer than the address, or -ENOMEM (the table is unchanged on
 * error). Sleeps (allocates with GFP_KERNEL).
 */
int wgc_allowedips_insert_v4(struct wgc_allowedips *table,
			     const struct in_addr *ip, u8 cidr,
			     struct wgc_peer *peer, struct mutex *lock);
int wgc_allowedips_insert_v6(struct wgc_allowedips *table,
			     const struct in6_addr *ip, u8 cidr,
			     struct wgc_peer *peer, struct mutex *lock);
/*
 * Takes @ip/@cidr from @peer: only that exact prefix (host bits ignored),
 * and only if @peer owns it; anything else is left as it is, which is not
 * an error. Returns 0, or -EINVAL if @cidr is longer than the address.
 */
int wgc_allowedips_remove_v4(struct wgc_allowedips *table,
			     const struct in_addr *ip, u8 cidr,
			     struct wgc_peer *peer, struct mutex *lock);
int wgc_allowedips_remove_v6(struct wgc_allowedips *table,
			     const struct in6_addr *ip, u8 cidr,
			     struct wgc_peer *peer, struct mutex *lock);
/* Removes every prefix @peer owns. Cannot fail. */
void wgc_allowedips_remove_by_peer(struct wgc_allowedips *table,
				   struct wgc_peer *peer, struct mutex *lock);

/*
 * One prefix of one peer. Besides its place in a trie, each node is linked
 * on its peer's allowedips_list (through peer_list), which is how a peer's
 * prefixes are removed and dumped; the trie's own members are private to
 * allowedips.c.
 *
 * The trie is path-compressed: a node sits where its prefix first differs
 * from its neighbours', not at every bit. A node without a peer is a branch
 * point that exists only to hold two subtrees, and always has both children:
 * one that loses a subtree is taken out at once.
 */
struct wgc_allowedips_node {
	/*
	 * What the packet path reads comes first. The prefix's bits in host
	 * order, most significant first (IPv4 in the top half of key[0]), with
	 * every bit past cidr zero. key, cidr and bits never change once the
	 * node is in a trie, so a reader may trust them on any node it reaches.
	 */
	u64 key[2];
	/* Longer prefixes, by their first bit past this node's prefix. */
	struct wgc_allowedips_node __rcu *child[2];
	struct wgc_peer __rcu *peer;	/* NULL: a branch point only */
	u8 cidr;
	u8 bits;			/* 32 or 128: the address family */

	/* Writer side only, under the table's lock. */
	struct wgc_allowedips_node *parent;	/* NULL at the root */
	/*
	 * A node leaves its peer's list before it is handed to RCU to be
	 * freed, and nothing walks that list but writers: the two can share
	 * their memory, which makes a node 72 bytes instead of 88.
	 */
	union {
		struct list_head peer_list;	/* empty while peer is NULL */
		struct rcu_head rcu;
	};
};

/*
 * Reads back one prefix: fills @ip (4 or 16 bytes, network order) and
 * @cidr, and returns AF_INET or AF_INET6. Caller holds the table's lock.
 */
int wgc_allowedips_read_node(struct wgc_allowedips_node *node, u8 ip[16],
			     u8 *cidr);

/*
 * Packet path, caller holds rcu_read_lock_bh(): the peer owning the best
 * match for the packet's destination (for sending) or source (for checking a
 * received packet), with a reference held (wgc_peer_put() it), or NULL.
 * The skb's network header must be set and hold a whole IPv4 or IPv6
 * header, as skb->protocol says.
 */
struct wgc_peer *wgc_allowedips_lookup_dst(struct wgc_allowedips *table,
					   struct sk_buff *skb);
struct wgc_peer *wgc_allowedips_lookup_src(struct wgc_allowedips *table,
					   struct sk_buff *skb);

/*
 * The nodes' slab cache: created before any table is used (and before the
 * self-test runs); destroyed after every table was freed, waiting for the
 * nodes still queued for RCU.
 */
int wgc_allowedips_slab_init(void);
void wgc_allowedips_slab_uninit(void);

#ifdef WGC_DEBUG
bool wgc_allowedips_selftest(void);
#endif

#endif /* _WGC_ALLOWEDIPS_H */
