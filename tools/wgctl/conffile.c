// SPDX-License-Identifier: GPL-2.0
/*
 * Reading configuration files in the format of wg(8).
 *
 * The file is taken as wg(8) takes it: "#" starts a comment, whitespace
 * anywhere in a line is ignored, section names and keys are matched
 * without regard to case, AllowedIPs may be given on several lines. Where
 * wg(8) is silent about a likely mistake, wgctl is not:
 *   - the first error ends the parse with "FILE:LINE: what is wrong", and
 *     nothing reaches the kernel, even for an error on the last line;
 *   - a port above 65535 is an error, not wrapped;
 *   - two [Peer] sections for one public key are an error (wg(8) lets the
 *     second silently take away the first's allowed IPs), as is a second
 *     PublicKey within one section;
 *   - another key given twice in a section is a warning; the last counts;
 *   - the keys of wgctl-quick(8) get a message saying so;
 *   - a bare AllowedIPs list after one with `+' or `-' entries, for one
 *     peer, is an error (config_parse_allowedips() says why);
 *   - syncconf refuses `+' and `-' entries altogether (key_allowed_ips()
 *     says why).
 * Keys are never echoed in messages: an error should not put a private
 * key on a terminal or into a log.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "conffile.h"
#include "encoding.h"
#include "wgctl.h"

enum section {
	SECTION_NONE,
	SECTION_INTERFACE,
	SECTION_PEER,
};

enum conf_key_id {
	KEY_PRIVATE_KEY,
	KEY_LISTEN_PORT,
	KEY_FWMARK,
	KEY_PUBLIC_KEY,
	KEY_PRESHARED_KEY,
	KEY_ALLOWED_IPS,
	KEY_ENDPOINT,
	KEY_PERSISTENT_KEEPALIVE,
	NUM_KEYS,
};

/* An endpoint checked in the first pass and looked up once all is read. */
struct pending_endpoint {
	size_t peer;
	unsigned int line;
	char *value;
};

struct conf_parser {
	const struct conf_text *text;
	enum conf_mode mode;
	FILE *err;
	FILE *warnings;		/* held back until the file is known good */
	char *warnings_buf;
	size_t warnings_len;
	struct wgctl_device *change;
	bool has_secrets;

	enum section section;
	unsigned int line;		/* the line being read */
	unsigned int section_line;	/* where the current section began */
	unsigned int seen[NUM_KEYS];	/* line of each key in the section */

	unsigned int *peer_lines;	/* [Peer] line of each peer */
	size_t cap_peer_lines;
	struct pending_endpoint *endpoints;
	size_t num_endpoints;
	size_t cap_endpoints;
};

struct conf_key {
	const char *name;
	enum section section;
	int (*parse)(struct conf_parser *p, const char *value);
};

__attribute__((format(printf, 3, 4)))
static int fail(struct conf_parser *p, unsigned int line, const char *fmt,
		...)
{
	va_list ap;

	fprintf(p->err, "%s: %s:%u: ", PROG_NAME, p->text->name, line);
	va_start(ap, fmt);
	vfprintf(p->err, fmt, ap);
	va_end(ap);
	fputc('\n', p->err);
	return -1;
}

__attribute__((format(printf, 2, 3)))
static void warn(struct conf_parser *p, const char *fmt, ...)
{
	va_list ap;

	if (!p->warnings)
		return;
	fprintf(p->warnings, "Warning: %s:%u: ", p->text->name, p->line);
	va_start(ap, fmt);
	vfprintf(p->warnings, fmt, ap);
	va_end(ap);
	fputc('\n', p->warnings);
}

static struct wgctl_peer *current_peer(struct conf_parser *p)
{
	struct wgctl_peer_list *list = &p->change->peers;

	return &list->peers[list->count - 1];
}

/* ---- [Interface] ---- */

static int parse_key_value(struct conf_parser *p, const char *name,
			   const char *value, uint8_t key[WGC_KEY_LEN])
{
	if (key_from_base64(key, value))
		return 0;
	return fail(p, p->line,
		    "%s is not a valid key (expected 44 characters of base64)",
		    name);
}

