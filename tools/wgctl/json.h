/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "wgctl show --json" (and the configuration-only form for showconf):
 * one JSON document, laid out as "jq ." lays it out. Pure printing, like
 * show.c and pretty.c, so that the unit tests can pin the bytes down.
 * The schema is in wgctl(8), section JSON OUTPUT; within version 1,
 * fields are only ever added.
 */
#ifndef WGCTL_JSON_H
#define WGCTL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "device.h"

/* The "version" member of every document. */
#define JSON_VERSION 1

/*
 * Where a document being written stands: how deep the open containers
 * go, and whether the innermost one is still empty (so that the next
 * member needs no comma, and closing it gives "[]" or "{}").
 */
struct json_writer {
	FILE *out;
	unsigned int depth;
	bool empty;
};

/*
 * show --json, one interface at a time, so that "show all" can print
 * each device as it reads it: begin, then show_device per interface
 * (now is the wall clock that latest_handshake_age is measured from),
 * then end. The document is complete, and valid, after end however many
 * devices came in between, none included.
 */
void json_show_begin(struct json_writer *w, FILE *out);
void json_show_device(struct json_writer *w,
		      const struct wgctl_device *dev, time_t now);
void json_show_end(struct json_writer *w);

/*
 * The configuration only (what showconf shows), in the same shape: the
 * same members, of the same types, as in show's document, with the state
 * (public key, statistics, handshakes, transfer) left out.
 */
void json_print_config(FILE *out, const struct wgctl_device *dev);

/*
 * len bytes of s as a JSON string, quotes included. Well-formed UTF-8 is
 * copied; '"', '\\', control characters and DEL are escaped; each byte
 * that is not part of a well-formed UTF-8 sequence becomes U+FFFD.
 */
void json_write_string(FILE *out, const char *s, size_t len);

#endif /* WGCTL_JSON_H */
