/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Talking to the kernel: the "wgc" generic netlink family for device
 * state, and rtnetlink to find which links are wgc devices.
 */
#ifndef WGCTL_NETLINK_H
#define WGCTL_NETLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>

#include <linux/wgc.h>

struct nlmsghdr;

struct wgc_device_info {
	char name[IFNAMSIZ];
	uint32_t ifindex;
	uint16_t listen_port;
	uint32_t fwmark;
	uint8_t public_key[WGC_KEY_LEN];
	uint8_t private_key[WGC_KEY_LEN];
	bool has_public_key;
	bool has_private_key;
};

/* What "wgctl set" wants changed; only flagged fields are sent. */
struct wgc_device_change {
	const char *name;
	bool set_private_key;
	bool set_listen_port;
	bool set_fwmark;
	uint8_t private_key[WGC_KEY_LEN];	/* all zero: remove the key */
	uint16_t listen_port;
	uint32_t fwmark;
};

/*
 * Why a request failed. The kernel's extended ack message, when it sent
 * one, says far more than the bare errno ("Invalid argument").
 */
struct wgc_nl_error {
	int err;		/* positive errno; 0 if no error */
	bool no_family;		/* the "wgc" family is not registered */
	char msg[256];		/* extended ack message, or "" */
};

struct wgc_iface_list {
	char (*names)[IFNAMSIZ];	/* sorted by strcmp() */
	size_t count;
};

int wgc_get_device(const char *name, struct wgc_device_info *dev,
		   struct wgc_nl_error *e);
int wgc_set_device(const struct wgc_device_change *change,
		   struct wgc_nl_error *e);
int wgc_list_interfaces(struct wgc_iface_list *list, struct wgc_nl_error *e);
void wgc_iface_list_free(struct wgc_iface_list *list);

const char *wgc_nl_strerror(const struct wgc_nl_error *e);
void wgc_nl_perror(const char *what, const struct wgc_nl_error *e);

/*
 * Reply parsing, exposed so that selftests/unit can feed it hand-built
 * messages; there is no kernel module on the build host.
 *
 * wgc_nl_process() runs one recv()'d buffer through the callbacks used for
 * every request and returns like mnl_cb_run(): 1 (more to come), 0 (done)
 * or -1 with errno and *e set. For each data message it calls
 * parse(nlh, arg), a libmnl-style callback.
 */
typedef int (*wgc_nl_parse_t)(const struct nlmsghdr *nlh, void *arg);

int wgc_nl_process(const void *buf, size_t len, uint32_t seq, uint32_t portid,
		   wgc_nl_parse_t parse, void *arg, struct wgc_nl_error *e);

/* arg of wgc_parse_device(): the device being filled in, and a count. */
struct wgc_device_parse {
	struct wgc_device_info *dev;
	uint16_t family;
	unsigned int messages;
};

int wgc_parse_device(const struct nlmsghdr *nlh, void *arg);

/* arg of wgc_parse_link(): names of RTM_NEWLINK links of kind "wgc". */
struct wgc_link_parse {
	struct wgc_iface_list *list;
	size_t capacity;
};

int wgc_parse_link(const struct nlmsghdr *nlh, void *arg);
void wgc_iface_list_sort(struct wgc_iface_list *list);

#endif /* WGCTL_NETLINK_H */