static int key_private_key(struct conf_parser *p, const char *value)
{
	p->has_secrets = true;
	if (parse_key_value(p, "PrivateKey", value,
			    p->change->private_key) < 0)
		return -1;
	p->change->set_private_key = true;
	return 0;
}

static int key_listen_port(struct conf_parser *p, const char *value)
{
	if (!config_parse_port(value, &p->change->listen_port))
		return fail(p, p->line,
			    "ListenPort `%s' is not a number from 0 to 65535",
			    value);
	p->change->set_listen_port = true;
	return 0;
}

static int key_fwmark(struct conf_parser *p, const char *value)
{
	if (!config_parse_fwmark(value, &p->change->fwmark))
		return fail(p, p->line,
			    "FwMark `%s' is neither `off' nor a number from 0 to 0xffffffff",
			    value);
	p->change->set_fwmark = true;
	return 0;
}

/* ---- [Peer] ---- */

static int key_public_key(struct conf_parser *p, const char *value)
{
	if (p->seen[KEY_PUBLIC_KEY])
		return fail(p, p->line,
			    "a second PublicKey in one [Peer] section (the first is on line %u)",
			    p->seen[KEY_PUBLIC_KEY]);
	if (!key_from_base64(current_peer(p)->public_key, value))
		return fail(p, p->line,
			    "PublicKey `%s' is not a valid key (expected 44 characters of base64)",
			    value);
	return 0;
}

static int key_preshared_key(struct conf_parser *p, const char *value)
{
	struct wgctl_peer *peer = current_peer(p);

	p->has_secrets = true;
	if (parse_key_value(p, "PresharedKey", value,
			    peer->preshared_key) < 0)
		return -1;
	peer->has_preshared_key = true;
	return 0;
}

/* The kernel keeps only the prefix: say so when that drops set bits. */
static void warn_host_bits(struct conf_parser *p, const struct wgctl_peer *peer,
			   size_t first)
{
	char addr[INET6_ADDRSTRLEN];
	const struct wgctl_allowedip *aip;
	size_t i;

	for (i = first; i < peer->num_allowedips; i++) {
		aip = &peer->allowedips[i];
		if (!config_allowedip_has_host_bits(aip))
			continue;
		inet_ntop(aip->family, &aip->ip6, addr, sizeof(addr));
		warn(p, "AllowedIPs `%s/%u' has a nonzero host part", addr,
		     aip->cidr);
	}
}

/*
 * Several AllowedIPs lines add up; an empty value adds nothing. Entries
 * marked `+' or `-' make the section change the peer's allowed IPs rather
 * than replace them. That means something to addconf; to setconf it is
 * moot, since every peer starts afresh there (`+' adds like a bare entry,
 * and `-' can only take back an entry of the same section). syncconf
 * refuses them: it takes the file as each peer's whole list, where wg(8)
 * would apply the marks to the peer's current one; neither reading can
 * pass for the other, and guessing wrong drops routes.
 */
static int key_allowed_ips(struct conf_parser *p, const char *value)
{
	struct wgctl_peer *peer = current_peer(p);
	size_t first = peer->num_allowedips;
	char why[256];

	if (!config_parse_allowedips(value, peer, why, sizeof(why)))
		return fail(p, p->line, "AllowedIPs: %s", why);
	if (p->mode == CONF_SYNC && config_allowedips_incremental(peer))
		return fail(p, p->line,
			    "AllowedIPs: syncconf takes the file as the peer's whole list, so entries may not be marked with `+' or `-' (use addconf to change a list)");
	warn_host_bits(p, peer, first);
	return 0;
}

/*
 * Only checked here; looked up once the whole file is known good, so
 * that a typo on the last line does not wait for slow look-ups first.
 * The current peer's endpoint, if it has one yet, is the last pending.
 */
