// SPDX-License-Identifier: GPL-2.0
/*
 * wgc-flood: floods a WireGuard responder (wgc or wireguard.ko) with
 * handshake initiations, so VM selftests can watch it under load: cookie
 * replies, the MAC1 check, per-source rate limits.
 *
 *   wgc-flood --target ADDR --port PORT --public-key BASE64 --count N
 *             [--sources CIDR [--num-sources M]] [--source-port P]
 *             [--from ADDR] [--rate PPS] [--seconds S] [--bad-mac1]
 *             [--valid-from KEYFILE [--window W]] [--jobs N] [--data]
 *   wgc-flood --make-keys N
 *   wgc-flood --self-test
 *
 * Every packet is a 148-byte initiation (type 1) whose sender index,
 * ephemeral key, encrypted static and encrypted timestamp are random; mac1
 * is valid for the responder's public key (spoilt by one bit with
 * --bad-mac1), mac2 is zero. The responder can never complete such a
 * handshake, but it has to check mac1 and, when under load, answer with a
 * cookie reply. So that sending is all the generator does, 4,096 such
 * initiations are made before it starts and sent in turn, up to 64 per
 * sendmmsg() call; with --jobs N (spoofed sources only), N processes send
 * at once, each a share of --count and --rate. With --data the packets are
 * 148-byte data messages (type 4) instead, random but for the type: to
 * receiver indices the responder is unlikely to know.
 *
 * With --valid-from the initiations are real ones instead (Noise_IKpsk2, no
 * preshared key), from the peers whose private keys KEYFILE holds (base64,
 * the first field of each line, as --make-keys writes them), in turn: a
 * responder that has them as peers answers each with a handshake response.
 * So that the generator stays cheap next to the responder, each peer's
 * ephemeral key and everything up to the encrypted timestamp are computed
 * once (a responder does not refuse a reused ephemeral key); a packet costs
 * one ChaCha20-Poly1305 of the timestamp and the mac1. The timestamp is the
 * wall clock, strictly increasing per peer, and a peer sends at most one
 * initiation per 100 ms, well below the 50 per second a responder accepts
 * per peer. Sending is closed-loop: at most --window W (default 128)
 * initiations are unanswered at a time (one unanswered for 2 s is given
 * up on), so a responder slower than the offered rate gets a standing queue
 * of W, which keeps it busy but below the 512 queued handshakes at which
 * it would be "under load" and answer with cookie replies instead. Replies
 * are matched to initiations by index. Peer i sends from source i modulo
 * the number of sources; with --sources the replies go to the spoofed
 * addresses, so the sender's namespace must take them as local (a "local"
 * route for the prefix) and --source-port is required: they are received
 * on a UDP socket bound to that port.
 *
 * With --sources the packets go out through a raw socket (root or
 * CAP_NET_RAW) with spoofed source addresses: prefix base + 1 .. + M,
 * round-robin (a /32 or /128 prefix is that one address; the base, and for
 * IPv4 the broadcast address, are never used). Otherwise an ordinary UDP
 * socket sends them, bound to --from ADDR and --source-port P if given, and
 * the replies from ADDR:PORT are counted while sending and until they have
 * stopped for 250 ms (at most 2 s more).
 *
 * Output, on standard output, one line (and the second only without
 * --sources, or with --valid-from; the third only with --valid-from):
 *   sent N packets from M sources in S.SSS s
 *   received C cookie replies, R responses
 *   answered A in S.SSS s: X.X per second; U unanswered; own CPU T.TTT s
 * S is the time spent sending. Sending stops after --count packets or
 * --seconds (default 30), whichever comes first. A counts the responses
 * that arrived while sending, U the initiations never answered, T is the
 * generator's user and system time over the run. Full send queues
 * (ENOBUFS, EAGAIN) are waited out and retried; how often is said on
 * standard error. Exit status: 0 done, 1 error, 2 usage or a refused target.
 *
 * --make-keys N writes N new key pairs, one a line: private public (base64).
 *
 * Safety: this tool only ever targets test addresses. It refuses any target
 * (and any --sources prefix) outside the private and documentation ranges
 * 10/8, 172.16/12, 192.168/16, 127/8, 169.254/16, 192.0.2/24, 198.18/15,
 * 198.51.100/24, 203.0.113/24, 100.64/10, ::1, fc00::/7, fe80::/10 and
 * 2001:db8::/32, and caps --count at 10,000,000 and --seconds at 120. It is
 * meant for the network namespaces of the selftest VM.
 *
 * All cryptography is OpenSSL 3's libcrypto (X25519, BLAKE2s, HMAC,
 * ChaCha20-Poly1305); --self-test checks it, and the initiation built from
 * it, against published and independently computed answers.
 *
 * This file is the command line, the send loops and the report; the rest
 * is in flood-crypto.c (libcrypto, random bytes, base64), flood-noise.c
 * (the initiations, mac1, key files), flood-net.c (addresses and the test
 * ranges, raw packets, sockets, sending, replies) and flood-selftest.c.
 */

