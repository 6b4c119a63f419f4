// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the reply handling in tools/wgctl/netlink.c and reply.c,
 * fed with hand-built netlink messages: device replies spread over several
 * receives, peers and their allowed IPs (a peer continued in the next
 * message merged back into one), extended acks, dump errors, interrupted
 * dumps and their retries, and the rtnetlink link filter.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <arpa/inet.h>
#include <linux/time_types.h>

#include "netlink.h"
#include "request.h"
#include "unit.h"

#define FAMILY 0x23
#define SEQ 1000
#define PORTID 77

static uint32_t buf_words[16384];
static char *const buf = (char *)buf_words;
static size_t used;

static void reset(void)
{
	memset(buf_words, 0, sizeof(buf_words));
	used = 0;
}

static struct nlmsghdr *msg_begin(uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf + used);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = SEQ;
	nlh->nlmsg_pid = PORTID;
	return nlh;
}

static void msg_end(struct nlmsghdr *nlh)
{
	used += MNL_ALIGN(nlh->nlmsg_len);
}

static const uint8_t pub[WGC_KEY_LEN] = { 1, 2, 3, [31] = 0x99 };
static const uint8_t priv[WGC_KEY_LEN] = { 0xa0, [31] = 0x41 };

static struct nlmsghdr *device_msg(const char *name, uint16_t port,
				   uint32_t fwmark, bool keys, uint16_t flags)
{
	struct nlmsghdr *nlh = msg_begin(FAMILY, flags);
	struct genlmsghdr *genl;

	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = WGC_CMD_GET_DEVICE;
	genl->version = WGC_GENL_VERSION;
	mnl_attr_put_u32(nlh, WGC_DEVICE_A_IFINDEX, 7);
	mnl_attr_put_strz(nlh, WGC_DEVICE_A_IFNAME, name);
	mnl_attr_put_u16(nlh, WGC_DEVICE_A_LISTEN_PORT, port);
	mnl_attr_put_u32(nlh, WGC_DEVICE_A_FWMARK, fwmark);
	if (keys) {
		mnl_attr_put(nlh, WGC_DEVICE_A_PUBLIC_KEY, WGC_KEY_LEN, pub);
		mnl_attr_put(nlh, WGC_DEVICE_A_PRIVATE_KEY, WGC_KEY_LEN, priv);
	}
	return nlh;
}

static void done_msg(int error, const char *extack)
{
	struct nlmsghdr *nlh = msg_begin(NLMSG_DONE, NLM_F_MULTI);
	int *code = mnl_nlmsg_put_extra_header(nlh, sizeof(int));

	*code = error;
	if (extack) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, extack);
	}
	msg_end(nlh);
}

/* An error reply, echoing a 40-byte request unless capped. */
static void error_msg(int error, const char *extack, bool capped)
{
	struct nlmsghdr *nlh = msg_begin(NLMSG_ERROR, 0);
	size_t echo = capped ? 0 : 40 - sizeof(struct nlmsghdr);
	struct nlmsgerr *err;

	err = mnl_nlmsg_put_extra_header(nlh, sizeof(*err) + echo);
	err->error = error;
	err->msg.nlmsg_len = 40;
	err->msg.nlmsg_type = FAMILY;
	err->msg.nlmsg_seq = SEQ;
	memset((char *)(err + 1), 0x5a, echo);
	if (capped)
		nlh->nlmsg_flags |= NLM_F_CAPPED;
	if (extack) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		/* Other TLVs come first to show they are skipped. */
		mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, 20);
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, extack);
	}
	msg_end(nlh);
}

static int process(struct wgctl_device *dev, unsigned int *messages,
		   struct wgctl_nl_error *e)
{
	struct wgctl_device_parse p = { .dev = dev, .family = FAMILY };
	int ret;

	memset(e, 0, sizeof(*e));
	ret = wgctl_nl_process(buf, used, SEQ, PORTID, wgctl_parse_device, &p,
			       e);
	if (messages)
		*messages += p.messages;
	return ret;
}

static void test_single_device(void)
{
	struct wgctl_device dev = { 0 };
	struct wgctl_nl_error e;
	unsigned int n = 0;
	int ret;

	reset();
	msg_end(device_msg("wgc0", 51820, 0x1234, true, NLM_F_MULTI));
	done_msg(0, NULL);
	ret = process(&dev, &n, &e);
	unit_check("netlink/device-parse", ret == 0 && n == 1 &&
		   !strcmp(dev.name, "wgc0") && dev.ifindex == 7 &&
		   dev.listen_port == 51820 && dev.fwmark == 0x1234 &&
		   dev.has_public_key && dev.has_private_key &&
		   !memcmp(dev.public_key, pub, 32) &&
		   !memcmp(dev.private_key, priv, 32),
		   "ret=%d n=%u name=%s port=%u", ret, n, dev.name,
		   dev.listen_port);

	reset();
	memset(&dev, 0, sizeof(dev));
	msg_end(device_msg("wgc1", 0, 0, false, NLM_F_MULTI));
	done_msg(0, NULL);
	ret = process(&dev, NULL, &e);
	unit_check("netlink/device-without-keys", ret == 0 &&
		   !dev.has_public_key && !dev.has_private_key,
		   "ret=%d pub=%d priv=%d", ret, dev.has_public_key,
		   dev.has_private_key);
}

/*
 * A device spread over several messages and several receives: keep
 * reading (return 1) until NLMSG_DONE, later messages overriding.
 */
static void test_multipart(void)
{
	struct wgctl_device dev = { 0 };
	struct wgctl_nl_error e;
	unsigned int n = 0;
	int ret1, ret2, ret3, i;

	reset();
	for (i = 0; i < 50; i++)
		msg_end(device_msg("wgc0", 1, 1, false, NLM_F_MULTI));
	ret1 = process(&dev, &n, &e);

	reset();
	msg_end(device_msg("wgc0", 2, 2, true, NLM_F_MULTI));
	ret2 = process(&dev, &n, &e);

	reset();
	done_msg(0, NULL);
	ret3 = process(&dev, &n, &e);

	unit_check("netlink/multipart-dump", ret1 == 1 && ret2 == 1 &&
		   ret3 == 0 && n == 51 && dev.listen_port == 2 &&
		   dev.fwmark == 2 && dev.has_private_key,
		   "rets %d %d %d, %u messages, port %u", ret1, ret2, ret3, n,
		   dev.listen_port);
}

static void test_unknown_attribute(void)
{
	struct wgctl_device dev = { 0 };
	struct nlmsghdr *nlh;
	struct wgctl_nl_error e;
	int ret;

	reset();
	nlh = device_msg("wgc0", 5, 0, false, NLM_F_MULTI);
	mnl_attr_put_u64(nlh, WGC_DEVICE_A_MAX + 7, 1);
	msg_end(nlh);
	done_msg(0, NULL);
	ret = process(&dev, NULL, &e);
	unit_check("netlink/unknown-attribute-ignored",
		   ret == 0 && dev.listen_port == 5, "ret=%d err=%d", ret,
		   e.err);
}