static int key_endpoint(struct conf_parser *p, const char *value)
{
	size_t peer = p->change->peers.count - 1;
	struct pending_endpoint *pe;
	char why[256];
	void *grown;

	if (!config_endpoint_syntax(value, why, sizeof(why)))
		return fail(p, p->line, "Endpoint `%s': %s", value, why);
	if (p->seen[KEY_ENDPOINT]) {
		pe = &p->endpoints[p->num_endpoints - 1];
		free(pe->value);
	} else {
		if (p->num_endpoints == p->cap_endpoints) {
			size_t cap = p->cap_endpoints ? p->cap_endpoints * 2 : 16;

			grown = reallocarray(p->endpoints, cap, sizeof(*pe));
			if (!grown)
				return fail(p, p->line, "out of memory");
			p->endpoints = grown;
			p->cap_endpoints = cap;
		}
		pe = &p->endpoints[p->num_endpoints++];
	}
	pe->peer = peer;
	pe->line = p->line;
	pe->value = strdup(value);
	if (!pe->value) {
		p->num_endpoints--;
		return fail(p, p->line, "out of memory");
	}
	return 0;
}

static int key_keepalive(struct conf_parser *p, const char *value)
{
	struct wgctl_peer *peer = current_peer(p);

	if (!config_parse_keepalive(value, &peer->persistent_keepalive))
		return fail(p, p->line,
			    "PersistentKeepalive `%s' is neither `off' nor a number from 0 to 65535",
			    value);
	peer->has_keepalive = true;
	return 0;
}

static const struct conf_key conf_keys[NUM_KEYS] = {
	[KEY_PRIVATE_KEY] = { "PrivateKey", SECTION_INTERFACE,
			      key_private_key },
	[KEY_LISTEN_PORT] = { "ListenPort", SECTION_INTERFACE,
			      key_listen_port },
	[KEY_FWMARK] = { "FwMark", SECTION_INTERFACE, key_fwmark },
	[KEY_PUBLIC_KEY] = { "PublicKey", SECTION_PEER, key_public_key },
	[KEY_PRESHARED_KEY] = { "PresharedKey", SECTION_PEER,
				key_preshared_key },
	[KEY_ALLOWED_IPS] = { "AllowedIPs", SECTION_PEER, key_allowed_ips },
	[KEY_ENDPOINT] = { "Endpoint", SECTION_PEER, key_endpoint },
	[KEY_PERSISTENT_KEEPALIVE] = { "PersistentKeepalive", SECTION_PEER,
				       key_keepalive },
};

/* Longer unknown names are not echoed: a key's 44 characters are longer. */
#define UNKNOWN_KEY_SHOWN 32

/* The [Interface] keys of wgctl-quick(8), which sets them up itself. */
static const char *const quick_keys[] = {
	"Address", "DNS", "MTU", "Table", "PreUp", "PostUp", "PreDown",
	"PostDown", "SaveConfig",
};

/* With its article, for messages. */
static const char *a_section(enum section s)
{
	return s == SECTION_PEER ? "a [Peer]" : "an [Interface]";
}

static bool is_quick_key(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(quick_keys); i++)
		if (!strcasecmp(name, quick_keys[i]))
			return true;
	return false;
}

/* A known key that name begins with, as in "PrivateKey<key>" (no `='). */
static const char *known_prefix(const char *name)
{
	enum conf_key_id id;

	for (id = 0; id < NUM_KEYS; id++)
		if (!strncasecmp(name, conf_keys[id].name,
				 strlen(conf_keys[id].name)))
			return conf_keys[id].name;
	return NULL;
}

/*
 * The name is echoed only if it cannot be a key run into its value: a
 * base64 key ends in `=', so "PrivateKey <key>" parses as a long name
 * with an empty value.
 */
static int unknown_key(struct conf_parser *p, const char *name)
{
	const char *prefix = known_prefix(name);

	if (p->section == SECTION_INTERFACE && is_quick_key(name))
		return fail(p, p->line,
			    "`%s' is a setting of wgctl-quick(8), not of wgctl (`wgctl-quick strip' leaves it out)",
			    name);
	if (strlen(name) <= UNKNOWN_KEY_SHOWN)
		return fail(p, p->line, "unknown key `%s' in %s section",
			    name, a_section(p->section));
	if (prefix)
		return fail(p, p->line,
			    "%s is followed by something other than `=' (not shown, in case it is a key)",
			    prefix);
	return fail(p, p->line,
			    "unknown key in %s section (not shown, in case it is a key)",
			    a_section(p->section));
}

