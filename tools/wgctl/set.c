// SPDX-License-Identifier: GPL-2.0
/*
 * wgctl set <interface> [listen-port <port>] [fwmark <mark>]
 *                       [private-key <file path>] [keylog on|off]
 *                       [peer <base64 public key> [remove]
 *                        [preshared-key <file path>] [endpoint <ip>:<port>]
 *                        [persistent-keepalive <seconds>|off]
 *                        [allowed-ips [+|-]<ip>/<cidr>[,[+|-]<ip>/<cidr>]...]
 *                       ]...
 *
 * The grammar is wg(8)'s: interface options come first, then any number
 * of peer blocks, each "peer <key>" followed by options for that peer.
 * A peer may be named twice; the kernel applies the blocks in order.
 *
 * Every argument, key files and endpoint look-ups included, is checked
 * before the kernel hears of anything: a half-applied command line is
 * harder to reason about than a refused one. As with wg(8), an option
 * given twice takes its last value, except allowed-ips, whose lists add
 * up (and replace what the peer had, unless entries are marked with `+'
 * or `-': config_parse_allowedips() says how).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "config.h"
#include "encoding.h"
#include "netlink.h"
#include "set.h"
#include "wgctl.h"

/* What the option handlers share while the command line is read. */
struct set_parser {
	struct wgctl_device *change;
	struct set_warnings *warnings;
	/* The caller's, or env_resolver once an endpoint needs one. */
	const struct config_resolver *resolver;
	struct config_resolver env_resolver;
};

enum option_scope {
	SCOPE_DEVICE,		/* before the first peer only */
	SCOPE_ANY,		/* "peer" itself */
	SCOPE_PEER,		/* after "peer <key>" */
};

struct option {
	const char *name;
	enum option_scope scope;
	bool takes_value;
	int (*parse)(struct set_parser *p, const char *value);
};

static void set_usage(FILE *out)
{
	fprintf(out,
		"Usage: %s set <interface> [listen-port <port>] [fwmark <mark>] [private-key <file path>] [keylog on|off] [peer <base64 public key> [remove] [preshared-key <file path>] [endpoint <ip>:<port>] [persistent-keepalive <interval seconds>] [allowed-ips [+|-]<ip1>/<cidr1>[,[+|-]<ip2>/<cidr2>]...] ]...\n",
		PROG_NAME);
}

/* The peer options apply to: always the last one named. */
static struct wgctl_peer *current_peer(struct set_parser *p)
{
	struct wgctl_peer_list *list = &p->change->peers;

	return list->count ? &list->peers[list->count - 1] : NULL;
}

static int out_of_memory(void)
{
	fprintf(stderr, "%s: Out of memory\n", PROG_NAME);
	return -1;
}

static int note_exposed(struct set_parser *p, const char *path)
{
	struct set_warnings *w = p->warnings;
	const char **paths;

	paths = realloc(w->exposed, (w->num_exposed + 1) * sizeof(*paths));
	if (!paths)
		return out_of_memory();
	paths[w->num_exposed++] = path;
	w->exposed = paths;
	return 0;
}

/*
 * A key file, private or preshared: the key, or all zeros from an empty
 * file such as /dev/null, which removes the key.
 */
static int read_key(struct set_parser *p, const char *what, const char *path,
		    uint8_t key[WGC_KEY_LEN])
{
	bool exposed = false;
	int ret;

	ret = config_read_key_file(path, key, &exposed);
	if (ret == -EBADMSG) {
		fprintf(stderr,
			"%s: Key is not the correct length or format: `%s'\n",
			PROG_NAME, path);
		return -1;
	}
	if (ret < 0) {
		fprintf(stderr, "%s: Unable to read %s key file `%s': %s\n",
			PROG_NAME, what, path, strerror(-ret));
		return -1;
	}
	return exposed ? note_exposed(p, path) : 0;
}

/* ---- Interface options ---- */

static int opt_listen_port(struct set_parser *p, const char *value)
{
	if (!config_parse_port(value, &p->change->listen_port)) {
		fprintf(stderr,
			"%s: Invalid listen port: `%s' (expected 0 to 65535)\n",
			PROG_NAME, value);
		return -1;
	}
	p->change->set_listen_port = true;
	return 0;
}

static int opt_fwmark(struct set_parser *p, const char *value)
{
	if (!config_parse_fwmark(value, &p->change->fwmark)) {
		fprintf(stderr,
			"%s: Invalid fwmark: `%s' (expected `off' or 0 to 0xffffffff)\n",
			PROG_NAME, value);
		return -1;
	}
	p->change->set_fwmark = true;
	return 0;
}