#define _GNU_SOURCE	/* ppoll() */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "flood.h"
#include "flood-crypto.h"
#include "flood-net.h"
#include "flood-noise.h"
#include "flood-selftest.h"

/* --------------------------------------------------------------- errors */

static void usage(FILE *out)
{
	fprintf(out,
		"usage: wgc-flood --target ADDR --port PORT --public-key BASE64 --count N [OPTION...]\n"
		"       wgc-flood --make-keys N\n"
		"       wgc-flood --self-test\n"
		"Floods the WireGuard responder at ADDR:PORT (private or test addresses only)\n"
		"with handshake initiations carrying a valid mac1 for its public key.\n"
		"  --count N          packets to send (1 to %llu)\n"
		"  --sources CIDR     spoof source addresses from CIDR (raw socket: root)\n"
		"  --num-sources M    use M of them, prefix base + 1 .. + M (default 1)\n"
		"  --source-port P    UDP source port (default: random per source)\n"
		"  --from ADDR        send from a UDP socket bound to ADDR and count the\n"
		"                     replies (the default without --sources)\n"
		"  --rate PPS         packets per second (default 0: as fast as possible)\n"
		"  --seconds S        stop after S seconds (default %d, at most %d)\n"
		"  --bad-mac1         spoil mac1 in every packet\n"
		"  --valid-from FILE  real initiations from the peers whose private keys\n"
		"                     FILE holds, replies matched and counted\n"
		"  --window W         with --valid-from: at most W unanswered (default %d)\n"
		"  --jobs N           with --sources: N processes share the sending (default 1)\n"
		"  --data             data messages with random receiver indices instead\n"
		"  --make-keys N      print N key pairs: private public (base64)\n"
		"  --self-test        check the cryptography against known answers\n",
		MAX_COUNT, DEF_SECONDS, MAX_SECONDS, DEF_WINDOW);
}

static void __printf(1, 2) __noreturn usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "wgc-flood: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	usage(stderr);
	exit(2);
}

void __printf(1, 2) __noreturn die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "wgc-flood: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

/* ---------------------------------------------------------------- time */

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC + ts.tv_nsec;
}

