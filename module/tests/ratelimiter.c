// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test of the ratelimiter, included at the end of ratelimiter.c in
 * WGC_DEBUG builds. It runs a private table on its own clock, stepping
 * time instead of sleeping, so every expected result is exact: the burst,
 * the refill rate, a clock read out of order, sources kept apart (and an
 * IPv6 /64 kept together), the collector, the bound on the table, the
 * room kept for proven sources, and proven ports of one address, each
 * with its own bucket, within their address's budget.
 */

#include <linux/inet.h>
#include <linux/ipv6.h>

enum {
	RL_MS = NSEC_PER_MSEC,
	RL_TABLE_BUCKETS = 16,
	RL_TABLE_MAX = 64,
	RL_PORTS_TABLE_MAX = 2048,
	RL_MAX_REPORTS = 10,
};

/* Arbitrary, far from 0 so that "before" stays positive. */
#define RL_T0 (1000ULL * NSEC_PER_SEC)
#define RL_SECONDS(n) ((n) * (u64)NSEC_PER_SEC)

static unsigned int rl_failures __initdata;

static void __init rl_check(bool ok, const char *what, unsigned int line)
{
	if (ok)
		return;
	if (++rl_failures <= RL_MAX_REPORTS)
		pr_err("ratelimiter self-test, line %u: %s\n", line, what);
}

#define CHECK(cond) rl_check(cond, #cond, __LINE__)

/* An unproven message from @addr: whether it was allowed. */
static bool __init rl_v4(struct wgc_ratelimiter *rl, u32 addr, u64 now)
{
	return wgc_ratelimiter_allow_source(rl, addr, AF_INET, 0, now, false);
}

/* A proven message from @addr and @port: whether it was allowed. */
static bool __init rl_proven(struct wgc_ratelimiter *rl, u32 addr, u16 port,
			     u64 now)
{
	return wgc_ratelimiter_allow_source(rl, addr, AF_INET, htons(port),
					    now, true);
}

/* Takes @n messages at @now; returns how many were allowed. */
static unsigned int __init rl_burst(struct wgc_ratelimiter *rl, u32 addr,
				    u64 now, unsigned int n)
{
	unsigned int allowed = 0;

	while (n--)
		allowed += rl_v4(rl, addr, now);
	return allowed;
}

static void __init rl_test_bucket(struct wgc_ratelimiter *rl)
{
	u64 t = RL_T0;

	/* A new source has a full bucket: the burst, and not one more. */
	CHECK(rl_burst(rl, 1, t, 10) == WGC_RATELIMIT_BURST);
	/* Each 1/20 s buys one message, partial time buys nothing. */
	CHECK(!rl_v4(rl, 1, t + 49 * RL_MS));
	CHECK(rl_v4(rl, 1, t + 50 * RL_MS));
	CHECK(!rl_v4(rl, 1, t + 50 * RL_MS));
	/* The 49 ms above were not lost: 100 ms later, two messages. */
	CHECK(rl_burst(rl, 1, t + 150 * RL_MS, 5) == 2);
	/* A clock read earlier on another CPU refills nothing. */
	CHECK(!rl_v4(rl, 1, t + 100 * RL_MS));
	CHECK(rl_v4(rl, 1, t + 200 * RL_MS));
	/* Long silence refills the bucket to the burst, no further. */
	CHECK(rl_burst(rl, 1, t + RL_SECONDS(60), 100) ==
	      WGC_RATELIMIT_BURST);
	/* Another source was never touched by all that. */
	CHECK(rl_burst(rl, 2, t + RL_SECONDS(60), 10) ==
	      WGC_RATELIMIT_BURST);
}

/* A flood of 1,000 messages in one second: the burst plus the rate. */
static void __init rl_test_rate(struct wgc_ratelimiter *rl)
{
	unsigned int i, allowed = 0;
	u64 t = 2 * RL_T0;

	for (i = 0; i < 1000; i++)
		allowed += rl_v4(rl, 3, t + i * RL_MS);
	/* Refills at 50, 100, ... 950 ms: 19 on top of the burst. */
	CHECK(allowed == WGC_RATELIMIT_BURST + 19);
}

static struct sk_buff *__init rl_skb6(const char *addr)
{
	struct ipv6hdr *hdr;
	struct sk_buff *skb;

	skb = alloc_skb(sizeof(*hdr), GFP_KERNEL);
	if (!skb)
		return NULL;
	skb_reset_network_header(skb);
	hdr = skb_put_zero(skb, sizeof(*hdr));
	skb->protocol = htons(ETH_P_IPV6);
	if (in6_pton(addr, -1, hdr->saddr.s6_addr, -1, NULL) != 1) {
		kfree_skb(skb);
		return NULL;
	}
	return skb;
}

static bool __init rl_skb_allow(struct wgc_ratelimiter *rl,
				struct sk_buff *skb, u64 now)
{
	u16 family;
	u64 addr;

