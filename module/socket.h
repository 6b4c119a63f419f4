/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The device's UDP sockets, bound in the namespace that created it.
 */

#ifndef _WGC_SOCKET_H
#define _WGC_SOCKET_H

#include <linux/types.h>

struct wgc_device;
struct sock;

/* A freshly bound IPv4/IPv6 pair, not yet visible to the packet path. */
struct wgc_socket_pair {
	struct sock *sk4;
	struct sock *sk6;	/* NULL when IPv6 is disabled at boot */
};

int __must_check wgc_socket_bind(struct wgc_device *wgc, u16 port,
				 struct wgc_socket_pair *pair);
void wgc_socket_install(struct wgc_device *wgc, struct wgc_socket_pair *pair);
void wgc_socket_close(struct wgc_device *wgc);

#endif /* _WGC_SOCKET_H */
