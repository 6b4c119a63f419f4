// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing what the kernel sends back: WGC_CMD_GET_DEVICE dumps (a device,
 * its peers and their allowed IPs) and the rtnetlink link dump that says
 * which links are wgc devices. Nothing here does I/O, so the unit tests can
 * feed it hand-made messages.
 *
 * Replies are checked as strictly as requests are: a known attribute of
 * the wrong size is a protocol error (EPROTO), never half-read. Attributes
 * newer than this tool are skipped, so an old wgctl keeps working against
 * a newer module.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <sodium.h>
#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/time_types.h>

#include "encoding.h"
#include "netlink.h"

static int bad_reply(void)
{
	errno = EPROTO;
	return MNL_CB_ERROR;
}

/*
 * Copy a string attribute into a fixed buffer, whether or not the sender
 * counted the terminating NUL, and keep it to one printable line.
 */
void wgctl_attr_copy_str(const struct nlattr *attr, char *dst, size_t size)
{
	const char *src = mnl_attr_get_payload(attr);
	size_t len = mnl_attr_get_payload_len(attr);
	size_t i;

	for (i = 0; i < len && i + 1 < size && src[i]; i++) {
		unsigned char ch = (unsigned char)src[i];

		dst[i] = (ch < ' ' || ch == 0x7f) ? ' ' : src[i];
	}
	dst[i] = '\0';
}

/*
 * An interface name, copied as it is: the kernel allows any byte in one
 * but NUL, '/', ':' and whitespace, and a name altered here would not be
 * found again when wgctl asks for that interface.
 */
void wgctl_attr_copy_name(const struct nlattr *attr, char dst[IFNAMSIZ])
{
	const char *src = mnl_attr_get_payload(attr);
	size_t len = mnl_attr_get_payload_len(attr);

	len = strnlen(src, len < IFNAMSIZ - 1 ? len : IFNAMSIZ - 1);
	memcpy(dst, src, len);
	dst[len] = '\0';
}

static bool attr_str_equal(const struct nlattr *attr, const char *s)
{
	const char *p = mnl_attr_get_payload(attr);
	size_t len = mnl_attr_get_payload_len(attr);

	if (len && !p[len - 1])
		len--;
	return len == strlen(s) && !memcmp(p, s, len);
}

/* ---- WGC_CMD_GET_DEVICE ---- */

/*
 * What each attribute must look like. Checked as libmnl's
 * mnl_attr_validate() checks its types: a fixed-size attribute must be
 * exactly its size, a string must not be empty, a nest must be empty or
 * hold at least an attribute header. The tables are sized by the uapi
 * header, so an attribute added there and not here is simply not checked,
 * never read past the end.
 */
enum attr_kind {
	/*
	 * Any length: checked by the attribute's reader, if it reads it.
	 * What a table leaves out is this: a set request, which the fuzzers
	 * read back through these tables, has attributes a dump has not.
	 */
	ATTR_ANY,
	ATTR_FIXED,	/* exactly len bytes */
	ATTR_STRING,
	ATTR_NESTED,
};

struct attr_spec {
	enum attr_kind kind;
	uint16_t len;
};

#define FIXED_SPEC(size) { .kind = ATTR_FIXED, .len = (size) }
#define U8_SPEC FIXED_SPEC(sizeof(uint8_t))
#define U16_SPEC FIXED_SPEC(sizeof(uint16_t))
#define U32_SPEC FIXED_SPEC(sizeof(uint32_t))
#define U64_SPEC FIXED_SPEC(sizeof(uint64_t))
#define KEY_SPEC FIXED_SPEC(WGC_KEY_LEN)
#define STRING_SPEC { .kind = ATTR_STRING }
#define NESTED_SPEC { .kind = ATTR_NESTED }
#define ANY_SPEC { .kind = ATTR_ANY }

static const struct attr_spec device_attrs[WGC_DEVICE_A_MAX + 1] = {
	[WGC_DEVICE_A_IFINDEX] = U32_SPEC,
	[WGC_DEVICE_A_IFNAME] = STRING_SPEC,
	[WGC_DEVICE_A_PRIVATE_KEY] = KEY_SPEC,
	[WGC_DEVICE_A_PUBLIC_KEY] = KEY_SPEC,
	[WGC_DEVICE_A_LISTEN_PORT] = U16_SPEC,
	[WGC_DEVICE_A_FWMARK] = U32_SPEC,
	[WGC_DEVICE_A_FLAGS] = U32_SPEC,
	[WGC_DEVICE_A_PEERS] = NESTED_SPEC,
	[WGC_DEVICE_A_HANDSHAKE_STATS] = NESTED_SPEC,
	[WGC_DEVICE_A_EVENT_STATS] = NESTED_SPEC,
	[WGC_DEVICE_A_GET_FLAGS] = U32_SPEC,
	[WGC_DEVICE_A_KEYLOG] = U8_SPEC,
};