static void test_malformed(void)
{
	struct wgctl_device dev = { 0 };
	struct genlmsghdr *genl;
	struct nlmsghdr *nlh;
	struct wgctl_nl_error e;
	uint8_t short_key[31] = { 0 };
	int ret;

	reset();
	nlh = msg_begin(FAMILY, NLM_F_MULTI);
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = WGC_CMD_GET_DEVICE;
	mnl_attr_put(nlh, WGC_DEVICE_A_PUBLIC_KEY, sizeof(short_key),
		     short_key);
	msg_end(nlh);
	ret = process(&dev, NULL, &e);
	unit_check("netlink/reject-short-key", ret == -1 && e.err == EPROTO &&
		   !dev.has_public_key, "ret=%d err=%d", ret, e.err);

	reset();
	nlh = msg_begin(FAMILY, NLM_F_MULTI);
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	mnl_attr_put_u8(nlh, WGC_DEVICE_A_LISTEN_PORT, 1);
	msg_end(nlh);
	ret = process(&dev, NULL, &e);
	unit_check("netlink/reject-short-port", ret == -1 && e.err == EPROTO,
		   "ret=%d err=%d", ret, e.err);

	reset();
	msg_end(device_msg("wgc0", 1, 1, false, NLM_F_MULTI));
	((struct nlmsghdr *)buf)->nlmsg_type = FAMILY + 1;
	ret = process(&dev, NULL, &e);
	unit_check("netlink/reject-foreign-family",
		   ret == -1 && e.err == EPROTO, "ret=%d err=%d", ret, e.err);
}

/*
 * A message claiming more bytes than were received. At 2 GiB and more,
 * libmnl 1.0.4 took the length for negative and read past the buffer
 * (found by tools/wgctl/fuzz/fuzz-reply, as was the missing padding).
 */
static void test_overlong(void)
{
	static const uint32_t lengths[] = { 0xe1000038, 0x80000000, 21, 15 };
	struct wgctl_device dev = { 0 };
	struct nlmsghdr *nlh;
	struct wgctl_nl_error e;
	char name[64];
	size_t i;
	int ret;

	for (i = 0; i < MNL_ARRAY_SIZE(lengths); i++) {
		reset();
		msg_end(device_msg("wgc0", 1, 1, false, NLM_F_MULTI));
		nlh = msg_begin(NLMSG_NOOP, 0);
		msg_end(nlh);
		nlh->nlmsg_len = lengths[i];
		ret = process(&dev, NULL, &e);
		snprintf(name, sizeof(name), "netlink/reject-length-%#x",
			 lengths[i]);
		unit_check(name, ret == -1 && e.err == EPROTO,
			   "ret=%d err=%d", ret, e.err);
		wgctl_device_free(&dev);
	}

	/* libmnl reads up to the padded end, here past the buffer. */
	reset();
	msg_end(device_msg("wgc0", 1, 1, false, NLM_F_MULTI));
	nlh = msg_begin(NLMSG_NOOP, 0);
	nlh->nlmsg_len = sizeof(*nlh) + 1;
	used += nlh->nlmsg_len;
	ret = process(&dev, NULL, &e);
	unit_check("netlink/reject-unpadded-last", ret == -1 && e.err == EPROTO,
		   "ret=%d err=%d", ret, e.err);
	wgctl_device_free(&dev);
}

static void test_errors(void)
{
	struct wgctl_device dev = { 0 };
	struct wgctl_nl_error e;
	int ret;

	reset();
	error_msg(-ENODEV, "wgc: no such wgc device", false);
	ret = process(&dev, NULL, &e);
	unit_check("netlink/error-extack", ret == -1 && e.err == ENODEV &&
		   !strcmp(e.msg, "wgc: no such wgc device") &&
		   !strcmp(wgctl_nl_strerror(&e), e.msg),
		   "ret=%d err=%d msg=\"%s\"", ret, e.err, e.msg);

	reset();
	error_msg(-EINVAL, "bad port", true);
	ret = process(&dev, NULL, &e);
	unit_check("netlink/error-extack-capped", ret == -1 &&
		   e.err == EINVAL && !strcmp(e.msg, "bad port"),
		   "ret=%d err=%d msg=\"%s\"", ret, e.err, e.msg);

	reset();
	error_msg(-EPERM, NULL, false);
	ret = process(&dev, NULL, &e);
	unit_check("netlink/error-plain", ret == -1 && e.err == EPERM &&
		   !e.msg[0] &&
		   !strcmp(wgctl_nl_strerror(&e), strerror(EPERM)),
		   "ret=%d err=%d msg=\"%s\"", ret, e.err, e.msg);

	reset();
	error_msg(-EINVAL, "line one\nline two", true);
	ret = process(&dev, NULL, &e);
	unit_check("netlink/error-extack-one-line",
		   ret == -1 && !strchr(e.msg, '\n'), "msg=\"%s\"", e.msg);

	reset();
	error_msg(0, NULL, true);
	ret = process(&dev, NULL, &e);
	unit_check("netlink/ack", ret == 0 && !e.err, "ret=%d err=%d", ret,
		   e.err);

	reset();
	msg_end(device_msg("wgc0", 1, 1, false, NLM_F_MULTI));
	done_msg(-EMSGSIZE, "device too big for one message");
	ret = process(&dev, NULL, &e);
	unit_check("netlink/dump-done-error", ret == -1 &&
		   e.err == EMSGSIZE &&
		   !strcmp(e.msg, "device too big for one message"),
		   "ret=%d err=%d msg=\"%s\"", ret, e.err, e.msg);

	/* INT_MIN cannot be negated (found by tools/wgctl/fuzz/fuzz-reply). */
	reset();
	error_msg(INT_MIN, NULL, true);
	ret = process(&dev, NULL, &e);
	unit_check("netlink/error-int-min", ret == -1 && e.err == EPROTO,
		   "ret=%d err=%d", ret, e.err);

	reset();
	msg_end(device_msg("wgc0", 1, 1, false, NLM_F_MULTI));
	done_msg(INT_MIN, NULL);
	ret = process(&dev, NULL, &e);
	unit_check("netlink/dump-done-int-min", ret == -1 && e.err == EPROTO,
		   "ret=%d err=%d", ret, e.err);

	reset();
	msg_end(device_msg("wgc0", 1, 1, false,
			   NLM_F_MULTI | NLM_F_DUMP_INTR));
	ret = process(&dev, NULL, &e);
	unit_check("netlink/dump-interrupted", ret == -1 && e.err == EINTR,
		   "ret=%d err=%d", ret, e.err);

	reset();
	msg_end(device_msg("wgc0", 1, 1, false, NLM_F_MULTI));
	((struct nlmsghdr *)buf)->nlmsg_seq = SEQ + 1;
	ret = process(&dev, NULL, &e);
	unit_check("netlink/stale-sequence", ret == -1 && e.err == EPROTO,
		   "ret=%d err=%d", ret, e.err);
}

