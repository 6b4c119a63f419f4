// SPDX-License-Identifier: GPL-2.0
/*
 * wgctl show [ all | interfaces | <interface> ] [ <field> ]
 *
 * The output is byte for byte what wg(8) prints for the same state, so
 * that scripts written against wg work unchanged against wgctl.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "encoding.h"
#include "show.h"
#include "wgctl.h"

#define COLOR_RESET "\x1b[0m"
#define COLOR_BOLD "\x1b[1m"
#define COLOR_GREEN "\x1b[32m"

static const struct {
	const char *name;
	enum show_field field;
} show_fields[] = {
	{ "public-key", SHOW_PUBLIC_KEY },
	{ "private-key", SHOW_PRIVATE_KEY },
	{ "listen-port", SHOW_LISTEN_PORT },
	{ "fwmark", SHOW_FWMARK },
	{ "dump", SHOW_DUMP },
};

static void show_usage(FILE *out)
{
	fprintf(out,
		"Usage: %s show { <interface> | all | interfaces } [public-key | private-key | listen-port | fwmark | dump]\n",
		PROG_NAME);
}

bool show_parse_field(const char *name, enum show_field *field)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(show_fields); i++) {
		if (!strcmp(name, show_fields[i].name)) {
			*field = show_fields[i].field;
			return true;
		}
	}
	return false;
}

/* Same variables and meaning as wg(8): scripts already set them. */
struct show_style show_style_from_env(void)
{
	const char *color = getenv("WG_COLOR_MODE");
	const char *hide = getenv("WG_HIDE_KEYS");
	struct show_style style;

	if (color && !strcmp(color, "always"))
		style.color = true;
	else if (color && !strcmp(color, "never"))
		style.color = false;
	else
		style.color = isatty(STDOUT_FILENO);
	style.hide_keys = !(hide && !strcmp(hide, "never"));
	return style;
}

/* Base64 of key, or "(none)" when there is no key. */
static void print_key(FILE *out, const uint8_t key[WGC_KEY_LEN], bool present)
{
	char b64[WGC_KEY_B64_LEN + 1];

	if (!present || key_is_zero(key)) {
		fputs("(none)", out);
		return;
	}
	key_to_base64(b64, key);
	fputs(b64, out);
	sodium_memzero(b64, sizeof(b64));
}

static void print_fwmark(FILE *out, uint32_t fwmark)
{
	if (fwmark)
		fprintf(out, "0x%x", fwmark);
	else
		fputs("off", out);
}

/* "  <name>: " with the name in bold when colouring. */
static void pretty_label(FILE *out, const struct show_style *style,
			 const char *label)
{
	if (style->color)
		fprintf(out, "  " COLOR_BOLD "%s" COLOR_RESET ": ", label);
	else
		fprintf(out, "  %s: ", label);
}

void show_pretty(FILE *out, const struct wgc_device_info *dev,
		 const struct show_style *style)
{
	if (style->color)
		fprintf(out, COLOR_GREEN COLOR_BOLD "interface" COLOR_RESET
			": " COLOR_GREEN "%s" COLOR_RESET "\n", dev->name);
	else
		fprintf(out, "interface: %s\n", dev->name);

	if (dev->has_public_key) {
		pretty_label(out, style, "public key");
		print_key(out, dev->public_key, true);
		fputc('\n', out);
	}
	if (dev->has_private_key) {
		pretty_label(out, style, "private key");
		if (style->hide_keys)
			fputs("(hidden)", out);
		else
			print_key(out, dev->private_key, true);
		fputc('\n', out);
	}
	if (dev->listen_port) {
		pretty_label(out, style, "listening port");
		fprintf(out, "%u\n", dev->listen_port);
	}
	if (dev->fwmark) {
		pretty_label(out, style, "fwmark");
		fprintf(out, "0x%x\n", dev->fwmark);
	}
}

/* One line for one field; with_name prefixes it as "show all" does. */
void show_field(FILE *out, const struct wgc_device_info *dev,
		enum show_field field, bool with_name)
{
	if (with_name)
		fprintf(out, "%s\t", dev->name);

