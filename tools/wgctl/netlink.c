// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink plumbing for wgctl, on top of libmnl: sockets, requests and
 * their acks, errors and dumps. What the data messages say is parsed in
 * reply.c, and set requests are built (and split) in request.c.
 *
 * Every request goes out on a socket of its own. That costs a few system
 * calls, but a request that fails half way through a dump leaves the rest
 * of the dump queued on its socket, and a fresh socket is the simplest way
 * to never mistake those leftovers for the answer to the next request.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sodium.h>

#include "netlink.h"
#include "request.h"
#include "wgctl.h"

/*
 * The kernel sizes dump messages after the largest buffer it has seen us
 * pass to recvmsg(), capped at 32 KiB. A message bigger than our buffer
 * would be cut short (libmnl reports ENOSPC), so take the cap outright.
 */
#define NL_RECV_SIZE 32768

/*
 * Enough for the small requests built here: a family lookup, a dump
 * request naming a device. (Set requests are built by request.c.)
 * Request buffers start zeroed: libmnl leaves attribute padding as it
 * finds it, and stack garbage has no business going to the kernel.
 */
#define NL_SEND_SIZE 512

struct nl_conn {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
	char *buf;
	size_t buf_size;
};

/* What the data and control callbacks of one request share. */
struct nl_txn {
	wgctl_nl_parse_t parse;
	void *arg;
	struct wgctl_nl_error *e;
};

/* Cached once found: it is fixed for as long as the module is loaded. */
static uint16_t wgctl_family_id;

static int fail(struct wgctl_nl_error *e, int err)
{
	e->err = err;
	errno = err;
	return -1;
}

static void error_reset(struct wgctl_nl_error *e)
{
	memset(e, 0, sizeof(*e));
}

const char *wgctl_nl_strerror(const struct wgctl_nl_error *e)
{
	if (e->msg[0])
		return e->msg;
	return strerror(e->err);
}

void wgctl_nl_perror(const char *what, const struct wgctl_nl_error *e)
{
	if (e->no_family)
		fprintf(stderr,
			"%s: the wgc kernel module is not loaded (generic netlink family \"%s\" not found)\n",
			PROG_NAME, WGC_GENL_NAME);
	else
		fprintf(stderr, "%s: %s\n", what, wgctl_nl_strerror(e));
}

/* ---- Control messages: acks, errors, end of dump ---- */

static int extack_attr_cb(const struct nlattr *attr, void *data)
{
	struct wgctl_nl_error *e = data;

	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_get_payload_len(attr) > 0)
		wgctl_attr_copy_str(attr, e->msg, sizeof(e->msg));
	return MNL_CB_OK;
}

/* The extended ack TLVs start offset bytes into the payload, if at all. */
static void parse_extack(const struct nlmsghdr *nlh, size_t offset,
			 struct wgctl_nl_error *e)
{
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (((offset + 3) & ~(size_t)3) > mnl_nlmsg_get_payload_len(nlh))
		return;
	mnl_attr_parse(nlh, (unsigned int)offset, extack_attr_cb, e);
}

/*
 * The positive errno of an error code from the kernel, which sends them
 * negative. INT_MIN cannot be negated, nor is any errno that large: a
 * protocol error, then.
 */
static int errno_of(int code)
{
	if (code == INT_MIN)
		return EPROTO;
	return code < 0 ? -code : code;
}