static const struct attr_spec peer_attrs[WGC_PEER_A_MAX + 1] = {
	[WGC_PEER_A_PUBLIC_KEY] = KEY_SPEC,
	[WGC_PEER_A_PRESHARED_KEY] = KEY_SPEC,
	[WGC_PEER_A_FLAGS] = U32_SPEC,
	/* Either sockaddr: checked by read_endpoint(). */
	[WGC_PEER_A_ENDPOINT] = ANY_SPEC,
	[WGC_PEER_A_PERSISTENT_KEEPALIVE_INTERVAL] = U16_SPEC,
	[WGC_PEER_A_LAST_HANDSHAKE_TIME] =
		FIXED_SPEC(sizeof(struct __kernel_timespec)),
	[WGC_PEER_A_RX_BYTES] = U64_SPEC,
	[WGC_PEER_A_TX_BYTES] = U64_SPEC,
	[WGC_PEER_A_ALLOWEDIPS] = NESTED_SPEC,
	[WGC_PEER_A_PROTOCOL_VERSION] = U32_SPEC,
	[WGC_PEER_A_STATS] = NESTED_SPEC,
};

static const struct attr_spec peer_stats_attrs[WGC_PEER_STATS_A_MAX + 1] = {
	[WGC_PEER_STATS_A_RX_PACKETS] = U64_SPEC,
	[WGC_PEER_STATS_A_TX_PACKETS] = U64_SPEC,
	[WGC_PEER_STATS_A_RX_KEEPALIVES] = U64_SPEC,
	[WGC_PEER_STATS_A_TX_KEEPALIVES] = U64_SPEC,
	[WGC_PEER_STATS_A_RX_DROPPED_REPLAY] = U64_SPEC,
	[WGC_PEER_STATS_A_RX_DROPPED_AUTH] = U64_SPEC,
	[WGC_PEER_STATS_A_RX_DROPPED_SOURCE] = U64_SPEC,
	[WGC_PEER_STATS_A_RX_DROPPED_NO_SESSION] = U64_SPEC,
	[WGC_PEER_STATS_A_TX_DROPPED_NO_SESSION] = U64_SPEC,
	[WGC_PEER_STATS_A_TX_DROPPED_TOO_BIG] = U64_SPEC,
	[WGC_PEER_STATS_A_INITIATIONS_SENT] = U64_SPEC,
	[WGC_PEER_STATS_A_INITIATIONS_RECEIVED] = U64_SPEC,
	[WGC_PEER_STATS_A_RESPONSES_SENT] = U64_SPEC,
	[WGC_PEER_STATS_A_RESPONSES_RECEIVED] = U64_SPEC,
	[WGC_PEER_STATS_A_COOKIES_SENT] = U64_SPEC,
	[WGC_PEER_STATS_A_COOKIES_RECEIVED] = U64_SPEC,
	[WGC_PEER_STATS_A_HANDSHAKES_GIVEN_UP] = U64_SPEC,
	[WGC_PEER_STATS_A_REKEYS] = U64_SPEC,
	[WGC_PEER_STATS_A_LAST_REKEY_TIME] =
		FIXED_SPEC(sizeof(struct __kernel_timespec)),
};

static const struct attr_spec allowedip_attrs[WGC_ALLOWEDIP_A_MAX + 1] = {
	[WGC_ALLOWEDIP_A_FAMILY] = U16_SPEC,
	/* 4 or 16 bytes, as the family says: checked by allowedip_cb(). */
	[WGC_ALLOWEDIP_A_IPADDR] = ANY_SPEC,
	[WGC_ALLOWEDIP_A_CIDR_MASK] = U8_SPEC,
};

static const struct attr_spec event_stats_attrs[WGC_EVENT_STATS_A_MAX + 1] = {
	[WGC_EVENT_STATS_A_SENT] = U64_SPEC,
	[WGC_EVENT_STATS_A_DROPPED] = U64_SPEC,
	[WGC_EVENT_STATS_A_SUPPRESSED] = U64_SPEC,
};