	switch (field) {
	case SHOW_PUBLIC_KEY:
		print_key(out, dev->public_key, dev->has_public_key);
		break;
	case SHOW_PRIVATE_KEY:
		print_key(out, dev->private_key, dev->has_private_key);
		break;
	case SHOW_LISTEN_PORT:
		fprintf(out, "%u", dev->listen_port);
		break;
	case SHOW_FWMARK:
		print_fwmark(out, dev->fwmark);
		break;
	case SHOW_DUMP:
		print_key(out, dev->private_key, dev->has_private_key);
		fputc('\t', out);
		print_key(out, dev->public_key, dev->has_public_key);
		fprintf(out, "\t%u\t", dev->listen_port);
		print_fwmark(out, dev->fwmark);
		break;
	case SHOW_PRETTY:
		break;
	}
	fputc('\n', out);
}

static void show_device(const struct wgc_device_info *dev,
			enum show_field field, bool with_name,
			const struct show_style *style)
{
	if (field == SHOW_PRETTY)
		show_pretty(stdout, dev, style);
	else
		show_field(stdout, dev, field, with_name);
}

static int show_interfaces(void)
{
	struct wgc_iface_list list;
	struct wgc_nl_error e;
	size_t i;

	if (wgc_list_interfaces(&list, &e) < 0) {
		wgc_nl_perror("Unable to list interfaces", &e);
		return 1;
	}
	for (i = 0; i < list.count; i++)
		printf("%s%c", list.names[i], i + 1 < list.count ? ' ' : '\n');
	wgc_iface_list_free(&list);
	return 0;
}

static int show_one(const char *name, enum show_field field,
		    const struct show_style *style)
{
	struct wgc_device_info dev;
	struct wgc_nl_error e;

	if (wgc_get_device(name, &dev, &e) < 0) {
		wgc_nl_perror("Unable to access interface", &e);
		return 1;
	}
	show_device(&dev, field, false, style);
	sodium_memzero(&dev, sizeof(dev));
	return 0;
}

/*
 * Every wgc link in turn. One that vanishes between the listing and its
 * own query (ENODEV) is skipped quietly: it is no longer there to show.
 */
static int show_all(enum show_field field, const struct show_style *style)
{
	struct wgc_iface_list list;
	struct wgc_device_info dev;
	struct wgc_nl_error e;
	bool first = true;
	int ret = 0;
	size_t i;

	if (wgc_list_interfaces(&list, &e) < 0) {
		wgc_nl_perror("Unable to list interfaces", &e);
		return 1;
	}
	for (i = 0; i < list.count; i++) {
		if (wgc_get_device(list.names[i], &dev, &e) < 0) {
			if (e.err == ENODEV)
				continue;
			ret = 1;
			if (e.no_family) {
				wgc_nl_perror(NULL, &e);
				break;
			}
			fprintf(stderr, "Unable to access interface %s: %s\n",
				list.names[i], wgc_nl_strerror(&e));
			continue;
		}
		if (field == SHOW_PRETTY && !first)
			putchar('\n');
		first = false;
		show_device(&dev, field, true, style);
		sodium_memzero(&dev, sizeof(dev));
	}
	wgc_iface_list_free(&list);
	return ret;
}

int show_main(int argc, char *argv[])
{
	enum show_field field = SHOW_PRETTY;
	struct show_style style;

	if (argc == 2 && is_help_arg(argv[1])) {
		show_usage(stdout);
		return 0;
	}
	if (argc > 3 || (argc == 3 && !show_parse_field(argv[2], &field)) ||
	    (argc == 3 && !strcmp(argv[1], "interfaces"))) {
		show_usage(stderr);
		return 1;
	}

	style = show_style_from_env();
	if (argc == 1 || !strcmp(argv[1], "all"))
		return show_all(field, &style);
	if (!strcmp(argv[1], "interfaces"))
		return show_interfaces();
	return show_one(argv[1], field, &style);
}
