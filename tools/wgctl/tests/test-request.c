// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for tools/wgctl/request.c: a set request split over several
 * netlink messages. Every message must fit the bound, follow the uapi
 * header's rules for continued peers, and the messages decoded back (by
 * a decoder written here, independently of wgctl's reply parser) must
 * give exactly the configuration that went in.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "request.h"
#include "unit.h"

#define FAMILY 0x1d

/* A deterministic pseudo-random sequence (xorshift32). */
static uint32_t rng_state = 2463534242u;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static void random_bytes(void *p, size_t len)
{
	uint8_t *b = p;

	while (len--)
		*b++ = (uint8_t)rng();
}

/* Alternating IPv4 and IPv6, prefix lengths all over their range. */
static void random_allowedip(struct wgctl_allowedip *aip, size_t i)
{
	memset(aip, 0, sizeof(*aip));
	if (i % 2) {
		aip->family = AF_INET6;
		random_bytes(&aip->ip6, 16);
		aip->cidr = (uint8_t)(rng() % 129);
	} else {
		aip->family = AF_INET;
		random_bytes(&aip->ip4, 4);
		aip->cidr = (uint8_t)(rng() % 33);
	}
}

static void random_endpoint(struct wgctl_peer *peer)
{
	switch (rng() % 3) {
	case 0:
		peer->endpoint.addr4.sin_family = AF_INET;
		random_bytes(&peer->endpoint.addr4.sin_addr, 4);
		peer->endpoint.addr4.sin_port = (uint16_t)rng();
		break;
	case 1:
		peer->endpoint.addr6.sin6_family = AF_INET6;
		random_bytes(&peer->endpoint.addr6.sin6_addr, 16);
		peer->endpoint.addr6.sin6_port = (uint16_t)rng();
		break;
	default:
		break;		/* no endpoint */
	}
}

static void random_peer(struct wgctl_peer *peer, size_t num_ips)
{
	size_t i;

	random_bytes(peer->public_key, WGC_KEY_LEN);
	if (rng() % 2) {
		random_bytes(peer->preshared_key, WGC_KEY_LEN);
		peer->has_preshared_key = true;
	}
	if (rng() % 2) {
		peer->persistent_keepalive = (uint16_t)rng();
		peer->has_keepalive = true;
	}
	random_endpoint(peer);
	peer->flags = WGC_PEER_F_REPLACE_ALLOWEDIPS;
	for (i = 0; i < num_ips; i++)
		random_allowedip(wgctl_peer_add_allowedip(peer), i);
}

static void make_change(struct wgctl_device *c, size_t peers,
			size_t ips)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	strcpy(c->name, "wgc0");
	c->set_private_key = true;
	random_bytes(c->private_key, WGC_KEY_LEN);
	c->set_listen_port = true;
	c->listen_port = 51820;
	c->set_fwmark = true;
	c->fwmark = 0xca6c;
	c->replace_peers = true;
	for (i = 0; i < peers; i++)
		random_peer(wgctl_peers_add(&c->peers), ips);
}

/* ---- An independent decoder ---- */

/* What the messages said, rebuilt; plus what broke the rules. */
struct decoded {
	struct wgctl_device change;
	size_t messages;
	size_t continuations;
	char error[200];
};

__attribute__((format(printf, 2, 3)))
static int bad(struct decoded *d, const char *fmt, ...)
{
	va_list ap;

	if (!d->error[0]) {
		va_start(ap, fmt);
		vsnprintf(d->error, sizeof(d->error), fmt, ap);
		va_end(ap);
	}
	return MNL_CB_ERROR;
}

static int collect_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);

	/* Every type we send is below 16; anything else is a bug. */
	if (type >= 16)
		return MNL_CB_ERROR;
	if (tb[type])
		return MNL_CB_ERROR;	/* no attribute twice */
	tb[type] = attr;
	return MNL_CB_OK;
}

