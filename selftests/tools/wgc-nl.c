// SPDX-License-Identifier: GPL-2.0
/*
 * wgc-nl: sends hand-made wgc generic netlink requests, including malformed
 * ones wgctl refuses to build, so selftests can check the kernel's answers.
 *
 *   wgc-nl [OPTION...] set ARG...   one WGC_CMD_SET_DEVICE request
 *   wgc-nl [OPTION...] get ARG...   one WGC_CMD_GET_DEVICE dump, printed
 *   wgc-nl [OPTION...] batch        one "set ARG..." or "get ARG..." request
 *                                   per line of standard input
 *   wgc-nl policy                   the family's policies (CTRL_CMD_GETPOLICY)
 *
 * Options:
 *   --bufsize N    receive with an N-byte buffer (default 32768); the kernel
 *                  sizes dump messages to what the reader receives with
 *   --pause DIR    after the first datagram of a dump, create DIR/paused and
 *                  wait until DIR/go exists, so a test can change the
 *                  configuration in the middle of a dump
 *   --reserved N   put N in the reserved byte of the generic netlink header
 *   --nlflags N    add N to the request's nlmsg_flags
 *
 * ARGs build the request in order; nests open and close as they go:
 *   device:      ifindex=N ifname=S private-key=HEX public-key=HEX
 *                listen-port=N fwmark=N flags=N
 *   peer         opens a peer nest (in WGC_DEVICE_A_PEERS); then:
 *                public-key=HEX preshared-key=HEX flags=N keepalive=N
 *                version=N endpoint=A.B.C.D:PORT|[V6]:PORT
 *                allowed-ip=ADDR/CIDR (one whole allowed-IP nest)
 *   allowedip    opens an allowed-IP nest (in WGC_PEER_A_ALLOWEDIPS); then:
 *                family=N ipaddr=HEX cidr=N
 *   end          closes the open allowed-IP list, or else the open peer
 *                (if any) and the peer list, so that what follows goes a
 *                level up
 *   NUMBER=HEX   a raw attribute of that type, at the current level
 *   bytes=HEX    raw bytes that are no attribute, zero-padded to 4: in the
 *                allowed-IP list after its last entry, else in the peer
 *                list after its last peer, else among the device's
 *                attributes
 * HEX is any number of hex bytes, possibly none.
 *
 * A dump prints, for each message, a line "msg", then one line per
 * attribute, "TYPE:HEX", except peers, which print as
 *   peer PUBKEY               (the nest's public key in hex, "-" if none)
 *   peer PUBKEY TYPE:HEX      each other attribute but allowed IPs
 *   allowedip PUBKEY ADDR/CIDR
 * and "ok" at the end. A policy dump prints a line
 *   op CMD do|dump POLICY     the policy a command's request is checked by
 * per command, and one per attribute a policy accepts:
 *   policy POLICY ATTR TYPE [mask=HEX] [min-length=N] [max-length=N]
 *                 [nested=POLICY]
 * TYPE being the NL_ATTR_TYPE_* name in lower case ("u32", "nested-array").
 * On a kernel error it prints
 * "error: <strerror>: <extack message>" and exits 1; if the kernel also
 * points at an attribute of the request (NLMSGERR_ATTR_OFFS), a line
 * "at: PATH" follows, PATH being the attribute types from the top with
 * list entries as their index: "8[1]/9[0]/5" is attribute 5 of the first
 * allowed IP of the second peer ("?" where no attribute starts).
 */

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/wgc.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SEND_BUF_SIZE (192 * 1024)

struct request {
	struct mnl_socket *nl;
	uint16_t family;
	unsigned int seq;
	char *sendbuf;
	char *recvbuf;
	size_t recvsize;
	const char *pause_dir;
	const char *extack;
	uint32_t bad_offset;	/* NLMSGERR_ATTR_OFFS; 0 if none */
	uint16_t nlflags;
	uint8_t reserved;
};

