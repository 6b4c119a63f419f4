// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for tools/wgctl/show.c: the exact output of "wgctl show",
 * which must match wg(8)'s byte for byte.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "show.h"
#include "unit.h"

/* RFC 7748 Alice: private and public key. */
#define ALICE_PRIV "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo="
#define ALICE_PUB "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo="

static struct wgc_device_info full = {
	.name = "wgc0",
	.ifindex = 5,
	.listen_port = 51820,
	.fwmark = 0xca6c,
	.private_key = {
		0x77, 0x07, 0x6d, 0x0a, 0x73, 0x18, 0xa5, 0x7d, 0x3c, 0x16,
		0xc1, 0x72, 0x51, 0xb2, 0x66, 0x45, 0xdf, 0x4c, 0x2f, 0x87,
		0xeb, 0xc0, 0x99, 0x2a, 0xb1, 0x77, 0xfb, 0xa5, 0x1d, 0xb9,
		0x2c, 0x2a },
	.public_key = {
		0x85, 0x20, 0xf0, 0x09, 0x89, 0x30, 0xa7, 0x54, 0x74, 0x8b,
		0x7d, 0xdc, 0xb4, 0x3e, 0xf7, 0x5a, 0x0d, 0xbf, 0x3a, 0x0d,
		0x26, 0x38, 0x1a, 0xf4, 0xeb, 0xa4, 0xa9, 0x8e, 0xaa, 0x9b,
		0x4e, 0x6a },
	.has_public_key = true,
	.has_private_key = true,
};

static struct wgc_device_info bare = { .name = "wgc1", .ifindex = 6 };

static char *out_buf;
static size_t out_len;

static FILE *out_open(void)
{
	free(out_buf);
	out_buf = NULL;
	return open_memstream(&out_buf, &out_len);
}

static void expect(const char *name, FILE *f, const char *want)
{
	fclose(f);
	unit_check(name, out_buf && !strcmp(out_buf, want),
		   "got \"%s\"", out_buf ? out_buf : "(null)");
}

static void test_pretty(void)
{
	struct show_style plain = { .color = false, .hide_keys = true };
	struct show_style shown = { .color = false, .hide_keys = false };
	struct show_style color = { .color = true, .hide_keys = true };
	struct wgc_device_info unpriv = full;
	FILE *f;

	f = out_open();
	show_pretty(f, &full, &plain);
	expect("show/pretty-full", f,
	       "interface: wgc0\n"
	       "  public key: " ALICE_PUB "\n"
	       "  private key: (hidden)\n"
	       "  listening port: 51820\n"
	       "  fwmark: 0xca6c\n");

	f = out_open();
	show_pretty(f, &full, &shown);
	expect("show/pretty-hide-keys-never", f,
	       "interface: wgc0\n"
	       "  public key: " ALICE_PUB "\n"
	       "  private key: " ALICE_PRIV "\n"
	       "  listening port: 51820\n"
	       "  fwmark: 0xca6c\n");

	/* What a caller without CAP_NET_ADMIN gets: no private key. */
	unpriv.has_private_key = false;
	memset(unpriv.private_key, 0, sizeof(unpriv.private_key));
	f = out_open();
	show_pretty(f, &unpriv, &plain);
	expect("show/pretty-unprivileged", f,
	       "interface: wgc0\n"
	       "  public key: " ALICE_PUB "\n"
	       "  listening port: 51820\n"
	       "  fwmark: 0xca6c\n");

	f = out_open();
	show_pretty(f, &bare, &plain);
	expect("show/pretty-bare", f, "interface: wgc1\n");

	f = out_open();
	show_pretty(f, &full, &color);
	expect("show/pretty-color", f,
	       "\x1b[32m\x1b[1minterface\x1b[0m: \x1b[32mwgc0\x1b[0m\n"
	       "  \x1b[1mpublic key\x1b[0m: " ALICE_PUB "\n"
	       "  \x1b[1mprivate key\x1b[0m: (hidden)\n"
	       "  \x1b[1mlistening port\x1b[0m: 51820\n"
	       "  \x1b[1mfwmark\x1b[0m: 0xca6c\n");
}

static void field(const char *name, const struct wgc_device_info *dev,
		  const char *field_name, bool with_name, const char *want)
{
	enum show_field fld;
	FILE *f;

	if (!show_parse_field(field_name, &fld)) {
		unit_check(name, false, "field %s not known", field_name);
		return;
	}
	f = out_open();
	show_field(f, dev, fld, with_name);
	expect(name, f, want);
}

static void test_fields(void)
{
	field("show/field-public-key", &full, "public-key", false,
	      ALICE_PUB "\n");
	field("show/field-private-key", &full, "private-key", false,
	      ALICE_PRIV "\n");
	field("show/field-listen-port", &full, "listen-port", false,
	      "51820\n");
	field("show/field-fwmark", &full, "fwmark", false, "0xca6c\n");
	field("show/field-dump", &full, "dump", false,
	      ALICE_PRIV "\t" ALICE_PUB "\t51820\t0xca6c\n");

	field("show/field-public-key-none", &bare, "public-key", false,
	      "(none)\n");
	field("show/field-private-key-none", &bare, "private-key", false,
	      "(none)\n");
	field("show/field-listen-port-zero", &bare, "listen-port", false,
	      "0\n");
	field("show/field-fwmark-off", &bare, "fwmark", false, "off\n");
	field("show/field-dump-bare", &bare, "dump", false,
	      "(none)\t(none)\t0\toff\n");

	field("show/all-public-key", &full, "public-key", true,
	      "wgc0\t" ALICE_PUB "\n");
	field("show/all-fwmark", &bare, "fwmark", true, "wgc1\toff\n");
	field("show/all-dump", &bare, "dump", true,
	      "wgc1\t(none)\t(none)\t0\toff\n");
}

static void test_parse_field(void)
{
	static const char *const bad[] = {
		"", "peers", "Public-key", "public-key ", "endpoints",
		"transfer", "dump2", "private_key",
	};
	enum show_field f;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (show_parse_field(bad[i], &f))
			break;
	unit_check("show/reject-unknown-fields",
		   i == sizeof(bad) / sizeof(bad[0]), "accepted \"%s\"",
		   i < sizeof(bad) / sizeof(bad[0]) ? bad[i] : "");
}

static void test_env(void)
{
	struct show_style s;

	setenv("WG_COLOR_MODE", "always", 1);
	unsetenv("WG_HIDE_KEYS");
	s = show_style_from_env();
	unit_check("show/env-color-always", s.color && s.hide_keys,
		   "color=%d hide=%d", s.color, s.hide_keys);

	setenv("WG_COLOR_MODE", "never", 1);
	setenv("WG_HIDE_KEYS", "never", 1);
	s = show_style_from_env();
	unit_check("show/env-color-never-hide-never",
		   !s.color && !s.hide_keys, "color=%d hide=%d", s.color,
		   s.hide_keys);

	/* Anything else: keys hidden, colour only on a terminal. */
	setenv("WG_COLOR_MODE", "auto", 1);
	setenv("WG_HIDE_KEYS", "always", 1);
	s = show_style_from_env();
	unit_check("show/env-defaults", s.hide_keys &&
		   s.color == (bool)isatty(STDOUT_FILENO),
		   "color=%d hide=%d", s.color, s.hide_keys);
}

int main(void)
{
	unit_init();
	test_pretty();
	test_fields();
	test_parse_field();
	test_env();
	free(out_buf);
	return unit_exit();
}
