/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Configuration files in the format of wg(8): an [Interface] section and
 * [Peer] sections of "Key = Value" lines. Parsing is pure (the host name
 * look-ups go through a config_resolver, messages to a FILE), so the unit
 * tests can play every error without a kernel or a network.
 */
#ifndef WGCTL_CONFFILE_H
#define WGCTL_CONFFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "config.h"
#include "device.h"

/*
 * What a file means depends on the command reading it:
 *   CONF_REPLACE  setconf: the file is the whole configuration; a key
 *                 left out is reset (no private key, port 0, no mark),
 *                 peers left out are removed.
 *   CONF_SYNC     syncconf: the same, and AllowedIPs entries marked `+'
 *                 or `-' are refused (see conffile.c).
 *   CONF_APPEND   addconf: only what the file names is changed.
 * Either way a [Peer] section replaces that peer's allowed IPs, as wg(8)
 * does, unless its AllowedIPs mark entries with `+' or `-'; and an
 * [Interface] section may come anywhere (or not at all).
 */
enum conf_mode {
	CONF_REPLACE,
	CONF_SYNC,
	CONF_APPEND,
};

/* A file read whole; name is what messages call it. */
struct conf_text {
	const char *name;
	const char *data;
	size_t len;
};

/* Refused above this size: no sane configuration comes near it. */
#define CONF_FILE_MAX (64u << 20)

/*
 * Parse text into change (whose name the caller sets). Returns 0, or -1
 * after writing one message, "wgctl: FILE:LINE: what is wrong", to err.
 * Warnings (a key given twice, host bits in an allowed IP) go to err as
 * well, but only once the whole file is known to be good. *has_secrets
 * tells whether the file holds a private or preshared key. Endpoint host
 * names are looked up only after everything else has been checked.
 * Either way, free change with wgctl_device_free().
 */
int conf_parse(const struct conf_text *text, enum conf_mode mode,
	       const struct config_resolver *resolver, FILE *err,
	       struct wgctl_device *change, bool *has_secrets);

/*
 * Read path whole into a new buffer (*data, *len; free with conf_free_text
 * so that the keys in it are wiped). Returns 0 or -errno (-EFBIG above
 * CONF_FILE_MAX). *exposed tells whether it is a regular file that group
 * or others may read.
 */
int conf_read_file(const char *path, char **data, size_t *len,
		   bool *exposed);
void conf_free_text(char *data, size_t len);

#endif /* WGCTL_CONFFILE_H */
