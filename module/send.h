/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The transmit side: staging, handshake initiation, encryption, sending.
 */

#ifndef _WGC_SEND_H
#define _WGC_SEND_H

#include <linux/netdevice.h>
#include <linux/types.h>

struct sk_buff;
struct work_struct;
struct wgc_device;
struct wgc_peer;

netdev_tx_t wgc_packet_xmit(struct sk_buff *skb, struct net_device *dev);
void wgc_packet_send_staged_packets(struct wgc_peer *peer);
void wgc_packet_purge_staged_packets(struct wgc_peer *peer);
void wgc_packet_send_keepalive(struct wgc_peer *peer);
/* Starts a handshake if the current session is getting old. */
void wgc_packet_keep_key_fresh(struct wgc_peer *peer);
void wgc_packet_send_queued_handshake_initiation(struct wgc_peer *peer,
						 bool is_retry);
void wgc_packet_send_initiation_after_cookie(struct wgc_peer *peer);
void wgc_packet_send_handshake_response(struct wgc_peer *peer);
/* Answers a handshake message with a cookie reply; 0 once it is sent. */
int wgc_packet_send_handshake_cookie(struct wgc_device *wgc,
				     struct sk_buff *initiating_skb,
				     __le32 sender_index);

void wgc_packet_handshake_send_worker(struct work_struct *work);

#endif /* _WGC_SEND_H */