static void link_msg(const char *name, const char *kind, bool kind_nul)
{
	struct nlmsghdr *nlh = msg_begin(RTM_NEWLINK, NLM_F_MULTI);
	struct ifinfomsg *ifi;
	struct nlattr *nest, *data;

	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_index = 3;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_MTU, 1420);
	if (kind) {
		nest = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
		if (kind_nul)
			mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kind);
		else
			mnl_attr_put(nlh, IFLA_INFO_KIND, strlen(kind), kind);
		data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
		mnl_attr_nest_end(nlh, data);
		mnl_attr_nest_end(nlh, nest);
	}
	mnl_attr_put_u8(nlh, IFLA_OPERSTATE, 0);
	msg_end(nlh);
}

static void test_links(void)
{
	struct wgctl_iface_list list = { 0 };
	struct wgctl_link_parse p = { .list = &list };
	struct wgctl_nl_error e = { 0 };
	char name[IFNAMSIZ];
	bool sorted = true;
	size_t i;
	int ret;

	reset();
	link_msg("lo", NULL, false);
	link_msg("zz-wgc", "wgc", true);
	link_msg("veth0", "veth", true);
	link_msg("wgx", "wgcx", true);
	link_msg("wg0", "wireguard", true);
	link_msg("aa-wgc", "wgc", false);
	link_msg("short", "wg", true);
	/* Control bytes are allowed in names: kept, or it cannot be found. */
	link_msg("c\x01\x7f", "wgc", true);
	for (i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "m%02d", (int)(19 - i));
		link_msg(name, "wgc", true);
	}
	done_msg(0, NULL);

	ret = wgctl_nl_process(buf, used, SEQ, PORTID, wgctl_parse_link, &p,
			       &e);
	wgctl_iface_list_sort(&list);
	for (i = 1; i < list.count; i++)
		sorted &= strcmp(list.names[i - 1], list.names[i]) < 0;
	unit_check("netlink/links-kind-filter", ret == 0 && list.count == 23,
		   "ret=%d count=%zu", ret, list.count);
	unit_check("netlink/links-sorted", sorted && list.count == 23 &&
		   !strcmp(list.names[0], "aa-wgc") &&
		   !strcmp(list.names[1], "c\x01\x7f") &&
		   !strcmp(list.names[2], "m00") &&
		   !strcmp(list.names[22], "zz-wgc"), "wrong order");
	wgctl_iface_list_free(&list);
}


/* ---- Peers ---- */

static const uint8_t key_a[WGC_KEY_LEN] = { 0xaa, [31] = 0x01 };
static const uint8_t key_b[WGC_KEY_LEN] = { 0xbb, [31] = 0x02 };
static const uint8_t key_c[WGC_KEY_LEN] = { 0xcc, [31] = 0x03 };
static const uint8_t psk[WGC_KEY_LEN] = { 0x11, 0x22, [31] = 0x33 };

/* A dump message naming the device, ready for a WGC_DEVICE_A_PEERS nest. */
static struct nlmsghdr *peers_msg(uint16_t flags, bool device_attrs)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;

	if (device_attrs)
		return device_msg("wgc0", 51820, 0, true, flags);
	nlh = msg_begin(FAMILY, flags);
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = WGC_CMD_GET_DEVICE;
	genl->version = WGC_GENL_VERSION;
	mnl_attr_put_u32(nlh, WGC_DEVICE_A_IFINDEX, 7);
	mnl_attr_put_strz(nlh, WGC_DEVICE_A_IFNAME, "wgc0");
	return nlh;
}

static void put_aip(struct nlmsghdr *nlh, const char *addr, uint8_t cidr)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, 0);
	uint16_t family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	struct in6_addr a;

	inet_pton(family, addr, &a);
	mnl_attr_put_u16(nlh, WGC_ALLOWEDIP_A_FAMILY, family);
	mnl_attr_put(nlh, WGC_ALLOWEDIP_A_IPADDR, family == AF_INET ? 4 : 16,
		     &a);
	mnl_attr_put_u8(nlh, WGC_ALLOWEDIP_A_CIDR_MASK, cidr);
	mnl_attr_nest_end(nlh, nest);
}

/* Open a peer nest; the caller adds the rest and closes it. */
static struct nlattr *peer_begin(struct nlmsghdr *nlh, const uint8_t *key)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, 0);

	mnl_attr_put(nlh, WGC_PEER_A_PUBLIC_KEY, WGC_KEY_LEN, key);
	return nest;
}

static void put_aips(struct nlmsghdr *nlh, int first, int count)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, WGC_PEER_A_ALLOWEDIPS);
	char addr[32];
	int i;

	for (i = first; i < first + count; i++) {
		snprintf(addr, sizeof(addr), "10.0.%d.0", i);
		put_aip(nlh, addr, 24);
	}
	mnl_attr_nest_end(nlh, nest);
}

static void put_stats(struct nlmsghdr *nlh, int64_t sec, uint64_t rx,
		      uint64_t tx)
{
	struct __kernel_timespec ts = { .tv_sec = sec, .tv_nsec = 5 };

	mnl_attr_put(nlh, WGC_PEER_A_LAST_HANDSHAKE_TIME, sizeof(ts), &ts);
	mnl_attr_put_u64(nlh, WGC_PEER_A_RX_BYTES, rx);
	mnl_attr_put_u64(nlh, WGC_PEER_A_TX_BYTES, tx);
}

static bool aips_are(const struct wgctl_peer *p, int first, int count)
{
	struct in_addr want;
	char addr[32];
	int i;

	if (p->num_allowedips != (size_t)count)
		return false;
	for (i = 0; i < count; i++) {
		snprintf(addr, sizeof(addr), "10.0.%d.0", first + i);
		inet_pton(AF_INET, addr, &want);
		if (p->allowedips[i].family != AF_INET ||
		    p->allowedips[i].cidr != 24 ||
		    p->allowedips[i].ip4.s_addr != want.s_addr)
			return false;
	}
	return true;
}