static int decode_allowedip(const struct nlattr *nest, void *data)
{
	const struct nlattr *tb[16] = { 0 };
	struct wgctl_peer *peer = data;
	struct wgctl_allowedip *aip;
	size_t len;

	if (mnl_attr_parse_nested(nest, collect_cb, tb) < 0 ||
	    !tb[WGC_ALLOWEDIP_A_FAMILY] || !tb[WGC_ALLOWEDIP_A_IPADDR] ||
	    !tb[WGC_ALLOWEDIP_A_CIDR_MASK])
		return MNL_CB_ERROR;
	aip = wgctl_peer_add_allowedip(peer);
	aip->family = mnl_attr_get_u16(tb[WGC_ALLOWEDIP_A_FAMILY]);
	aip->cidr = mnl_attr_get_u8(tb[WGC_ALLOWEDIP_A_CIDR_MASK]);
	len = mnl_attr_get_payload_len(tb[WGC_ALLOWEDIP_A_IPADDR]);
	if (len != (aip->family == AF_INET ? 4u : 16u))
		return MNL_CB_ERROR;
	memcpy(&aip->ip6, mnl_attr_get_payload(tb[WGC_ALLOWEDIP_A_IPADDR]),
	       len);
	/* Sent only when there is a flag: old modules refuse it. */
	if (tb[WGC_ALLOWEDIP_A_FLAGS]) {
		aip->flags = mnl_attr_get_u32(tb[WGC_ALLOWEDIP_A_FLAGS]);
		if (!aip->flags)
			return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

static void decode_settings(struct wgctl_peer *peer, const struct nlattr **tb)
{
	const struct nlattr *a;

	if ((a = tb[WGC_PEER_A_PRESHARED_KEY])) {
		memcpy(peer->preshared_key, mnl_attr_get_payload(a),
		       WGC_KEY_LEN);
		peer->has_preshared_key = true;
	}
	if ((a = tb[WGC_PEER_A_ENDPOINT]))
		memcpy(&peer->endpoint, mnl_attr_get_payload(a),
		       mnl_attr_get_payload_len(a));
	if ((a = tb[WGC_PEER_A_PERSISTENT_KEEPALIVE_INTERVAL])) {
		peer->persistent_keepalive = mnl_attr_get_u16(a);
		peer->has_keepalive = true;
	}
}

/* The state of decoding one message. */
struct msg_ctx {
	struct decoded *d;
	size_t peers_in_msg;
};

/*
 * A peer nest repeating the last key is a continuation: only legal first
 * in a message, and carrying nothing but the key, flags minus
 * REPLACE_ALLOWEDIPS, and more allowed IPs.
 */
static int decode_peer(const struct nlattr *nest, void *data)
{
	const struct nlattr *tb[16] = { 0 };
	struct msg_ctx *m = data;
	struct wgctl_peer_list *list = &m->d->change.peers;
	struct wgctl_peer *last = list->count ? &list->peers[list->count - 1] :
					      NULL, *peer;
	uint32_t flags = 0;

	if (mnl_attr_parse_nested(nest, collect_cb, tb) < 0 ||
	    !tb[WGC_PEER_A_PUBLIC_KEY])
		return bad(m->d, "malformed peer");
	if (tb[WGC_PEER_A_FLAGS])
		flags = mnl_attr_get_u32(tb[WGC_PEER_A_FLAGS]);
	m->peers_in_msg++;

	if (last && !memcmp(last->public_key,
			    mnl_attr_get_payload(tb[WGC_PEER_A_PUBLIC_KEY]),
			    WGC_KEY_LEN)) {
		if (m->peers_in_msg != 1)
			return bad(m->d, "continuation not first in message");
		if (flags & WGC_PEER_F_REPLACE_ALLOWEDIPS)
			return bad(m->d, "continuation replaces allowed IPs");
		if (tb[WGC_PEER_A_PRESHARED_KEY] || tb[WGC_PEER_A_ENDPOINT] ||
		    tb[WGC_PEER_A_PERSISTENT_KEEPALIVE_INTERVAL])
			return bad(m->d, "continuation repeats settings");
		if (!tb[WGC_PEER_A_ALLOWEDIPS])
			return bad(m->d, "continuation without allowed IPs");
		m->d->continuations++;
		peer = last;
	} else {
		peer = wgctl_peers_add(list);
		memcpy(peer->public_key,
		       mnl_attr_get_payload(tb[WGC_PEER_A_PUBLIC_KEY]),
		       WGC_KEY_LEN);
		peer->flags = flags;
		decode_settings(peer, tb);
	}
	if (tb[WGC_PEER_A_ALLOWEDIPS] &&
	    mnl_attr_parse_nested(tb[WGC_PEER_A_ALLOWEDIPS], decode_allowedip,
				  peer) < 0)
		return bad(m->d, "malformed allowed IP");
	return MNL_CB_OK;
}

static void decode_device(struct decoded *d, const struct nlattr **tb)
{
	struct wgctl_device *c = &d->change;

	if (tb[WGC_DEVICE_A_PRIVATE_KEY]) {
		c->set_private_key = true;
		memcpy(c->private_key,
		       mnl_attr_get_payload(tb[WGC_DEVICE_A_PRIVATE_KEY]),
		       WGC_KEY_LEN);
	}
	if (tb[WGC_DEVICE_A_LISTEN_PORT]) {
		c->set_listen_port = true;
		c->listen_port = mnl_attr_get_u16(tb[WGC_DEVICE_A_LISTEN_PORT]);
	}
	if (tb[WGC_DEVICE_A_FWMARK]) {
		c->set_fwmark = true;
		c->fwmark = mnl_attr_get_u32(tb[WGC_DEVICE_A_FWMARK]);
	}
	if (tb[WGC_DEVICE_A_FLAGS])
		c->replace_peers = mnl_attr_get_u32(tb[WGC_DEVICE_A_FLAGS]) &
				   WGC_DEVICE_F_REPLACE_PEERS;
}

static bool header_ok(const struct nlmsghdr *nlh, size_t bound)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);

	return nlh->nlmsg_len <= bound && nlh->nlmsg_type == FAMILY &&
	       nlh->nlmsg_flags == (NLM_F_REQUEST | NLM_F_ACK) &&
	       genl->cmd == WGC_CMD_SET_DEVICE &&
	       genl->version == WGC_GENL_VERSION;
}

