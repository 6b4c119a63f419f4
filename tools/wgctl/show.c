// SPDX-License-Identifier: GPL-2.0
/*
 * wgctl show [--json] [ all | interfaces | <interface> ] [ <field> ]
 *
 * The output is byte for byte what wg(8) prints for the same state, so
 * that scripts written against wg work unchanged against wgctl; only the
 * "handshake-stats", "event-stats" and "stats" fields, --openmetrics and
 * --prometheus,
 * which wg does not have, are wgctl's own. This file
 * has the script-friendly forms (one field, or "dump"), which list peers in
 * the order the kernel sent them; pretty.c has the form for people, and
 * json.c the one JSON document of --json.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "encoding.h"
#include "json.h"
#include "metrics.h"
#include "netlink.h"
#include "show.h"
#include "wgctl.h"

static const struct {
	const char *name;
	enum show_field field;
} show_fields[] = {
	{ "public-key", SHOW_PUBLIC_KEY },
	{ "private-key", SHOW_PRIVATE_KEY },
	{ "listen-port", SHOW_LISTEN_PORT },
	{ "fwmark", SHOW_FWMARK },
	{ "peers", SHOW_PEERS },
	{ "preshared-keys", SHOW_PRESHARED_KEYS },
	{ "endpoints", SHOW_ENDPOINTS },
	{ "allowed-ips", SHOW_ALLOWED_IPS },
	{ "latest-handshakes", SHOW_LATEST_HANDSHAKES },
	{ "persistent-keepalive", SHOW_PERSISTENT_KEEPALIVE },
	{ "transfer", SHOW_TRANSFER },
	{ "handshake-stats", SHOW_HANDSHAKE_STATS },
	{ "event-stats", SHOW_EVENT_STATS },
	{ "stats", SHOW_STATS },
	{ "dump", SHOW_DUMP },
};

static void show_usage(FILE *out)
{
	fprintf(out,
		"Usage: %s show [--json | --openmetrics | --prometheus] { <interface> | all | interfaces } [public-key | private-key | listen-port | fwmark | peers | preshared-keys | endpoints | allowed-ips | latest-handshakes | transfer | persistent-keepalive | handshake-stats | event-stats | stats | dump]\n",
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

static void print_endpoint(FILE *out, const union wgctl_endpoint *ep)
{
	char buf[SHOW_BUF_SIZE];

	if (ep->addr.sa_family != AF_INET && ep->addr.sa_family != AF_INET6) {
		fputs("(none)", out);
		return;
	}
	show_format_endpoint(buf, sizeof(buf), ep);
	fputs(buf, out);
}

/* The list joined by sep, or "(none)". */
static void print_allowedips(FILE *out, const struct wgctl_peer *peer, char sep)
{
	char buf[SHOW_BUF_SIZE];
	size_t i;

	if (!peer->num_allowedips)
		fputs("(none)", out);
	for (i = 0; i < peer->num_allowedips; i++) {
		show_format_allowedip(buf, sizeof(buf), &peer->allowedips[i],
				      false);
		if (i)
			fputc(sep, out);
		fputs(buf, out);
	}
}

static void print_u64(FILE *out, uint64_t n)
{
	char digits[21];

	fwrite(digits, 1, show_format_u64(digits, n), out);
}

static void print_keepalive(FILE *out, uint16_t interval)
{
	if (interval)
		print_u64(out, interval);
	else
		fputs("off", out);
}

/* The interface's own line of "dump". */
static void print_dump_device(FILE *out, const struct wgctl_device *dev)
{
	print_key(out, dev->private_key, dev->has_private_key);
	fputc('\t', out);
	print_key(out, dev->public_key, dev->has_public_key);
	fprintf(out, "\t%u\t", dev->listen_port);
	print_fwmark(out, dev->fwmark);
}