static void test_peer_attributes(void)
{
	struct wgctl_device dev = { 0 };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6,
				     .sin6_port = htons(443) };
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(51820) };
	uint8_t zero[WGC_KEY_LEN] = { 0 };
	struct nlattr *peers, *p;
	struct nlmsghdr *nlh;
	struct wgctl_nl_error e;
	struct wgctl_peer *a, *b;
	int ret;

	inet_pton(AF_INET, "192.0.2.1", &sin.sin_addr);
	inet_pton(AF_INET6, "2001:db8::1", &sin6.sin6_addr);
	reset();
	nlh = peers_msg(NLM_F_MULTI, true);
	peers = mnl_attr_nest_start(nlh, WGC_DEVICE_A_PEERS);
	p = peer_begin(nlh, key_a);
	mnl_attr_put(nlh, WGC_PEER_A_PRESHARED_KEY, WGC_KEY_LEN, psk);
	mnl_attr_put(nlh, WGC_PEER_A_ENDPOINT, sizeof(sin), &sin);
	mnl_attr_put_u16(nlh, WGC_PEER_A_PERSISTENT_KEEPALIVE_INTERVAL, 25);
	put_stats(nlh, 1700000000, 1536, 1ULL << 40);
	mnl_attr_put_u32(nlh, WGC_PEER_A_PROTOCOL_VERSION, 1);
	mnl_attr_put_u64(nlh, WGC_PEER_A_MAX + 3, 9);	/* from the future */
	put_aips(nlh, 0, 2);
	mnl_attr_nest_end(nlh, p);
	p = peer_begin(nlh, key_b);
	mnl_attr_put(nlh, WGC_PEER_A_PRESHARED_KEY, WGC_KEY_LEN, zero);
	mnl_attr_put(nlh, WGC_PEER_A_ENDPOINT, sizeof(sin6), &sin6);
	mnl_attr_nest_end(nlh, p);
	mnl_attr_nest_end(nlh, peers);
	msg_end(nlh);
	done_msg(0, NULL);

	ret = process(&dev, NULL, &e);
	a = dev.peers.count > 0 ? &dev.peers.peers[0] : NULL;
	b = dev.peers.count > 1 ? &dev.peers.peers[1] : NULL;
	unit_check("netlink/peers-parsed", ret == 0 && dev.peers.count == 2,
		   "ret=%d err=%d count=%zu", ret, e.err, dev.peers.count);
	unit_check("netlink/peer-all-attributes", a &&
		   !memcmp(a->public_key, key_a, WGC_KEY_LEN) &&
		   a->has_preshared_key && !memcmp(a->preshared_key, psk, 32) &&
		   !memcmp(&a->endpoint.addr4, &sin, sizeof(sin)) &&
		   a->persistent_keepalive == 25 &&
		   a->last_handshake_sec == 1700000000 &&
		   a->last_handshake_nsec == 5 && a->rx_bytes == 1536 &&
		   a->tx_bytes == 1ULL << 40 && aips_are(a, 0, 2),
		   "peer a wrong");
	unit_check("netlink/peer-zero-psk-is-none", b &&
		   !b->has_preshared_key &&
		   !memcmp(&b->endpoint.addr6, &sin6, sizeof(sin6)) &&
		   !b->num_allowedips && !b->last_handshake_sec,
		   "peer b wrong");
	wgctl_device_free(&dev);
}

/*
 * Peer b's allowed IPs run over two messages, c's over three; each
 * continuation repeats only the key. All of it arrives in separate
 * receives, as a big dump does.
 */
static void test_peer_continuation(void)
{
	struct wgctl_device dev = { 0 };
	struct nlattr *peers, *p;
	struct nlmsghdr *nlh;
	struct wgctl_nl_error e;
	unsigned int n = 0;
	int r1, r2, r3, r4;

	reset();
	nlh = peers_msg(NLM_F_MULTI, true);
	peers = mnl_attr_nest_start(nlh, WGC_DEVICE_A_PEERS);
	p = peer_begin(nlh, key_a);
	put_aips(nlh, 0, 2);
	mnl_attr_nest_end(nlh, p);
	p = peer_begin(nlh, key_b);
	put_stats(nlh, 1234, 10, 20);
	mnl_attr_put_u16(nlh, WGC_PEER_A_PERSISTENT_KEEPALIVE_INTERVAL, 7);
	put_aips(nlh, 10, 3);
	mnl_attr_nest_end(nlh, p);
	mnl_attr_nest_end(nlh, peers);
	msg_end(nlh);
	r1 = process(&dev, &n, &e);

	reset();
	nlh = peers_msg(NLM_F_MULTI, false);
	peers = mnl_attr_nest_start(nlh, WGC_DEVICE_A_PEERS);
	p = peer_begin(nlh, key_b);
	put_aips(nlh, 13, 2);
	mnl_attr_nest_end(nlh, p);
	p = peer_begin(nlh, key_c);
	put_stats(nlh, 99, 1, 2);
	put_aips(nlh, 20, 1);
	mnl_attr_nest_end(nlh, p);
	mnl_attr_nest_end(nlh, peers);
	msg_end(nlh);
	r2 = process(&dev, &n, &e);

	reset();
	nlh = peers_msg(NLM_F_MULTI, false);
	peers = mnl_attr_nest_start(nlh, WGC_DEVICE_A_PEERS);
	p = peer_begin(nlh, key_c);
	put_aips(nlh, 21, 4);
	mnl_attr_nest_end(nlh, p);
	mnl_attr_nest_end(nlh, peers);
	msg_end(nlh);
	r3 = process(&dev, &n, &e);

	reset();
	done_msg(0, NULL);
	r4 = process(&dev, &n, &e);

	unit_check("netlink/continuation-merged", r1 == 1 && r2 == 1 &&
		   r3 == 1 && r4 == 0 && n == 3 && dev.peers.count == 3 &&
		   aips_are(&dev.peers.peers[0], 0, 2) &&
		   aips_are(&dev.peers.peers[1], 10, 5) &&
		   aips_are(&dev.peers.peers[2], 20, 5),
		   "rets %d %d %d %d, %zu peers", r1, r2, r3, r4,
		   dev.peers.count);
	unit_check("netlink/continuation-keeps-first-part",
		   dev.peers.count == 3 &&
		   dev.peers.peers[1].last_handshake_sec == 1234 &&
		   dev.peers.peers[1].rx_bytes == 10 &&
		   dev.peers.peers[1].persistent_keepalive == 7 &&
		   dev.peers.peers[2].last_handshake_sec == 99 &&
		   dev.listen_port == 51820 && dev.has_private_key,
		   "first part's attributes lost");
	wgctl_device_free(&dev);
}

/*
 * A dump of one peer with one bad attribute, of the kind given (the
 * index of its name in test_peer_malformed()). Whether it was refused.
 */