static const struct attr_spec
handshake_stats_attrs[WGC_HANDSHAKE_STATS_A_MAX + 1] = {
	[WGC_HANDSHAKE_STATS_A_PROCESSED] = U64_SPEC,
	[WGC_HANDSHAKE_STATS_A_INVALID] = U64_SPEC,
	[WGC_HANDSHAKE_STATS_A_RATELIMITED] = U64_SPEC,
	[WGC_HANDSHAKE_STATS_A_INVALID_MAC1] = U64_SPEC,
	[WGC_HANDSHAKE_STATS_A_MISSING_COOKIE] = U64_SPEC,
	[WGC_HANDSHAKE_STATS_A_COOKIE_REPLIES_SENT] = U64_SPEC,
	[WGC_HANDSHAKE_STATS_A_COOKIES_RECEIVED] = U64_SPEC,
	[WGC_HANDSHAKE_STATS_A_QUEUE_FULL] = U64_SPEC,
	[WGC_HANDSHAKE_STATS_A_UNDER_LOAD] = U8_SPEC,
	[WGC_HANDSHAKE_STATS_A_RATELIMITER_ENTRIES] = U32_SPEC,
};

static bool attr_fits(const struct nlattr *attr, const struct attr_spec *spec)
{
	size_t len = attr->nla_len - NLA_HDRLEN;

	switch (spec->kind) {
	case ATTR_FIXED:
		return len == spec->len;
	case ATTR_STRING:
		return len > 0;
	case ATTR_NESTED:
		return len == 0 || len >= NLA_HDRLEN;
	case ATTR_ANY:
		break;
	}
	return true;
}

/*
 * Walk the attributes in the len bytes at data, calling fn(attr, arg) for
 * each; stop at the first that does not return MNL_CB_OK. An attribute
 * that claims more bytes than are left, or trailing bytes too few for a
 * header, are an error (libmnl's walkers stop there quietly).
 *
 * This and attrs_to_table() do in line what mnl_attr_parse() and a
 * callback do: a dump of 100,000 peers has well over a million
 * attributes, and a few calls into libmnl for each were a third of the
 * time wgctl took to read it.
 */
static int walk_attrs(const void *data, size_t len,
		      int (*fn)(const struct nlattr *attr, void *arg),
		      void *arg)
{
	const unsigned char *pos = data;
	const struct nlattr *attr;
	size_t step;
	int ret;

	while (len) {
		attr = (const struct nlattr *)pos;
		if (len < NLA_HDRLEN || attr->nla_len < NLA_HDRLEN ||
		    attr->nla_len > len)
			return bad_reply();
		ret = fn(attr, arg);
		if (ret != MNL_CB_OK)
			return ret;
		/* The last attribute's padding may be left out. */
		step = NLA_ALIGN(attr->nla_len);
		if (step >= len)
			break;
		pos += step;
		len -= step;
	}
	return MNL_CB_OK;
}

/* What one nest's attributes go into, and how they must look. */
struct attr_table {
	const struct nlattr **tb;
	const struct attr_spec *specs;
	uint16_t max;
};

static int table_attr(const struct nlattr *attr, void *data)
{
	const struct attr_table *t = data;
	uint16_t type = attr->nla_type & NLA_TYPE_MASK;

	/*
	 * Attributes newer than this tool are none of our business; type 0
	 * is the kernel's padding before 64-bit values.
	 */
	if (type == 0 || type > t->max)
		return MNL_CB_OK;
	if (!attr_fits(attr, &t->specs[type]))
		return bad_reply();
	t->tb[type] = attr;
	return MNL_CB_OK;
}

static int attrs_to_table(const void *data, size_t len,
			  const struct attr_spec *specs, uint16_t max,
			  const struct nlattr **tb)
{
	struct attr_table t = { .tb = tb, .specs = specs, .max = max };

	return walk_attrs(data, len, table_attr, &t);
}

static const void *nest_data(const struct nlattr *nest)
{
	return (const unsigned char *)nest + NLA_HDRLEN;
}

static size_t nest_len(const struct nlattr *nest)
{
	return nest->nla_len - NLA_HDRLEN;
}

static int parse_table(const struct nlattr *nest,
		       const struct attr_spec *specs, uint16_t max,
		       const struct nlattr **tb)
{
	return attrs_to_table(nest_data(nest), nest_len(nest), specs, max, tb);
}

