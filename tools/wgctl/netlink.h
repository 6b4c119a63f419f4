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

#include "device.h"

struct nlattr;
struct nlmsghdr;

/*
 * Why a request failed. The kernel's extended ack message, when it sent
 * one, says far more than the bare errno ("Invalid argument").
 */
struct wgctl_nl_error {
	int err;		/* positive errno; 0 if no error */
	bool no_family;		/* the "wgc" family is not registered */
	char msg[256];		/* extended ack message, or "" */
	/*
	 * A set request split over several messages: how many there were,
	 * and how many the kernel had applied before the one that failed.
	 */
	size_t messages;
	size_t applied;
};

struct wgctl_iface_list {
	char (*names)[IFNAMSIZ];	/* sorted by strcmp() */
	size_t count;
};

/*
 * On success, free dev with wgctl_device_free(). get_flags: WGC_GET_F_*
 * (WGC_GET_F_PEER_STATS: each peer's stats too), or 0.
 */
int wgctl_get_device(const char *name, uint32_t get_flags,
		     struct wgctl_device *dev, struct wgctl_nl_error *e);
int wgctl_set_device(const struct wgctl_device *change,
		     struct wgctl_nl_error *e);
int wgctl_list_interfaces(struct wgctl_iface_list *list,
			  struct wgctl_nl_error *e);
void wgctl_iface_list_free(struct wgctl_iface_list *list);

const char *wgctl_nl_strerror(const struct wgctl_nl_error *e);
void wgctl_nl_perror(const char *what, const struct wgctl_nl_error *e);

/*
 * The WGC_CMD_GET_DEVICE dump request for the device called name, built
 * in the size zeroed bytes at buf for generic netlink family id family;
 * NULL if it does not fit. It carries WGC_DEVICE_A_IFNAME and, if
 * get_flags is not 0, WGC_DEVICE_A_GET_FLAGS: nothing else, as the kernel
 * refuses a get with any other attribute (and a module older than the
 * flags refuses them: a plain get leaves them out).
 */
struct nlmsghdr *wgctl_get_request(void *buf, size_t size, uint16_t family,
				   const char *name, uint32_t get_flags);

/*
 * Reply parsing, exposed so that tools/wgctl/tests can feed it hand-built
 * messages; there is no kernel module on the build host.
 *
 * wgctl_nl_process() runs one recv()'d buffer through the callbacks used for
 * every request and returns like mnl_cb_run(): 1 (more to come), 0 (done)
 * or -1 with errno and *e set. For each data message it calls
 * parse(nlh, arg), a libmnl-style callback.
 */
typedef int (*wgctl_nl_parse_t)(const struct nlmsghdr *nlh, void *arg);

int wgctl_nl_process(const void *buf, size_t len, uint32_t seq,
		     uint32_t portid, wgctl_nl_parse_t parse, void *arg,
		     struct wgctl_nl_error *e);

/*
 * Running a dump until it is not interrupted: once() makes one attempt
 * (returning 0, or -1 with *e set), discard() throws away what a failed
 * attempt gathered, what names the thing dumped for the error message.
 */
#define WGC_DUMP_ATTEMPTS 8

struct wgctl_dump_ops {
	int (*once)(void *arg, struct wgctl_nl_error *e);
	void (*discard)(void *arg);
	const char *what;
};

int wgctl_nl_dump_retry(const struct wgctl_dump_ops *ops, void *arg,
			struct wgctl_nl_error *e);

void wgctl_attr_copy_str(const struct nlattr *attr, char *dst, size_t size);
void wgctl_attr_copy_name(const struct nlattr *attr, char dst[IFNAMSIZ]);

/*
 * arg of wgctl_parse_device(): the device being filled in, and a count.
 * A peer whose allowed IPs continue in the next message of the dump is
 * merged back into one.
 */
struct wgctl_device_parse {
	struct wgctl_device *dev;
	uint16_t family;
	unsigned int messages;
};

int wgctl_parse_device(const struct nlmsghdr *nlh, void *arg);

/*
 * An event of the kernel's events group (WGC_CMD_PEER_ADDED and the
 * rest). Endpoints the event does not carry have sa_family 0.
 */
struct wgctl_event {
	uint8_t cmd;
	uint32_t ifindex;
	char ifname[IFNAMSIZ];
	bool has_public_key;
	uint8_t public_key[WGC_KEY_LEN];
	union wgctl_endpoint endpoint;
	union wgctl_endpoint old_endpoint;
	bool has_role;
	uint8_t role;		/* enum wgc_session_role */
	/*
	 * WGC_CMD_SESSION_KEYS: the session's secrets (all three, or none);
	 * wiped once the handler returns.
	 */
	bool has_keys;
	uint8_t local_private_key[WGC_KEY_LEN];
	uint8_t ephemeral_private_key[WGC_KEY_LEN];
	uint8_t preshared_key[WGC_KEY_LEN];
};

/*
 * arg of wgctl_parse_event(): the events' family id, and what to do with
 * each event; handle() returns like a libmnl callback.
 */
struct wgctl_event_parse {
	uint16_t family;
	int (*handle)(const struct wgctl_event *ev, void *arg);
	void *arg;
	struct wgctl_event event;
};
int wgctl_parse_event(const struct nlmsghdr *nlh, void *arg);

/*
 * A socket that has joined one of the family's groups (WGC_MCGRP_EVENTS,
 * or WGC_MCGRP_KEYLOG for session keys). wgctl_events_open() fails
 * with EPERM without CAP_NET_ADMIN. wgctl_events_read() waits for the
 * next events and runs them through wgctl_parse_event(); it fails with
 * ENOBUFS when the kernel dropped events for want of room in the socket
 * (the socket stays usable), with EINTR when a signal came, and with
 * ENOENT (no_family set) once the wgc family is gone: the module was
 * unloaded, and no event will come on this socket again.
 */
struct wgctl_events;
struct wgctl_events *wgctl_events_open(const char *group,
				       struct wgctl_nl_error *e);
int wgctl_events_read(struct wgctl_events *ev, struct wgctl_event_parse *p,
		      struct wgctl_nl_error *e);
int wgctl_events_fd(const struct wgctl_events *ev);
void wgctl_events_close(struct wgctl_events *ev);

/* arg of wgctl_parse_link(): names of RTM_NEWLINK links of kind "wgc". */
struct wgctl_link_parse {
	struct wgctl_iface_list *list;
	size_t capacity;
};

int wgctl_parse_link(const struct nlmsghdr *nlh, void *arg);
void wgctl_iface_list_sort(struct wgctl_iface_list *list);

#endif /* WGCTL_NETLINK_H */