static int bad_peer(int kind)
{
	struct wgctl_device dev = { 0 };
	struct nlattr *peers, *p, *aips, *aip;
	struct nlmsghdr *nlh;
	struct wgctl_nl_error e;
	uint8_t junk[40] = { 0 };
	int ret;

	reset();
	nlh = peers_msg(NLM_F_MULTI, false);
	peers = mnl_attr_nest_start(nlh, WGC_DEVICE_A_PEERS);
	p = mnl_attr_nest_start(nlh, 0);
	if (kind != 0)
		mnl_attr_put(nlh, WGC_PEER_A_PUBLIC_KEY,
			     kind == 1 ? 31 : WGC_KEY_LEN, key_a);
	if (kind == 2)
		mnl_attr_put(nlh, WGC_PEER_A_PRESHARED_KEY, 33, junk);
	if (kind == 3) {	/* an AF_INET endpoint of sockaddr_in6 size */
		((struct sockaddr *)junk)->sa_family = AF_INET;
		mnl_attr_put(nlh, WGC_PEER_A_ENDPOINT,
			     sizeof(struct sockaddr_in6), junk);
	}
	if (kind == 4)
		mnl_attr_put(nlh, WGC_PEER_A_LAST_HANDSHAKE_TIME, 8, junk);
	if (kind == 5)
		mnl_attr_put_u32(nlh, WGC_PEER_A_RX_BYTES, 1);
	if (kind >= 6) {
		aips = mnl_attr_nest_start(nlh, WGC_PEER_A_ALLOWEDIPS);
		aip = mnl_attr_nest_start(nlh, 0);
		mnl_attr_put_u16(nlh, WGC_ALLOWEDIP_A_FAMILY,
				 kind == 8 ? AF_INET6 : AF_INET);
		mnl_attr_put(nlh, WGC_ALLOWEDIP_A_IPADDR, kind == 6 ? 16 : 4,
			     junk);
		if (kind != 9)
			mnl_attr_put_u8(nlh, WGC_ALLOWEDIP_A_CIDR_MASK,
					kind == 7 ? 33 : 8);
		mnl_attr_nest_end(nlh, aip);
		mnl_attr_nest_end(nlh, aips);
	}
	mnl_attr_nest_end(nlh, p);
	mnl_attr_nest_end(nlh, peers);
	msg_end(nlh);
	ret = process(&dev, NULL, &e);
	wgctl_device_free(&dev);
	return ret == -1 && e.err == EPROTO;
}

static void test_peer_malformed(void)
{
	static const char *const names[] = {
		"no-public-key", "short-public-key", "long-psk",
		"endpoint-size", "handshake-size", "rx-bytes-size",
		"v4-address-16-bytes", "v4-cidr-33", "v6-address-4-bytes",
		"no-cidr",
	};
	char name[80];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(name, sizeof(name), "netlink/reject-peer-%s",
			 names[i]);
		unit_check(name, bad_peer((int)i), "not refused");
	}
}

/*
 * One peer whose nest is framed wrongly, of the kind given: its public key
 * claiming 4 bytes past the peer's nest (0), 2 stray bytes after the
 * key, too few for an attribute (1), an attribute claiming less than its
 * own header (2). Whether the dump was refused. libmnl's own walkers stop
 * quietly at such an attribute; the peer would have been read half.
 */
static int bad_framing(int kind)
{
	struct wgctl_device dev = { 0 };
	struct nlattr *peers, *p, *key;
	struct nlmsghdr *nlh;
	struct wgctl_nl_error e;
	int ret;

	reset();
	nlh = peers_msg(NLM_F_MULTI, false);
	peers = mnl_attr_nest_start(nlh, WGC_DEVICE_A_PEERS);
	p = peer_begin(nlh, key_a);
	key = (struct nlattr *)((char *)p + NLA_HDRLEN);
	mnl_attr_put_u64(nlh, WGC_PEER_A_RX_BYTES, 1);
	if (kind == 0)
		key->nla_len += 4;
	if (kind == 1) {
		/* zeros within the nest's padded length */
		memset(mnl_nlmsg_get_payload_tail(nlh), 0, 4);
		nlh->nlmsg_len += 4;
	}
	mnl_attr_nest_end(nlh, p);
	if (kind == 1)
		p->nla_len -= 2;
	if (kind == 2)
		key->nla_len = 2;
	mnl_attr_nest_end(nlh, peers);
	msg_end(nlh);
	ret = process(&dev, NULL, &e);
	wgctl_device_free(&dev);
	return ret == -1 && e.err == EPROTO;
}

static void test_framing(void)
{
	static const char *const names[] = {
		"attribute-past-nest", "trailing-bytes", "attribute-below-header",
	};
	struct wgctl_device dev = { 0 };
	struct wgctl_nl_error e;
	struct nlmsghdr *nlh;
	uint64_t wide = 7;
	char name[80];
	size_t i;
	int ret;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(name, sizeof(name), "netlink/reject-%s", names[i]);
		unit_check(name, bad_framing((int)i), "not refused");
	}

	/* Fixed-size attributes are exactly their size, not at least. */
	reset();
	nlh = peers_msg(NLM_F_MULTI, false);
	mnl_attr_put(nlh, WGC_DEVICE_A_FWMARK, sizeof(wide), &wide);
	msg_end(nlh);
	ret = process(&dev, NULL, &e);
	unit_check("netlink/reject-long-u32", ret == -1 && e.err == EPROTO,
		   "ret=%d err=%d", ret, e.err);
	wgctl_device_free(&dev);
}

/* An interrupted dump is noticed even after good messages. */
static void test_dump_intr_later(void)
{
	struct wgctl_device dev = { 0 };
	struct nlattr *peers, *p;
	struct nlmsghdr *nlh;
	struct wgctl_nl_error e;
	int ret;

	reset();
	nlh = peers_msg(NLM_F_MULTI, true);
	peers = mnl_attr_nest_start(nlh, WGC_DEVICE_A_PEERS);
	p = peer_begin(nlh, key_a);
	mnl_attr_nest_end(nlh, p);
	mnl_attr_nest_end(nlh, peers);
	msg_end(nlh);
	msg_end(peers_msg(NLM_F_MULTI | NLM_F_DUMP_INTR, false));
	done_msg(0, NULL);
	ret = process(&dev, NULL, &e);
	unit_check("netlink/dump-interrupted-after-peers",
		   ret == -1 && e.err == EINTR, "ret=%d err=%d", ret, e.err);
	wgctl_device_free(&dev);
}

/* wgctl_nl_dump_retry() with a stand-in for one dump attempt. */
struct fake_dump {
	int interruptions;	/* how many attempts are interrupted */
	int other_error;	/* then fail with this, if non-zero */
	int attempts;
	int discarded;
};

static int fake_once(void *arg, struct wgctl_nl_error *e)
{
	struct fake_dump *f = arg;

	f->attempts++;
	if (f->attempts <= f->interruptions)
		e->err = EINTR;
	else if (f->other_error)
		e->err = f->other_error;
	else
		return 0;
	return -1;
}

static void fake_discard(void *arg)
{
	((struct fake_dump *)arg)->discarded++;
}

static void test_dump_retry(void)
{
	static const struct wgctl_dump_ops ops = {
		.once = fake_once,
		.discard = fake_discard,
		.what = "the thing",
	};
	struct fake_dump f = { .interruptions = 3 };
	struct wgctl_nl_error e;
	int ret;

	ret = wgctl_nl_dump_retry(&ops, &f, &e);
	unit_check("netlink/dump-retried-until-whole", ret == 0 &&
		   f.attempts == 4 && f.discarded == 3 && !e.err,
		   "ret=%d attempts=%d discarded=%d", ret, f.attempts,
		   f.discarded);

	f = (struct fake_dump){ .interruptions = 100 };
	ret = wgctl_nl_dump_retry(&ops, &f, &e);
	unit_check("netlink/dump-retry-bounded", ret == -1 &&
		   f.attempts == WGC_DUMP_ATTEMPTS &&
		   f.discarded == WGC_DUMP_ATTEMPTS && e.err == EINTR &&
		   !strcmp(e.msg, "the thing kept changing while it was read (gave up after 8 attempts)"),
		   "ret=%d attempts=%d msg=%s", ret, f.attempts, e.msg);

	f = (struct fake_dump){ .interruptions = 1, .other_error = ENODEV };
	ret = wgctl_nl_dump_retry(&ops, &f, &e);
	unit_check("netlink/dump-other-error-not-retried", ret == -1 &&
		   f.attempts == 2 && e.err == ENODEV && !e.msg[0],
		   "ret=%d attempts=%d err=%d", ret, f.attempts, e.err);
}