/* The nests open while a request is being built. */
struct builder {
	struct nlmsghdr *nlh;
	struct nlattr *peers, *peer, *allowedips, *allowedip;
	bool full;
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

static void put(struct builder *b, uint16_t type, size_t len, const void *data)
{
	if (!mnl_attr_put_check(b->nlh, SEND_BUF_SIZE, type, len, data))
		b->full = true;
}

static void put_u8(struct builder *b, uint16_t type, uint8_t value)
{
	put(b, type, sizeof(value), &value);
}

static void put_u16(struct builder *b, uint16_t type, uint16_t value)
{
	put(b, type, sizeof(value), &value);
}

static void put_u32(struct builder *b, uint16_t type, uint32_t value)
{
	put(b, type, sizeof(value), &value);
}

static struct nlattr *nest_start(struct builder *b, uint16_t type)
{
	struct nlattr *nest;

	nest = mnl_attr_nest_start_check(b->nlh, SEND_BUF_SIZE, type);
	if (!nest)
		b->full = true;
	return nest;
}

static void close_allowedip(struct builder *b)
{
	if (b->allowedip)
		mnl_attr_nest_end(b->nlh, b->allowedip);
	b->allowedip = NULL;
}

static void close_allowedips(struct builder *b)
{
	close_allowedip(b);
	if (b->allowedips)
		mnl_attr_nest_end(b->nlh, b->allowedips);
	b->allowedips = NULL;
}

static void close_peer(struct builder *b)
{
	close_allowedips(b);
	if (b->peer)
		mnl_attr_nest_end(b->nlh, b->peer);
	b->peer = NULL;
}

static void close_all(struct builder *b)
{
	close_peer(b);
	if (b->peers)
		mnl_attr_nest_end(b->nlh, b->peers);
	b->peers = NULL;
}

static int open_peer(struct builder *b)
{
	close_peer(b);
	if (!b->peers)
		b->peers = nest_start(b, WGC_DEVICE_A_PEERS);
	if (b->peers)
		b->peer = nest_start(b, 0);
	return b->peer ? 0 : -1;
}

static int open_allowedip(struct builder *b)
{
	if (!b->peer)
		return -1;
	close_allowedip(b);
	if (!b->allowedips)
		b->allowedips = nest_start(b, WGC_PEER_A_ALLOWEDIPS);
	if (b->allowedips)
		b->allowedip = nest_start(b, 0);
	return b->allowedip ? 0 : -1;
}

/* "A.B.C.D:PORT" or "[V6]:PORT" as a struct sockaddr_in or _in6. */
static int put_endpoint(struct builder *b, const char *value)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in sin = { .sin_family = AF_INET };
	const char *colon = strrchr(value, ':');
	char host[INET6_ADDRSTRLEN + 2];
	size_t len;

	if (!colon || (size_t)(colon - value) >= sizeof(host))
		return -1;
	len = colon - value;
	memcpy(host, value, len);
	host[len] = '\0';
	if (host[0] == '[' && len > 2 && host[len - 1] == ']') {
		host[len - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, &sin6.sin6_addr) != 1)
			return -1;
		sin6.sin6_port = htons(strtoul(colon + 1, NULL, 0));
		put(b, WGC_PEER_A_ENDPOINT, sizeof(sin6), &sin6);
		return 0;
	}
	if (inet_pton(AF_INET, host, &sin.sin_addr) != 1)
		return -1;
	sin.sin_port = htons(strtoul(colon + 1, NULL, 0));
	put(b, WGC_PEER_A_ENDPOINT, sizeof(sin), &sin);
	return 0;
}

/* "ADDR/CIDR" as one whole allowed-IP nest. */
static int put_allowed_ip(struct builder *b, const char *value)
{
	const char *slash = strchr(value, '/');
	unsigned char addr[16];
	char host[INET6_ADDRSTRLEN];
	uint16_t family;

	if (!slash || (size_t)(slash - value) >= sizeof(host))
		return -1;
	memcpy(host, value, slash - value);
	host[slash - value] = '\0';
	family = strchr(host, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(family, host, addr) != 1 || open_allowedip(b) < 0)
		return -1;
	put_u16(b, WGC_ALLOWEDIP_A_FAMILY, family);
	put(b, WGC_ALLOWEDIP_A_IPADDR, family == AF_INET6 ? 16 : 4, addr);
	put_u8(b, WGC_ALLOWEDIP_A_CIDR_MASK, strtoul(slash + 1, NULL, 0));
	close_allowedip(b);
	return 0;
}