/* One line of "dump" per peer: every field, tab-separated. */
static void print_dump_peer(FILE *out, const struct wgctl_peer *peer)
{
	print_key(out, peer->public_key, true);
	fputc('\t', out);
	print_key(out, peer->preshared_key, peer->has_preshared_key);
	fputc('\t', out);
	print_endpoint(out, &peer->endpoint);
	fputc('\t', out);
	print_allowedips(out, peer, ',');
	fputc('\t', out);
	print_u64(out, (uint64_t)peer->last_handshake_sec);
	fputc('\t', out);
	print_u64(out, peer->rx_bytes);
	fputc('\t', out);
	print_u64(out, peer->tx_bytes);
	fputc('\t', out);
	print_keepalive(out, peer->persistent_keepalive);
}

/* After the public key and a tab: what field says about one peer. */
static void print_peer_field(FILE *out, const struct wgctl_peer *peer,
			     enum show_field field)
{
	switch (field) {
	case SHOW_PRESHARED_KEYS:
		print_key(out, peer->preshared_key, peer->has_preshared_key);
		break;
	case SHOW_ENDPOINTS:
		print_endpoint(out, &peer->endpoint);
		break;
	case SHOW_ALLOWED_IPS:
		print_allowedips(out, peer, ' ');
		break;
	case SHOW_LATEST_HANDSHAKES:
		fprintf(out, "%llu",
			(unsigned long long)peer->last_handshake_sec);
		break;
	case SHOW_PERSISTENT_KEEPALIVE:
		print_keepalive(out, peer->persistent_keepalive);
		break;
	case SHOW_TRANSFER:
		fprintf(out, "%llu\t%llu", (unsigned long long)peer->rx_bytes,
			(unsigned long long)peer->tx_bytes);
		break;
	default:
		break;
	}
}

/*
 * One line per peer, in the kernel's order: the public key, then (but for
 * "peers") a tab and the field.
 */
static void show_peer_lines(FILE *out, const struct wgctl_device *dev,
			    enum show_field field, bool with_name)
{
	const struct wgctl_peer *peer;
	size_t i;

	for (i = 0; i < dev->peers.count; i++) {
		peer = &dev->peers.peers[i];
		if (with_name)
			fprintf(out, "%s\t", dev->name);
		if (field == SHOW_DUMP) {
			print_dump_peer(out, peer);
		} else {
			print_key(out, peer->public_key, true);
			if (field != SHOW_PEERS)
				fputc('\t', out);
			print_peer_field(out, peer, field);
		}
		fputc('\n', out);
	}
}

/* The one line of an interface-wide field (and of the start of "dump"). */
static void show_device_line(FILE *out, const struct wgctl_device *dev,
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
	default:
		print_dump_device(out, dev);
		break;
	}
	fputc('\n', out);
}

/* A line per counter: its name, a tab and its value. */
struct counter_line {
	const char *name;
	uint64_t value;
};

static void show_counter_lines(FILE *out, const struct wgctl_device *dev,
			       bool with_name, const struct counter_line *lines,
			       size_t count)
{
	size_t i;

	for (i = 0; i < count; i++) {
		if (with_name)
			fprintf(out, "%s\t", dev->name);
		fprintf(out, "%s\t%llu\n", lines[i].name,
			(unsigned long long)lines[i].value);
	}
}

/*
 * "handshake-stats" (wg has no such field, so the format is wgctl's own).
 * Nothing if the kernel sent no statistics.
 */
static void show_handshake_stats(FILE *out, const struct wgctl_device *dev,
				 bool with_name)
{
	const struct wgctl_handshake_stats *hs = &dev->handshake_stats;
	const struct counter_line lines[] = {
		{ "processed", hs->processed },
		{ "invalid", hs->invalid },
		{ "rate-limited", hs->ratelimited },
		{ "invalid-mac1", hs->invalid_mac1 },
		{ "missing-cookie", hs->missing_cookie },
		{ "cookie-replies-sent", hs->cookie_replies_sent },
		{ "cookies-received", hs->cookies_received },
		{ "queue-full", hs->queue_full },
		{ "under-load", hs->under_load },
		{ "ratelimiter-entries", hs->ratelimiter_entries },
	};

	if (dev->has_handshake_stats)
		show_counter_lines(out, dev, with_name, lines,
				   ARRAY_SIZE(lines));
}