/* wgctl's own: session keys for Wireshark, while debugging. */
static int opt_keylog(struct set_parser *p, const char *value)
{
	if (strcmp(value, "on") && strcmp(value, "off")) {
		fprintf(stderr,
			"%s: Invalid keylog: `%s' (expected `on' or `off')\n",
			PROG_NAME, value);
		return -1;
	}
	p->change->keylog = !strcmp(value, "on");
	p->change->set_keylog = true;
	return 0;
}

static int opt_private_key(struct set_parser *p, const char *value)
{
	if (read_key(p, "private", value, p->change->private_key) < 0)
		return -1;
	p->change->set_private_key = true;
	return 0;
}

/* ---- Peers ---- */

static int opt_peer(struct set_parser *p, const char *value)
{
	uint8_t key[WGC_KEY_LEN];
	struct wgctl_peer *peer;

	if (!key_from_base64(key, value)) {
		fprintf(stderr,
			"%s: Invalid peer public key: `%s' (expected 44 characters of base64)\n",
			PROG_NAME, value);
		return -1;
	}
	peer = wgctl_peers_add(&p->change->peers);
	if (!peer)
		return out_of_memory();
	memcpy(peer->public_key, key, WGC_KEY_LEN);
	return 0;
}

static int opt_remove(struct set_parser *p, const char *value)
{
	(void)value;
	current_peer(p)->flags |= WGC_PEER_F_REMOVE_ME;
	return 0;
}

static int opt_preshared_key(struct set_parser *p, const char *value)
{
	struct wgctl_peer *peer = current_peer(p);

	if (read_key(p, "preshared", value, peer->preshared_key) < 0)
		return -1;
	peer->has_preshared_key = true;
	return 0;
}

/*
 * Without a resolver from the caller, WG_ENDPOINT_RESOLUTION_RETRIES is
 * read once, and only if an endpoint needs it.
 */
static int resolver_ready(struct set_parser *p)
{
	if (p->resolver)
		return 0;
	if (config_resolver_from_env(&p->env_resolver) < 0)
		return -1;
	p->resolver = &p->env_resolver;
	return 0;
}

static int opt_endpoint(struct set_parser *p, const char *value)
{
	char why[256];

	if (resolver_ready(p) < 0)
		return -1;
	switch (config_parse_endpoint(value, &current_peer(p)->endpoint,
				      p->resolver, why, sizeof(why))) {
	case ENDPOINT_OK:
		return 0;
	case ENDPOINT_UNRESOLVED:
		fprintf(stderr, "%s: Unable to resolve endpoint: `%s': %s\n",
			PROG_NAME, value, why);
		return -1;
	case ENDPOINT_INVALID:
		break;
	}
	fprintf(stderr, "%s: Invalid endpoint: `%s': %s\n", PROG_NAME, value,
		why);
	return -1;
}

static int opt_keepalive(struct set_parser *p, const char *value)
{
	struct wgctl_peer *peer = current_peer(p);

	if (!config_parse_keepalive(value, &peer->persistent_keepalive)) {
		fprintf(stderr,
			"%s: Invalid persistent keepalive interval: `%s' (expected `off' or 0 to 65535)\n",
			PROG_NAME, value);
		return -1;
	}
	peer->has_keepalive = true;
	return 0;
}

/*
 * Giving allowed-ips at all replaces the peer's list, even with an empty
 * one, unless an entry is marked `+' or `-'; given twice for one peer,
 * the two lists add up.
 */
static int opt_allowed_ips(struct set_parser *p, const char *value)
{
	struct wgctl_peer *peer = current_peer(p);
	char why[256];

	if (!config_parse_allowedips(value, peer, why, sizeof(why))) {
		fprintf(stderr, "%s: Invalid allowed IPs: %s\n", PROG_NAME,
			why);
		return -1;
	}
	return 0;
}

static const struct option options[] = {
	{ "listen-port", SCOPE_DEVICE, true, opt_listen_port },
	{ "fwmark", SCOPE_DEVICE, true, opt_fwmark },
	{ "private-key", SCOPE_DEVICE, true, opt_private_key },
	{ "keylog", SCOPE_DEVICE, true, opt_keylog },
	{ "peer", SCOPE_ANY, true, opt_peer },
	{ "remove", SCOPE_PEER, false, opt_remove },
	{ "preshared-key", SCOPE_PEER, true, opt_preshared_key },
	{ "endpoint", SCOPE_PEER, true, opt_endpoint },
	{ "persistent-keepalive", SCOPE_PEER, true, opt_keepalive },
	{ "allowed-ips", SCOPE_PEER, true, opt_allowed_ips },
};

static const struct option *find_option(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(options); i++)
		if (!strcmp(name, options[i].name))
			return &options[i];
	return NULL;
}