/*
 * The 1000-peer configuration the set side splits, sent back as a dump
 * in the same shape (set and get share the attribute layout): one
 * message per receive, merged back into the very same peers.
 */
static void test_big_dump(void)
{
	struct wgctl_device c = { .name = "wgc0" };
	struct wgctl_device dev = { 0 };
	struct wgctl_set_batch batch;
	struct wgctl_nl_error e;
	struct genlmsghdr *genl;
	struct nlmsghdr *nlh;
	struct wgctl_peer *p;
	size_t i, j, bad = 0;
	unsigned int n = 0;
	int ret = 1;

	for (i = 0; i < 1000; i++) {
		p = wgctl_peers_add(&c.peers);
		p->public_key[0] = (uint8_t)i;
		p->public_key[1] = (uint8_t)(i >> 8);
		for (j = 0; j < 10; j++) {
			struct wgctl_allowedip *aip =
				wgctl_peer_add_allowedip(p);

			aip->family = j % 2 ? AF_INET6 : AF_INET;
			aip->cidr = (uint8_t)(j % 2 ? 64 + j : 8 + j);
			aip->ip6.s6_addr[0] = (uint8_t)i;
			aip->ip6.s6_addr[1] = (uint8_t)j;
		}
	}
	wgctl_set_batch_build(&c, FAMILY, WGC_SET_MSG_MAX, &batch);
	for (i = 0; i < batch.count && ret == 1; i++) {
		reset();
		memcpy(buf, batch.msgs[i], batch.msgs[i]->nlmsg_len);
		nlh = (struct nlmsghdr *)buf;
		nlh->nlmsg_flags = NLM_F_MULTI;
		nlh->nlmsg_seq = SEQ;
		nlh->nlmsg_pid = PORTID;
		genl = mnl_nlmsg_get_payload(nlh);
		genl->cmd = WGC_CMD_GET_DEVICE;
		msg_end(nlh);
		ret = process(&dev, &n, &e);
	}
	reset();
	done_msg(0, NULL);
	if (ret == 1)
		ret = process(&dev, &n, &e);

	for (i = 0; i < dev.peers.count && i < c.peers.count; i++) {
		struct wgctl_peer *got = &dev.peers.peers[i];

		p = &c.peers.peers[i];
		if (memcmp(got->public_key, p->public_key, WGC_KEY_LEN) ||
		    got->num_allowedips != 10 ||
		    memcmp(got->allowedips, p->allowedips,
			   10 * sizeof(*p->allowedips)))
			bad++;
	}
	unit_check("netlink/1000-peer-dump-merged", ret == 0 &&
		   batch.count > 1 && n == batch.count &&
		   dev.peers.count == 1000 && !bad,
		   "ret=%d messages=%zu/%u peers=%zu bad=%zu", ret,
		   batch.count, n, dev.peers.count, bad);
	wgctl_set_batch_free(&batch);
	wgctl_device_free(&c);
	wgctl_device_free(&dev);
}

/* ---- Handshake statistics ---- */

static const uint64_t hs_values[] = {
	[WGC_HANDSHAKE_STATS_A_PROCESSED] = 25,
	[WGC_HANDSHAKE_STATS_A_INVALID] = 3,
	[WGC_HANDSHAKE_STATS_A_RATELIMITED] = 975,
	[WGC_HANDSHAKE_STATS_A_INVALID_MAC1] = 12,
	[WGC_HANDSHAKE_STATS_A_MISSING_COOKIE] = 3001,
	[WGC_HANDSHAKE_STATS_A_COOKIE_REPLIES_SENT] = 3000,
	[WGC_HANDSHAKE_STATS_A_COOKIES_RECEIVED] = 2,
	[WGC_HANDSHAKE_STATS_A_QUEUE_FULL] = 1ULL << 40,
	[WGC_HANDSHAKE_STATS_A_UNDER_LOAD] = 1,
	[WGC_HANDSHAKE_STATS_A_RATELIMITER_ENTRIES] = 70000,
};

/*
 * The stats nest as the kernel sends it, each u64 after a pad attribute
 * (type 0) as nla_put_u64_64bit() may put one. bad_type gets a payload
 * one byte too long (0: none does); extra adds attributes of a newer
 * kernel.
 */
static void put_handshake_stats(struct nlmsghdr *nlh, uint16_t bad_type,
				bool extra)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh,
						  WGC_DEVICE_A_HANDSHAKE_STATS);
	uint8_t raw[9] = { 0 };
	uint16_t type;
	size_t len;

	if (extra)
		mnl_attr_put(nlh, WGC_HANDSHAKE_STATS_A_MAX + 1, 3, "abc");
	for (type = 1; type <= WGC_HANDSHAKE_STATS_A_MAX; type++) {
		if (type == WGC_HANDSHAKE_STATS_A_UNDER_LOAD)
			len = 1;
		else if (type == WGC_HANDSHAKE_STATS_A_RATELIMITER_ENTRIES)
			len = 4;
		else {
			len = 8;
			mnl_attr_put(nlh, WGC_HANDSHAKE_STATS_A_UNSPEC, 0,
				     NULL);
		}
		/* Little or big endian alike: a host-order value. */
		if (len == 8) {
			memcpy(raw, &hs_values[type], 8);
		} else if (len == 4) {
			uint32_t v = (uint32_t)hs_values[type];

			memcpy(raw, &v, 4);
		} else {
			raw[0] = (uint8_t)hs_values[type];
		}
		mnl_attr_put(nlh, type, len + (type == bad_type), raw);
	}
	if (extra)
		mnl_attr_put_u64(nlh, WGC_HANDSHAKE_STATS_A_MAX + 9, 7);
	mnl_attr_nest_end(nlh, nest);
}

static bool stats_are_hs_values(const struct wgctl_device *dev)
{
	const struct wgctl_handshake_stats *hs = &dev->handshake_stats;

	return dev->has_handshake_stats &&
	       hs->processed == 25 && hs->invalid == 3 &&
	       hs->ratelimited == 975 && hs->invalid_mac1 == 12 &&
	       hs->missing_cookie == 3001 && hs->cookie_replies_sent == 3000 &&
	       hs->cookies_received == 2 && hs->queue_full == 1ULL << 40 &&
	       hs->under_load && hs->ratelimiter_entries == 70000;
}

