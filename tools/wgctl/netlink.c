// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink plumbing for wgctl, on top of libmnl.
 *
 * Every request goes out on a socket of its own. That costs a few system
 * calls, but a request that fails half way through a dump leaves the rest
 * of the dump queued on its socket, and a fresh socket is the simplest way
 * to never mistake those leftovers for the answer to the next request.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sodium.h>

#include "netlink.h"
#include "wgctl.h"

/*
 * The kernel sizes dump messages after the largest buffer it has seen us
 * pass to recvmsg(), capped at 32 KiB. A message bigger than our buffer
 * would be cut short (libmnl reports ENOSPC), so take the cap outright.
 */
#define NL_RECV_SIZE 32768

/*
 * Enough for any request we build: a name, a key and two integers.
 * Request buffers start zeroed: libmnl leaves attribute padding as it
 * finds it, and stack garbage has no business going to the kernel.
 */
#define NL_SEND_SIZE 512

/* An interrupted dump (the list changed under it) is simply redone. */
#define DUMP_ATTEMPTS 8

struct nl_conn {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
	char *buf;
	size_t buf_size;
};

/* What the data and control callbacks of one request share. */
struct nl_txn {
	wgc_nl_parse_t parse;
	void *arg;
	struct wgc_nl_error *e;
};

/* Cached once found: it is fixed for as long as the module is loaded. */
static uint16_t wgc_family_id;

static int fail(struct wgc_nl_error *e, int err)
{
	e->err = err;
	errno = err;
	return -1;
}

static void error_reset(struct wgc_nl_error *e)
{
	memset(e, 0, sizeof(*e));
}

const char *wgc_nl_strerror(const struct wgc_nl_error *e)
{
	if (e->msg[0])
		return e->msg;
	return strerror(e->err);
}

void wgc_nl_perror(const char *what, const struct wgc_nl_error *e)
{
	if (e->no_family)
		fprintf(stderr,
			"%s: the wgc kernel module is not loaded (generic netlink family \"%s\" not found)\n",
			PROG_NAME, WGC_GENL_NAME);
	else
		fprintf(stderr, "%s: %s\n", what, wgc_nl_strerror(e));
}

/*
 * Copy a string attribute into a fixed buffer, whether or not the sender
 * counted the terminating NUL, and keep it to one printable line.
 */
static void attr_copy_str(const struct nlattr *attr, char *dst, size_t size)
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

static bool attr_str_equal(const struct nlattr *attr, const char *s)
{
	const char *p = mnl_attr_get_payload(attr);
	size_t len = mnl_attr_get_payload_len(attr);

	if (len && !p[len - 1])
		len--;
	return len == strlen(s) && !memcmp(p, s, len);
}

/* ---- Control messages: acks, errors, end of dump ---- */

static int extack_attr_cb(const struct nlattr *attr, void *data)
{
	struct wgc_nl_error *e = data;

	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_get_payload_len(attr) > 0)
		attr_copy_str(attr, e->msg, sizeof(e->msg));
	return MNL_CB_OK;
}

/* The extended ack TLVs start offset bytes into the payload, if at all. */
static void parse_extack(const struct nlmsghdr *nlh, size_t offset,
			 struct wgc_nl_error *e)
{
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (((offset + 3) & ~(size_t)3) > mnl_nlmsg_get_payload_len(nlh))
		return;
	mnl_attr_parse(nlh, (unsigned int)offset, extack_attr_cb, e);
}

static int cb_error(const struct nlmsghdr *nlh, void *data)
{
	struct nl_txn *t = data;
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	size_t offset = sizeof(*err);
	int code;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*err)) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	/* Error 0 is the ack we asked for: the request is done. */
	if (!err->error)
		return MNL_CB_STOP;

	/* Unless capped, a copy of our request sits before the TLVs. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
	    err->msg.nlmsg_len > sizeof(err->msg))
		offset += err->msg.nlmsg_len - sizeof(err->msg);
	parse_extack(nlh, offset, t->e);

	code = err->error < 0 ? -err->error : err->error;
	errno = code;
	return MNL_CB_ERROR;
}

/* A dump ends with NLMSG_DONE, which carries the dump's own error code. */
static int cb_done(const struct nlmsghdr *nlh, void *data)
{
	struct nl_txn *t = data;
	int code;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(code))
		return MNL_CB_STOP;
	memcpy(&code, mnl_nlmsg_get_payload(nlh), sizeof(code));
	if (code >= 0)
		return MNL_CB_STOP;

	parse_extack(nlh, sizeof(code), t->e);
	errno = -code;
	return MNL_CB_ERROR;
}

static int cb_noop(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_OK;
}

static int cb_overrun(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	errno = ENOBUFS;
	return MNL_CB_ERROR;
}