static int put_raw(struct builder *b, const char *name, const char *value)
{
	unsigned char bytes[1024];
	int type, len;

	type = atoi(name);
	if (type <= 0 || type >= NLA_F_NET_BYTEORDER)
		return -1;
	len = hex_bytes(value, bytes, sizeof(bytes));
	if (len < 0)
		return -1;
	put(b, type, len, bytes);
	return 0;
}

static int put_bytes(struct builder *b, const char *value)
{
	unsigned char bytes[1024];
	size_t tail;
	int len;

	len = hex_bytes(value, bytes, sizeof(bytes));
	if (len < 0)
		return -1;
	/* Into the list: after its open entry, which is closed first. */
	if (b->allowedips)
		close_allowedip(b);
	else
		close_peer(b);
	tail = MNL_ALIGN(b->nlh->nlmsg_len);
	if (tail + MNL_ALIGN(len) > SEND_BUF_SIZE) {
		b->full = true;
		return -1;
	}
	memset((char *)b->nlh + tail, 0, MNL_ALIGN(len));
	memcpy((char *)b->nlh + tail, bytes, len);
	b->nlh->nlmsg_len = tail + MNL_ALIGN(len);
	return 0;
}

static int put_key(struct builder *b, uint16_t type, const char *value)
{
	char raw[16];

	snprintf(raw, sizeof(raw), "%u", type);
	return put_raw(b, raw, value);
}

static int put_device_attr(struct builder *b, const char *name,
			   const char *value)
{
	unsigned long n = strtoul(value, NULL, 0);

	if (!strcmp(name, "ifindex"))
		put_u32(b, WGC_DEVICE_A_IFINDEX, n);
	else if (!strcmp(name, "ifname"))
		put(b, WGC_DEVICE_A_IFNAME, strlen(value) + 1, value);
	else if (!strcmp(name, "listen-port"))
		put_u16(b, WGC_DEVICE_A_LISTEN_PORT, n);
	else if (!strcmp(name, "fwmark"))
		put_u32(b, WGC_DEVICE_A_FWMARK, n);
	else if (!strcmp(name, "flags"))
		put_u32(b, WGC_DEVICE_A_FLAGS, n);
	else if (!strcmp(name, "private-key"))
		return put_key(b, WGC_DEVICE_A_PRIVATE_KEY, value);
	else if (!strcmp(name, "public-key"))
		return put_key(b, WGC_DEVICE_A_PUBLIC_KEY, value);
	else
		return put_raw(b, name, value);
	return 0;
}

static int put_peer_attr(struct builder *b, const char *name,
			 const char *value)
{
	unsigned long n = strtoul(value, NULL, 0);

	if (!strcmp(name, "allowed-ip"))
		return put_allowed_ip(b, value);
	/* The peer's own attributes cannot go inside its allowed-IP list. */
	close_allowedips(b);
	if (!strcmp(name, "public-key"))
		return put_key(b, WGC_PEER_A_PUBLIC_KEY, value);
	if (!strcmp(name, "preshared-key"))
		return put_key(b, WGC_PEER_A_PRESHARED_KEY, value);
	if (!strcmp(name, "endpoint"))
		return put_endpoint(b, value);
	if (!strcmp(name, "flags"))
		put_u32(b, WGC_PEER_A_FLAGS, n);
	else if (!strcmp(name, "keepalive"))
		put_u16(b, WGC_PEER_A_PERSISTENT_KEEPALIVE_INTERVAL, n);
	else if (!strcmp(name, "version"))
		put_u32(b, WGC_PEER_A_PROTOCOL_VERSION, n);
	else
		return put_raw(b, name, value);
	return 0;
}

static int put_allowedip_attr(struct builder *b, const char *name,
			      const char *value)
{
	unsigned long n = strtoul(value, NULL, 0);

	if (!strcmp(name, "family"))
		put_u16(b, WGC_ALLOWEDIP_A_FAMILY, n);
	else if (!strcmp(name, "cidr"))
		put_u8(b, WGC_ALLOWEDIP_A_CIDR_MASK, n);
	else if (!strcmp(name, "ipaddr"))
		return put_key(b, WGC_ALLOWEDIP_A_IPADDR, value);
	else
		return put_raw(b, name, value);
	return 0;
}