	return wgc_ratelimiter_source_of(skb, &addr, &family) &&
	       wgc_ratelimiter_allow_source(rl, addr, family, 0, now, false);
}

/* Addresses in one /64 share a bucket; the next /64 has its own. */
static void __init rl_test_ipv6(struct wgc_ratelimiter *rl)
{
	struct sk_buff *a = rl_skb6("2001:db8:0:1::1");
	struct sk_buff *b = rl_skb6("2001:db8:0:1:ffff::2");
	struct sk_buff *c = rl_skb6("2001:db8:0:2::1");
	unsigned int i, allowed = 0;
	u64 t = 3 * RL_T0;

	CHECK(a && b && c);
	if (a && b && c) {
		for (i = 0; i < 4; i++)
			allowed += rl_skb_allow(rl, a, t) +
				   rl_skb_allow(rl, b, t);
		CHECK(allowed == WGC_RATELIMIT_BURST);
		CHECK(rl_skb_allow(rl, c, t));
	}
	kfree_skb(a);
	kfree_skb(b);
	kfree_skb(c);
}

/* Idle sources go, recent ones stay; the bound refuses new sources. */
static void __init rl_test_collect(struct wgc_ratelimiter *rl)
{
	u64 t = 4 * RL_T0;
	unsigned int i;

	wgc_ratelimiter_collect(rl, 0, true);
	CHECK(!wgc_ratelimiter_entries(rl));
	rl_v4(rl, 10, t);
	rl_v4(rl, 11, t + 900 * RL_MS);
	wgc_ratelimiter_collect(rl, t + 1500 * RL_MS, false);
	CHECK(wgc_ratelimiter_entries(rl) == 1);
	/* The survivor kept its state: one message spent, four left. */
	CHECK(rl_burst(rl, 11, t + 900 * RL_MS, 10) == 4);
	wgc_ratelimiter_collect(rl, t + RL_SECONDS(3), false);
	CHECK(!wgc_ratelimiter_entries(rl));

	/* Unproven sources fill half the table, no more. */
	for (i = 0; i < RL_TABLE_MAX / 2; i++)
		CHECK(rl_v4(rl, 100 + i, t));
	CHECK(wgc_ratelimiter_entries(rl) == RL_TABLE_MAX / 2);
	CHECK(!rl_v4(rl, 99, t));
	CHECK(wgc_ratelimiter_entries(rl) == RL_TABLE_MAX / 2);
	/* Sources already known still get their due. */
	CHECK(rl_v4(rl, 100, t));
	wgc_ratelimiter_collect(rl, t + RL_SECONDS(2), false);
	CHECK(rl_v4(rl, 99, t + RL_SECONDS(2)));
}

/*
 * Of a table, unproven addresses may hold half and ports a quarter; the
 * rest is proven addresses'. An address that proves a port leaves the
 * unproven half; a port without room is held to its address's budget
 * alone; a new proven address without room is refused. The collector's
 * removals are counted everywhere.
 */
static void __init rl_test_room(struct wgc_ratelimiter *rl)
{
	u64 t = 5 * RL_T0;
	unsigned int i;

	wgc_ratelimiter_collect(rl, 0, true);
	CHECK(!atomic_read(&rl->unproven));
	for (i = 0; i < RL_TABLE_MAX / 2; i++)
		CHECK(rl_v4(rl, 200 + i, t));
	CHECK(!rl_v4(rl, 199, t));
	/* Each an entry for the address and one for the port. */
	for (i = 0; i < RL_TABLE_MAX / 4 - 1; i++)
		CHECK(rl_proven(rl, 300 + i, 1, t));
	CHECK(wgc_ratelimiter_entries(rl) == RL_TABLE_MAX - 2);
	CHECK(atomic_read(&rl->unproven) == RL_TABLE_MAX / 2);
	CHECK(atomic_read(&rl->ports) == RL_TABLE_MAX / 4 - 1);
	/* A known address proves a port: a port entry, the burst, no more. */
	for (i = 0; i < WGC_RATELIMIT_BURST; i++)
		CHECK(rl_proven(rl, 201, 7, t));
	CHECK(!rl_proven(rl, 201, 7, t));
	CHECK(atomic_read(&rl->unproven) == RL_TABLE_MAX / 2 - 1);
	CHECK(atomic_read(&rl->ports) == RL_TABLE_MAX / 4);
	CHECK(wgc_ratelimiter_entries(rl) == RL_TABLE_MAX - 1);
	/* The ports' quarter is full: port 8 has only the address's budget. */
	for (i = 0; i < 2 * WGC_RATELIMIT_BURST; i++)
		CHECK(rl_proven(rl, 201, 8, t));
	CHECK(wgc_ratelimiter_entries(rl) == RL_TABLE_MAX - 1);
	/* A new proven address still has room; its port does not. */
	CHECK(rl_proven(rl, 399, 1, t));
	CHECK(wgc_ratelimiter_entries(rl) == RL_TABLE_MAX);
	/* The table is full: a new proven address is refused... */
	CHECK(!rl_proven(rl, 398, 1, t));
	/* ...and so is an unproven one (and asked to prove itself). */
	CHECK(!rl_v4(rl, 199, t));
	CHECK(wgc_ratelimiter_entries(rl) == RL_TABLE_MAX);
	/* 201's own bucket, for its unproven messages, was never touched. */
	CHECK(rl_burst(rl, 201, t, 10) == WGC_RATELIMIT_BURST - 1);
	wgc_ratelimiter_collect(rl, t + RL_SECONDS(2), false);
	CHECK(!wgc_ratelimiter_entries(rl));
	CHECK(!atomic_read(&rl->unproven));
	CHECK(!atomic_read(&rl->ports));
}