/* "event-stats": the same form, for the device's events. */
static void show_event_stats(FILE *out, const struct wgctl_device *dev,
			     bool with_name)
{
	const struct wgctl_event_stats *es = &dev->event_stats;
	const struct counter_line lines[] = {
		{ "sent", es->sent },
		{ "dropped", es->dropped },
		{ "suppressed", es->suppressed },
	};

	if (dev->has_event_stats)
		show_counter_lines(out, dev, with_name, lines,
				   ARRAY_SIZE(lines));
}

/*
 * "stats": a line per counter of each peer, after its public key, in the
 * order peer_counters() lists them. Nothing for a peer the kernel sent no
 * counters for (a module older than them).
 */
static void show_peer_stats(FILE *out, const struct wgctl_device *dev,
			    bool with_name)
{
	struct peer_counter c[PEER_COUNTERS];
	const struct wgctl_peer *peer;
	size_t i, j, n;

	for (i = 0; i < dev->peers.count; i++) {
		peer = &dev->peers.peers[i];
		n = peer_counters(peer, c);
		for (j = 0; j < n; j++) {
			if (with_name)
				fprintf(out, "%s\t", dev->name);
			print_key(out, peer->public_key, true);
			if (c[j].is_time)
				fprintf(out, "\t%s\t%lld\n", c[j].name,
					(long long)(int64_t)c[j].value);
			else
				fprintf(out, "\t%s\t%llu\n", c[j].name,
					(unsigned long long)c[j].value);
		}
	}
}

/*
 * The script-friendly forms: tab-separated, one line per interface or
 * per peer; with_name prefixes every line as "show all" does.
 */
void show_field(FILE *out, const struct wgctl_device *dev,
		enum show_field field, bool with_name)
{
	switch (field) {
	case SHOW_PRETTY:
		return;
	case SHOW_PUBLIC_KEY:
	case SHOW_PRIVATE_KEY:
	case SHOW_LISTEN_PORT:
	case SHOW_FWMARK:
		show_device_line(out, dev, field, with_name);
		return;
	case SHOW_HANDSHAKE_STATS:
		show_handshake_stats(out, dev, with_name);
		return;
	case SHOW_EVENT_STATS:
		show_event_stats(out, dev, with_name);
		return;
	case SHOW_STATS:
		show_peer_stats(out, dev, with_name);
		return;
	case SHOW_DUMP:
		show_device_line(out, dev, field, with_name);
		break;
	default:
		break;
	}
	show_peer_lines(out, dev, field, with_name);
}

/* What one invocation of show prints, and where a JSON document stands. */
struct show_output {
	enum show_field field;
	struct show_style style;
	bool json;
	bool openmetrics;		/* or --prometheus: metrics_format */
	enum metrics_format metrics_format;
	const char *metrics_opt;	/* as given */
	struct json_writer jw;
};

/* What to ask the kernel for besides the configuration. */
static uint32_t show_get_flags(const struct show_output *o)
{
	if (o->json || o->openmetrics || o->field == SHOW_STATS)
		return WGC_GET_F_PEER_STATS;
	return 0;
}

/*
 * Reads the interface with what o needs. A module older than the peers'
 * counters refuses the get flags as an unknown attribute (EINVAL): the
 * configuration is read without them then, and the counters show as
 * absent (nothing in "stats", null in JSON, no samples in OpenMetrics).
 */
static int show_get_device(const char *name, const struct show_output *o,
			   struct wgctl_device *dev, struct wgctl_nl_error *e)
{
	uint32_t flags = show_get_flags(o);