static int cb_error(const struct nlmsghdr *nlh, void *data)
{
	struct nl_txn *t = data;
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	size_t offset = sizeof(*err);

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

	errno = errno_of(err->error);
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
	errno = errno_of(code);
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

/*
 * Whether buf holds whole messages: none shorter than its header or
 * running past the end, its padding to 4 bytes included (the kernel
 * always sends it). libmnl 1.0.4 compares a message's length with what
 * is left as an int, so one of 2 GiB or more (the kernel sends none, but
 * any local process may send to our port) would send mnl_cb_run2()
 * reading far beyond the buffer; and it reads attributes up to the
 * padded end, so a last message without its padding would be read up to
 * 3 bytes past the buffer.
 */
static bool whole_messages(const void *buf, size_t len)
{
	const struct nlmsghdr *nlh = buf;
	size_t step;

	while (len >= sizeof(*nlh)) {
		/* size_t: MNL_ALIGN() of a 32-bit length could wrap to 0. */
		step = MNL_ALIGN((size_t)nlh->nlmsg_len);
		if (nlh->nlmsg_len < sizeof(*nlh) || step > len)
			return false;
		if (step == len)
			break;
		len -= step;
		nlh = (const struct nlmsghdr *)((const char *)nlh + step);
	}
	return true;
}

int wgctl_nl_process(const void *buf, size_t len, uint32_t seq,
		     uint32_t portid, wgctl_nl_parse_t parse, void *arg,
		     struct wgctl_nl_error *e)
{
	struct nl_txn t = { .parse = parse, .arg = arg, .e = e };
	int ret;

	if (!whole_messages(buf, len))
		return fail(e, EPROTO);
	ret = mnl_cb_run2(buf, len, seq, portid, cb_data, &t, ctl_cbs,
			  MNL_ARRAY_SIZE(ctl_cbs));
	if (ret < 0)
		return fail(e, errno ? errno : EPROTO);
	return ret;
}

/*
 * A dump the kernel marked interrupted (NLM_F_DUMP_INTR: what was being
 * dumped changed under it) is thrown away and started again, up to
 * WGC_DUMP_ATTEMPTS times: something reconfigured non-stop is rare, and
 * saying so beats spinning forever or showing a mix of old and new.
 */
int wgctl_nl_dump_retry(const struct wgctl_dump_ops *ops, void *arg,
			struct wgctl_nl_error *e)
{
	int ret, attempt;

	for (attempt = 1;; attempt++) {
		error_reset(e);
		ret = ops->once(arg, e);
		if (!ret)
			return 0;
		ops->discard(arg);
		if (e->err != EINTR || attempt == WGC_DUMP_ATTEMPTS)
			break;
	}
	if (e->err == EINTR)
		snprintf(e->msg, sizeof(e->msg),
			 "%s kept changing while it was read (gave up after %d attempts)",
			 ops->what, WGC_DUMP_ATTEMPTS);
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

static int nl_open(struct nl_conn *c, int bus, struct wgctl_nl_error *e)
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
		      wgctl_nl_parse_t parse, void *arg,
		      struct wgctl_nl_error *e)
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
		ret = wgctl_nl_process(c->buf, (size_t)len, seq, c->portid,
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

/* A controller's reply: cb(attr, arg) for each of its attributes. */
static int parse_ctrl(const struct nlmsghdr *nlh, mnl_attr_cb_t cb, void *arg)
{
	if (nlh->nlmsg_type != GENL_ID_CTRL)
		return MNL_CB_OK;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct genlmsghdr) ||
	    mnl_attr_parse(nlh, sizeof(struct genlmsghdr), cb, arg) < 0) {
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

static int parse_family(const struct nlmsghdr *nlh, void *arg)
{
	return parse_ctrl(nlh, family_attr_cb, arg);
}

static int resolve_family(struct nl_conn *c, struct wgctl_nl_error *e)
{
	char buf[NL_SEND_SIZE] = { 0 };
	struct nlmsghdr *nlh;
	uint16_t id = 0;

	if (wgctl_family_id)
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
	wgctl_family_id = id;
	return 0;
}

static int genl_open(struct nl_conn *c, struct wgctl_nl_error *e)
{
	if (nl_open(c, NETLINK_GENERIC, e) < 0)
		return -1;
	if (resolve_family(c, e) < 0) {
		nl_close(c);
		return -1;
	}
	return 0;
}

/* ---- The events group ---- */

struct wgctl_events {
	struct nl_conn conn;
};

struct group_lookup {
	const char *name;	/* the group's */
	uint16_t family;
	uint32_t group;		/* 0: not found (ids start at 1) */
};

static int group_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type == CTRL_ATTR_MCAST_GRP_NAME &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
		return MNL_CB_ERROR;
	if (type == CTRL_ATTR_MCAST_GRP_ID &&
	    mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
		return MNL_CB_ERROR;
	if (type <= CTRL_ATTR_MCAST_GRP_MAX)
		tb[type] = attr;
	return MNL_CB_OK;
}

static int group_cb(const struct nlattr *nest, void *data)
{
	const struct nlattr *tb[CTRL_ATTR_MCAST_GRP_MAX + 1] = { 0 };
	struct group_lookup *l = data;

	if (mnl_attr_parse_nested(nest, group_attr_cb, tb) < 0)
		return MNL_CB_ERROR;
	if (tb[CTRL_ATTR_MCAST_GRP_NAME] && tb[CTRL_ATTR_MCAST_GRP_ID] &&
	    !strcmp(mnl_attr_get_str(tb[CTRL_ATTR_MCAST_GRP_NAME]), l->name))
		l->group = mnl_attr_get_u32(tb[CTRL_ATTR_MCAST_GRP_ID]);
	return MNL_CB_OK;
}

static int family_groups_cb(const struct nlattr *attr, void *data)
{
	struct group_lookup *l = data;
	const struct nlattr *nest;

	if (family_attr_cb(attr, &l->family) < 0)
		return MNL_CB_ERROR;
	if (mnl_attr_get_type(attr) != CTRL_ATTR_MCAST_GROUPS)
		return MNL_CB_OK;
	mnl_attr_for_each_nested(nest, attr)
		if (group_cb(nest, l) < 0)
			return MNL_CB_ERROR;
	return MNL_CB_OK;
}

static int parse_family_groups(const struct nlmsghdr *nlh, void *arg)
{
	return parse_ctrl(nlh, family_groups_cb, arg);
}

/* Joins the group of the family, both named; the family's id is in *l. */
static int join_group(struct nl_conn *c, const char *family,
		      struct group_lookup *l, struct wgctl_nl_error *e)
{
	char buf[NL_SEND_SIZE] = { 0 };
	struct nlmsghdr *nlh;

	nlh = genl_put_header(buf, GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK,
			      CTRL_CMD_GETFAMILY, 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, family);
	if (nl_request(c, nlh, parse_family_groups, l, e) < 0) {
		if (e->err == ENOENT)
			e->no_family = true;
		return -1;
	}
	/* A module from before events has the family but not the group. */
	if (!l->family || !l->group)
		return fail(e, l->family ? EOPNOTSUPP : EPROTO);
	if (mnl_socket_setsockopt(c->nl, NETLINK_ADD_MEMBERSHIP, &l->group,
				  sizeof(l->group)) < 0)
		return fail(e, errno);
	return 0;
}

/*
 * Room for a burst: a setconf replacing 500 peers with 500 others is a
 * thousand events at once, about 800 bytes of buffer each. The kernel
 * doubles what is asked, and allows past rmem_max to whoever may force it
 * (CAP_NET_ADMIN, which joining the group needs anyway).
 */
#define EVENTS_RCVBUF (512 << 10)

static void grow_receive_buffer(struct mnl_socket *nl)
{
	int size = EVENTS_RCVBUF;

	if (setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUFFORCE,
		       &size, sizeof(size)) < 0)
		setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUF,
			   &size, sizeof(size));
}