/* fn(child, arg) for each attribute nested in nest. */
static int walk_nest(const struct nlattr *nest,
		     int (*fn)(const struct nlattr *attr, void *arg),
		     void *arg)
{
	return walk_attrs(nest_data(nest), nest_len(nest), fn, arg);
}

static int allowedip_cb(const struct nlattr *nest, void *data)
{
	const struct nlattr *tb[WGC_ALLOWEDIP_A_MAX + 1] = { 0 };
	struct wgctl_peer *peer = data;
	struct wgctl_allowedip aip = { 0 }, *slot;
	size_t addr_len;

	if (parse_table(nest, allowedip_attrs, WGC_ALLOWEDIP_A_MAX, tb) < 0)
		return MNL_CB_ERROR;
	if (!tb[WGC_ALLOWEDIP_A_FAMILY] || !tb[WGC_ALLOWEDIP_A_IPADDR] ||
	    !tb[WGC_ALLOWEDIP_A_CIDR_MASK])
		return bad_reply();

	aip.family = mnl_attr_get_u16(tb[WGC_ALLOWEDIP_A_FAMILY]);
	aip.cidr = mnl_attr_get_u8(tb[WGC_ALLOWEDIP_A_CIDR_MASK]);
	addr_len = mnl_attr_get_payload_len(tb[WGC_ALLOWEDIP_A_IPADDR]);
	if (!(aip.family == AF_INET && addr_len == 4 && aip.cidr <= 32) &&
	    !(aip.family == AF_INET6 && addr_len == 16 && aip.cidr <= 128))
		return bad_reply();
	memcpy(&aip.ip6, mnl_attr_get_payload(tb[WGC_ALLOWEDIP_A_IPADDR]),
	       addr_len);

	slot = wgctl_peer_add_allowedip(peer);
	if (!slot)
		return MNL_CB_ERROR;
	*slot = aip;
	return MNL_CB_OK;
}

static int read_endpoint(const struct nlattr *attr, union wgctl_endpoint *ep)
{
	const struct sockaddr *sa = mnl_attr_get_payload(attr);
	size_t len = mnl_attr_get_payload_len(attr);

	if (len == sizeof(ep->addr4) && sa->sa_family == AF_INET)
		memcpy(&ep->addr4, sa, len);
	else if (len == sizeof(ep->addr6) && sa->sa_family == AF_INET6)
		memcpy(&ep->addr6, sa, len);
	else
		return bad_reply();
	return MNL_CB_OK;
}

static void read_timespec(const struct nlattr *attr, int64_t *sec,
			  int64_t *nsec)
{
	struct __kernel_timespec ts;

	memcpy(&ts, mnl_attr_get_payload(attr), sizeof(ts));
	*sec = ts.tv_sec;
	*nsec = ts.tv_nsec;
}

static uint64_t u64_or_zero(const struct nlattr *attr)
{
	return attr ? mnl_attr_get_u64(attr) : 0;
}

/*
 * WGC_PEER_A_STATS, into a struct of the peer's own. A counter the kernel
 * left out counts nothing; a second nest (there is none) would win.
 */