static int parse_key(struct conf_parser *p, const char *name,
		     const char *value)
{
	const struct conf_key *key = NULL;
	enum conf_key_id id;

	for (id = 0; id < NUM_KEYS; id++) {
		if (!strcasecmp(name, conf_keys[id].name)) {
			key = &conf_keys[id];
			break;
		}
	}
	if (p->section == SECTION_NONE && strlen(name) > UNKNOWN_KEY_SHOWN)
		return fail(p, p->line,
			    "a line before any [Interface] or [Peer] section (not shown, in case it is a key)");
	if (p->section == SECTION_NONE)
		return fail(p, p->line,
			    "`%s' comes before any [Interface] or [Peer] section",
			    name);
	if (!key)
		return unknown_key(p, name);
	if (key->section != p->section)
		return fail(p, p->line, "`%s' belongs in %s section",
			    key->name, a_section(key->section));
	if (p->seen[id] && id != KEY_ALLOWED_IPS && id != KEY_PUBLIC_KEY)
		warn(p, "%s given again (first on line %u); the last value counts",
		     key->name, p->seen[id]);
	if (key->parse(p, value) < 0)
		return -1;
	p->seen[id] = p->line;
	return 0;
}

/* ---- Sections ---- */

/* A [Peer] section must have named its peer by the time it ends. */
static int end_section(struct conf_parser *p)
{
	if (p->section == SECTION_PEER && !p->seen[KEY_PUBLIC_KEY])
		return fail(p, p->section_line,
			    "this [Peer] section has no PublicKey");
	return 0;
}

static int start_peer(struct conf_parser *p)
{
	struct wgctl_peer *peer;
	size_t count = p->change->peers.count;
	void *grown;

	if (count == p->cap_peer_lines) {
		size_t cap = p->cap_peer_lines ? p->cap_peer_lines * 2 : 16;

		grown = reallocarray(p->peer_lines, cap, sizeof(unsigned int));
		if (!grown)
			return fail(p, p->line, "out of memory");
		p->peer_lines = grown;
		p->cap_peer_lines = cap;
	}
	peer = wgctl_peers_add(&p->change->peers);
	if (!peer)
		return fail(p, p->line, "out of memory");
	/*
	 * As wg(8) does: a peer's section is all of its allowed IPs, unless
	 * an AllowedIPs line marks entries with `+' or `-'.
	 */
	peer->flags = WGC_PEER_F_REPLACE_ALLOWEDIPS;
	p->peer_lines[count] = p->line;
	return 0;
}

static void forget_peer_keys(struct conf_parser *p)
{
	enum conf_key_id id;

	for (id = 0; id < NUM_KEYS; id++)
		if (conf_keys[id].section == SECTION_PEER)
			p->seen[id] = 0;
}

static int parse_section(struct conf_parser *p, const char *header)
{
	enum section next;

	if (!strcasecmp(header, "[Interface]"))
		next = SECTION_INTERFACE;
	else if (!strcasecmp(header, "[Peer]"))
		next = SECTION_PEER;
	else
		return fail(p, p->line,
			    "unknown section `%s' (expected [Interface] or [Peer])",
			    header);
	if (end_section(p) < 0)
		return -1;
	p->section = next;
	p->section_line = p->line;
	forget_peer_keys(p);
	return next == SECTION_PEER ? start_peer(p) : 0;
}

/* ---- Lines ---- */

/* line without its comment and without any whitespace, into clean. */
static void clean_line(const char *line, size_t len, char *clean)
{
	size_t i;

	for (i = 0; i < len && line[i] != '#'; i++)
		if (!char_is_space(line[i]))
			*clean++ = line[i];
	*clean = '\0';
}

