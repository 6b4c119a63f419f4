/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The receive side: message dispatch, handshakes, decryption, delivery.
 */

#ifndef _WGC_RECEIVE_H
#define _WGC_RECEIVE_H

struct kthread_work;
struct napi_struct;
struct sk_buff;
struct work_struct;
struct wgc_device;

/*
 * Takes UDP datagrams for the device's port: a list linked by skb->next
 * (a train's, or one). Softirq context.
 */
void wgc_packet_receive_list(struct wgc_device *wgc, struct sk_buff *segs);
void wgc_packet_handshake_receive_worker(struct kthread_work *work);
int wgc_packet_rx_poll(struct napi_struct *napi, int budget);

#endif /* _WGC_RECEIVE_H */
