// SPDX-License-Identifier: GPL-2.0
/*
 * Makes the seed corpus of fuzz-reply: small receive buffers of netlink
 * messages such as the kernel sends wgctl, with the family id, sequence
 * number and port id of fuzz.h. `make -C tools/wgctl fuzz` builds it;
 *
 *   build/wgctl/fuzz/mkreply tools/wgctl/fuzz/corpus/reply
 *
 * writes the files again (the same bytes every time).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/time_types.h>

#include "fuzz.h"
#include "wgctl.h"

static uint32_t words[1024];
static char *const buf = (char *)words;
static size_t used;

static const uint8_t key_a[WGC_KEY_LEN] = { 0xa1, [31] = 0x1a };
static const uint8_t key_b[WGC_KEY_LEN] = { 0xb2, [31] = 0x2b };
static const uint8_t key_c[WGC_KEY_LEN] = { 0xc3, [31] = 0x3c };
static const uint8_t psk[WGC_KEY_LEN] = { 0x22, 0x22, [31] = 0x22 };

static struct nlmsghdr *msg_begin(uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf + used);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = FUZZ_SEQ;
	nlh->nlmsg_pid = FUZZ_PORTID;
	return nlh;
}

static void msg_end(struct nlmsghdr *nlh)
{
	used += MNL_ALIGN(nlh->nlmsg_len);
}

/* A dump message with the device's own attributes, as every one has. */
static struct nlmsghdr *device_msg(uint16_t flags)
{
	struct nlmsghdr *nlh = msg_begin(FUZZ_FAMILY, flags | NLM_F_MULTI);
	struct genlmsghdr *genl;

	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = WGC_CMD_GET_DEVICE;
	genl->version = WGC_GENL_VERSION;
	mnl_attr_put_u32(nlh, WGC_DEVICE_A_IFINDEX, 7);
	mnl_attr_put_strz(nlh, WGC_DEVICE_A_IFNAME, "wgc0");
	mnl_attr_put_u16(nlh, WGC_DEVICE_A_LISTEN_PORT, 51820);
	mnl_attr_put_u32(nlh, WGC_DEVICE_A_FWMARK, 0x1234);
	return nlh;
}

static void put_stats(struct nlmsghdr *nlh)
{
	struct nlattr *nest;

	nest = mnl_attr_nest_start(nlh, WGC_DEVICE_A_HANDSHAKE_STATS);
	mnl_attr_put_u64(nlh, WGC_HANDSHAKE_STATS_A_PROCESSED, 1000);
	mnl_attr_put_u64(nlh, WGC_HANDSHAKE_STATS_A_RATELIMITED, 20);
	mnl_attr_put_u8(nlh, WGC_HANDSHAKE_STATS_A_UNDER_LOAD, 1);
	mnl_attr_put_u32(nlh, WGC_HANDSHAKE_STATS_A_RATELIMITER_ENTRIES, 3);
	mnl_attr_nest_end(nlh, nest);
	nest = mnl_attr_nest_start(nlh, WGC_DEVICE_A_EVENT_STATS);
	mnl_attr_put_u64(nlh, WGC_EVENT_STATS_A_SENT, 12);
	mnl_attr_put_u64(nlh, WGC_EVENT_STATS_A_DROPPED, 3);
	mnl_attr_nest_end(nlh, nest);
}

static void put_allowedip(struct nlmsghdr *nlh, const char *addr,
			  uint8_t cidr)
{
	uint16_t family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	struct in6_addr ip;
	struct nlattr *nest;

	inet_pton(family, addr, &ip);
	nest = mnl_attr_nest_start(nlh, 0);
	mnl_attr_put_u16(nlh, WGC_ALLOWEDIP_A_FAMILY, family);
	mnl_attr_put(nlh, WGC_ALLOWEDIP_A_IPADDR,
		     family == AF_INET ? 4 : 16, &ip);
	mnl_attr_put_u8(nlh, WGC_ALLOWEDIP_A_CIDR_MASK, cidr);
	mnl_attr_nest_end(nlh, nest);
}