static void test_handshake_stats(void)
{
	struct wgctl_device dev = { 0 };
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct wgctl_nl_error e;
	int ret;

	reset();
	nlh = device_msg("wgc0", 51820, 0, true, NLM_F_MULTI);
	put_handshake_stats(nlh, 0, false);
	msg_end(nlh);
	done_msg(0, NULL);
	ret = process(&dev, NULL, &e);
	unit_check("netlink/handshake-stats-parsed",
		   ret == 0 && stats_are_hs_values(&dev) &&
		   dev.listen_port == 51820,
		   "ret=%d err=%d has=%d processed=%llu queue_full=%llu "
		   "entries=%u", ret, e.err, dev.has_handshake_stats,
		   (unsigned long long)dev.handshake_stats.processed,
		   (unsigned long long)dev.handshake_stats.queue_full,
		   dev.handshake_stats.ratelimiter_entries);

	/* An older kernel sends none: nothing to show, not zeros. */
	reset();
	memset(&dev, 0, sizeof(dev));
	msg_end(device_msg("wgc0", 51820, 0, true, NLM_F_MULTI));
	done_msg(0, NULL);
	ret = process(&dev, NULL, &e);
	unit_check("netlink/handshake-stats-absent",
		   ret == 0 && !dev.has_handshake_stats &&
		   dev.listen_port == 51820,
		   "ret=%d has=%d", ret, dev.has_handshake_stats);

	reset();
	memset(&dev, 0, sizeof(dev));
	nlh = device_msg("wgc0", 51820, 0, true, NLM_F_MULTI);
	put_handshake_stats(nlh, 0, true);
	msg_end(nlh);
	done_msg(0, NULL);
	ret = process(&dev, NULL, &e);
	unit_check("netlink/handshake-stats-unknown-attribute-ignored",
		   ret == 0 && stats_are_hs_values(&dev),
		   "ret=%d err=%d has=%d", ret, e.err,
		   dev.has_handshake_stats);

	/* A counter the kernel left out counts nothing. */
	reset();
	memset(&dev, 0, sizeof(dev));
	dev.handshake_stats.invalid = 99;
	nlh = device_msg("wgc0", 1, 0, false, NLM_F_MULTI);
	nest = mnl_attr_nest_start(nlh, WGC_DEVICE_A_HANDSHAKE_STATS);
	mnl_attr_put_u64(nlh, WGC_HANDSHAKE_STATS_A_PROCESSED, 4);
	mnl_attr_nest_end(nlh, nest);
	msg_end(nlh);
	done_msg(0, NULL);
	ret = process(&dev, NULL, &e);
	unit_check("netlink/handshake-stats-partial",
		   ret == 0 && dev.has_handshake_stats &&
		   dev.handshake_stats.processed == 4 &&
		   !dev.handshake_stats.invalid &&
		   !dev.handshake_stats.under_load &&
		   !dev.handshake_stats.ratelimiter_entries,
		   "ret=%d has=%d processed=%llu invalid=%llu load=%d", ret,
		   dev.has_handshake_stats,
		   (unsigned long long)dev.handshake_stats.processed,
		   (unsigned long long)dev.handshake_stats.invalid,
		   dev.handshake_stats.under_load);

	/* Under load is 1; 0 is not. */
	reset();
	memset(&dev, 0, sizeof(dev));
	dev.handshake_stats.under_load = true;
	nlh = device_msg("wgc0", 1, 0, false, NLM_F_MULTI);
	nest = mnl_attr_nest_start(nlh, WGC_DEVICE_A_HANDSHAKE_STATS);
	mnl_attr_put_u8(nlh, WGC_HANDSHAKE_STATS_A_UNDER_LOAD, 0);
	mnl_attr_put_u32(nlh, WGC_HANDSHAKE_STATS_A_RATELIMITER_ENTRIES, 9);
	mnl_attr_nest_end(nlh, nest);
	msg_end(nlh);
	done_msg(0, NULL);
	ret = process(&dev, NULL, &e);
	unit_check("netlink/handshake-stats-not-under-load",
		   ret == 0 && dev.has_handshake_stats &&
		   !dev.handshake_stats.under_load &&
		   dev.handshake_stats.ratelimiter_entries == 9,
		   "ret=%d has=%d load=%d entries=%u", ret,
		   dev.has_handshake_stats, dev.handshake_stats.under_load,
		   dev.handshake_stats.ratelimiter_entries);

	/* The nest itself must be a nest. */
	reset();
	memset(&dev, 0, sizeof(dev));
	nlh = device_msg("wgc0", 1, 0, false, NLM_F_MULTI);
	mnl_attr_put_u16(nlh, WGC_DEVICE_A_HANDSHAKE_STATS, 1);
	msg_end(nlh);
	done_msg(0, NULL);
	ret = process(&dev, NULL, &e);
	unit_check("netlink/reject-handshake-stats-not-nested",
		   ret == -1 && e.err == EPROTO && !dev.has_handshake_stats,
		   "ret=%d err=%d", ret, e.err);
}

/* Each attribute of the nest one byte too long: the dump is refused. */
static void test_handshake_stats_malformed(void)
{
	static const char *const names[] = {
		[WGC_HANDSHAKE_STATS_A_PROCESSED] = "processed",
		[WGC_HANDSHAKE_STATS_A_INVALID] = "invalid",
		[WGC_HANDSHAKE_STATS_A_RATELIMITED] = "ratelimited",
		[WGC_HANDSHAKE_STATS_A_INVALID_MAC1] = "invalid-mac1",
		[WGC_HANDSHAKE_STATS_A_MISSING_COOKIE] = "missing-cookie",
		[WGC_HANDSHAKE_STATS_A_COOKIE_REPLIES_SENT] =
			"cookie-replies-sent",
		[WGC_HANDSHAKE_STATS_A_COOKIES_RECEIVED] = "cookies-received",
		[WGC_HANDSHAKE_STATS_A_QUEUE_FULL] = "queue-full",
		[WGC_HANDSHAKE_STATS_A_UNDER_LOAD] = "under-load",
		[WGC_HANDSHAKE_STATS_A_RATELIMITER_ENTRIES] =
			"ratelimiter-entries",
	};
	struct wgctl_device dev;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct wgctl_nl_error e;
	char name[80];
	uint16_t type;
	int ret;

	for (type = 1; type <= WGC_HANDSHAKE_STATS_A_MAX; type++) {
		reset();
		memset(&dev, 0, sizeof(dev));
		nlh = device_msg("wgc0", 1, 0, false, NLM_F_MULTI);
		put_handshake_stats(nlh, type, false);
		msg_end(nlh);
		done_msg(0, NULL);
		ret = process(&dev, NULL, &e);
		snprintf(name, sizeof(name),
			 "netlink/reject-handshake-stats-%s-size",
			 type < sizeof(names) / sizeof(names[0]) &&
			 names[type] ? names[type] : "unnamed");
		unit_check(name, ret == -1 && e.err == EPROTO &&
			   !dev.has_handshake_stats, "ret=%d err=%d has=%d",
			   ret, e.err, dev.has_handshake_stats);
	}

	/* Too short is as bad as too long. */
	reset();
	memset(&dev, 0, sizeof(dev));
	nlh = device_msg("wgc0", 1, 0, false, NLM_F_MULTI);
	nest = mnl_attr_nest_start(nlh, WGC_DEVICE_A_HANDSHAKE_STATS);
	mnl_attr_put_u32(nlh, WGC_HANDSHAKE_STATS_A_QUEUE_FULL, 1);
	mnl_attr_nest_end(nlh, nest);
	msg_end(nlh);
	done_msg(0, NULL);
	ret = process(&dev, NULL, &e);
	unit_check("netlink/reject-handshake-stats-short-counter",
		   ret == -1 && e.err == EPROTO && !dev.has_handshake_stats,
		   "ret=%d err=%d", ret, e.err);
}

