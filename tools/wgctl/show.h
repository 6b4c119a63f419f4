/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "wgctl show": output formatting, kept apart from the kernel calls so
 * that the exact formats can be tested without a wgc device.
 */
#ifndef WGCTL_SHOW_H
#define WGCTL_SHOW_H

#include <stdbool.h>
#include <stdio.h>

#include "netlink.h"

enum show_field {
	SHOW_PRETTY,
	SHOW_PUBLIC_KEY,
	SHOW_PRIVATE_KEY,
	SHOW_LISTEN_PORT,
	SHOW_FWMARK,
	SHOW_DUMP,
};

struct show_style {
	bool color;		/* ANSI colours in the pretty form */
	bool hide_keys;		/* "(hidden)" for the private key */
};

bool show_parse_field(const char *name, enum show_field *field);
struct show_style show_style_from_env(void);
void show_pretty(FILE *out, const struct wgc_device_info *dev,
		 const struct show_style *style);
void show_field(FILE *out, const struct wgc_device_info *dev,
		enum show_field field, bool with_name);

#endif /* WGCTL_SHOW_H */