static int cb_data(const struct nlmsghdr *nlh, void *data)
{
	struct nl_txn *t = data;

	return t->parse ? t->parse(nlh, t->arg) : MNL_CB_OK;
}

/*
 * libmnl only falls back to its own control handlers for types missing
 * from a shorter array, so give it all of them. (Not const: libmnl 1.0.4
 * takes a plain pointer, though it never writes through it.)
 */
static mnl_cb_t ctl_cbs[NLMSG_MIN_TYPE] = {
	[NLMSG_NOOP] = cb_noop,
	[NLMSG_ERROR] = cb_error,
	[NLMSG_DONE] = cb_done,
	[NLMSG_OVERRUN] = cb_overrun,
};

int wgc_nl_process(const void *buf, size_t len, uint32_t seq, uint32_t portid,
		   wgc_nl_parse_t parse, void *arg, struct wgc_nl_error *e)
{
	struct nl_txn t = { .parse = parse, .arg = arg, .e = e };
	int ret;

	ret = mnl_cb_run2(buf, len, seq, portid, cb_data, &t, ctl_cbs,
			  MNL_ARRAY_SIZE(ctl_cbs));
	if (ret < 0)
		return fail(e, errno ? errno : EPROTO);
	return ret;
}

/* ---- Sockets and requests ---- */

static void nl_close(struct nl_conn *c)
{
	/* Replies to GET carry the private key. */
	if (c->buf) {
		sodium_memzero(c->buf, c->buf_size);
		free(c->buf);
	}
	if (c->nl)
		mnl_socket_close(c->nl);
	memset(c, 0, sizeof(*c));
}

static int nl_open(struct nl_conn *c, int bus, struct wgc_nl_error *e)
{
	int one = 1;

	memset(c, 0, sizeof(*c));
	c->buf_size = NL_RECV_SIZE;
	if (c->buf_size < (size_t)MNL_SOCKET_BUFFER_SIZE)
		c->buf_size = (size_t)MNL_SOCKET_BUFFER_SIZE;
	c->buf = malloc(c->buf_size);
	if (!c->buf)
		return fail(e, ENOMEM);

	c->nl = mnl_socket_open(bus);
	if (!c->nl)
		goto err;
	/*
	 * Ask for the kernel's explanation of errors. Kernels before 4.12
	 * do not know the option; they just cannot explain, so go on.
	 */
	mnl_socket_setsockopt(c->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	/*
	 * Keep error replies from echoing our whole request, which for SET
	 * holds the private key.
	 */
	mnl_socket_setsockopt(c->nl, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(c->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto err;

	c->portid = mnl_socket_get_portid(c->nl);
	c->seq = (uint32_t)time(NULL);
	return 0;

err:
	fail(e, errno);
	nl_close(c);
	return -1;
}

/* Send one request and feed every reply to parse until it is answered. */
static int nl_request(struct nl_conn *c, struct nlmsghdr *nlh,
		      wgc_nl_parse_t parse, void *arg, struct wgc_nl_error *e)
{
	uint32_t seq = ++c->seq;
	ssize_t len;
	int ret;

	nlh->nlmsg_seq = seq;
	if (mnl_socket_sendto(c->nl, nlh, nlh->nlmsg_len) < 0)
		return fail(e, errno);

	for (;;) {
		len = mnl_socket_recvfrom(c->nl, c->buf, c->buf_size);
		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0)
			return fail(e, errno);
		ret = wgc_nl_process(c->buf, (size_t)len, seq, c->portid,
				     parse, arg, e);
		if (ret <= MNL_CB_STOP)
			return ret;
	}
}

static struct nlmsghdr *genl_put_header(char *buf, uint16_t family,
					uint16_t flags, uint8_t cmd,
					uint8_t version)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = flags;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = version;
	return nlh;
}

/* ---- Generic netlink family lookup ---- */

static int family_attr_cb(const struct nlattr *attr, void *data)
{
	uint16_t *id = data;

	if (mnl_attr_get_type(attr) != CTRL_ATTR_FAMILY_ID)
		return MNL_CB_OK;
	if (mnl_attr_validate(attr, MNL_TYPE_U16) < 0) {
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	*id = mnl_attr_get_u16(attr);
	return MNL_CB_OK;
}

static int parse_family(const struct nlmsghdr *nlh, void *arg)
{
	if (nlh->nlmsg_type != GENL_ID_CTRL)
		return MNL_CB_OK;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct genlmsghdr)) {
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_attr_cb,
			      arg);
}

