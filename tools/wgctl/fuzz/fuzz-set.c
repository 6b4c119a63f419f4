// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzzing set_parse_args() (tools/wgctl/set.c), the command line of
 * "wgctl set". The input is the arguments after "set", each ended by a
 * NUL or a newline (so that a seed can be a text file, one argument a
 * line; a last argument needs no end).
 *
 * Key files are read for real, from a scratch directory made at start-up
 * (under $TMPDIR) and removed at exit, which the parser runs in; it holds
 * a good key, an empty one, a bad one and one readable by others. An
 * input naming a path that could lead out of it (absolute, or through
 * "..") is refused. Endpoints go to fuzz_resolver: no DNS.
 *
 * A command line that parses must then become a set request that fits
 * its messages and, read back with the dump parser, carries the same
 * allowed IPs for the same peers in the same order, each with the flags
 * it had (a `-' entry's WGC_ALLOWEDIP_F_REMOVE_ME, and nothing for the
 * others); a peer with a `-' entry must not replace its allowed IPs.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "set.h"
#include "wgctl.h"

static const struct {
	const char *name;
	const char *text;
	mode_t mode;
} key_files[] = {
	{ "private.key", "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=\n", 0600 },
	{ "exposed.key", "IiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiI=", 0644 },
	{ "empty.key", "", 0600 },
	{ "bad.key", "not a key\n", 0600 },
};

static char scratch_path[4096];
static int scratch_fd = -1, home_fd = -1;

static void remove_scratch(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(key_files); i++)
		unlinkat(scratch_fd, key_files[i].name, 0);
	rmdir(scratch_path);
}

static void write_key_file(const char *name, const char *text, mode_t mode)
{
	size_t len = strlen(text);
	int fd;

	fd = openat(scratch_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		    0600);
	FUZZ_CHECK(fd >= 0);
	/* Whatever the umask: the mode is what the parser looks at. */
	FUZZ_CHECK(!fchmod(fd, mode));
	FUZZ_CHECK(write(fd, text, len) == (ssize_t)len);
	FUZZ_CHECK(!close(fd));
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	size_t i;

	(void)argc;
	(void)argv;
	snprintf(scratch_path, sizeof(scratch_path), "%s/fuzz-set.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	FUZZ_CHECK(mkdtemp(scratch_path));
	scratch_fd = open(scratch_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	home_fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	FUZZ_CHECK(scratch_fd >= 0 && home_fd >= 0);
	atexit(remove_scratch);
	for (i = 0; i < ARRAY_SIZE(key_files); i++)
		write_key_file(key_files[i].name, key_files[i].text,
			       key_files[i].mode);
	return 0;
}

/* A path that could name something outside the scratch directory. */
static bool leaves_scratch(const char *arg)
{
	return arg[0] == '/' || strstr(arg, "..");
}

/*
 * Cut text (len bytes and a NUL) into argv after "set", in place.
 * Returns argc, or -1 if an argument may not be used.
 */
static int split_args(char *text, size_t len, char **argv)
{
	char *start = text;
	int argc = 0;
	size_t i;

	argv[argc++] = "set";
	for (i = 0; i <= len; i++) {
		if (i < len && text[i] != '\n' && text[i])
			continue;
		/* The end of the input ends no empty last argument. */
		if (i == len && start == text + len)
			break;
		text[i] = '\0';
		if (leaves_scratch(start))
			return -1;
		argv[argc++] = start;
		start = text + i + 1;
	}
	argv[argc] = NULL;
	return argc;
}

/* Each allowed IP of list with its peer's key, in order. */
struct flat_ip {
	const uint8_t *key;
	const struct wgctl_allowedip *aip;
};

/* Fill out (if given) and count; peers being removed send no IPs. */
static size_t flatten(const struct wgctl_peer_list *list, struct flat_ip *out)
{
	const struct wgctl_peer *peer;
	size_t i, j, n = 0;

	for (i = 0; i < list->count; i++) {
		peer = &list->peers[i];
		if (peer->flags & WGC_PEER_F_REMOVE_ME)
			continue;
		for (j = 0; j < peer->num_allowedips; j++, n++) {
			if (!out)
				continue;
			out[n].key = peer->public_key;
			out[n].aip = &peer->allowedips[j];
		}
	}
	return n;
}

static bool same_flat_ip(const struct flat_ip *a, const struct flat_ip *b)
{
	return !memcmp(a->key, b->key, WGC_KEY_LEN) &&
	       a->aip->family == b->aip->family &&
	       a->aip->cidr == b->aip->cidr &&
	       !memcmp(&a->aip->ip6, &b->aip->ip6,
		       a->aip->family == AF_INET ? 4 : 16);
}

/* The allowed IPs sent and read back are the same, peer by peer. */
static void check_allowedips(const struct wgctl_peer_list *sent,
			     const struct wgctl_peer_list *back)
{
	size_t n = flatten(sent, NULL), i;
	struct flat_ip *a, *b;

	FUZZ_CHECK(flatten(back, NULL) == n);
	a = calloc(n + 1, sizeof(*a));
	b = calloc(n + 1, sizeof(*b));
	FUZZ_CHECK(a && b);
	flatten(sent, a);
	flatten(back, b);
	for (i = 0; i < n; i++)
		FUZZ_CHECK(same_flat_ip(&a[i], &b[i]));
	free(a);
	free(b);
}

/*
 * A peer whose allowed IPs carry a flag (a `-' entry) changes its list
 * entry by entry: it never also asks for the list to be replaced.
 */
static void check_incremental(const struct wgctl_peer_list *list)
{
	const struct wgctl_peer *peer;
	size_t i, j;

	for (i = 0; i < list->count; i++) {
		peer = &list->peers[i];
		for (j = 0; j < peer->num_allowedips; j++)
			if (peer->allowedips[j].flags)
				FUZZ_CHECK(!(peer->flags &
					     WGC_PEER_F_REPLACE_ALLOWEDIPS));
	}
}

static void check_change(const struct wgctl_device *change)
{
	struct wgctl_device back;

	FUZZ_CHECK(strnlen(change->name, IFNAMSIZ) < IFNAMSIZ);
	check_incremental(&change->peers);
	fuzz_request_roundtrip(change, &back);
	FUZZ_CHECK(!strcmp(back.name, change->name));
	if (change->set_listen_port)
		FUZZ_CHECK(back.listen_port == change->listen_port);
	if (change->set_fwmark)
		FUZZ_CHECK(back.fwmark == change->fwmark);
	if (change->set_private_key)
		FUZZ_CHECK(!memcmp(back.private_key, change->private_key,
				   WGC_KEY_LEN));
	check_allowedips(&change->peers, &back.peers);
	wgctl_device_free(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wgctl_device change;
	struct set_warnings warnings;
	char *text, **argv;
	int argc, ret;

	text = malloc(size + 1);
	argv = calloc(size + 3, sizeof(*argv));
	FUZZ_CHECK(text && argv);
	memcpy(text, data, size);
	text[size] = '\0';
	argc = split_args(text, size, argv);
	if (argc >= 0) {
		fuzz_quiet_begin();
		FUZZ_CHECK(!fchdir(scratch_fd));
		ret = set_parse_args(argc, argv, &fuzz_resolver, &change,
				     &warnings);
		FUZZ_CHECK(!fchdir(home_fd));
		fuzz_quiet_end();
		if (!ret)
			check_change(&change);
		set_warnings_free(&warnings);
		wgctl_device_free(&change);
	}
	free(argv);
	free(text);
	return argc >= 0 ? 0 : -1;
}