static int put_arg(struct builder *b, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char name[32];

	if (!strcmp(arg, "peer"))
		return open_peer(b);
	if (!strcmp(arg, "allowedip"))
		return open_allowedip(b);
	if (!strcmp(arg, "end")) {
		if (b->allowedips)
			close_allowedips(b);
		else if (b->peers)
			close_all(b);
		else
			return -1;
		return 0;
	}
	if (!eq || (size_t)(eq - arg) >= sizeof(name))
		return -1;
	memcpy(name, arg, eq - arg);
	name[eq - arg] = '\0';
	if (!strcmp(name, "bytes"))
		return put_bytes(b, eq + 1);
	if (b->allowedip)
		return put_allowedip_attr(b, name, eq + 1);
	if (b->peer)
		return put_peer_attr(b, name, eq + 1);
	return put_device_attr(b, name, eq + 1);
}

static int resolve_family(struct request *req)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req->sendbuf);
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
	len = mnl_socket_recvfrom(req->nl, req->recvbuf, req->recvsize);
	if (len < 0)
		return -1;
	nlh = (struct nlmsghdr *)req->recvbuf;
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		errno = -((struct nlmsgerr *)mnl_nlmsg_get_payload(nlh))->error;
		return -1;
	}
	mnl_attr_for_each(attr, nlh, sizeof(*genl))
		if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_ID)
			req->family = mnl_attr_get_u16(attr);
	return req->family ? 0 : -1;
}

static void print_hex(const struct nlattr *attr)
{
	const unsigned char *p = mnl_attr_get_payload(attr);
	uint16_t i, len = mnl_attr_get_payload_len(attr);

	for (i = 0; i < len; i++)
		printf("%02x", p[i]);
}

static void print_attr(const char *prefix, const struct nlattr *attr)
{
	printf("%s%u:", prefix, mnl_attr_get_type(attr));
	print_hex(attr);
	printf("\n");
}

static void print_allowedip(const char *key, const struct nlattr *nest)
{
	const struct nlattr *attr, *addr = NULL;
	char text[INET6_ADDRSTRLEN] = "?";
	int family = -1, cidr = -1;

	mnl_attr_for_each_nested(attr, nest) {
		switch (mnl_attr_get_type(attr)) {
		case WGC_ALLOWEDIP_A_FAMILY:
			family = mnl_attr_get_u16(attr);
			break;
		case WGC_ALLOWEDIP_A_IPADDR:
			addr = attr;
			break;
		case WGC_ALLOWEDIP_A_CIDR_MASK:
			cidr = mnl_attr_get_u8(attr);
			break;
		}
	}
	if (addr && mnl_attr_get_payload_len(addr) ==
		    (family == AF_INET6 ? 16 : 4))
		inet_ntop(family, mnl_attr_get_payload(addr), text,
			  sizeof(text));
	printf("allowedip %s %s/%d\n", key, text, cidr);
}

static void print_peer(const struct nlattr *nest)
{
	const struct nlattr *attr, *aip;
	char key[2 * WGC_KEY_LEN + 1] = "-";
	char prefix[sizeof(key) + 8];
	int i;

	mnl_attr_for_each_nested(attr, nest) {
		if (mnl_attr_get_type(attr) != WGC_PEER_A_PUBLIC_KEY ||
		    mnl_attr_get_payload_len(attr) != WGC_KEY_LEN)
			continue;
		for (i = 0; i < WGC_KEY_LEN; i++)
			sprintf(key + 2 * i, "%02x", ((unsigned char *)
				mnl_attr_get_payload(attr))[i]);
	}
	printf("peer %s\n", key);
	snprintf(prefix, sizeof(prefix), "peer %s ", key);
	mnl_attr_for_each_nested(attr, nest) {
		switch (mnl_attr_get_type(attr)) {
		case WGC_PEER_A_PUBLIC_KEY:
			break;
		case WGC_PEER_A_ALLOWEDIPS:
			mnl_attr_for_each_nested(aip, attr)
				print_allowedip(key, aip);
			break;
		default:
			print_attr(prefix, attr);
		}
	}
}

static int print_msg(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *attr, *peer;

	(void)data;
	printf("msg\n");
	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(attr) != WGC_DEVICE_A_PEERS) {
			print_attr("", attr);
			continue;
		}
		mnl_attr_for_each_nested(peer, attr)
			print_peer(peer);
	}
	return MNL_CB_OK;
}