/* clean is a line already stripped of comment and whitespace. */
static int parse_clean_line(struct conf_parser *p, char *clean)
{
	char *eq;

	if (!*clean)
		return 0;
	if (clean[0] == '[')
		return parse_section(p, clean);
	eq = strchr(clean, '=');
	/* Not echoed: the line might be a key with its `=' forgotten. */
	if (!eq)
		return fail(p, p->line,
			    "neither a [Section] nor a `Key = Value' line");
	*eq = '\0';
	if (!*clean)
		return fail(p, p->line, "a value with no key before its `='");
	return parse_key(p, clean, eq + 1);
}

static int parse_line(struct conf_parser *p, const char *line, size_t len)
{
	char *clean;
	int ret;

	if (memchr(line, '\0', len))
		return fail(p, p->line, "a NUL byte (is this a text file?)");
	clean = malloc(len + 1);
	if (!clean)
		return fail(p, p->line, "out of memory");
	clean_line(line, len, clean);
	ret = parse_clean_line(p, clean);
	/* The line may have held a key. */
	sodium_memzero(clean, len + 1);
	free(clean);
	return ret;
}

static int parse_lines(struct conf_parser *p)
{
	const char *data = p->text->data, *end = data + p->text->len;
	const char *nl;

	while (data < end) {
		p->line++;
		nl = memchr(data, '\n', (size_t)(end - data));
		if (!nl)
			nl = end;
		if (parse_line(p, data, (size_t)(nl - data)) < 0)
			return -1;
		data = nl + 1;
	}
	return end_section(p);
}

/* ---- Whole-file checks ---- */

static int compare_keys(const void *a, const void *b, void *peers)
{
	const struct wgctl_peer *list = peers;
	const size_t *x = a, *y = b;
	int ret = memcmp(list[*x].public_key, list[*y].public_key,
			 WGC_KEY_LEN);

	/* Equal keys stay in file order, so the later one is reported. */
	if (!ret)
		ret = *x < *y ? -1 : *x > *y;
	return ret;
}

static int check_duplicate_peers(struct conf_parser *p)
{
	const struct wgctl_peer_list *list = &p->change->peers;
	char b64[WGC_KEY_B64_LEN + 1];
	size_t *order, i;
	int ret = 0;

	if (list->count < 2)
		return 0;
	order = calloc(list->count, sizeof(*order));
	if (!order)
		return fail(p, p->line, "out of memory");
	for (i = 0; i < list->count; i++)
		order[i] = i;
	qsort_r(order, list->count, sizeof(*order), compare_keys,
		list->peers);
	for (i = 1; i < list->count && !ret; i++) {
		const struct wgctl_peer *a = &list->peers[order[i - 1]];
		const struct wgctl_peer *b = &list->peers[order[i]];

		if (memcmp(a->public_key, b->public_key, WGC_KEY_LEN))
			continue;
		key_to_base64(b64, b->public_key);
		ret = fail(p, p->peer_lines[order[i]],
			   "peer %s already has a [Peer] section, on line %u",
			   b64, p->peer_lines[order[i - 1]]);
	}
	free(order);
	return ret;
}

static int resolve_endpoints(struct conf_parser *p,
			     const struct config_resolver *resolver)
{
	struct pending_endpoint *pe;
	struct wgctl_peer *peer;
	char why[256];
	size_t i;

	for (i = 0; i < p->num_endpoints; i++) {
		pe = &p->endpoints[i];
		peer = &p->change->peers.peers[pe->peer];
		switch (config_parse_endpoint(pe->value, &peer->endpoint,
					      resolver, why, sizeof(why))) {
		case ENDPOINT_OK:
			continue;
		case ENDPOINT_UNRESOLVED:
			return fail(p, pe->line,
				    "unable to resolve Endpoint `%s': %s",
				    pe->value, why);
		case ENDPOINT_INVALID:
			return fail(p, pe->line, "Endpoint `%s': %s",
				    pe->value, why);
		}
	}
	return 0;
}

/*
 * The file is the whole configuration: what it leaves out is reset (the
 * zero key removes the private key, port 0 picks any, mark 0 is none) and
 * every other peer goes.
 */