/*
 * The wgc family's group (WGC_MCGRP_EVENTS or WGC_MCGRP_KEYLOG), and the
 * controller's notifications, which say when the family goes away (the
 * module unloaded): its group would then just fall silent.
 */
struct wgctl_events *wgctl_events_open(const char *group,
				       struct wgctl_nl_error *e)
{
	struct wgctl_events *ev = calloc(1, sizeof(*ev));
	struct group_lookup events = { .name = group };
	struct group_lookup ctrl = { .name = "notify" };

	error_reset(e);
	if (!ev) {
		fail(e, ENOMEM);
		return NULL;
	}
	if (nl_open(&ev->conn, NETLINK_GENERIC, e) < 0)
		goto err_free;
	grow_receive_buffer(ev->conn.nl);
	if (join_group(&ev->conn, WGC_GENL_NAME, &events, e) < 0 ||
	    join_group(&ev->conn, "nlctrl", &ctrl, e) < 0)
		goto err_close;
	wgctl_family_id = events.family;
	return ev;

err_close:
	nl_close(&ev->conn);
err_free:
	free(ev);
	return NULL;
}

/* CTRL_CMD_DELFAMILY for the wgc family: *gone. The rest is not ours. */
static int ctrl_cb(const struct nlmsghdr *nlh, bool *gone)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);
	uint16_t id = 0;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*genl) ||
	    genl->cmd != CTRL_CMD_DELFAMILY)
		return MNL_CB_OK;
	if (mnl_attr_parse(nlh, sizeof(*genl), family_attr_cb, &id) < 0)
		return MNL_CB_OK;
	if (id == wgctl_family_id)
		*gone = true;
	return MNL_CB_OK;
}