static void keep_extack(const struct nlmsghdr *nlh, size_t offset,
			struct request *req)
{
	const struct nlattr *attr;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	mnl_attr_for_each(attr, nlh, offset) {
		if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG)
			req->extack = strdup(mnl_attr_get_str(attr));
		if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_OFFS)
			req->bad_offset = mnl_attr_get_u32(attr);
	}
}

/* The levels of a request, to name the attribute an error points at. */
enum level { DEVICE, PEERS, PEER, ALLOWEDIPS, ALLOWEDIP, OPAQUE };

/* What a nest of @type holds at @level: OPAQUE if not a nest. */
static enum level inner_level(enum level level, uint16_t type)
{
	switch (level) {
	case DEVICE:
		return type == WGC_DEVICE_A_PEERS ? PEERS : OPAQUE;
	case PEERS:
		return PEER;
	case PEER:
		return type == WGC_PEER_A_ALLOWEDIPS ? ALLOWEDIPS : OPAQUE;
	case ALLOWEDIPS:
		return ALLOWEDIP;
	default:
		return OPAQUE;
	}
}

/* Prints the path of the attribute @offset bytes into @len bytes of @level. */
static void print_path(const void *payload, int len, uint32_t offset,
		       enum level level)
{
	const struct nlattr *attr;
	int index = 0;
	uint32_t at;

	mnl_attr_for_each_payload(payload, len) {
		at = (const char *)attr - (const char *)payload;
		if (offset >= at + attr->nla_len) {
			index++;
			continue;
		}
		if (offset < at)
			break;
		if (level == PEERS || level == ALLOWEDIPS)
			printf("[%d]", index);
		else
			printf("%s%u", level == DEVICE ? "" : "/",
			       mnl_attr_get_type(attr));
		if (offset >= at + MNL_ATTR_HDRLEN &&
		    inner_level(level, mnl_attr_get_type(attr)) != OPAQUE)
			print_path(mnl_attr_get_payload(attr),
				   mnl_attr_get_payload_len(attr),
				   offset - at - MNL_ATTR_HDRLEN,
				   inner_level(level, mnl_attr_get_type(attr)));
		return;
	}
	printf("?");
}

/* "at: PATH" for the attribute of the request an error points at. */
static void print_bad_attr(const struct request *req)
{
	const struct nlmsghdr *nlh = (const void *)req->sendbuf;
	uint32_t start = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct genlmsghdr));

	if (!req->bad_offset)
		return;
	printf("at: ");
	if (req->bad_offset < start || req->bad_offset >= nlh->nlmsg_len)
		printf("?");
	else
		print_path(req->sendbuf + start, nlh->nlmsg_len - start,
			   req->bad_offset - start, DEVICE);
	printf("\n");
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

/* Tells the test the dump is under way, and waits for its go-ahead. */
static void pause_dump(struct request *req)
{
	char path[4096];
	struct stat st;
	FILE *f;

	snprintf(path, sizeof(path), "%s/paused", req->pause_dir);
	f = fopen(path, "w");
	if (f)
		fclose(f);
	snprintf(path, sizeof(path), "%s/go", req->pause_dir);
	while (stat(path, &st) < 0)
		usleep(10000);
	req->pause_dir = NULL;
}

static const char *const attr_types[] = {
	[NL_ATTR_TYPE_FLAG] = "flag",
	[NL_ATTR_TYPE_U8] = "u8",
	[NL_ATTR_TYPE_U16] = "u16",
	[NL_ATTR_TYPE_U32] = "u32",
	[NL_ATTR_TYPE_U64] = "u64",
	[NL_ATTR_TYPE_S8] = "s8",
	[NL_ATTR_TYPE_S16] = "s16",
	[NL_ATTR_TYPE_S32] = "s32",
	[NL_ATTR_TYPE_S64] = "s64",
	[NL_ATTR_TYPE_BINARY] = "binary",
	[NL_ATTR_TYPE_STRING] = "string",
	[NL_ATTR_TYPE_NUL_STRING] = "nul-string",
	[NL_ATTR_TYPE_NESTED] = "nested",
	[NL_ATTR_TYPE_NESTED_ARRAY] = "nested-array",
	[NL_ATTR_TYPE_BITFIELD32] = "bitfield32",
};