static int resolve_family(struct nl_conn *c, struct wgc_nl_error *e)
{
	char buf[NL_SEND_SIZE] = { 0 };
	struct nlmsghdr *nlh;
	uint16_t id = 0;

	if (wgc_family_id)
		return 0;

	/* NLM_F_ACK: the ack tells us the single reply has been seen. */
	nlh = genl_put_header(buf, GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK,
			      CTRL_CMD_GETFAMILY, 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, WGC_GENL_NAME);

	if (nl_request(c, nlh, parse_family, &id, e) < 0) {
		if (e->err == ENOENT)
			e->no_family = true;
		return -1;
	}
	if (!id)
		return fail(e, EPROTO);
	wgc_family_id = id;
	return 0;
}

static int genl_open(struct nl_conn *c, struct wgc_nl_error *e)
{
	if (nl_open(c, NETLINK_GENERIC, e) < 0)
		return -1;
	if (resolve_family(c, e) < 0) {
		nl_close(c);
		return -1;
	}
	return 0;
}

/* ---- WGC_CMD_GET_DEVICE ---- */

static const enum mnl_attr_data_type device_attr_types[] = {
	[WGC_DEVICE_A_IFINDEX] = MNL_TYPE_U32,
	[WGC_DEVICE_A_IFNAME] = MNL_TYPE_STRING,
	[WGC_DEVICE_A_PRIVATE_KEY] = MNL_TYPE_BINARY,
	[WGC_DEVICE_A_PUBLIC_KEY] = MNL_TYPE_BINARY,
	[WGC_DEVICE_A_LISTEN_PORT] = MNL_TYPE_U16,
	[WGC_DEVICE_A_FWMARK] = MNL_TYPE_U32,
};

static int device_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);
	int ret;

	/* Attributes newer than this tool are none of our business. */
	if (type == WGC_DEVICE_A_UNSPEC || type > WGC_DEVICE_A_MAX)
		return MNL_CB_OK;

	/* Binary has no implied length in libmnl; keys are exactly 32. */
	if (device_attr_types[type] == MNL_TYPE_BINARY)
		ret = mnl_attr_validate2(attr, MNL_TYPE_BINARY, WGC_KEY_LEN);
	else
		ret = mnl_attr_validate(attr, device_attr_types[type]);
	if (ret < 0) {
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	tb[type] = attr;
	return MNL_CB_OK;
}

/*
 * One device may span several messages of a dump (once it has peers);
 * each repeats the device attributes, so later values simply win.
 */