static bool device_only_first(const struct nlattr **tb, size_t i)
{
	return !i || (!tb[WGC_DEVICE_A_PRIVATE_KEY] &&
		      !tb[WGC_DEVICE_A_LISTEN_PORT] &&
		      !tb[WGC_DEVICE_A_FWMARK] && !tb[WGC_DEVICE_A_FLAGS]);
}

static int decode_message(struct decoded *d, const struct nlmsghdr *nlh,
			  size_t i, size_t bound)
{
	const struct nlattr *tb[16] = { 0 };
	struct msg_ctx m = { .d = d };

	if (!header_ok(nlh, bound))
		return bad(d, "message %zu: bad header or %u bytes", i,
			   nlh->nlmsg_len);
	if (mnl_attr_parse(nlh, sizeof(struct genlmsghdr), collect_cb,
			   tb) < 0)
		return bad(d, "message %zu: malformed", i);
	if (!tb[WGC_DEVICE_A_IFNAME] ||
	    strcmp(mnl_attr_get_str(tb[WGC_DEVICE_A_IFNAME]), "wgc0"))
		return bad(d, "message %zu: no interface name", i);
	if (!device_only_first(tb, i))
		return bad(d, "message %zu: device attributes", i);
	decode_device(d, tb);
	if (tb[WGC_DEVICE_A_PEERS] &&
	    mnl_attr_parse_nested(tb[WGC_DEVICE_A_PEERS], decode_peer,
				  &m) < 0)
		return bad(d, "message %zu: bad peers", i);
	if (i && !m.peers_in_msg)
		return bad(d, "message %zu carries nothing", i);
	return 0;
}

static void decode(struct decoded *d, const struct wgctl_set_batch *batch)
{
	size_t i;

	memset(d, 0, sizeof(*d));
	strcpy(d->change.name, "wgc0");
	for (i = 0; i < batch->count; i++)
		if (decode_message(d, batch->msgs[i], i, batch->bound) < 0)
			return;
	d->messages = batch->count;
}

/* ---- Comparing ---- */

static bool same_peer(const struct wgctl_peer *a, const struct wgctl_peer *b)
{
	return !memcmp(a->public_key, b->public_key, WGC_KEY_LEN) &&
	       a->flags == b->flags &&
	       a->has_preshared_key == b->has_preshared_key &&
	       !memcmp(a->preshared_key, b->preshared_key, WGC_KEY_LEN) &&
	       a->has_keepalive == b->has_keepalive &&
	       a->persistent_keepalive == b->persistent_keepalive &&
	       !memcmp(&a->endpoint, &b->endpoint, sizeof(a->endpoint)) &&
	       a->num_allowedips == b->num_allowedips &&
	       (!a->num_allowedips ||
		!memcmp(a->allowedips, b->allowedips,
			a->num_allowedips * sizeof(*a->allowedips)));
}