struct events_txn {
	struct wgctl_event_parse *p;
	bool gone;
};

static int events_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct events_txn *t = arg;

	if (nlh->nlmsg_type == GENL_ID_CTRL)
		return ctrl_cb(nlh, &t->gone);
	return wgctl_parse_event(nlh, t->p);
}

int wgctl_events_read(struct wgctl_events *ev, struct wgctl_event_parse *p,
		      struct wgctl_nl_error *e)
{
	struct events_txn t = { .p = p };
	struct nl_conn *c = &ev->conn;
	ssize_t len;
	int ret;

	error_reset(e);
	p->family = wgctl_family_id;
	len = mnl_socket_recvfrom(c->nl, c->buf, c->buf_size);
	if (len < 0)
		return fail(e, errno);
	/* Events carry sequence number 0 and port id 0: nothing to check. */
	ret = wgctl_nl_process(c->buf, (size_t)len, 0, 0, events_cb, &t, e);
	/* Session keys, for one: what was read leaves no copy behind. */
	sodium_memzero(c->buf, (size_t)len);
	if (ret < 0)
		return -1;
	if (t.gone) {
		e->no_family = true;
		return fail(e, ENOENT);
	}
	return 0;
}

int wgctl_events_fd(const struct wgctl_events *ev)
{
	return mnl_socket_get_fd(ev->conn.nl);
}

void wgctl_events_close(struct wgctl_events *ev)
{
	if (!ev)
		return;
	nl_close(&ev->conn);
	free(ev);
}

/* ---- WGC_CMD_GET_DEVICE ---- */

struct nlmsghdr *wgctl_get_request(void *buf, size_t size, uint16_t family,
				   const char *name, uint32_t get_flags)
{
	struct nlmsghdr *nlh;

	if (size < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct genlmsghdr)))
		return NULL;
	nlh = genl_put_header(buf, family, NLM_F_REQUEST | NLM_F_DUMP,
			      WGC_CMD_GET_DEVICE, WGC_GENL_VERSION);
	if (!mnl_attr_put_strz_check(nlh, size, WGC_DEVICE_A_IFNAME, name))
		return NULL;
	if (get_flags && !mnl_attr_put_u32_check(nlh, size,
						 WGC_DEVICE_A_GET_FLAGS,
						 get_flags))
		return NULL;
	return nlh;
}

static int get_device_once(const char *name, uint32_t get_flags,
			   struct wgctl_device *dev, struct wgctl_nl_error *e)
{
	struct wgctl_device_parse p = { .dev = dev };
	char buf[NL_SEND_SIZE] = { 0 };
	struct nlmsghdr *nlh;
	struct nl_conn c;
	int ret;

	if (genl_open(&c, e) < 0)
		return -1;

	p.family = wgctl_family_id;
	nlh = wgctl_get_request(buf, sizeof(buf), wgctl_family_id, name,
				get_flags);
	if (!nlh) {
		nl_close(&c);
		return fail(e, ENODEV);
	}

	ret = nl_request(&c, nlh, wgctl_parse_device, &p, e);
	/* A dump that names no device at all is as good as ENODEV. */
	if (!ret && !p.messages)
		ret = fail(e, ENODEV);
	/* The name is always sent, but "show" must never print a blank. */
	if (!ret && !dev->name[0])
		snprintf(dev->name, sizeof(dev->name), "%s", name);
	nl_close(&c);
	return ret;
}

/* wgctl_nl_dump_retry() callbacks for one device. */
struct get_ctx {
	const char *name;
	uint32_t get_flags;
	struct wgctl_device *dev;
};