int wgc_parse_device(const struct nlmsghdr *nlh, void *arg)
{
	struct wgc_device_parse *p = arg;
	struct wgc_device_info *dev = p->dev;
	const struct nlattr *tb[WGC_DEVICE_A_MAX + 1] = { 0 };

	if (nlh->nlmsg_type != p->family ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(struct genlmsghdr)) {
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	if (mnl_attr_parse(nlh, sizeof(struct genlmsghdr), device_attr_cb,
			   tb) < 0)
		return MNL_CB_ERROR;

	if (tb[WGC_DEVICE_A_IFINDEX])
		dev->ifindex = mnl_attr_get_u32(tb[WGC_DEVICE_A_IFINDEX]);
	if (tb[WGC_DEVICE_A_IFNAME])
		attr_copy_str(tb[WGC_DEVICE_A_IFNAME], dev->name,
			      sizeof(dev->name));
	if (tb[WGC_DEVICE_A_LISTEN_PORT])
		dev->listen_port = mnl_attr_get_u16(tb[WGC_DEVICE_A_LISTEN_PORT]);
	if (tb[WGC_DEVICE_A_FWMARK])
		dev->fwmark = mnl_attr_get_u32(tb[WGC_DEVICE_A_FWMARK]);
	if (tb[WGC_DEVICE_A_PUBLIC_KEY]) {
		memcpy(dev->public_key,
		       mnl_attr_get_payload(tb[WGC_DEVICE_A_PUBLIC_KEY]),
		       WGC_KEY_LEN);
		dev->has_public_key = true;
	}
	if (tb[WGC_DEVICE_A_PRIVATE_KEY]) {
		memcpy(dev->private_key,
		       mnl_attr_get_payload(tb[WGC_DEVICE_A_PRIVATE_KEY]),
		       WGC_KEY_LEN);
		dev->has_private_key = true;
	}
	p->messages++;
	return MNL_CB_OK;
}

static int get_device_once(const char *name, struct wgc_device_info *dev,
			   struct wgc_nl_error *e)
{
	struct wgc_device_parse p = { .dev = dev };
	char buf[NL_SEND_SIZE] = { 0 };
	struct nlmsghdr *nlh;
	struct nl_conn c;
	int ret;

	if (genl_open(&c, e) < 0)
		return -1;

	p.family = wgc_family_id;
	nlh = genl_put_header(buf, wgc_family_id, NLM_F_REQUEST | NLM_F_DUMP,
			      WGC_CMD_GET_DEVICE, WGC_GENL_VERSION);
	mnl_attr_put_strz(nlh, WGC_DEVICE_A_IFNAME, name);

	ret = nl_request(&c, nlh, wgc_parse_device, &p, e);
	/* A dump that names no device at all is as good as ENODEV. */
	if (!ret && !p.messages)
		ret = fail(e, ENODEV);
	/* The name is always sent, but "show" must never print a blank. */
	if (!ret && !dev->name[0])
		snprintf(dev->name, sizeof(dev->name), "%s", name);
	nl_close(&c);
	return ret;
}

int wgc_get_device(const char *name, struct wgc_device_info *dev,
		   struct wgc_nl_error *e)
{
	int ret, attempt;

	if (strlen(name) >= IFNAMSIZ || !*name) {
		error_reset(e);
		return fail(e, ENODEV);
	}

	for (attempt = 1;; attempt++) {
		error_reset(e);
		sodium_memzero(dev, sizeof(*dev));
		ret = get_device_once(name, dev, e);
		if (!ret || e->err != EINTR || attempt == DUMP_ATTEMPTS)
			break;
	}
	if (ret)
		sodium_memzero(dev, sizeof(*dev));
	return ret;
}

/* ---- WGC_CMD_SET_DEVICE ---- */

int wgc_set_device(const struct wgc_device_change *change,
		   struct wgc_nl_error *e)
{
	char buf[NL_SEND_SIZE] = { 0 };
	struct nlmsghdr *nlh;
	struct nl_conn c;
	int ret;

	error_reset(e);
	if (strlen(change->name) >= IFNAMSIZ || !*change->name)
		return fail(e, ENODEV);
	if (genl_open(&c, e) < 0)
		return -1;

	nlh = genl_put_header(buf, wgc_family_id, NLM_F_REQUEST | NLM_F_ACK,
			      WGC_CMD_SET_DEVICE, WGC_GENL_VERSION);
	mnl_attr_put_strz(nlh, WGC_DEVICE_A_IFNAME, change->name);
	if (change->set_private_key)
		mnl_attr_put(nlh, WGC_DEVICE_A_PRIVATE_KEY, WGC_KEY_LEN,
			     change->private_key);
	if (change->set_listen_port)
		mnl_attr_put_u16(nlh, WGC_DEVICE_A_LISTEN_PORT,
				 change->listen_port);
	if (change->set_fwmark)
		mnl_attr_put_u32(nlh, WGC_DEVICE_A_FWMARK, change->fwmark);

	ret = nl_request(&c, nlh, NULL, NULL, e);
	sodium_memzero(buf, sizeof(buf));
	nl_close(&c);
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
	errno = EPROTO;
	return MNL_CB_ERROR;
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

static int list_add(struct wgc_link_parse *p, const struct nlattr *name)
{
	struct wgc_iface_list *list = p->list;
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
	attr_copy_str(name, list->names[list->count], IFNAMSIZ);
	list->count++;
	return MNL_CB_OK;
}

int wgc_parse_link(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[IFLA_MAX + 1] = { 0 };

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct ifinfomsg)) {
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	if (mnl_attr_parse(nlh, sizeof(struct ifinfomsg), link_attr_cb,
			   tb) < 0)
		return MNL_CB_ERROR;

	if (!tb[IFLA_IFNAME] || !tb[IFLA_LINKINFO] ||
	    !link_is_wgc(tb[IFLA_LINKINFO]))
		return MNL_CB_OK;
	return list_add(arg, tb[IFLA_IFNAME]);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

static int list_once(struct wgc_iface_list *list, struct wgc_nl_error *e)
{
	struct wgc_link_parse p = { .list = list };
	char buf[NL_SEND_SIZE] = { 0 };
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh;
	struct nl_conn c;
	int ret;

	if (nl_open(&c, NETLINK_ROUTE, e) < 0)
		return -1;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	/* Statistics are most of each message and we do not want them. */
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);

	ret = nl_request(&c, nlh, wgc_parse_link, &p, e);
	nl_close(&c);
	return ret;
}

int wgc_list_interfaces(struct wgc_iface_list *list, struct wgc_nl_error *e)
{
	int ret, attempt;

	for (attempt = 1;; attempt++) {
		error_reset(e);
		memset(list, 0, sizeof(*list));
		ret = list_once(list, e);
		if (!ret || e->err != EINTR || attempt == DUMP_ATTEMPTS)
			break;
		wgc_iface_list_free(list);
	}
	if (ret) {
		wgc_iface_list_free(list);
		return ret;
	}
	wgc_iface_list_sort(list);
	return 0;
}

void wgc_iface_list_sort(struct wgc_iface_list *list)
{
	if (list->count)
		qsort(list->names, list->count, sizeof(*list->names),
		      name_cmp);
}

void wgc_iface_list_free(struct wgc_iface_list *list)
{
	free(list->names);
	list->names = NULL;
	list->count = 0;
}