/* A peer with everything a dump can say about one. */
static void put_full_peer(struct nlmsghdr *nlh, const uint8_t *key)
{
	struct __kernel_timespec ts = { .tv_sec = 1699999000, .tv_nsec = 5 };
	struct sockaddr_in ep = {
		.sin_family = AF_INET,
		.sin_port = htons(51820),
		.sin_addr.s_addr = htonl(0xc0000201),
	};
	struct nlattr *nest, *ips, *stats;

	nest = mnl_attr_nest_start(nlh, 0);
	mnl_attr_put(nlh, WGC_PEER_A_PUBLIC_KEY, WGC_KEY_LEN, key);
	mnl_attr_put(nlh, WGC_PEER_A_PRESHARED_KEY, WGC_KEY_LEN, psk);
	mnl_attr_put(nlh, WGC_PEER_A_ENDPOINT, sizeof(ep), &ep);
	mnl_attr_put_u16(nlh, WGC_PEER_A_PERSISTENT_KEEPALIVE_INTERVAL, 25);
	mnl_attr_put(nlh, WGC_PEER_A_LAST_HANDSHAKE_TIME, sizeof(ts), &ts);
	mnl_attr_put_u64(nlh, WGC_PEER_A_RX_BYTES, 123456789);
	mnl_attr_put_u64(nlh, WGC_PEER_A_TX_BYTES, 42);
	mnl_attr_put_u32(nlh, WGC_PEER_A_PROTOCOL_VERSION, 1);
	stats = mnl_attr_nest_start(nlh, WGC_PEER_A_STATS);
	mnl_attr_put_u64(nlh, WGC_PEER_STATS_A_RX_PACKETS, 1000);
	mnl_attr_put_u64(nlh, WGC_PEER_STATS_A_RX_DROPPED_REPLAY, 3);
	mnl_attr_put_u64(nlh, WGC_PEER_STATS_A_COOKIES_SENT, 1);
	mnl_attr_put(nlh, WGC_PEER_STATS_A_LAST_REKEY_TIME, sizeof(ts), &ts);
	mnl_attr_nest_end(nlh, stats);
	ips = mnl_attr_nest_start(nlh, WGC_PEER_A_ALLOWEDIPS);
	put_allowedip(nlh, "10.0.0.0", 8);
	put_allowedip(nlh, "fd00::1", 128);
	mnl_attr_nest_end(nlh, ips);
	mnl_attr_nest_end(nlh, nest);
}

/* A peer with an IPv6 endpoint and its first (or next) allowed IPs. */
static void put_split_peer(struct nlmsghdr *nlh, const uint8_t *key,
			   const char *ip, bool first)
{
	struct sockaddr_in6 ep = {
		.sin6_family = AF_INET6,
		.sin6_port = htons(443),
	};
	struct nlattr *nest, *ips;

	inet_pton(AF_INET6, "2001:db8::7", &ep.sin6_addr);
	nest = mnl_attr_nest_start(nlh, 0);
	mnl_attr_put(nlh, WGC_PEER_A_PUBLIC_KEY, WGC_KEY_LEN, key);
	if (first)
		mnl_attr_put(nlh, WGC_PEER_A_ENDPOINT, sizeof(ep), &ep);
	ips = mnl_attr_nest_start(nlh, WGC_PEER_A_ALLOWEDIPS);
	put_allowedip(nlh, ip, first ? 24 : 32);
	mnl_attr_nest_end(nlh, ips);
	mnl_attr_nest_end(nlh, nest);
}

/* The end of a dump, with its error code and extended ack message. */
static void done_msg(int error, const char *extack)
{
	struct nlmsghdr *nlh = msg_begin(NLMSG_DONE, NLM_F_MULTI);
	int *code = mnl_nlmsg_put_extra_header(nlh, sizeof(*code));

	*code = error;
	if (extack) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, extack);
	}
	msg_end(nlh);
}

/* Two messages; peer b's allowed IPs continue in the second. */
static void make_dump(void)
{
	struct nlmsghdr *nlh;
	struct nlattr *peers;

	nlh = device_msg(0);
	mnl_attr_put(nlh, WGC_DEVICE_A_PUBLIC_KEY, WGC_KEY_LEN, key_c);
	mnl_attr_put(nlh, WGC_DEVICE_A_PRIVATE_KEY, WGC_KEY_LEN, key_c);
	put_stats(nlh);
	peers = mnl_attr_nest_start(nlh, WGC_DEVICE_A_PEERS);
	put_full_peer(nlh, key_a);
	put_split_peer(nlh, key_b, "192.168.1.0", true);
	mnl_attr_nest_end(nlh, peers);
	msg_end(nlh);

	nlh = device_msg(0);
	peers = mnl_attr_nest_start(nlh, WGC_DEVICE_A_PEERS);
	put_split_peer(nlh, key_b, "192.168.2.1", false);
	put_split_peer(nlh, key_c, "2001:db8::", true);
	mnl_attr_nest_end(nlh, peers);
	msg_end(nlh);
	done_msg(0, NULL);
}

static void make_done_error(void)
{
	msg_end(device_msg(0));
	done_msg(-ENODEV, "wgc: no such device\tnamed \"wgc0\"");
}

