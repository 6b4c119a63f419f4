/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wgc-flood's network side: addresses and the test ranges, the sockets,
 * sending, and the replies.
 */
#ifndef FLOOD_NET_H
#define FLOOD_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "flood.h"

int addr_bits(const struct addr *a);
bool parse_addr(const char *s, struct addr *a);
bool parse_prefix(const char *s, struct addr *a, int *plen);
bool is_test_net(const struct addr *a, int plen);
uint64_t prefix_sources(const struct addr *prefix, int plen);
void __noreturn refuse(const char *what, const char *s);

void make_sources(struct flood *f);
void open_raw(struct flood *f);
void open_udp(struct flood *f);
void open_reply_socket(struct flood *f);

bool send_msg(struct flood *f, const struct source *s, const uint8_t *msg);
unsigned int send_batch(struct flood *f, unsigned long long seq, unsigned int n);

void expire(struct flood *f, uint64_t now);
void drain_replies(struct flood *f);
void linger_replies(struct flood *f);

#endif /* FLOOD_NET_H */