static int get_once(void *arg, struct wgctl_nl_error *e)
{
	struct get_ctx *g = arg;

	return get_device_once(g->name, g->get_flags, g->dev, e);
}

static void get_discard(void *arg)
{
	struct get_ctx *g = arg;

	wgctl_device_free(g->dev);
}

int wgctl_get_device(const char *name, uint32_t get_flags,
		     struct wgctl_device *dev, struct wgctl_nl_error *e)
{
	static const struct wgctl_dump_ops ops = {
		.once = get_once,
		.discard = get_discard,
		.what = "the interface's configuration",
	};
	struct get_ctx g = { .name = name, .get_flags = get_flags, .dev = dev };

	memset(dev, 0, sizeof(*dev));
	if (strlen(name) >= IFNAMSIZ || !*name) {
		error_reset(e);
		return fail(e, ENODEV);
	}
	return wgctl_nl_dump_retry(&ops, &g, e);
}

/* ---- WGC_CMD_SET_DEVICE ---- */

/*
 * WGC_SET_MSG_MAX, or half this socket's send buffer if that is less: the
 * kernel refuses a message larger than the buffer (less a little), and
 * half leaves ample room for the bookkeeping it charges to the buffer.
 */
static size_t set_msg_bound(struct nl_conn *c)
{
	int sndbuf = 0;
	socklen_t len = sizeof(sndbuf);
	size_t bound = WGC_SET_MSG_MAX;

	if (getsockopt(mnl_socket_get_fd(c->nl), SOL_SOCKET, SO_SNDBUF,
		       &sndbuf, &len) < 0 || sndbuf <= 0)
		return bound;
	if ((size_t)sndbuf / 2 < bound)
		bound = (size_t)sndbuf / 2;
	if (bound < WGC_SET_MSG_MIN)
		bound = WGC_SET_MSG_MIN;
	return bound;
}

/*
 * Send every message of the request in turn, each acknowledged before the
 * next goes out, and stop at the first the kernel refuses: the messages
 * before it have been applied (e->applied says how many).
 */
static int send_batch(struct nl_conn *c, struct wgctl_set_batch *batch,
		      struct wgctl_nl_error *e)
{
	size_t i;

	e->messages = batch->count;
	for (i = 0; i < batch->count; i++) {
		if (nl_request(c, batch->msgs[i], NULL, NULL, e) < 0)
			return -1;
		e->applied = i + 1;
	}
	return 0;
}

int wgctl_set_device(const struct wgctl_device *change,
		     struct wgctl_nl_error *e)
{
	struct wgctl_set_batch batch;
	struct nl_conn c;
	int ret;

	error_reset(e);
	if (strnlen(change->name, IFNAMSIZ) >= IFNAMSIZ || !*change->name)
		return fail(e, ENODEV);
	if (genl_open(&c, e) < 0)
		return -1;

	ret = wgctl_set_batch_build(change, wgctl_family_id, set_msg_bound(&c),
				    &batch);
	if (ret < 0)
		ret = fail(e, -ret);
	else
		ret = send_batch(&c, &batch, e);
	wgctl_set_batch_free(&batch);
	nl_close(&c);
	return ret;
}

static int list_once(struct wgctl_iface_list *list, struct wgctl_nl_error *e)
{
	struct wgctl_link_parse p = { .list = list };
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

	ret = nl_request(&c, nlh, wgctl_parse_link, &p, e);
	nl_close(&c);
	return ret;
}

static int list_once_cb(void *arg, struct wgctl_nl_error *e)
{
	memset(arg, 0, sizeof(struct wgctl_iface_list));
	return list_once(arg, e);
}

static void list_discard(void *arg)
{
	wgctl_iface_list_free(arg);
}

int wgctl_list_interfaces(struct wgctl_iface_list *list,
			  struct wgctl_nl_error *e)
{
	static const struct wgctl_dump_ops ops = {
		.once = list_once_cb,
		.discard = list_discard,
		.what = "the list of interfaces",
	};
	int ret = wgctl_nl_dump_retry(&ops, list, e);

	if (!ret)
		wgctl_iface_list_sort(list);
	return ret;
}