/* An error reply echoing the 20 bytes of a request, then an extack. */
static void make_ack_error(void)
{
	struct nlmsghdr *nlh = msg_begin(NLMSG_ERROR, NLM_F_ACK_TLVS);
	struct nlmsgerr *err;

	err = mnl_nlmsg_put_extra_header(nlh, sizeof(*err) + 4);
	err->error = -EINVAL;
	err->msg.nlmsg_len = sizeof(err->msg) + 4;
	err->msg.nlmsg_type = FUZZ_FAMILY;
	err->msg.nlmsg_seq = FUZZ_SEQ;
	mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, 20);
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "bad WGC_PEER_A_ENDPOINT");
	msg_end(nlh);
}

static void make_interrupted(void)
{
	msg_end(device_msg(NLM_F_DUMP_INTR));
	done_msg(0, NULL);
}

/* A peer whose endpoint is neither sockaddr. */
static void make_bad_endpoint(void)
{
	struct nlmsghdr *nlh = device_msg(0);
	struct nlattr *peers, *peer;
	const char junk[10] = { AF_INET };

	peers = mnl_attr_nest_start(nlh, WGC_DEVICE_A_PEERS);
	peer = mnl_attr_nest_start(nlh, 0);
	mnl_attr_put(nlh, WGC_PEER_A_PUBLIC_KEY, WGC_KEY_LEN, key_a);
	mnl_attr_put(nlh, WGC_PEER_A_ENDPOINT, sizeof(junk), junk);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, peers);
	msg_end(nlh);
}

static void link_msg(const char *name, const char *kind)
{
	struct nlmsghdr *nlh = msg_begin(RTM_NEWLINK, NLM_F_MULTI);
	struct ifinfomsg *ifi;
	struct nlattr *info;

	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (kind) {
		info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
		mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kind);
		mnl_attr_nest_end(nlh, info);
	}
	msg_end(nlh);
}

/* An event, as the events group carries it: sequence number and port 0. */
static struct nlmsghdr *event_msg(uint8_t cmd, const uint8_t *key)
{
	struct nlmsghdr *nlh = msg_begin(FUZZ_FAMILY, 0);
	struct genlmsghdr *genl;

	nlh->nlmsg_seq = 0;
	nlh->nlmsg_pid = 0;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = WGC_GENL_VERSION;
	mnl_attr_put_u32(nlh, WGC_EVENT_A_IFINDEX, 7);
	mnl_attr_put_strz(nlh, WGC_EVENT_A_IFNAME, "wgc0");
	mnl_attr_put(nlh, WGC_EVENT_A_PUBLIC_KEY, WGC_KEY_LEN, key);
	return nlh;
}

static void make_events(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(51820) };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6,
				     .sin6_port = htons(1234) };
	struct nlmsghdr *nlh;

	inet_pton(AF_INET, "192.0.2.1", &sin.sin_addr);
	inet_pton(AF_INET6, "2001:db8::7", &sin6.sin6_addr);
	msg_end(event_msg(WGC_CMD_PEER_ADDED, key_a));
	nlh = event_msg(WGC_CMD_SESSION_STARTED, key_b);
	mnl_attr_put_u8(nlh, WGC_EVENT_A_ROLE, WGC_SESSION_ROLE_INITIATOR);
	mnl_attr_put(nlh, WGC_EVENT_A_ENDPOINT, sizeof(sin), &sin);
	msg_end(nlh);
	nlh = event_msg(WGC_CMD_ENDPOINT_CHANGED, key_c);
	mnl_attr_put(nlh, WGC_EVENT_A_ENDPOINT, sizeof(sin6), &sin6);
	mnl_attr_put(nlh, WGC_EVENT_A_OLD_ENDPOINT, sizeof(sin), &sin);
	msg_end(nlh);
}

static void make_links(void)
{
	link_msg("lo", NULL);
	link_msg("wgc1", "wgc");
	link_msg("veth0", "veth");
	link_msg("wgc0", "wgc");
	done_msg(0, NULL);
}

static const struct {
	const char *name;
	void (*make)(void);
} seeds[] = {
	{ "dump", make_dump },
	{ "done-error", make_done_error },
	{ "ack-error", make_ack_error },
	{ "interrupted", make_interrupted },
	{ "bad-endpoint", make_bad_endpoint },
	{ "links", make_links },
	{ "events", make_events },
};

static int write_seed(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, used, f) != used || fclose(f)) {
		perror(path);
		return -1;
	}
	return 0;
}

int main(int argc, char *argv[])
{
	size_t i;

	if (argc != 2) {
		fprintf(stderr, "Usage: %s DIRECTORY\n", argv[0]);
		return 2;
	}
	for (i = 0; i < ARRAY_SIZE(seeds); i++) {
		memset(words, 0, sizeof(words));
		used = 0;
		seeds[i].make();
		if (write_seed(argv[1], seeds[i].name) < 0)
			return 1;
	}
	return 0;
}