/* Proven messages from @n ports from @first on; how many were allowed. */
static unsigned int __init rl_ports(struct wgc_ratelimiter *rl, u32 addr,
				    u16 first, unsigned int n, u64 now)
{
	unsigned int allowed = 0;

	while (n--)
		allowed += rl_proven(rl, addr, first++, now);
	return allowed;
}

/*
 * Peers behind one NAT address: its unproven messages are held to one
 * source's rate, while each port that proved itself has a source's rate
 * of its own, all of them together within the address's budget. A port
 * above its own rate does not spend that budget.
 */
static void __init rl_test_ports(void)
{
	u64 t = 6 * RL_T0, step = WGC_RATELIMIT_PORTS_COST_NS;
	struct wgc_ratelimiter *rl;
	unsigned int i;

	rl = wgc_ratelimiter_create(RL_TABLE_BUCKETS, RL_PORTS_TABLE_MAX);
	CHECK(rl);
	if (!rl)
		return;
	rl->manual_gc = true;
	CHECK(rl_burst(rl, 50, t, 10) == WGC_RATELIMIT_BURST);
	/* Port 1 gets its burst, out of the address's budget. */
	for (i = 0; i < WGC_RATELIMIT_BURST; i++)
		CHECK(rl_proven(rl, 50, 1, t));
	CHECK(!rl_proven(rl, 50, 1, t));
	/* Other ports have the rest of the budget's burst. */
	CHECK(rl_ports(rl, 50, 2, 200, t) ==
	      WGC_RATELIMIT_PORTS_BURST - WGC_RATELIMIT_BURST);
	/*
	 * One message's worth of the budget's time later, port 1 is refused
	 * by its own bucket, and the budget's token it took is given back:
	 * one other port gets it, and not two.
	 */
	CHECK(!rl_proven(rl, 50, 1, t + step));
	CHECK(rl_proven(rl, 50, 500, t + step));
	CHECK(!rl_proven(rl, 50, 501, t + step));
	/* Port 1's own bucket has one message again after 50 ms. */
	CHECK(rl_proven(rl, 50, 1, t + 50 * RL_MS));
	/* A second after that the whole budget is there again. */
	CHECK(rl_ports(rl, 50, 1000, 200, t + RL_SECONDS(1) + 50 * RL_MS) ==
	      WGC_RATELIMIT_PORTS_BURST);
	/* Another address has a budget of its own. */
	CHECK(rl_ports(rl, 51, 1, 10, t) == 10);
	/* 2 addresses, their ports (1 + 123 + 1 + 128, and 10), all proven */
	CHECK(wgc_ratelimiter_entries(rl) == 265);
	CHECK(atomic_read(&rl->ports) == 263);
	CHECK(!atomic_read(&rl->unproven));
	wgc_ratelimiter_destroy(rl);
}

bool __init wgc_ratelimiter_selftest(void)
{
	int unproven_before = atomic_read(&wgc_ratelimiter_unproven_total);
	int ports_before = atomic_read(&wgc_ratelimiter_ports_total);
	int total_before = atomic_read(&wgc_ratelimiter_total);
	struct wgc_ratelimiter *rl;

	rl = wgc_ratelimiter_create(RL_TABLE_BUCKETS, RL_TABLE_MAX);
	if (!rl) {
		pr_err("ratelimiter self-test: out of memory\n");
		return false;
	}
	rl->manual_gc = true;
	rl_test_bucket(rl);
	rl_test_rate(rl);
	rl_test_ipv6(rl);
	rl_test_collect(rl);
	rl_test_room(rl);
	wgc_ratelimiter_destroy(rl);
	rl_test_ports();
	CHECK(atomic_read(&wgc_ratelimiter_unproven_total) == unproven_before);
	CHECK(atomic_read(&wgc_ratelimiter_ports_total) == ports_before);
	/* Every entry's memory is given back. */
	rcu_barrier();
	CHECK(atomic_read(&wgc_ratelimiter_total) == total_before);
	return !rl_failures;
}