/*
 * NULL if opt may come here (in_peer: after a "peer <key>"); otherwise
 * what to add to "Invalid argument", which for an unknown option is
 * nothing and for a known one in the wrong place is where it belongs.
 */
static const char *misplaced(const struct option *opt, bool in_peer)
{
	if (!opt)
		return "";
	if (opt->scope == SCOPE_DEVICE && in_peer)
		return " (interface options must come before the first `peer')";
	if (opt->scope == SCOPE_PEER && !in_peer)
		return " (peer options must follow `peer <public key>')";
	return NULL;
}

/*
 * Parse the option at args[0] (n arguments left). Returns how many
 * arguments it used, or -1 after printing why not.
 */
static int parse_one(struct set_parser *p, int n, char *args[])
{
	const struct option *opt = find_option(args[0]);
	const char *where = misplaced(opt, current_peer(p) != NULL);

	if (where) {
		fprintf(stderr, "%s: Invalid argument: `%s'%s\n", PROG_NAME,
			args[0], where);
		set_usage(stderr);
		return -1;
	}
	if (opt->takes_value && n < 2) {
		fprintf(stderr, "%s: Missing value for `%s'\n", PROG_NAME,
			args[0]);
		set_usage(stderr);
		return -1;
	}
	if (opt->parse(p, opt->takes_value ? args[1] : NULL) < 0)
		return -1;
	return opt->takes_value ? 2 : 1;
}

/*
 * Fill change from argv (argv[0] is "set"), looking endpoint host names up
 * with resolver (NULL: getaddrinfo(), retried as the environment says).
 * Returns 0, or 1 after printing why not. Either way the caller frees
 * change with wgctl_device_free() (it may hold keys) and warnings
 * with set_warnings_free().
 */
int set_parse_args(int argc, char *argv[],
		   const struct config_resolver *resolver,
		   struct wgctl_device *change,
		   struct set_warnings *warnings)
{
	struct set_parser p = {
		.change = change,
		.warnings = warnings,
		.resolver = resolver,
	};
	int i, used;

	memset(change, 0, sizeof(*change));
	memset(warnings, 0, sizeof(*warnings));
	/* As with wg(8), there must be something to set. */
	if (argc < 3) {
		set_usage(stderr);
		return 1;
	}
	if (!valid_ifname(argv[1]))
		return 1;
	strcpy(change->name, argv[1]);

	for (i = 2; i < argc; i += used) {
		used = parse_one(&p, argc - i, argv + i);
		if (used < 0)
			return 1;
	}
	return 0;
}

void set_warnings_free(struct set_warnings *warnings)
{
	free(warnings->exposed);
	memset(warnings, 0, sizeof(*warnings));
}

/* The kernel keeps only the prefix: 10.1.2.3/24 becomes 10.1.2.0/24. */
static void warn_host_bits(const struct wgctl_peer_list *peers)
{
	char addr[INET6_ADDRSTRLEN];
	const struct wgctl_allowedip *aip;
	size_t i, j;

	for (i = 0; i < peers->count; i++) {
		for (j = 0; j < peers->peers[i].num_allowedips; j++) {
			aip = &peers->peers[i].allowedips[j];
			if (!config_allowedip_has_host_bits(aip))
				continue;
			inet_ntop(aip->family, &aip->ip6, addr, sizeof(addr));
			fprintf(stderr,
				"Warning: allowed IP `%s/%u' has a nonzero host part\n",
				addr, aip->cidr);
		}
	}
}

static void print_warnings(const struct wgctl_device *change,
			   const struct set_warnings *warnings)
{
	size_t i;

	for (i = 0; i < warnings->num_exposed; i++)
		fprintf(stderr,
			"Warning: `%s' is readable by group or others\n",
			warnings->exposed[i]);
	warn_host_bits(&change->peers);
}

void set_print_error(const struct wgctl_nl_error *e)
{
	if (e->applied && e->messages > 1 && !e->no_family)
		fprintf(stderr,
			"Unable to modify interface: %s (the first %zu of %zu messages of the request had been applied)\n",
			wgctl_nl_strerror(e), e->applied, e->messages);
	else
		wgctl_nl_perror("Unable to modify interface", e);
}

int set_main(int argc, char *argv[])
{
	struct wgctl_device change;
	struct set_warnings warnings;
	struct wgctl_nl_error e;
	int ret;

	if (argc == 2 && is_help_arg(argv[1])) {
		set_usage(stdout);
		return 0;
	}

	ret = set_parse_args(argc, argv, NULL, &change, &warnings);
	if (!ret) {
		print_warnings(&change, &warnings);
		if (wgctl_set_device(&change, &e) < 0) {
			set_print_error(&e);
			ret = 1;
		}
	}
	set_warnings_free(&warnings);
	wgctl_device_free(&change);
	return ret;
}