/* Index of the first peer that differs, or the count if none does. */
static size_t first_difference(const struct wgctl_device *a,
			       const struct wgctl_device *b)
{
	size_t i;

	for (i = 0; i < a->peers.count && i < b->peers.count; i++)
		if (!same_peer(&a->peers.peers[i], &b->peers.peers[i]))
			return i;
	return i;
}

static bool same_change(const struct wgctl_device *a,
			const struct wgctl_device *b)
{
	return a->set_private_key == b->set_private_key &&
	       !memcmp(a->private_key, b->private_key, WGC_KEY_LEN) &&
	       a->set_listen_port == b->set_listen_port &&
	       a->listen_port == b->listen_port &&
	       a->set_fwmark == b->set_fwmark && a->fwmark == b->fwmark &&
	       a->replace_peers == b->replace_peers &&
	       a->peers.count == b->peers.count &&
	       first_difference(a, b) == a->peers.count;
}

/* Build, decode, compare; returns the number of messages (0: failed). */
static size_t round_trip(const char *name, struct wgctl_device *c,
			 size_t bound, size_t *continuations)
{
	struct wgctl_set_batch batch;
	struct decoded d;
	int ret;

	ret = wgctl_set_batch_build(c, FAMILY, bound, &batch);
	if (ret) {
		unit_check(name, false, "build failed: %d", ret);
		return 0;
	}
	decode(&d, &batch);
	if (!d.error[0] && !same_change(c, &d.change))
		snprintf(d.error, sizeof(d.error),
			 "decoded differently (first differing peer %zu)",
			 first_difference(c, &d.change));
	unit_check(name, !d.error[0], "%zu messages: %s", batch.count,
		   d.error);
	if (continuations)
		*continuations = d.continuations;
	wgctl_set_batch_free(&batch);
	ret = d.error[0] ? 0 : (int)d.messages;
	wgctl_device_free(&d.change);
	return (size_t)ret;
}

/* ---- The cases ---- */

static void test_thousand_peers(void)
{
	struct wgctl_device c;
	size_t n, cont;

	make_change(&c, 1000, 10);
	n = round_trip("request/1000x10-round-trip", &c, WGC_SET_MSG_MAX,
		       &cont);
	unit_check("request/1000x10-split", n > 10 && cont > 0,
		   "%zu messages, %zu continued peers", n, cont);
	n = round_trip("request/1000x10-page-bound", &c, 4096, &cont);
	unit_check("request/1000x10-page-split", n > 100 && cont > 0,
		   "%zu messages, %zu continued peers", n, cont);
	n = round_trip("request/1000x10-min-bound", &c, WGC_SET_MSG_MIN,
		       &cont);
	unit_check("request/1000x10-min-split", n >= 1000 && cont > 0,
		   "%zu messages, %zu continued peers", n, cont);
	wgctl_device_free(&c);
}

/* One peer with so many allowed IPs that it spans several messages. */
static void test_huge_peer(void)
{
	struct wgctl_device c;
	size_t n, cont;

	make_change(&c, 0, 0);
	random_peer(wgctl_peers_add(&c.peers), 5000);
	random_peer(wgctl_peers_add(&c.peers), 1);
	n = round_trip("request/huge-peer-round-trip", &c, WGC_SET_MSG_MAX,
		       &cont);
	unit_check("request/huge-peer-continued", n >= 5 && cont == n - 1,
		   "%zu messages, %zu continuations", n, cont);
	wgctl_device_free(&c);
}

/* Nothing but the name, or the device alone: one message. */
static void test_small(void)
{
	struct wgctl_device c = { .name = "wgc0" };
	struct wgctl_peer *p;

	unit_check("request/empty-one-message",
		   round_trip("request/empty-round-trip", &c, WGC_SET_MSG_MAX,
			      NULL) == 1, "not one message");

	make_change(&c, 0, 0);
	unit_check("request/device-only-one-message",
		   round_trip("request/device-only-round-trip", &c, 512,
			      NULL) == 1, "not one message");

	/* allowed-ips "": replace with nothing, no nest at all. */
	p = wgctl_peers_add(&c.peers);
	p->flags = WGC_PEER_F_REPLACE_ALLOWEDIPS;
	round_trip("request/empty-allowed-ips-round-trip", &c,
		   WGC_SET_MSG_MAX, NULL);
	wgctl_device_free(&c);
}

