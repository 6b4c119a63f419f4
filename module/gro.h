/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Trains received whole: a flow's data messages merged by UDP GRO reach
 * the encap hook as one packet. See gro.c.
 */

#ifndef _WGC_GRO_H
#define _WGC_GRO_H

struct sk_buff;
struct sock;

/* The sockets' udp_tunnel_sock_cfg.gro_complete (softirq, RCU). */
int wgc_gro_complete(struct sock *sk, struct sk_buff *skb, int nhoff);

/* A train the encap hook received, cut into its datagrams (or NULL). */
struct sk_buff *wgc_gro_segment(struct sock *sk, struct sk_buff *skb);

#endif /* _WGC_GRO_H */