static int read_peer_stats(const struct nlattr *nest, struct wgctl_peer *peer)
{
	const struct nlattr *tb[WGC_PEER_STATS_A_MAX + 1] = { 0 };
	struct wgctl_peer_stats *s;

	if (parse_table(nest, peer_stats_attrs, WGC_PEER_STATS_A_MAX, tb) < 0)
		return MNL_CB_ERROR;
	if (!peer->stats) {
		peer->stats = malloc(sizeof(*peer->stats));
		if (!peer->stats)
			return MNL_CB_ERROR;
	}
	s = peer->stats;
	memset(s, 0, sizeof(*s));
	s->rx_packets = u64_or_zero(tb[WGC_PEER_STATS_A_RX_PACKETS]);
	s->tx_packets = u64_or_zero(tb[WGC_PEER_STATS_A_TX_PACKETS]);
	s->rx_keepalives = u64_or_zero(tb[WGC_PEER_STATS_A_RX_KEEPALIVES]);
	s->tx_keepalives = u64_or_zero(tb[WGC_PEER_STATS_A_TX_KEEPALIVES]);
	s->rx_dropped_replay =
		u64_or_zero(tb[WGC_PEER_STATS_A_RX_DROPPED_REPLAY]);
	s->rx_dropped_auth = u64_or_zero(tb[WGC_PEER_STATS_A_RX_DROPPED_AUTH]);
	s->rx_dropped_source =
		u64_or_zero(tb[WGC_PEER_STATS_A_RX_DROPPED_SOURCE]);
	s->rx_dropped_no_session =
		u64_or_zero(tb[WGC_PEER_STATS_A_RX_DROPPED_NO_SESSION]);
	s->tx_dropped_no_session =
		u64_or_zero(tb[WGC_PEER_STATS_A_TX_DROPPED_NO_SESSION]);
	s->tx_dropped_too_big =
		u64_or_zero(tb[WGC_PEER_STATS_A_TX_DROPPED_TOO_BIG]);
	s->initiations_sent =
		u64_or_zero(tb[WGC_PEER_STATS_A_INITIATIONS_SENT]);
	s->initiations_received =
		u64_or_zero(tb[WGC_PEER_STATS_A_INITIATIONS_RECEIVED]);
	s->responses_sent = u64_or_zero(tb[WGC_PEER_STATS_A_RESPONSES_SENT]);
	s->responses_received =
		u64_or_zero(tb[WGC_PEER_STATS_A_RESPONSES_RECEIVED]);
	s->cookies_sent = u64_or_zero(tb[WGC_PEER_STATS_A_COOKIES_SENT]);
	s->cookies_received =
		u64_or_zero(tb[WGC_PEER_STATS_A_COOKIES_RECEIVED]);
	s->handshakes_given_up =
		u64_or_zero(tb[WGC_PEER_STATS_A_HANDSHAKES_GIVEN_UP]);
	s->rekeys = u64_or_zero(tb[WGC_PEER_STATS_A_REKEYS]);
	if (tb[WGC_PEER_STATS_A_LAST_REKEY_TIME])
		read_timespec(tb[WGC_PEER_STATS_A_LAST_REKEY_TIME],
			      &s->last_rekey_sec, &s->last_rekey_nsec);
	return MNL_CB_OK;
}

/*
 * The peer a nest describes: the last one read if it has the same public
 * key (its allowed IPs did not fit one message and continue here), else
 * a new one. Two peers of one device never share a key, so a repeat can
 * only be a continuation.
 */
static struct wgctl_peer *peer_for(struct wgctl_peer_list *list,
				   const struct nlattr *key)
{
	struct wgctl_peer *last = list->count ?
				&list->peers[list->count - 1] : NULL;
	struct wgctl_peer *peer;

	if (last && !memcmp(last->public_key, mnl_attr_get_payload(key),
			    WGC_KEY_LEN))
		return last;
	peer = wgctl_peers_add(list);
	if (peer)
		memcpy(peer->public_key, mnl_attr_get_payload(key),
		       WGC_KEY_LEN);
	return peer;
}

/* Only what the nest carries is set: a continuation may carry little. */
static int fill_peer(struct wgctl_peer *peer, const struct nlattr **tb)
{
	const struct nlattr *a;

	if ((a = tb[WGC_PEER_A_PRESHARED_KEY])) {
		memcpy(peer->preshared_key, mnl_attr_get_payload(a),
		       WGC_KEY_LEN);
		peer->has_preshared_key = !key_is_zero(peer->preshared_key);
	}
	if ((a = tb[WGC_PEER_A_ENDPOINT]) &&
	    read_endpoint(a, &peer->endpoint) < 0)
		return MNL_CB_ERROR;
	if ((a = tb[WGC_PEER_A_PERSISTENT_KEEPALIVE_INTERVAL]))
		peer->persistent_keepalive = mnl_attr_get_u16(a);
	if ((a = tb[WGC_PEER_A_LAST_HANDSHAKE_TIME]))
		read_timespec(a, &peer->last_handshake_sec,
			      &peer->last_handshake_nsec);
	if ((a = tb[WGC_PEER_A_RX_BYTES]))
		peer->rx_bytes = mnl_attr_get_u64(a);
	if ((a = tb[WGC_PEER_A_TX_BYTES]))
		peer->tx_bytes = mnl_attr_get_u64(a);
	if ((a = tb[WGC_PEER_A_STATS]) && read_peer_stats(a, peer) < 0)
		return MNL_CB_ERROR;
	if ((a = tb[WGC_PEER_A_ALLOWEDIPS]))
		return walk_nest(a, allowedip_cb, peer);
	return MNL_CB_OK;
}

