// SPDX-License-Identifier: GPL-2.0
/*
 * wgctl syncconf <interface> <configuration file>
 *
 * syncconf goes further than wg(8)'s. wg(8) sends every peer of the file
 * again and removes the others; wgctl sends only what differs, and takes
 * the file as the whole truth for the peers it keeps: a PresharedKey or
 * PersistentKeepalive left out of the file is removed from the peer, as
 * setconf would have it, where wg(8) would keep the old one. An Endpoint
 * left out is the one thing kept, since the peer's roaming sets it. For
 * the same reason the file may not mark allowed IPs `+' or `-' (conffile.c
 * refuses them for syncconf), which wg(8) applies to the current list:
 * here the file's list is the whole list.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "conffile.h"
#include "encoding.h"
#include "keys.h"
#include "netlink.h"
#include "setconf.h"
#include "syncconf.h"
#include "wgctl.h"

/* Indices of list's peers, sorted by public key, for bsearch(). */
struct peer_index {
	const struct wgctl_peer_list *list;
	size_t *order;
};

static int by_key(const void *a, const void *b, void *list)
{
	const struct wgctl_peer *peers = ((const struct wgctl_peer_list *)list)->peers;

	return memcmp(peers[*(const size_t *)a].public_key,
		      peers[*(const size_t *)b].public_key, WGC_KEY_LEN);
}

static int index_peers(struct peer_index *idx,
		       const struct wgctl_peer_list *list)
{
	size_t i;

	idx->list = list;
	idx->order = calloc(list->count ? list->count : 1,
			    sizeof(*idx->order));
	if (!idx->order)
		return -ENOMEM;
	for (i = 0; i < list->count; i++)
		idx->order[i] = i;
	qsort_r(idx->order, list->count, sizeof(*idx->order), by_key,
		(void *)list);
	return 0;
}