/* Absolute deadlines, so that late wake-ups do not add up over a run. */
void sleep_until(uint64_t ns)
{
	struct timespec ts = { .tv_sec = ns / NSEC, .tv_nsec = ns % NSEC };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* ------------------------------------------------------------- parsing */

static unsigned long long parse_num(const char *opt, const char *s,
				    unsigned long long min, unsigned long long max)
{
	unsigned long long v;
	char *end;

	/* strtoull() would take "-1" as a huge number */
	if (*s < '0' || *s > '9')
		goto bad;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		goto bad;
	return v;
bad:
	usage_error("%s: '%s' is not a number from %llu to %llu", opt, s, min, max);
}

/* ------------------------------------------------------- command line */

enum {
	OPT_TARGET = 256, OPT_PORT, OPT_PUBKEY, OPT_COUNT, OPT_SOURCES,
	OPT_NUM_SOURCES, OPT_SOURCE_PORT, OPT_FROM, OPT_RATE, OPT_SECONDS,
	OPT_BAD_MAC1, OPT_SELF_TEST, OPT_VALID_FROM, OPT_WINDOW, OPT_MAKE_KEYS,
	OPT_JOBS,
	OPT_DATA,
};

static const struct option long_opts[] = {
	{ "target", required_argument, NULL, OPT_TARGET },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "public-key", required_argument, NULL, OPT_PUBKEY },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "sources", required_argument, NULL, OPT_SOURCES },
	{ "num-sources", required_argument, NULL, OPT_NUM_SOURCES },
	{ "source-port", required_argument, NULL, OPT_SOURCE_PORT },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "seconds", required_argument, NULL, OPT_SECONDS },
	{ "bad-mac1", no_argument, NULL, OPT_BAD_MAC1 },
	{ "self-test", no_argument, NULL, OPT_SELF_TEST },
	{ "valid-from", required_argument, NULL, OPT_VALID_FROM },
	{ "window", required_argument, NULL, OPT_WINDOW },
	{ "make-keys", required_argument, NULL, OPT_MAKE_KEYS },
	{ "jobs", required_argument, NULL, OPT_JOBS },
	{ "data", no_argument, NULL, OPT_DATA },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct args {
	const char *target, *pubkey, *sources, *from, *keyfile;
	unsigned long long make_keys;
	bool have_port, have_count, have_nsrc, have_window, self_test;
};