/* A removed peer goes as its key and flags alone, however big. */
static void test_remove(void)
{
	struct wgctl_device c, want;
	struct wgctl_set_batch batch;
	struct decoded d;
	struct wgctl_peer *p;

	make_change(&c, 3, 2000);
	c.peers.peers[1].flags |= WGC_PEER_F_REMOVE_ME;
	make_change(&want, 0, 0);
	memcpy(want.private_key, c.private_key, WGC_KEY_LEN);
	p = wgctl_peers_add(&want.peers);
	memcpy(p->public_key, c.peers.peers[1].public_key, WGC_KEY_LEN);
	p->flags = c.peers.peers[1].flags;

	wgctl_set_batch_build(&c, FAMILY, WGC_SET_MSG_MAX, &batch);
	decode(&d, &batch);
	unit_check("request/remove-key-and-flags-only", !d.error[0] &&
		   d.change.peers.count == 3 &&
		   same_peer(&d.change.peers.peers[1], &want.peers.peers[0]) &&
		   same_peer(&d.change.peers.peers[2], &c.peers.peers[2]),
		   "%s", d.error[0] ? d.error : "peers differ");
	wgctl_set_batch_free(&batch);
	wgctl_device_free(&d.change);
	wgctl_device_free(&want);
	wgctl_device_free(&c);
}

/* ---- Allowed IPs changed entry by entry ---- */

/* A peer changing its allowed IPs: n entries, every third one removed. */
static void incremental_peer(struct wgctl_peer *peer, size_t n)
{
	struct wgctl_allowedip *aip;
	size_t i;

	random_peer(peer, 0);
	peer->flags = 0;
	for (i = 0; i < n; i++) {
		aip = wgctl_peer_add_allowedip(peer);
		random_allowedip(aip, i);
		if (i % 3 == 1)
			aip->flags = WGC_ALLOWEDIP_F_REMOVE_ME;
	}
}

/*
 * Additions and removals round-trip in order, flags and all, whether the
 * peer fits one message or spans many, and no part of it (continuations
 * least of all) asks to replace the peer's allowed IPs.
 */
static void test_incremental_round_trip(void)
{
	struct wgctl_device c;
	size_t n, cont;

	make_change(&c, 0, 0);
	incremental_peer(wgctl_peers_add(&c.peers), 5);
	random_peer(wgctl_peers_add(&c.peers), 3);
	round_trip("request/incremental-round-trip", &c, WGC_SET_MSG_MAX,
		   NULL);
	wgctl_device_free(&c);

	make_change(&c, 0, 0);
	incremental_peer(wgctl_peers_add(&c.peers), 3000);
	incremental_peer(wgctl_peers_add(&c.peers), 1);
	n = round_trip("request/incremental-huge-peer-round-trip", &c,
		       WGC_SET_MSG_MAX, &cont);
	unit_check("request/incremental-huge-peer-continued",
		   n >= 3 && cont == n - 1, "%zu messages, %zu continuations",
		   n, cont);
	n = round_trip("request/incremental-min-bound-round-trip", &c,
		       WGC_SET_MSG_MIN, &cont);
	/* The last part may fill its message, and the next peer go on. */
	unit_check("request/incremental-min-bound-continued",
		   n > 100 && cont + 2 >= n, "%zu messages, %zu continuations",
		   n, cont);
	wgctl_device_free(&c);
}

/* An attribute written out by hand, in host byte order as netlink has it. */
static size_t put_attr(uint8_t *buf, uint16_t type, const void *data,
		       uint16_t len)
{
	uint16_t hdr[2] = { (uint16_t)(4 + len), type };

	memcpy(buf, hdr, 4);
	memcpy(buf + 4, data, len);
	memset(buf + 4 + len, 0, (size_t)(-len & 3));
	return (size_t)(4 + len + (-len & 3));
}

