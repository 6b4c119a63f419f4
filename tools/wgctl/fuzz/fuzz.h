/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the libFuzzer harnesses of wgctl's parsers share: a stream that
 * swallows what the parsers print, a resolver that never leaves the
 * machine, invariant checks that abort() (libFuzzer reports an abort as
 * a crash, with the input that caused it), and the round trip of a
 * configuration through a split set request and back through the dump
 * parser.
 */
#ifndef WGCTL_FUZZ_H
#define WGCTL_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "device.h"

/*
 * The generic netlink family id, sequence number and port id that the
 * reply corpus (tools/wgctl/fuzz/mkreply.c) is made with; any will do.
 */
#define FUZZ_FAMILY 0x1d
#define FUZZ_SEQ 7
#define FUZZ_PORTID 4242

/* libFuzzer's entry points; every harness defines the first. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* An invariant: if it does not hold, say which and abort(). */
#define FUZZ_CHECK(cond) \
	((cond) ? (void)0 : fuzz_fail(__FILE__, __LINE__, #cond))

__attribute__((noreturn))
void fuzz_fail(const char *file, int line, const char *what);

/* A stream that discards everything; opened once, never closed. */
FILE *fuzz_null_stream(void);

/*
 * Between these two, stderr is the null stream: the parsers report every
 * bad input there, and millions of messages would only slow the fuzzer
 * down. Sanitizer reports write to file descriptor 2 and still show.
 */
void fuzz_quiet_begin(void);
void fuzz_quiet_end(void);

/*
 * getaddrinfo() for numeric hosts and ports only: a host name is "not
 * known", and nothing goes to DNS. No retries, no pauses.
 */
extern const struct config_resolver fuzz_resolver;

/*
 * Whether a and b hold the same configuration: the private key, port and
 * mark, and the peers in order with their preshared keys, endpoints,
 * keepalives and allowed IPs. Statistics and handshakes are not compared.
 */
bool fuzz_same_config(const struct wgctl_device *a,
		      const struct wgctl_device *b);

/*
 * Build change's set request in messages of the smallest size allowed,
 * check that each fits, and parse them with the dump parser into back
 * (zeroed first; free it with wgctl_device_free()). A peer split over
 * two messages comes back as one. The allowed IPs' flags, which the dump
 * parser does not read, are checked on the way: each allowed IP carries
 * WGC_ALLOWEDIP_A_FLAGS exactly when it has flags, with those flags.
 */
void fuzz_request_roundtrip(const struct wgctl_device *change,
			    struct wgctl_device *back);

#endif /* WGCTL_FUZZ_H */
