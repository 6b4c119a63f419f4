/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The device's UDP sockets, bound in the namespace that created it.
 */

#ifndef _WGC_SOCKET_H
#define _WGC_SOCKET_H

#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <linux/types.h>
#include <linux/udp.h>

struct sk_buff;
struct sock;
struct wgc_device;
struct wgc_endpoint;
struct wgc_peer;

/* A freshly bound IPv4/IPv6 pair, not yet visible to the packet path. */
struct wgc_socket_pair {
	struct sock *sk4;
	struct sock *sk6;	/* NULL when IPv6 is disabled at boot */
};

int __must_check wgc_socket_bind(struct wgc_device *wgc, u16 port,
				 struct wgc_socket_pair *pair);
void wgc_socket_install(struct wgc_device *wgc, struct wgc_socket_pair *pair);
void wgc_socket_close(struct wgc_device *wgc);
void wgc_socket_apply_offloads(struct wgc_device *wgc);

/* Room in front of a handshake message for the outer headers. */
#define WGC_SKB_HEADER_LEN (sizeof(struct ipv6hdr) + sizeof(struct udphdr) + \
			    NET_SKB_PAD)

/* Sending: BH-safe; each consumes the skb whatever happens. */
int wgc_socket_send_skb_to_peer(struct wgc_peer *peer, struct sk_buff *skb,
				u8 ds);
int wgc_socket_send_buffer_to_peer(struct wgc_peer *peer, const void *buffer,
				   size_t len, u8 ds);
int wgc_socket_send_buffer_as_reply_to_skb(struct wgc_device *wgc,
					   struct sk_buff *in_skb,
					   const void *buffer, size_t len);

int wgc_socket_endpoint_from_skb(struct wgc_endpoint *endpoint,
				 const struct sk_buff *skb);
void wgc_socket_set_peer_endpoint(struct wgc_peer *peer,
				  const struct wgc_endpoint *endpoint);
void wgc_socket_set_peer_endpoint_from_skb(struct wgc_peer *peer,
					   const struct sk_buff *skb);
void wgc_socket_clear_peer_endpoint_src(struct wgc_peer *peer);

#endif /* _WGC_SOCKET_H */
