// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the reply handling in tools/wgctl/netlink.c, fed with
 * hand-built netlink messages: device replies spread over several
 * receives, extended acks, dump errors and the rtnetlink link filter.
 */
#include <errno.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "netlink.h"
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

static int process(struct wgc_device_info *dev, unsigned int *messages,
		   struct wgc_nl_error *e)
{
	struct wgc_device_parse p = { .dev = dev, .family = FAMILY };
	int ret;

	memset(e, 0, sizeof(*e));
	ret = wgc_nl_process(buf, used, SEQ, PORTID, wgc_parse_device, &p, e);
	if (messages)
		*messages += p.messages;
	return ret;
}

static void test_single_device(void)
{
	struct wgc_device_info dev = { 0 };
	struct wgc_nl_error e;
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
	struct wgc_device_info dev = { 0 };
	struct wgc_nl_error e;
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
	struct wgc_device_info dev = { 0 };
	struct nlmsghdr *nlh;
	struct wgc_nl_error e;
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
	struct wgc_device_info dev = { 0 };
	struct genlmsghdr *genl;
	struct nlmsghdr *nlh;
	struct wgc_nl_error e;
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

static void test_errors(void)
{
	struct wgc_device_info dev = { 0 };
	struct wgc_nl_error e;
	int ret;

	reset();
	error_msg(-ENODEV, "wgc: no such wgc device", false);
	ret = process(&dev, NULL, &e);
	unit_check("netlink/error-extack", ret == -1 && e.err == ENODEV &&
		   !strcmp(e.msg, "wgc: no such wgc device") &&
		   !strcmp(wgc_nl_strerror(&e), e.msg),
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
		   !strcmp(wgc_nl_strerror(&e), strerror(EPERM)),
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
	struct wgc_iface_list list = { 0 };
	struct wgc_link_parse p = { .list = &list };
	struct wgc_nl_error e = { 0 };
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
	for (i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "m%02d", (int)(19 - i));
		link_msg(name, "wgc", true);
	}
	done_msg(0, NULL);

	ret = wgc_nl_process(buf, used, SEQ, PORTID, wgc_parse_link, &p, &e);
	wgc_iface_list_sort(&list);
	for (i = 1; i < list.count; i++)
		sorted &= strcmp(list.names[i - 1], list.names[i]) < 0;
	unit_check("netlink/links-kind-filter", ret == 0 && list.count == 22,
		   "ret=%d count=%zu", ret, list.count);
	unit_check("netlink/links-sorted", sorted && list.count == 22 &&
		   !strcmp(list.names[0], "aa-wgc") &&
		   !strcmp(list.names[1], "m00") &&
		   !strcmp(list.names[21], "zz-wgc"), "wrong order");
	wgc_iface_list_free(&list);
}

int main(void)
{
	unit_init();
	test_single_device();
	test_multipart();
	test_unknown_attribute();
	test_malformed();
	test_errors();
	test_links();
	return unit_exit();
}