/* One attribute of a policy: "policy P A TYPE [...]". */
static void print_policy_attr(unsigned int policy, const struct nlattr *nest)
{
	const struct nlattr *attr;
	uint32_t type = 0;

	mnl_attr_for_each_nested(attr, nest)
		if (mnl_attr_get_type(attr) == NL_POLICY_TYPE_ATTR_TYPE)
			type = mnl_attr_get_u32(attr);
	printf("policy %u %u", policy, mnl_attr_get_type(nest));
	if (type < sizeof(attr_types) / sizeof(attr_types[0]) &&
	    attr_types[type])
		printf(" %s", attr_types[type]);
	else
		printf(" type-%u", type);
	mnl_attr_for_each_nested(attr, nest) {
		switch (mnl_attr_get_type(attr)) {
		case NL_POLICY_TYPE_ATTR_MASK:
			printf(" mask=%llx", (unsigned long long)
			       mnl_attr_get_u64(attr));
			break;
		case NL_POLICY_TYPE_ATTR_MIN_LENGTH:
			printf(" min-length=%u", mnl_attr_get_u32(attr));
			break;
		case NL_POLICY_TYPE_ATTR_MAX_LENGTH:
			printf(" max-length=%u", mnl_attr_get_u32(attr));
			break;
		case NL_POLICY_TYPE_ATTR_POLICY_IDX:
			printf(" nested=%u", mnl_attr_get_u32(attr));
			break;
		}
	}
	printf("\n");
}

static int print_policy_msg(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *attr, *cmd, *which, *policy, *pattr;

	(void)data;
	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(attr)) {
		case CTRL_ATTR_OP_POLICY:
			mnl_attr_for_each_nested(cmd, attr)
				mnl_attr_for_each_nested(which, cmd)
					printf("op %u %s %u\n",
					       mnl_attr_get_type(cmd),
					       mnl_attr_get_type(which) ==
					       CTRL_ATTR_POLICY_DO ? "do" : "dump",
					       mnl_attr_get_u32(which));
			break;
		case CTRL_ATTR_POLICY:
			mnl_attr_for_each_nested(policy, attr)
				mnl_attr_for_each_nested(pattr, policy)
					print_policy_attr(mnl_attr_get_type(policy),
							  pattr);
			break;
		}
	}
	return MNL_CB_OK;
}

static int receive(struct request *req, mnl_cb_t print)
{
	mnl_cb_t ctl_cb[NLMSG_MIN_TYPE] = {
		[NLMSG_ERROR] = error_cb,
		[NLMSG_DONE] = done_cb,
	};
	int len, ret;

	do {
		len = mnl_socket_recvfrom(req->nl, req->recvbuf,
					  req->recvsize);
		if (len < 0)
			return perror("wgc-nl: receive"), 1;
		ret = mnl_cb_run2(req->recvbuf, len, req->seq,
				  mnl_socket_get_portid(req->nl), print,
				  req, ctl_cb, NLMSG_MIN_TYPE);
		if (ret > 0 && req->pause_dir)
			pause_dump(req);
	} while (ret > 0);
	if (ret < 0) {
		printf("error: %s: %s\n", strerror(errno),
		       req->extack ? req->extack : "(no message)");
		print_bad_attr(req);
		return 1;
	}
	printf("ok\n");
	return 0;
}