	if (wgctl_get_device(name, flags, dev, e) == 0)
		return 0;
	if (!flags || e->err != EINVAL)
		return -1;
	return wgctl_get_device(name, 0, dev, e);
}

/*
 * The wall clock now, read precisely: time() reads a copy updated once a
 * tick, which can lag the clock the kernel stamped a handshake with, and
 * so make a handshake of this very second look a second in the future.
 */
static time_t wall_now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts))
		return time(NULL);
	return ts.tv_sec;
}

static void show_device(struct show_output *o,
			const struct wgctl_device *dev, bool with_name)
{
	if (o->json)
		json_show_device(&o->jw, dev, wall_now());
	else if (o->field == SHOW_PRETTY)
		show_pretty(stdout, dev, &o->style, time(NULL));
	else
		show_field(stdout, dev, o->field, with_name);
}

static int show_interfaces(void)
{
	struct wgctl_iface_list list;
	struct wgctl_nl_error e;
	size_t i;

	if (wgctl_list_interfaces(&list, &e) < 0) {
		wgctl_nl_perror("Unable to list interfaces", &e);
		return 1;
	}
	for (i = 0; i < list.count; i++)
		printf("%s%c", list.names[i], i + 1 < list.count ? ' ' : '\n');
	wgctl_iface_list_free(&list);
	return 0;
}

/* An interface that cannot be read prints nothing, not even JSON. */
static int show_one(const char *name, struct show_output *o)
{
	struct wgctl_device dev;
	struct wgctl_nl_error e;

	if (show_get_device(name, o, &dev, &e) < 0) {
		wgctl_nl_perror("Unable to access interface", &e);
		return 1;
	}
	if (o->openmetrics) {
		metrics_write(stdout, o->metrics_format, &dev, 1);
		wgctl_device_free(&dev);
		return 0;
	}
	if (o->json)
		json_show_begin(&o->jw, stdout);
	show_device(o, &dev, false);
	if (o->json)
		json_show_end(&o->jw);
	wgctl_device_free(&dev);
	return 0;
}

/*
 * --openmetrics lists each metric family whole, across devices: the
 * devices are all read first, and shown at the end.
 */
struct device_array {
	struct wgctl_device *devs;
	size_t count;
};

/* Takes dev over (on failure too: it is freed then). */
static bool device_array_add(struct device_array *a, struct wgctl_device *dev)
{
	struct wgctl_device *grown;

	grown = realloc(a->devs, (a->count + 1) * sizeof(*grown));
	if (!grown) {
		wgctl_device_free(dev);
		return false;
	}
	a->devs = grown;
	a->devs[a->count++] = *dev;
	return true;
}

static void device_array_free(struct device_array *a)
{
	size_t i;

	for (i = 0; i < a->count; i++)
		wgctl_device_free(&a->devs[i]);
	free(a->devs);
}

/*
 * Every wgc link in turn. One that vanishes between the listing and its
 * own query (ENODEV) is skipped quietly: it is no longer there to show.
 * With --json or --openmetrics, the document is complete whatever happens
 * once the list is read: an interface that cannot be read is left out of
 * it.
 */