static void apply_mode(struct conf_parser *p)
{
	struct wgctl_device *change = p->change;

	if (p->mode == CONF_APPEND)
		return;
	change->set_private_key = true;
	change->set_listen_port = true;
	change->set_fwmark = true;
	change->replace_peers = true;
}

static void parser_free(struct conf_parser *p)
{
	size_t i;

	for (i = 0; i < p->num_endpoints; i++)
		free(p->endpoints[i].value);
	free(p->endpoints);
	free(p->peer_lines);
	if (p->warnings)
		fclose(p->warnings);
	free(p->warnings_buf);
}

int conf_parse(const struct conf_text *text, enum conf_mode mode,
	       const struct config_resolver *resolver, FILE *err,
	       struct wgctl_device *change, bool *has_secrets)
{
	struct conf_parser p = {
		.text = text, .mode = mode, .err = err, .change = change,
	};
	char name[IFNAMSIZ];
	int ret;

	memcpy(name, change->name, sizeof(name));
	memset(change, 0, sizeof(*change));
	memcpy(change->name, name, sizeof(name));
	/* Without a stream the warnings are lost, not the configuration. */
	p.warnings = open_memstream(&p.warnings_buf, &p.warnings_len);

	ret = parse_lines(&p);
	if (!ret)
		ret = check_duplicate_peers(&p);
	if (!ret)
		ret = resolve_endpoints(&p, resolver);
	if (!ret) {
		apply_mode(&p);
		if (p.warnings && !fflush(p.warnings))
			fwrite(p.warnings_buf, 1, p.warnings_len, err);
	}
	if (has_secrets)
		*has_secrets = p.has_secrets;
	parser_free(&p);
	return ret;
}

/* ---- Reading ---- */

void conf_free_text(char *data, size_t len)
{
	if (data)
		sodium_memzero(data, len);
	free(data);
}

/*
 * Grow *buf (holding len bytes of a file that may hold keys) to cap bytes
 * by copy and wipe, never realloc(), which could leave a copy behind.
 */
static int grow_text(char **buf, size_t len, size_t *cap)
{
	size_t fresh_cap = *cap ? *cap * 2 : 4096;
	char *fresh;

	if (fresh_cap > CONF_FILE_MAX + 1)
		fresh_cap = CONF_FILE_MAX + 1;
	fresh = malloc(fresh_cap);
	if (!fresh)
		return -ENOMEM;
	if (*buf)
		memcpy(fresh, *buf, len);
	conf_free_text(*buf, *cap);
	*buf = fresh;
	*cap = fresh_cap;
	return 0;
}

/* Read fd to its end; hint (the file's size, if known) saves regrowing. */
static int read_all(int fd, size_t hint, char **data, size_t *len)
{
	size_t cap = 0, used = 0;
	char *buf = NULL;
	ssize_t n;
	int ret;

	/* One byte more than the size, so that one read() finds the end. */
	if (hint && hint < CONF_FILE_MAX)
		cap = hint + 1;
	if (cap) {
		buf = malloc(cap);
		if (!buf)
			return -ENOMEM;
	}
	for (;;) {
		if (used == cap) {
			ret = grow_text(&buf, used, &cap);
			if (ret < 0)
				goto fail;
		}
		n = read(fd, buf + used, cap - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		used += (size_t)n;
		if (used > CONF_FILE_MAX) {
			ret = -EFBIG;
			goto fail;
		}
	}
	if (n < 0) {
		ret = -errno;
		goto fail;
	}
	*data = buf;
	*len = used;
	return 0;

fail:
	conf_free_text(buf, cap);
	return ret;
}

int conf_read_file(const char *path, char **data, size_t *len,
		   bool *exposed)
{
	struct stat st;
	size_t hint = 0;
	int fd, ret;

	*data = NULL;
	*len = 0;
	*exposed = false;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (!fstat(fd, &st) && S_ISREG(st.st_mode)) {
		/* 0044: readable by group or by others. */
		*exposed = st.st_mode & 0044;
		hint = (size_t)st.st_size;
	}
	ret = read_all(fd, hint, data, len);
	close(fd);
	return ret;
}
