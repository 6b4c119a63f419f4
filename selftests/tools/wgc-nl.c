// SPDX-License-Identifier: GPL-2.0
/*
 * wgc-nl: sends hand-made wgc generic netlink requests, including malformed
 * ones wgctl refuses to build, so selftests can check the kernel's answers.
 *
 *   wgc-nl set ATTR=VALUE...   one WGC_CMD_SET_DEVICE request
 *   wgc-nl get ATTR=VALUE...   one WGC_CMD_GET_DEVICE dump, printed raw
 *
 * ATTR is ifindex, ifname, private-key, public-key, listen-port, fwmark or
 * a bare attribute number ("99"). Keys and numbered attributes take hex
 * bytes of any length; the others take numbers or strings. On a kernel
 * error it prints "error: <strerror>: <extack message>" and exits 1.
 */

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/wgc.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct request {
	struct mnl_socket *nl;
	uint16_t family;
	unsigned int seq;
	char buf[32768];
	const char *extack;
};

static int hex_bytes(const char *hex, unsigned char *out, size_t max)
{
	size_t len = strlen(hex), i;

	if (len % 2 || len / 2 > max)
		return -1;
	for (i = 0; i < len / 2; i++) {
		unsigned int byte;

		if (sscanf(hex + 2 * i, "%2x", &byte) != 1)
			return -1;
		out[i] = byte;
	}
	return len / 2;
}

static int put_attr(struct nlmsghdr *nlh, const char *arg)
{
	const char *eq = strchr(arg, '=');
	unsigned char bytes[256];
	char name[32];
	int type, len;

	if (!eq || (size_t)(eq - arg) >= sizeof(name))
		return -1;
	memcpy(name, arg, eq - arg);
	name[eq - arg] = '\0';
	eq++;

	if (!strcmp(name, "ifindex")) {
		mnl_attr_put_u32(nlh, WGC_DEVICE_A_IFINDEX, strtoul(eq, NULL, 0));
		return 0;
	}
	if (!strcmp(name, "ifname")) {
		mnl_attr_put_strz(nlh, WGC_DEVICE_A_IFNAME, eq);
		return 0;
	}
	if (!strcmp(name, "listen-port")) {
		mnl_attr_put_u16(nlh, WGC_DEVICE_A_LISTEN_PORT, strtoul(eq, NULL, 0));
		return 0;
	}
	if (!strcmp(name, "fwmark")) {
		mnl_attr_put_u32(nlh, WGC_DEVICE_A_FWMARK, strtoul(eq, NULL, 0));
		return 0;
	}
	if (!strcmp(name, "private-key"))
		type = WGC_DEVICE_A_PRIVATE_KEY;
	else if (!strcmp(name, "public-key"))
		type = WGC_DEVICE_A_PUBLIC_KEY;
	else if ((type = atoi(name)) <= 0)
		return -1;
	len = hex_bytes(eq, bytes, sizeof(bytes));
	if (len < 0)
		return -1;
	mnl_attr_put(nlh, type, len, bytes);
	return 0;
}

static int resolve_family(struct request *req)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req->buf);
	struct genlmsghdr *genl;
	struct nlattr *attr;
	int len;

	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = ++req->seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = CTRL_CMD_GETFAMILY;
	genl->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, WGC_GENL_NAME);
	if (mnl_socket_sendto(req->nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	len = mnl_socket_recvfrom(req->nl, req->buf, sizeof(req->buf));
	if (len < 0)
		return -1;
	nlh = (struct nlmsghdr *)req->buf;
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		errno = -((struct nlmsgerr *)mnl_nlmsg_get_payload(nlh))->error;
		return -1;
	}
	mnl_attr_for_each(attr, nlh, sizeof(*genl))
		if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_ID)
			req->family = mnl_attr_get_u16(attr);
	return req->family ? 0 : -1;
}

static int print_attr(const struct nlattr *attr, void *data)
{
	const unsigned char *p = mnl_attr_get_payload(attr);
	uint16_t i, len = mnl_attr_get_payload_len(attr);

	(void)data;
	printf("%u:", mnl_attr_get_type(attr));
	for (i = 0; i < len; i++)
		printf("%02x", p[i]);
	printf("\n");
	return MNL_CB_OK;
}

static int print_msg(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), print_attr, data);
}

static void keep_extack(const struct nlmsghdr *nlh, size_t offset,
			struct request *req)
{
	const struct nlattr *attr;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	mnl_attr_for_each(attr, nlh, offset)
		if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG)
			req->extack = strdup(mnl_attr_get_str(attr));
}

/* An ack, or an error whose extack message the caller prints. */
static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	size_t offset = sizeof(*err);

	if (!err->error)
		return MNL_CB_STOP;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		offset += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
	keep_extack(nlh, offset, data);
	errno = -err->error;
	return MNL_CB_ERROR;
}

/* The end of a dump, carrying the error of a dump that failed. */
static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	int error = *(const int *)mnl_nlmsg_get_payload(nlh);

	if (!error)
		return MNL_CB_STOP;
	keep_extack(nlh, sizeof(error), data);
	errno = -error;
	return MNL_CB_ERROR;
}

static int run(struct request *req, bool dump, int argc, char **argv)
{
	mnl_cb_t ctl_cb[NLMSG_MIN_TYPE] = {
		[NLMSG_ERROR] = error_cb,
		[NLMSG_DONE] = done_cb,
	};
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req->buf);
	struct genlmsghdr *genl;
	int i, len, ret;

	nlh->nlmsg_type = req->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (dump ? NLM_F_DUMP : 0);
	nlh->nlmsg_seq = ++req->seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = dump ? WGC_CMD_GET_DEVICE : WGC_CMD_SET_DEVICE;
	genl->version = WGC_GENL_VERSION;
	for (i = 0; i < argc; i++) {
		if (put_attr(nlh, argv[i]) < 0) {
			fprintf(stderr, "wgc-nl: bad argument `%s'\n", argv[i]);
			return 2;
		}
	}
	if (mnl_socket_sendto(req->nl, nlh, nlh->nlmsg_len) < 0)
		return perror("wgc-nl: send"), 1;
	do {
		len = mnl_socket_recvfrom(req->nl, req->buf, sizeof(req->buf));
		if (len < 0)
			return perror("wgc-nl: receive"), 1;
		ret = mnl_cb_run2(req->buf, len, req->seq,
				  mnl_socket_get_portid(req->nl), print_msg,
				  req, ctl_cb, NLMSG_MIN_TYPE);
	} while (ret > 0);
	if (ret < 0) {
		printf("error: %s: %s\n", strerror(errno),
		       req->extack ? req->extack : "(no message)");
		return 1;
	}
	printf("ok\n");
	return 0;
}

int main(int argc, char **argv)
{
	static struct request req;
	int one = 1;

	if (argc < 2 || (strcmp(argv[1], "set") && strcmp(argv[1], "get"))) {
		fprintf(stderr, "usage: wgc-nl set|get ATTR=VALUE...\n");
		return 2;
	}
	req.seq = time(NULL);
	req.nl = mnl_socket_open(NETLINK_GENERIC);
	if (!req.nl || mnl_socket_bind(req.nl, 0, MNL_SOCKET_AUTOPID) < 0)
		return perror("wgc-nl: socket"), 1;
	mnl_socket_setsockopt(req.nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(req.nl, NETLINK_CAP_ACK, &one, sizeof(one));
	if (resolve_family(&req) < 0)
		return perror("wgc-nl: family " WGC_GENL_NAME), 1;
	return run(&req, !strcmp(argv[1], "get"), argc - 2, argv + 2);
}