static const struct wgctl_peer *find_peer(const struct peer_index *idx,
					  const uint8_t key[WGC_KEY_LEN])
{
	size_t lo = 0, hi = idx->list->count, mid;
	const struct wgctl_peer *peer;
	int cmp;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		peer = &idx->list->peers[idx->order[mid]];
		cmp = memcmp(key, peer->public_key, WGC_KEY_LEN);
		if (!cmp)
			return peer;
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* An allowed IP as the kernel keeps it: host bits cleared. */
static struct wgctl_allowedip masked(const struct wgctl_allowedip *aip)
{
	struct wgctl_allowedip m = *aip;
	uint8_t *b = (uint8_t *)&m.ip6;
	unsigned int bytes = m.family == AF_INET ? 4 : 16, i;

	for (i = 0; i < bytes; i++) {
		if ((i + 1) * 8 <= m.cidr)
			continue;
		if (i * 8 >= m.cidr)
			b[i] = 0;
		else
			b[i] &= (uint8_t)(0xff << (8 - (m.cidr - i * 8)));
	}
	return m;
}

static int compare_allowedips(const void *a, const void *b)
{
	const struct wgctl_allowedip *x = a, *y = b;

	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	if (x->cidr != y->cidr)
		return x->cidr < y->cidr ? -1 : 1;
	return memcmp(&x->ip6, &y->ip6,
		      x->family == AF_INET ? sizeof(x->ip4) : sizeof(x->ip6));
}

/* peer's allowed IPs masked, sorted and without repeats; NULL: ENOMEM. */
static struct wgctl_allowedip *normal_allowedips(const struct wgctl_peer *peer,
						 size_t *count)
{
	struct wgctl_allowedip *v;
	size_t i, n = 0;

	v = calloc(peer->num_allowedips ? peer->num_allowedips : 1,
		   sizeof(*v));
	if (!v)
		return NULL;
	for (i = 0; i < peer->num_allowedips; i++)
		v[i] = masked(&peer->allowedips[i]);
	qsort(v, peer->num_allowedips, sizeof(*v), compare_allowedips);
	for (i = 0; i < peer->num_allowedips; i++)
		if (!n || compare_allowedips(&v[n - 1], &v[i]))
			v[n++] = v[i];
	*count = n;
	return v;
}

/* Whether the kernel would hold the same prefixes for a as for b. */
static int same_allowedips(const struct wgctl_peer *a,
			   const struct wgctl_peer *b, bool *same)
{
	struct wgctl_allowedip *x, *y;
	size_t nx, ny, i;

	x = normal_allowedips(a, &nx);
	y = normal_allowedips(b, &ny);
	if (!x || !y) {
		free(x);
		free(y);
		return -ENOMEM;
	}
	*same = nx == ny;
	for (i = 0; *same && i < nx; i++)
		*same = !compare_allowedips(&x[i], &y[i]);
	free(x);
	free(y);
	return 0;
}

static bool same_endpoint(const union wgctl_endpoint *a,
			  const union wgctl_endpoint *b)
{
	if (a->addr.sa_family != b->addr.sa_family)
		return false;
	if (a->addr.sa_family == AF_INET)
		return a->addr4.sin_port == b->addr4.sin_port &&
		       a->addr4.sin_addr.s_addr == b->addr4.sin_addr.s_addr;
	if (a->addr.sa_family == AF_INET6)
		return a->addr6.sin6_port == b->addr6.sin6_port &&
		       !memcmp(&a->addr6.sin6_addr, &b->addr6.sin6_addr,
			       sizeof(a->addr6.sin6_addr));
	return true;
}

static int copy_allowedips(struct wgctl_peer *to, const struct wgctl_peer *from)
{
	struct wgctl_allowedip *slot;
	size_t i;

	for (i = 0; i < from->num_allowedips; i++) {
		slot = wgctl_peer_add_allowedip(to);
		if (!slot)
			return -ENOMEM;
		*slot = from->allowedips[i];
	}
	return 0;
}

/* A peer of the file that the device lacks: all of it. */
static int add_new_peer(struct wgctl_device *out,
			const struct wgctl_peer *want)
{
	struct wgctl_peer *peer = wgctl_peers_add(&out->peers);

	if (!peer)
		return -ENOMEM;
	*peer = *want;
	peer->stats = NULL;
	peer->allowedips = NULL;
	peer->num_allowedips = 0;
	peer->cap_allowedips = 0;
	peer->flags = WGC_PEER_F_REPLACE_ALLOWEDIPS;
	return copy_allowedips(peer, want);
}

/*
 * The fields of a peer both have that differ. Nothing is added if none
 * does; UPDATE_ONLY keeps a peer removed meanwhile from coming back.
 */
static int update_peer(struct wgctl_device *out,
		       const struct wgctl_peer *cur,
		       const struct wgctl_peer *want)
{
	static const uint8_t no_key[WGC_KEY_LEN];
	const uint8_t *psk = want->has_preshared_key ? want->preshared_key :
						       no_key;
	const uint8_t *cur_psk = cur->has_preshared_key ? cur->preshared_key :
							  no_key;
	uint16_t keepalive = want->has_keepalive ? want->persistent_keepalive : 0;
	bool psk_differs, ips_same, endpoint_differs, keepalive_differs;
	struct wgctl_peer *peer;
	int ret;

	ret = same_allowedips(cur, want, &ips_same);
	if (ret)
		return ret;
	psk_differs = sodium_memcmp(psk, cur_psk, WGC_KEY_LEN) != 0;
	endpoint_differs = want->endpoint.addr.sa_family != AF_UNSPEC &&
			   !same_endpoint(&want->endpoint, &cur->endpoint);
	keepalive_differs = keepalive != cur->persistent_keepalive;
	if (ips_same && !psk_differs && !endpoint_differs && !keepalive_differs)
		return 0;

	peer = wgctl_peers_add(&out->peers);
	if (!peer)
		return -ENOMEM;
	memcpy(peer->public_key, want->public_key, WGC_KEY_LEN);
	peer->flags = WGC_PEER_F_UPDATE_ONLY;
	if (psk_differs) {
		memcpy(peer->preshared_key, psk, WGC_KEY_LEN);
		peer->has_preshared_key = true;
	}
	if (endpoint_differs)
		peer->endpoint = want->endpoint;
	if (keepalive_differs) {
		peer->persistent_keepalive = keepalive;
		peer->has_keepalive = true;
	}
	if (ips_same)
		return 0;
	peer->flags |= WGC_PEER_F_REPLACE_ALLOWEDIPS;
	return copy_allowedips(peer, want);
}

static void sync_interface(const struct wgctl_device *cur,
			   const struct wgctl_device *want,
			   struct wgctl_device *out)
{
	uint8_t clamped[WGC_KEY_LEN];
	bool want_key = !key_is_zero(want->private_key);

	/* The kernel holds, and shows, the key clamped. */
	memcpy(clamped, want->private_key, WGC_KEY_LEN);
	keys_clamp(clamped);
	if (want->set_private_key &&
	    (want_key != cur->has_private_key ||
	     (want_key && sodium_memcmp(clamped, cur->private_key,
					WGC_KEY_LEN)))) {
		out->set_private_key = true;
		memcpy(out->private_key, want->private_key, WGC_KEY_LEN);
	}
	sodium_memzero(clamped, sizeof(clamped));
	/* Port 0 asks for any port: the one bound already is one. */
	if (want->set_listen_port && want->listen_port &&
	    want->listen_port != cur->listen_port) {
		out->set_listen_port = true;
		out->listen_port = want->listen_port;
	}
	if (want->set_fwmark && want->fwmark != cur->fwmark) {
		out->set_fwmark = true;
		out->fwmark = want->fwmark;
	}
}

/* Removals first: the prefixes they free may be taken up below. */
static int sync_peers(const struct wgctl_device *cur,
		      const struct wgctl_device *want,
		      struct wgctl_device *out)
{
	struct peer_index in_cur = { 0 }, in_want = { 0 };
	const struct wgctl_peer *match;
	struct wgctl_peer *gone;
	size_t i;
	int ret;

	ret = index_peers(&in_cur, &cur->peers);
	if (!ret)
		ret = index_peers(&in_want, &want->peers);
	for (i = 0; !ret && i < cur->peers.count; i++) {
		if (find_peer(&in_want, cur->peers.peers[i].public_key))
			continue;
		gone = wgctl_peers_add(&out->peers);
		if (!gone) {
			ret = -ENOMEM;
			break;
		}
		memcpy(gone->public_key, cur->peers.peers[i].public_key,
		       WGC_KEY_LEN);
		gone->flags = WGC_PEER_F_REMOVE_ME;
	}
	for (i = 0; !ret && i < want->peers.count; i++) {
		match = find_peer(&in_cur, want->peers.peers[i].public_key);
		ret = match ? update_peer(out, match, &want->peers.peers[i]) :
			      add_new_peer(out, &want->peers.peers[i]);
	}
	free(in_cur.order);
	free(in_want.order);
	return ret;
}

int syncconf_change(const struct wgctl_device *cur,
		    const struct wgctl_device *want,
		    struct wgctl_device *out)
{
	memset(out, 0, sizeof(*out));
	memcpy(out->name, want->name, sizeof(out->name));
	sync_interface(cur, want, out);
	return sync_peers(cur, want, out);
}

static bool nothing_to_change(const struct wgctl_device *c)
{
	return !c->set_private_key && !c->set_listen_port && !c->set_fwmark &&
	       !c->replace_peers && !c->peers.count;
}

/* The least change that makes the device what want says. */
static int sync_device(const struct wgctl_device *want)
{
	struct wgctl_device change;
	struct wgctl_device cur;
	struct wgctl_nl_error e;
	int ret;

	if (wgctl_get_device(want->name, 0, &cur, &e) < 0) {
		wgctl_nl_perror("Unable to access interface", &e);
		return -1;
	}
	ret = syncconf_change(&cur, want, &change);
	wgctl_device_free(&cur);
	if (ret < 0)
		fprintf(stderr, "%s: Out of memory\n", PROG_NAME);
	else if (!nothing_to_change(&change))
		ret = setconf_send(&change);
	wgctl_device_free(&change);
	return ret;
}

int syncconf_main(int argc, char *argv[])
{
	return setconf_command(argc, argv, CONF_SYNC, sync_device);
}