static int peer_cb(const struct nlattr *nest, void *data)
{
	const struct nlattr *tb[WGC_PEER_A_MAX + 1] = { 0 };
	struct wgctl_device *dev = data;
	struct wgctl_peer *peer;

	if (parse_table(nest, peer_attrs, WGC_PEER_A_MAX, tb) < 0)
		return MNL_CB_ERROR;
	if (!tb[WGC_PEER_A_PUBLIC_KEY])
		return bad_reply();
	peer = peer_for(&dev->peers, tb[WGC_PEER_A_PUBLIC_KEY]);
	if (!peer)
		return MNL_CB_ERROR;
	return fill_peer(peer, tb);
}

static void fill_device(struct wgctl_device *dev, const struct nlattr **tb)
{
	const struct nlattr *a;

	if ((a = tb[WGC_DEVICE_A_IFINDEX]))
		dev->ifindex = mnl_attr_get_u32(a);
	if ((a = tb[WGC_DEVICE_A_IFNAME]))
		wgctl_attr_copy_name(a, dev->name);
	if ((a = tb[WGC_DEVICE_A_LISTEN_PORT]))
		dev->listen_port = mnl_attr_get_u16(a);
	if ((a = tb[WGC_DEVICE_A_FWMARK]))
		dev->fwmark = mnl_attr_get_u32(a);
	if ((a = tb[WGC_DEVICE_A_PUBLIC_KEY])) {
		memcpy(dev->public_key, mnl_attr_get_payload(a), WGC_KEY_LEN);
		dev->has_public_key = true;
	}
	if ((a = tb[WGC_DEVICE_A_PRIVATE_KEY])) {
		memcpy(dev->private_key, mnl_attr_get_payload(a), WGC_KEY_LEN);
		dev->has_private_key = true;
	}
	if ((a = tb[WGC_DEVICE_A_KEYLOG])) {
		dev->keylog = mnl_attr_get_u8(a);
		dev->has_keylog = true;
	}
}

/*
 * WGC_DEVICE_A_HANDSHAKE_STATS. A counter the kernel left out counts
 * nothing; the whole nest replaces whatever an earlier one said.
 */
static int read_handshake_stats(const struct nlattr *nest,
				struct wgctl_device *dev)
{
	const struct nlattr *tb[WGC_HANDSHAKE_STATS_A_MAX + 1] = { 0 };
	struct wgctl_handshake_stats *hs = &dev->handshake_stats;
	const struct nlattr *a;

	if (parse_table(nest, handshake_stats_attrs, WGC_HANDSHAKE_STATS_A_MAX,
			tb) < 0)
		return MNL_CB_ERROR;

	hs->processed = u64_or_zero(tb[WGC_HANDSHAKE_STATS_A_PROCESSED]);
	hs->invalid = u64_or_zero(tb[WGC_HANDSHAKE_STATS_A_INVALID]);
	hs->ratelimited = u64_or_zero(tb[WGC_HANDSHAKE_STATS_A_RATELIMITED]);
	hs->invalid_mac1 = u64_or_zero(tb[WGC_HANDSHAKE_STATS_A_INVALID_MAC1]);
	hs->missing_cookie =
		u64_or_zero(tb[WGC_HANDSHAKE_STATS_A_MISSING_COOKIE]);
	hs->cookie_replies_sent =
		u64_or_zero(tb[WGC_HANDSHAKE_STATS_A_COOKIE_REPLIES_SENT]);
	hs->cookies_received =
		u64_or_zero(tb[WGC_HANDSHAKE_STATS_A_COOKIES_RECEIVED]);
	hs->queue_full = u64_or_zero(tb[WGC_HANDSHAKE_STATS_A_QUEUE_FULL]);
	hs->under_load = tb[WGC_HANDSHAKE_STATS_A_UNDER_LOAD] &&
		mnl_attr_get_u8(tb[WGC_HANDSHAKE_STATS_A_UNDER_LOAD]);
	if ((a = tb[WGC_HANDSHAKE_STATS_A_RATELIMITER_ENTRIES]))
		hs->ratelimiter_entries = mnl_attr_get_u32(a);
	else
		hs->ratelimiter_entries = 0;
	dev->has_handshake_stats = true;
	return MNL_CB_OK;
}

/* WGC_DEVICE_A_EVENT_STATS, read as the handshake statistics are. */
static int read_event_stats(const struct nlattr *nest,
			    struct wgctl_device *dev)
{
	const struct nlattr *tb[WGC_EVENT_STATS_A_MAX + 1] = { 0 };
	struct wgctl_event_stats *es = &dev->event_stats;