static int show_all(struct show_output *o)
{
	struct device_array all = { 0 };
	struct wgctl_iface_list list;
	struct wgctl_device dev;
	struct wgctl_nl_error e;
	bool first = true, out_of_memory = false;
	int ret = 0;
	size_t i;

	if (wgctl_list_interfaces(&list, &e) < 0) {
		wgctl_nl_perror("Unable to list interfaces", &e);
		return 1;
	}
	if (o->json)
		json_show_begin(&o->jw, stdout);
	for (i = 0; i < list.count; i++) {
		if (show_get_device(list.names[i], o, &dev, &e) < 0) {
			if (e.err == ENODEV)
				continue;
			ret = 1;
			if (e.no_family) {
				wgctl_nl_perror(NULL, &e);
				break;
			}
			fprintf(stderr, "Unable to access interface %s: %s\n",
				list.names[i], wgctl_nl_strerror(&e));
			continue;
		}
		if (o->openmetrics) {
			if (!device_array_add(&all, &dev)) {
				perror(PROG_NAME);
				ret = 1;
				out_of_memory = true;
				break;
			}
			continue;
		}
		if (!o->json && o->field == SHOW_PRETTY && !first)
			putchar('\n');
		first = false;
		show_device(o, &dev, true);
		wgctl_device_free(&dev);
	}
	if (o->json)
		json_show_end(&o->jw);
	/* What could be read, as --json does; but not half of the devices. */
	if (o->openmetrics && !out_of_memory)
		metrics_write(stdout, o->metrics_format, all.devs, all.count);
	device_array_free(&all);
	wgctl_iface_list_free(&list);
	return ret;
}

/*
 * --json may come anywhere among the arguments; the rest are positional,
 * as for wg(8). Returns the exit status on an error, else -1.
 */
static int show_parse_args(int argc, char *argv[], struct show_output *o,
			   const char **args, int *nargs)
{
	int i;

	*nargs = 0;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			o->json = true;
		} else if (!strcmp(argv[i], "--openmetrics") ||
			   !strcmp(argv[i], "--prometheus")) {
			if (o->openmetrics && strcmp(o->metrics_opt, argv[i])) {
				fprintf(stderr, "%s: %s and %s are two forms of one output: choose one\n",
					PROG_NAME, o->metrics_opt, argv[i]);
				return 1;
			}
			o->openmetrics = true;
			o->metrics_opt = argv[i];
			o->metrics_format = !strcmp(argv[i], "--prometheus") ?
					    METRICS_PROMETHEUS :
					    METRICS_OPENMETRICS;
		} else if (*nargs == 2) {
			show_usage(stderr);
			return 1;
		} else {
			args[(*nargs)++] = argv[i];
		}
	}
	if (o->json && o->openmetrics) {
		fprintf(stderr, "%s: --json and %s are two forms of one output: choose one\n",
			PROG_NAME, o->metrics_opt);
		return 1;
	}
	if (o->openmetrics && *nargs == 2) {
		fprintf(stderr,
			"%s: %s shows every peer's counters; it cannot be combined with `%s'\n",
			PROG_NAME, o->metrics_opt, args[1]);
		return 1;
	}
	if (o->openmetrics && *nargs == 1 && !strcmp(args[0], "interfaces")) {
		fprintf(stderr,
			"%s: %s cannot be combined with `interfaces'\n",
			PROG_NAME, o->metrics_opt);
		return 1;
	}
	if (o->json && *nargs == 2) {
		fprintf(stderr,
			"%s: --json shows every field; it cannot be combined with `%s'\n",
			PROG_NAME, args[1]);
		return 1;
	}
	if (o->json && *nargs == 1 && !strcmp(args[0], "interfaces")) {
		fprintf(stderr,
			"%s: --json cannot be combined with `interfaces': the names are in \"wgctl show --json\", under .interfaces[].name\n",
			PROG_NAME);
		return 1;
	}
	if (*nargs == 2 && (!show_parse_field(args[1], &o->field) ||
			    !strcmp(args[0], "interfaces"))) {
		show_usage(stderr);
		return 1;
	}
	return -1;
}

int show_main(int argc, char *argv[])
{
	struct show_output o = { .field = SHOW_PRETTY };
	const char *args[2];
	int nargs, ret;

	if (argc == 2 && is_help_arg(argv[1])) {
		show_usage(stdout);
		return 0;
	}
	ret = show_parse_args(argc, argv, &o, args, &nargs);
	if (ret >= 0)
		return ret;

	o.style = show_style_from_env();
	if (!nargs || !strcmp(args[0], "all"))
		return show_all(&o);
	if (!strcmp(args[0], "interfaces"))
		return show_interfaces();
	return show_one(args[0], &o);
}