/* One allowed IP nest of 10.<b>.0.0/24, as request.c must write it. */
static size_t put_v4_nest(uint8_t *buf, uint8_t b, uint32_t flags)
{
	uint16_t family = AF_INET, hdr[2];
	uint8_t addr[4] = { 10, b, 0, 0 }, cidr = 24;
	size_t len = 4;

	len += put_attr(buf + len, WGC_ALLOWEDIP_A_FAMILY, &family, 2);
	len += put_attr(buf + len, WGC_ALLOWEDIP_A_IPADDR, addr, 4);
	len += put_attr(buf + len, WGC_ALLOWEDIP_A_CIDR_MASK, &cidr, 1);
	if (flags)
		len += put_attr(buf + len, WGC_ALLOWEDIP_A_FLAGS, &flags, 4);
	hdr[0] = (uint16_t)len;
	hdr[1] = NLA_F_NESTED;
	memcpy(buf, hdr, 4);
	return len;
}

/* The peer nest of the only peer of the message nlh. */
static const struct nlattr *only_peer(const struct nlmsghdr *nlh)
{
	const struct nlattr *attr, *peers = NULL;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(attr) == WGC_DEVICE_A_PEERS)
			peers = attr;
	return peers ? mnl_attr_get_payload(peers) : NULL;
}

/*
 * "allowed-ips +10.0.0.0/24,-10.1.0.0/24,10.2.0.0/24", byte for byte: the
 * peer carries no flags at all (no WGC_PEER_F_REPLACE_ALLOWEDIPS), and
 * only the removal carries WGC_ALLOWEDIP_A_FLAGS.
 */
static void test_incremental_bytes(void)
{
	struct wgctl_device c = { .name = "wgc0" };
	const struct nlattr *peer, *attr, *ips = NULL;
	uint8_t want[256];
	struct wgctl_allowedip *aip;
	struct wgctl_set_batch batch;
	struct wgctl_peer *p;
	size_t want_len = 0;
	bool peer_flags = false;
	int i;

	p = wgctl_peers_add(&c.peers);
	memset(p->public_key, 0x11, WGC_KEY_LEN);
	for (i = 0; i < 3; i++) {
		aip = wgctl_peer_add_allowedip(p);
		aip->family = AF_INET;
		aip->ip4.s_addr = htonl(0x0a000000 | (uint32_t)i << 16);
		aip->cidr = 24;
		aip->flags = i == 1 ? WGC_ALLOWEDIP_F_REMOVE_ME : 0;
		want_len += put_v4_nest(want + want_len, (uint8_t)i,
					aip->flags);
	}
	if (wgctl_set_batch_build(&c, FAMILY, WGC_SET_MSG_MAX, &batch)) {
		unit_check("request/incremental-bytes", false, "build failed");
		wgctl_device_free(&c);
		return;
	}
	peer = only_peer(batch.msgs[0]);
	if (peer) {
		mnl_attr_for_each_nested(attr, peer) {
			if (mnl_attr_get_type(attr) == WGC_PEER_A_FLAGS)
				peer_flags = true;
			if (mnl_attr_get_type(attr) == WGC_PEER_A_ALLOWEDIPS)
				ips = attr;
		}
	}
	unit_check("request/incremental-no-peer-flags",
		   batch.count == 1 && peer && !peer_flags,
		   "%zu messages, peer %s, peer flags %d", batch.count,
		   peer ? "found" : "missing", peer_flags);
	unit_check("request/incremental-bytes", ips &&
		   mnl_attr_get_payload_len(ips) == want_len &&
		   !memcmp(mnl_attr_get_payload(ips), want, want_len),
		   "allowed IPs nest of %u bytes, want %zu",
		   ips ? (unsigned int)mnl_attr_get_payload_len(ips) : 0,
		   want_len);
	wgctl_set_batch_free(&batch);
	wgctl_device_free(&c);
}

static void test_bounds(void)
{
	struct wgctl_device c = { .name = "wgc0" };
	struct wgctl_set_batch batch;
	int ret;

	ret = wgctl_set_batch_build(&c, FAMILY, WGC_SET_MSG_MIN - 1, &batch);
	unit_check("request/bound-too-small", ret == -EINVAL && !batch.count,
		   "ret=%d", ret);
	/* The bound documented in request.h stays under a 16-bit nest. */
	unit_check("request/bound-under-nest-limit",
		   WGC_SET_MSG_MAX < 65536 && WGC_SET_MSG_MIN <= 4096,
		   "max %d min %d", WGC_SET_MSG_MAX, WGC_SET_MSG_MIN);
}

int main(void)
{
	unit_init();
	test_thousand_peers();
	test_huge_peer();
	test_small();
	test_remove();
	test_incremental_round_trip();
	test_incremental_bytes();
	test_bounds();
	return unit_exit();
}
