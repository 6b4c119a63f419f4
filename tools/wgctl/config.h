/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parsing of the values given to "wgctl set" and found in configuration
 * files. Nothing here talks to the kernel, so every value can be checked
 * before anything is changed.
 */
#ifndef WGCTL_CONFIG_H
#define WGCTL_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <netdb.h>
#include <sys/types.h>

#include <linux/wgc.h>

#include "device.h"

/* Longest key file or stdin we accept: a key and generous whitespace. */
#define KEY_TEXT_MAX 1024

bool config_parse_port(const char *s, uint16_t *port);
bool config_parse_fwmark(const char *s, uint32_t *fwmark);
ssize_t config_read_fd(int fd, char *buf, size_t size);
int config_read_key_file(const char *path, uint8_t key[WGC_KEY_LEN],
			 bool *exposed);

bool config_parse_keepalive(const char *s, uint16_t *interval);
bool config_parse_allowedip(const char *s, struct wgctl_allowedip *aip,
			    char *why, size_t why_size);
bool config_parse_allowedips(const char *value, struct wgctl_peer *peer,
			     char *why, size_t why_size);
bool config_allowedips_incremental(const struct wgctl_peer *peer);
bool config_allowedip_has_host_bits(const struct wgctl_allowedip *aip);

/*
 * How endpoint host names are looked up. The hooks are getaddrinfo(),
 * freeaddrinfo() and usleep() in real use; the unit tests replace them
 * to play out failures and retries without a network.
 */
struct config_resolver {
	int (*resolve)(const char *host, const char *port,
		       const struct addrinfo *hints, struct addrinfo **res);
	void (*release)(struct addrinfo *res);
	void (*pause)(unsigned int usec);
	int retries;		/* transient failures to retry; -1: forever */
};

/* Lookups retried by default, as wg(8) does. */
#define CONFIG_RESOLVE_RETRIES 15

enum config_endpoint_result {
	ENDPOINT_OK,
	ENDPOINT_INVALID,	/* malformed: why says how */
	ENDPOINT_UNRESOLVED,	/* well-formed, but the lookup failed */
};

void config_resolver_init(struct config_resolver *r);
bool config_parse_retries(const char *s, int *retries);
int config_resolver_from_env(struct config_resolver *r);
bool config_endpoint_syntax(const char *value, char *why, size_t why_size);
enum config_endpoint_result
config_parse_endpoint(const char *value, union wgctl_endpoint *ep,
		      const struct config_resolver *r, char *why,
		      size_t why_size);

#endif /* WGCTL_CONFIG_H */
