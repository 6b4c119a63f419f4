/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "wgctl show": output formatting, kept apart from the kernel calls so
 * that the exact formats can be tested without a wgc device. show.c has
 * the one-field and dump forms, pretty.c the form for people.
 */
#ifndef WGCTL_SHOW_H
#define WGCTL_SHOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "device.h"

enum show_field {
	SHOW_PRETTY,
	SHOW_PUBLIC_KEY,
	SHOW_PRIVATE_KEY,
	SHOW_LISTEN_PORT,
	SHOW_FWMARK,
	SHOW_PEERS,
	SHOW_PRESHARED_KEYS,
	SHOW_ENDPOINTS,
	SHOW_ALLOWED_IPS,
	SHOW_LATEST_HANDSHAKES,
	SHOW_PERSISTENT_KEEPALIVE,
	SHOW_TRANSFER,
	SHOW_HANDSHAKE_STATS,
	SHOW_EVENT_STATS,
	SHOW_STATS,
	SHOW_DUMP,
};

struct show_style {
	bool color;		/* ANSI colours in the pretty form */
	bool hide_keys;		/* "(hidden)" for private and preshared keys */
};

/* Big enough for any line part formatted below, colours included. */
#define SHOW_BUF_SIZE 256

bool show_parse_field(const char *name, enum show_field *field);
struct show_style show_style_from_env(void);
void show_field(FILE *out, const struct wgctl_device *dev,
		enum show_field field, bool with_name);

/* pretty.c */
void show_pretty(FILE *out, const struct wgctl_device *dev,
		 const struct show_style *style, time_t now);
size_t show_format_duration(char *buf, size_t size, uint64_t seconds,
			    bool color);
void show_format_ago(char *buf, size_t size, int64_t then, time_t now,
		     bool color);
void show_format_bytes(char *buf, size_t size, uint64_t bytes, bool color);
size_t show_format_u64(char *buf, uint64_t n);
void show_format_endpoint(char *buf, size_t size,
			  const union wgctl_endpoint *ep);
void show_format_allowedip(char *buf, size_t size,
			   const struct wgctl_allowedip *aip, bool color);
const struct wgctl_peer **show_sort_peers(const struct wgctl_peer_list *list);

#endif /* WGCTL_SHOW_H */