/*
 * The stats come in the first message of a dump only; the messages after
 * it, each received on its own, must not lose them.
 */
static void test_handshake_stats_multipart(void)
{
	struct wgctl_device dev = { 0 };
	struct nlattr *peers, *p;
	struct nlmsghdr *nlh;
	struct wgctl_nl_error e;
	unsigned int n = 0;
	int r1, r2, r3;

	reset();
	nlh = peers_msg(NLM_F_MULTI, true);
	put_handshake_stats(nlh, 0, false);
	peers = mnl_attr_nest_start(nlh, WGC_DEVICE_A_PEERS);
	p = peer_begin(nlh, key_a);
	put_aips(nlh, 0, 2);
	mnl_attr_nest_end(nlh, p);
	mnl_attr_nest_end(nlh, peers);
	msg_end(nlh);
	r1 = process(&dev, &n, &e);

	reset();
	nlh = peers_msg(NLM_F_MULTI, false);
	peers = mnl_attr_nest_start(nlh, WGC_DEVICE_A_PEERS);
	p = peer_begin(nlh, key_a);
	put_aips(nlh, 2, 1);
	mnl_attr_nest_end(nlh, p);
	p = peer_begin(nlh, key_b);
	mnl_attr_nest_end(nlh, p);
	mnl_attr_nest_end(nlh, peers);
	msg_end(nlh);
	r2 = process(&dev, &n, &e);

	reset();
	done_msg(0, NULL);
	r3 = process(&dev, &n, &e);

	unit_check("netlink/handshake-stats-kept-across-messages",
		   r1 == 1 && r2 == 1 && r3 == 0 && n == 2 &&
		   dev.peers.count == 2 &&
		   aips_are(&dev.peers.peers[0], 0, 3) &&
		   stats_are_hs_values(&dev),
		   "rets %d %d %d, %u messages, %zu peers, has=%d", r1, r2, r3,
		   n, dev.peers.count, dev.has_handshake_stats);
	wgctl_device_free(&dev);
}

/* Whether nlh is a get request for name and holds nothing more. */
static bool get_request_is(const struct nlmsghdr *nlh, const char *name)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr = (const void *)(genl + 1);
	size_t len = strlen(name) + 1;

	return nlh->nlmsg_type == FAMILY &&
	       nlh->nlmsg_flags == (NLM_F_REQUEST | NLM_F_DUMP) &&
	       genl->cmd == WGC_CMD_GET_DEVICE &&
	       genl->version == WGC_GENL_VERSION && genl->reserved == 0 &&
	       attr->nla_type == WGC_DEVICE_A_IFNAME &&
	       attr->nla_len == MNL_ATTR_HDRLEN + len &&
	       !memcmp(mnl_attr_get_payload(attr), name, len) &&
	       nlh->nlmsg_len == MNL_NLMSG_HDRLEN + sizeof(*genl) +
				 MNL_ALIGN(attr->nla_len);
}

/* Whether nlh is a get request for name with get flags, and no more. */
static bool get_request_has_flags(const struct nlmsghdr *nlh, const char *name,
				  uint32_t flags)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr = (const void *)(genl + 1);
	const struct nlattr *next = (const void *)((const char *)attr +
						   MNL_ALIGN(attr->nla_len));

	return attr->nla_type == WGC_DEVICE_A_IFNAME &&
	       !strcmp(mnl_attr_get_payload(attr), name) &&
	       next->nla_type == WGC_DEVICE_A_GET_FLAGS &&
	       next->nla_len == MNL_ATTR_HDRLEN + 4 &&
	       mnl_attr_get_u32(next) == flags &&
	       nlh->nlmsg_len == (const char *)next + MNL_ATTR_HDRLEN + 4 -
				 (const char *)nlh;
}

/*
 * A get names its device by ifname and carries nothing else, with a zero
 * reserved byte: the kernel refuses a get with any other attribute, or
 * with a reserved byte set.
 */
static void test_get_request(void)
{
	const char *longest = "abcdefghijklmno";
	struct nlmsghdr *nlh;

	reset();
	nlh = wgctl_get_request(buf, 512, FAMILY, "wgc0", 0);
	unit_check("netlink/get-request-ifname-only",
		   nlh && get_request_is(nlh, "wgc0"), "%u bytes",
		   nlh ? nlh->nlmsg_len : 0);

	reset();
	nlh = wgctl_get_request(buf, 512, FAMILY, longest, 0);
	unit_check("netlink/get-request-longest-name",
		   nlh && get_request_is(nlh, longest), "%u bytes",
		   nlh ? nlh->nlmsg_len : 0);

	reset();
	nlh = wgctl_get_request(buf, MNL_NLMSG_HDRLEN + 4 + MNL_ATTR_HDRLEN + 4,
				FAMILY, "wgc0", 0);
	unit_check("netlink/get-request-too-small", !nlh, "built anyway");

	reset();
	nlh = wgctl_get_request(buf, 512, FAMILY, "wgc0", WGC_GET_F_PEER_STATS);
	unit_check("netlink/get-request-peer-stats",
		   nlh && get_request_has_flags(nlh, "wgc0",
						WGC_GET_F_PEER_STATS),
		   "%u bytes", nlh ? nlh->nlmsg_len : 0);

	reset();
	nlh = wgctl_get_request(buf, MNL_NLMSG_HDRLEN + 4 + MNL_ATTR_HDRLEN + 8,
				FAMILY, "wgc0", WGC_GET_F_PEER_STATS);
	unit_check("netlink/get-request-flags-too-small", !nlh,
		   "built anyway");
}

int main(void)
{
	unit_init();
	test_get_request();
	test_single_device();
	test_multipart();
	test_unknown_attribute();
	test_malformed();
	test_overlong();
	test_errors();
	test_links();
	test_peer_attributes();
	test_peer_continuation();
	test_peer_malformed();
	test_framing();
	test_dump_intr_later();
	test_dump_retry();
	test_big_dump();
	test_handshake_stats();
	test_handshake_stats_malformed();
	test_handshake_stats_multipart();
	return unit_exit();
}