	if (parse_table(nest, event_stats_attrs, WGC_EVENT_STATS_A_MAX, tb) < 0)
		return MNL_CB_ERROR;
	es->sent = u64_or_zero(tb[WGC_EVENT_STATS_A_SENT]);
	es->dropped = u64_or_zero(tb[WGC_EVENT_STATS_A_DROPPED]);
	es->suppressed = u64_or_zero(tb[WGC_EVENT_STATS_A_SUPPRESSED]);
	dev->has_event_stats = true;
	return MNL_CB_OK;
}

/*
 * One message of a dump. A device with many peers spans several; each
 * repeats the device's name and index, and later values simply win. The
 * handshake statistics come once, in the first, and are kept.
 */
int wgctl_parse_device(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[WGC_DEVICE_A_MAX + 1] = { 0 };
	struct wgctl_device_parse *p = arg;
	const unsigned char *attrs =
		(const unsigned char *)nlh + NLMSG_HDRLEN + GENL_HDRLEN;

	/* The caller checked the length against what was received; not this. */
	if (nlh->nlmsg_type != p->family ||
	    nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return bad_reply();
	if (attrs_to_table(attrs, nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN,
			   device_attrs, WGC_DEVICE_A_MAX, tb) < 0)
		return MNL_CB_ERROR;

	fill_device(p->dev, tb);
	/* Only in the first message: the later ones leave it be. */
	if (tb[WGC_DEVICE_A_HANDSHAKE_STATS] &&
	    read_handshake_stats(tb[WGC_DEVICE_A_HANDSHAKE_STATS], p->dev) < 0)
		return MNL_CB_ERROR;
	if (tb[WGC_DEVICE_A_EVENT_STATS] &&
	    read_event_stats(tb[WGC_DEVICE_A_EVENT_STATS], p->dev) < 0)
		return MNL_CB_ERROR;
	if (tb[WGC_DEVICE_A_PEERS] &&
	    walk_nest(tb[WGC_DEVICE_A_PEERS], peer_cb, p->dev) < 0)
		return MNL_CB_ERROR;
	p->messages++;
	return MNL_CB_OK;
}

/* ---- Events ---- */

static const struct attr_spec event_attrs[WGC_EVENT_A_MAX + 1] = {
	[WGC_EVENT_A_IFINDEX] = U32_SPEC,
	[WGC_EVENT_A_IFNAME] = STRING_SPEC,
	[WGC_EVENT_A_PUBLIC_KEY] = KEY_SPEC,
	/* Either sockaddr: checked by read_endpoint(). */
	[WGC_EVENT_A_ENDPOINT] = ANY_SPEC,
	[WGC_EVENT_A_OLD_ENDPOINT] = ANY_SPEC,
	[WGC_EVENT_A_ROLE] = U8_SPEC,
	[WGC_EVENT_A_LOCAL_PRIVATE_KEY] = KEY_SPEC,
	[WGC_EVENT_A_EPHEMERAL_PRIVATE_KEY] = KEY_SPEC,
	[WGC_EVENT_A_PRESHARED_KEY] = KEY_SPEC,
};

/* A session-keys event's secrets: all three, or it is malformed. */
static int read_session_keys(const struct nlattr **tb, struct wgctl_event *ev)
{
	const struct nlattr *local = tb[WGC_EVENT_A_LOCAL_PRIVATE_KEY];
	const struct nlattr *eph = tb[WGC_EVENT_A_EPHEMERAL_PRIVATE_KEY];
	const struct nlattr *psk = tb[WGC_EVENT_A_PRESHARED_KEY];

	if (!local && !eph && !psk)
		return MNL_CB_OK;
	if (!local || !eph || !psk)
		return bad_reply();
	memcpy(ev->local_private_key, mnl_attr_get_payload(local), WGC_KEY_LEN);
	memcpy(ev->ephemeral_private_key, mnl_attr_get_payload(eph),
	       WGC_KEY_LEN);
	memcpy(ev->preshared_key, mnl_attr_get_payload(psk), WGC_KEY_LEN);
	ev->has_keys = true;
	return MNL_CB_OK;
}

/*
 * Every event names its device, and those wgc sends today a peer; an
 * event this tool does not know (a newer kernel's) is read all the same,
 * and shown by number.
 */
int wgctl_parse_event(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[WGC_EVENT_A_MAX + 1] = { 0 };
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);
	struct wgctl_event_parse *p = arg;
	struct wgctl_event *ev = &p->event;
	const struct nlattr *a;
	int ret;

	if (nlh->nlmsg_type != p->family ||
	    nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return bad_reply();
	if (attrs_to_table((const unsigned char *)genl + GENL_HDRLEN,
			   nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN,
			   event_attrs, WGC_EVENT_A_MAX, tb) < 0)
		return MNL_CB_ERROR;
	if (!tb[WGC_EVENT_A_IFINDEX] || !tb[WGC_EVENT_A_IFNAME])
		return bad_reply();

	memset(ev, 0, sizeof(*ev));
	ev->cmd = genl->cmd;
	ev->ifindex = mnl_attr_get_u32(tb[WGC_EVENT_A_IFINDEX]);
	wgctl_attr_copy_name(tb[WGC_EVENT_A_IFNAME], ev->ifname);
	if ((a = tb[WGC_EVENT_A_PUBLIC_KEY])) {
		memcpy(ev->public_key, mnl_attr_get_payload(a), WGC_KEY_LEN);
		ev->has_public_key = true;
	}
	if ((a = tb[WGC_EVENT_A_ENDPOINT]) &&
	    read_endpoint(a, &ev->endpoint) < 0)
		return MNL_CB_ERROR;
	if ((a = tb[WGC_EVENT_A_OLD_ENDPOINT]) &&
	    read_endpoint(a, &ev->old_endpoint) < 0)
		return MNL_CB_ERROR;
	if ((a = tb[WGC_EVENT_A_ROLE])) {
		ev->role = mnl_attr_get_u8(a);
		ev->has_role = true;
	}
	if (read_session_keys(tb, ev) < 0) {
		sodium_memzero(ev, sizeof(*ev));
		return MNL_CB_ERROR;
	}
	ret = p->handle(ev, p->arg);
	if (ev->has_keys)
		sodium_memzero(ev, sizeof(*ev));
	return ret;
}

/* ---- Listing wgc links over rtnetlink ---- */

static int link_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);

	/* Validate only what we read; the rest is not our concern. */
	switch (type) {
	case IFLA_IFNAME:
		if (mnl_attr_validate(attr, MNL_TYPE_STRING) < 0)
			goto bad;
		break;
	case IFLA_LINKINFO:
		if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0)
			goto bad;
		break;
	default:
		return MNL_CB_OK;
	}
	tb[type] = attr;
	return MNL_CB_OK;