static void read_options(struct flood *f, struct args *a, int argc, char **argv)
{
	int c;

	while ((c = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_TARGET:
			a->target = optarg;
			break;
		case OPT_PORT:
			f->port = parse_num("--port", optarg, 1, 65535);
			a->have_port = true;
			break;
		case OPT_PUBKEY:
			a->pubkey = optarg;
			break;
		case OPT_COUNT:
			f->count = parse_num("--count", optarg, 1, MAX_COUNT);
			a->have_count = true;
			break;
		case OPT_SOURCES:
			a->sources = optarg;
			break;
		case OPT_NUM_SOURCES:
			f->nsrc = parse_num("--num-sources", optarg, 1, MAX_SOURCES);
			a->have_nsrc = true;
			break;
		case OPT_SOURCE_PORT:
			f->source_port = parse_num("--source-port", optarg, 1, 65535);
			break;
		case OPT_FROM:
			a->from = optarg;
			break;
		case OPT_RATE:
			f->rate = parse_num("--rate", optarg, 0, MAX_RATE);
			break;
		case OPT_SECONDS:
			f->seconds = parse_num("--seconds", optarg, 1, MAX_SECONDS);
			break;
		case OPT_BAD_MAC1:
			f->bad_mac1 = true;
			break;
		case OPT_SELF_TEST:
			a->self_test = true;
			break;
		case OPT_VALID_FROM:
			a->keyfile = optarg;
			break;
		case OPT_WINDOW:
			f->v.window = parse_num("--window", optarg, 1, MAX_WINDOW);
			a->have_window = true;
			break;
		case OPT_MAKE_KEYS:
			a->make_keys = parse_num("--make-keys", optarg, 1, MAX_PEERS);
			break;
		case OPT_JOBS:
			f->jobs = parse_num("--jobs", optarg, 1, MAX_JOBS);
			break;
		case OPT_DATA:
			f->data = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			/* getopt_long() has said what is wrong */
			usage(stderr);
			exit(2);
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
}

static void check_sources(struct flood *f, const struct args *a)
{
	if (a->from)
		usage_error("--sources and --from exclude each other");
	if (!parse_prefix(a->sources, &f->prefix, &f->plen))
		usage_error("--sources: '%s' is not an address prefix", a->sources);
	if (f->prefix.family != f->target.family)
		usage_error("--sources: '%s' is not of the family of --target", a->sources);
	/* spoofed sources get the replies: keep those inside test ranges too */
	if (!is_test_net(&f->prefix, f->plen))
		refuse("--sources", a->sources);
	if (f->nsrc > prefix_sources(&f->prefix, f->plen))
		usage_error("--num-sources %u: %s holds only %llu source addresses", f->nsrc,
			    a->sources, (unsigned long long)prefix_sources(&f->prefix, f->plen));
	f->spoof = true;
}

static void check_valid(struct flood *f, const struct args *a)
{
	if (f->bad_mac1)
		usage_error("--valid-from and --bad-mac1 exclude each other");
	/* the replies go to the spoofed addresses: received on that port */
	if (f->spoof && f->source_port < 0)
		usage_error("--valid-from with --sources needs --source-port");
	f->valid = true;
	load_peers(f, a->keyfile);
}

/*
 * Returns true for --self-test; exits on a usage error, and after doing
 * --make-keys.
 */
static bool parse_args(struct flood *f, int argc, char **argv)
{
	struct args a = { 0 };

	read_options(f, &a, argc, argv);
	if (a.self_test)
		return true;
	if (a.make_keys) {
		make_keys(a.make_keys);
		exit(0);
	}
	if (!a.target || !a.have_port || !a.pubkey || !a.have_count)
		usage_error("--target, --port, --public-key and --count are required");
	if (!parse_addr(a.target, &f->target))
		usage_error("--target: '%s' is not an IPv4 or IPv6 address", a.target);
	if (!is_test_net(&f->target, addr_bits(&f->target)))
		refuse("target", a.target);
	if (!key_from_base64(a.pubkey, f->pubkey))
		usage_error("--public-key: '%s' is not 32 bytes in base64", a.pubkey);
	if (a.have_nsrc && !a.sources)
		usage_error("--num-sources needs --sources");
	if (a.sources)
		check_sources(f, &a);
	if (a.from) {
		if (!parse_addr(a.from, &f->from))
			usage_error("--from: '%s' is not an IPv4 or IPv6 address", a.from);
		if (f->from.family != f->target.family)
			usage_error("--from: '%s' is not of the family of --target", a.from);
		f->have_from = true;
	}
	if (a.keyfile)
		check_valid(f, &a);
	else if (a.have_window)
		usage_error("--window needs --valid-from");
	if (f->data && (f->valid || f->bad_mac1))
		usage_error("--data excludes --valid-from and --bad-mac1");
	if (f->jobs > 1 && (!f->spoof || f->valid))
		usage_error("--jobs needs --sources, and excludes --valid-from");
	if (f->jobs > 1 && f->rate && f->rate < f->jobs)
		usage_error("--rate %llu is less than one packet per second for each of --jobs %u",
			    f->rate, f->jobs);
	return false;
}

/* ---------------------------------------------------------------- flood */

/*
 * About a batch per millisecond: smooth at the time scale of a responder's
 * rate limits, yet one sleep per batch is cheap at high rates too.
 */
static unsigned int batch_size(unsigned long long rate)
{
	if (!rate || rate / 1000 >= MAX_BATCH)
		return MAX_BATCH;
	return rate < 1000 ? 1 : rate / 1000;
}

/* Packet n is due at start + n / rate; never sleeps past the deadline. */
static void pace(const struct flood *f)
{
	uint64_t due = f->start + f->sent * NSEC / f->rate;

	sleep_until(due < f->deadline ? due : f->deadline);
}

static void run(struct flood *f)
{
	unsigned int batch = batch_size(f->rate), n, done;

	f->start = now_ns();
	f->deadline = f->start + f->seconds * NSEC;
	while (f->sent < f->count) {
		if (f->rate)
			pace(f);
		if (now_ns() >= f->deadline)
			break;
		n = f->count - f->sent < batch ? f->count - f->sent : batch;
		done = send_batch(f, f->sent, n);
		f->sent += done;
		if (done < n)
			break;
		/* the receive queue would overflow if left until the end */
		if (f->rxfd >= 0)
			drain_replies(f);
	}
	f->elapsed = now_ns() - f->start;
}

/* ------------------------------------------------------ valid initiations */

static uint64_t unix_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * NSEC + ts.tv_nsec;
}

static double cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* The next peer's initiation, with a timestamp newer than its last one. */
static bool send_valid(struct flood *f)
{
	struct valid *v = &f->v;
	unsigned int i = v->next;
	struct vpeer *p = &v->peers[i];
	uint8_t msg[MSG_INIT_LEN];
	uint64_t ts = unix_ns();

	if (ts <= p->last_ts)
		ts = p->last_ts + 1;
	p->last_ts = ts;
	vpeer_build(f, p, f->sent + 1, ts, msg);
	if (!send_msg(f, f->spoof ? &f->src[i % f->nsrc] : NULL, msg))
		return false;
	p->last_sent = now_ns();
	v->sent_at[f->sent % RING] = p->last_sent;
	v->inflight++;
	v->next = (i + 1) % v->npeers;
	f->sent++;
	return true;
}

/* When the next initiation may go: --rate, and the next peer's pace. */
static uint64_t next_due(const struct flood *f)
{
	const struct vpeer *p = &f->v.peers[f->v.next];
	uint64_t due = p->last_sent ? p->last_sent + PEER_GAP_NS : 0;

	if (f->rate && f->start + f->sent * NSEC / f->rate > due)
		due = f->start + f->sent * NSEC / f->rate;
	return due;
}

/*
 * Sends what the window, the rate and the peers' pace allow. Returns when
 * to look again (at the latest, when the oldest in flight times out), or
 * 0 if the deadline came while sending.
 */
static uint64_t send_allowed(struct flood *f)
{
	struct valid *v = &f->v;
	uint64_t wake = f->deadline, due, timeout;

	while (f->sent < f->count && v->inflight < v->window && f->sent - v->oldest < RING) {
		due = next_due(f);
		if (due > now_ns())
			return due < wake ? due : wake;
		if (!send_valid(f))
			return 0;
	}
	if (v->inflight) {
		timeout = v->sent_at[v->oldest % RING] + ANSWER_TIMEOUT_NS;
		if (timeout < wake)
			wake = timeout;
	}
	return wake;
}

/* Until a reply arrives or the time comes; then takes in what arrived. */
static void wait_replies(struct flood *f, uint64_t until)
{
	struct pollfd pfd = { .fd = f->rxfd, .events = POLLIN };
	uint64_t now = now_ns(), left = until > now ? until - now : 0;
	struct timespec ts = { .tv_sec = left / NSEC, .tv_nsec = left % NSEC };

	if (ppoll(&pfd, 1, &ts, NULL) < 0 && errno != EINTR)
		die("ppoll: %s", strerror(errno));
	drain_replies(f);
}

/* Closed loop: keeps up to --window initiations unanswered (see the top). */
static void run_valid(struct flood *f)
{
	double cpu0 = cpu_seconds();
	uint64_t wake;

	f->start = now_ns();
	f->deadline = f->start + f->seconds * NSEC;
	while (f->sent < f->count && now_ns() < f->deadline) {
		expire(f, now_ns());
		wake = send_allowed(f);
		/* the deadline, or all sent: linger_replies() takes the rest */
		if (!wake || f->sent >= f->count)
			break;
		wait_replies(f, wake);
	}
	f->elapsed = now_ns() - f->start;
	f->responses_sending = f->responses;
	f->cpu = cpu_seconds() - cpu0;
}

/* Job j's part of total, split as evenly as it goes. */
static unsigned long long share(unsigned long long total, unsigned int j, unsigned int jobs)
{
	return total / jobs + (j < total % jobs);
}

struct job_report {
	unsigned long long sent, retries;
	uint64_t elapsed;
};

/* Job j of --jobs: its share, from its own raw socket; reports on fd. */
static void __noreturn run_job(struct flood *f, unsigned int j, int fd)
{
	struct job_report r;

	f->job = j;
	f->count = share(f->count, j, f->jobs);
	f->rate = share(f->rate, j, f->jobs);
	open_raw(f);
	run(f);
	r = (struct job_report){ f->sent, f->retries, f->elapsed };
	if (write(fd, &r, sizeof(r)) != sizeof(r))
		die("job %u: writing its report: %s", j, strerror(errno));
	_exit(0);
}

/*
 * --jobs N: N processes send at once, each a share of --count and --rate,
 * so that one sender per CPU can saturate what one alone cannot. Packet g
 * of the whole flood is still pool[g % POOL] from source g % M (the
 * sources are made before the split, their ports included). The report is
 * the sum; the time is the slowest job's.
 */
static void run_jobs(struct flood *f)
{
	pid_t pids[MAX_JOBS];
	int fds[MAX_JOBS], p[2];
	struct job_report r;
	unsigned int j;
	int status;

	for (j = 0; j < f->jobs; j++) {
		if (pipe(p))
			die("pipe: %s", strerror(errno));
		pids[j] = fork();
		if (pids[j] < 0)
			die("fork: %s", strerror(errno));
		if (!pids[j]) {
			close(p[0]);
			run_job(f, j, p[1]);
		}
		close(p[1]);
		fds[j] = p[0];
	}
	for (j = 0; j < f->jobs; j++) {
		if (read(fds[j], &r, sizeof(r)) != sizeof(r))
			die("job %u ended without a report", j);
		close(fds[j]);
		if (waitpid(pids[j], &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			die("job %u failed", j);
		f->sent += r.sent;
		f->retries += r.retries;
		if (r.elapsed > f->elapsed)
			f->elapsed = r.elapsed;
	}
}

static void report(const struct flood *f)
{
	unsigned long long used = f->sent < f->nsrc ? f->sent : f->nsrc;

	printf("sent %llu packets from %llu sources in %.3f s\n", f->sent, used,
	       f->elapsed / 1e9);
	if (f->rxfd >= 0)
		printf("received %llu cookie replies, %llu responses\n", f->cookies,
		       f->responses);
	if (f->valid)
		printf("answered %llu in %.3f s: %.1f per second; %llu unanswered; own CPU %.3f s\n",
		       f->responses_sending, f->elapsed / 1e9,
		       f->elapsed ? f->responses_sending * 1e9 / f->elapsed : 0.0,
		       f->sent - f->v.answered, f->cpu);
	if (f->retries)
		fprintf(stderr, "wgc-flood: %llu sends retried after ENOBUFS/EAGAIN\n",
			f->retries);
}

int main(int argc, char **argv)
{
	struct flood f = {
		.source_port = -1,
		.seconds = DEF_SECONDS,
		.nsrc = 1,
		.fd = -1,
		.rxfd = -1,
		.v.window = DEF_WINDOW,
		.jobs = 1,
	};

	if (parse_args(&f, argc, argv))
		return self_test() ? 0 : 1;
	f.mac1 = mac1_ctx(f.pubkey);
	if (!f.valid)
		build_pool(&f);
	if (f.jobs > 1) {
		make_sources(&f);
		run_jobs(&f);
		report(&f);
		return 0;
	}
	if (f.spoof) {
		make_sources(&f);
		open_raw(&f);
		if (f.valid)
			open_reply_socket(&f);
	} else {
		open_udp(&f);
	}
	if (f.valid)
		run_valid(&f);
	else
		run(&f);
	if (f.rxfd >= 0)
		linger_replies(&f);
	report(&f);
	return 0;
}