static int run(struct request *req, const char *cmd, int argc, char **argv)
{
	struct builder b = { .nlh = mnl_nlmsg_put_header(req->sendbuf) };
	bool dump = !strcmp(cmd, "get");
	struct genlmsghdr *genl;
	int i;

	if (!dump && strcmp(cmd, "set")) {
		fprintf(stderr, "wgc-nl: unknown command `%s'\n", cmd);
		return 2;
	}
	b.nlh->nlmsg_type = req->family;
	b.nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (dump ? NLM_F_DUMP : 0) |
			     req->nlflags;
	b.nlh->nlmsg_seq = ++req->seq;
	genl = mnl_nlmsg_put_extra_header(b.nlh, sizeof(*genl));
	genl->cmd = dump ? WGC_CMD_GET_DEVICE : WGC_CMD_SET_DEVICE;
	genl->version = WGC_GENL_VERSION;
	genl->reserved = req->reserved;
	for (i = 0; i < argc; i++) {
		if (put_arg(&b, argv[i]) < 0 && !b.full) {
			fprintf(stderr, "wgc-nl: bad argument `%s'\n", argv[i]);
			return 2;
		}
	}
	close_all(&b);
	if (b.full) {
		fprintf(stderr, "wgc-nl: request larger than %d bytes\n",
			SEND_BUF_SIZE);
		return 2;
	}
	if (mnl_socket_sendto(req->nl, b.nlh, b.nlh->nlmsg_len) < 0)
		return perror("wgc-nl: send"), 1;
	req->extack = NULL;
	req->bad_offset = 0;
	return receive(req, print_msg);
}

/* Anyone may read a family's policies, unprivileged users included. */
static int run_policy(struct request *req)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req->sendbuf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP;
	nlh->nlmsg_seq = ++req->seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = CTRL_CMD_GETPOLICY;
	genl->version = 1;
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, req->family);
	if (mnl_socket_sendto(req->nl, nlh, nlh->nlmsg_len) < 0)
		return perror("wgc-nl: send"), 1;
	req->extack = NULL;
	req->bad_offset = 0;
	return receive(req, print_policy_msg);
}

/* Each line of standard input is one request; stops at the first failure. */
static int run_batch(struct request *req)
{
	size_t cap = 0;
	char *line = NULL;
	int ret = 0;

	while (!ret && getline(&line, &cap, stdin) > 0) {
		char **argv = NULL, *word, *save;
		int argc = 0;

		for (word = strtok_r(line, " \t\n", &save); word;
		     word = strtok_r(NULL, " \t\n", &save)) {
			argv = realloc(argv, (argc + 1) * sizeof(*argv));
			if (!argv)
				return perror("wgc-nl"), 1;
			argv[argc++] = word;
		}
		if (argc)
			ret = run(req, argv[0], argc - 1, argv + 1);
		free(argv);
	}
	free(line);
	return ret;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: wgc-nl [--bufsize N] [--pause DIR] [--reserved N] [--nlflags N]\n"
		"              set|get ARG...\n"
		"       wgc-nl [--bufsize N] [--reserved N] [--nlflags N] batch < requests\n"
		"       wgc-nl policy\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static struct request req = { .recvsize = 32768 };
	int one = 1, i;

	for (i = 1; i + 1 < argc && !strncmp(argv[i], "--", 2); i += 2) {
		if (!strcmp(argv[i], "--bufsize"))
			req.recvsize = strtoul(argv[i + 1], NULL, 0);
		else if (!strcmp(argv[i], "--pause"))
			req.pause_dir = argv[i + 1];
		else if (!strcmp(argv[i], "--reserved"))
			req.reserved = strtoul(argv[i + 1], NULL, 0);
		else if (!strcmp(argv[i], "--nlflags"))
			req.nlflags = strtoul(argv[i + 1], NULL, 0);
		else
			usage();
	}
	if (i >= argc || req.recvsize < 1024)
		usage();
	req.sendbuf = malloc(SEND_BUF_SIZE);
	req.recvbuf = malloc(req.recvsize);
	if (!req.sendbuf || !req.recvbuf)
		return perror("wgc-nl"), 1;
	req.seq = time(NULL);
	req.nl = mnl_socket_open(NETLINK_GENERIC);
	if (!req.nl || mnl_socket_bind(req.nl, 0, MNL_SOCKET_AUTOPID) < 0)
		return perror("wgc-nl: socket"), 1;
	mnl_socket_setsockopt(req.nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(req.nl, NETLINK_CAP_ACK, &one, sizeof(one));
	if (resolve_family(&req) < 0)
		return perror("wgc-nl: family " WGC_GENL_NAME), 1;
	if (!strcmp(argv[i], "batch") || !strcmp(argv[i], "policy")) {
		if (i + 1 != argc)
			usage();
		if (!strcmp(argv[i], "policy"))
			return run_policy(&req);
		return run_batch(&req);
	}
	return run(&req, argv[i], argc - i - 1, argv + i + 1);
}