bad:
	return bad_reply();
}

static int linkinfo_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **kind = data;

	if (mnl_attr_get_type(attr) == IFLA_INFO_KIND)
		*kind = attr;
	return MNL_CB_OK;
}

static bool link_is_wgc(const struct nlattr *linkinfo)
{
	const struct nlattr *kind = NULL;

	if (mnl_attr_parse_nested(linkinfo, linkinfo_attr_cb, &kind) < 0)
		return false;
	return kind && attr_str_equal(kind, WGC_GENL_NAME);
}

static int add_link_name(struct wgctl_link_parse *p, const struct nlattr *name)
{
	struct wgctl_iface_list *list = p->list;
	char (*names)[IFNAMSIZ];
	size_t capacity;

	if (list->count == p->capacity) {
		capacity = p->capacity ? p->capacity * 2 : 8;
		names = realloc(list->names, capacity * sizeof(*names));
		if (!names) {
			errno = ENOMEM;
			return MNL_CB_ERROR;
		}
		list->names = names;
		p->capacity = capacity;
	}
	wgctl_attr_copy_name(name, list->names[list->count]);
	list->count++;
	return MNL_CB_OK;
}

int wgctl_parse_link(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[IFLA_MAX + 1] = { 0 };

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct ifinfomsg))
		return bad_reply();
	if (mnl_attr_parse(nlh, sizeof(struct ifinfomsg), link_attr_cb,
			   tb) < 0)
		return MNL_CB_ERROR;

	if (!tb[IFLA_IFNAME] || !tb[IFLA_LINKINFO] ||
	    !link_is_wgc(tb[IFLA_LINKINFO]))
		return MNL_CB_OK;
	return add_link_name(arg, tb[IFLA_IFNAME]);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

void wgctl_iface_list_sort(struct wgctl_iface_list *list)
{
	if (list->count)
		qsort(list->names, list->count, sizeof(*list->names),
		      name_cmp);
}

void wgctl_iface_list_free(struct wgctl_iface_list *list)
{
	free(list->names);
	list->names = NULL;
	list->count = 0;
}
