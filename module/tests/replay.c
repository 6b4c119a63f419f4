// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test of the replay window, included at the end of replay.c in
 * WGC_DEBUG builds. Crafted sequences pin the edges (duplicates, the exact
 * window boundary, jumps over whole rings of words, the reject limit); then
 * a long random walk, mostly forward with reordering, repeats and jumps, is
 * checked step by step against a model that remembers every counter it
 * ever saw.
 */

#include <linux/bitmap.h>
#include <linux/prandom.h>
#include <linux/random.h>
#include <linux/slab.h>

enum {
	RP_WINDOW = WGC_COUNTER_WINDOW_SIZE,
	RP_RING = WGC_COUNTER_BITS_TOTAL,
	/* The random walk's counters stay below this. */
	RP_MODEL_RANGE = 1 << 20,
	RP_RANDOM_STEPS = 50000,
	RP_MAX_REPORTS = 10,
};

static unsigned int rp_failures __initdata;

static void __init rp_expect(struct wgc_replay_counter *c, u64 n, u64 limit,
			     bool want, unsigned int line)
{
	if (wgc_replay_counter_validate(c, n, limit) == want)
		return;
	if (++rp_failures <= RP_MAX_REPORTS)
		pr_err("replay self-test, line %u: counter %llu %s, should be %s\n",
		       line, n, want ? "refused" : "accepted",
		       want ? "accepted" : "refused");
}

/* @n must be accepted (or refused) under the protocol's reject limit. */
#define ACCEPT(c, n) rp_expect(c, n, WGC_REJECT_AFTER_MESSAGES, true, __LINE__)
#define REFUSE(c, n) rp_expect(c, n, WGC_REJECT_AFTER_MESSAGES, false, __LINE__)

static void __init rp_crafted(struct wgc_replay_counter *c)
{
	const u64 limit = WGC_REJECT_AFTER_MESSAGES;
	u64 high, i;

	/* In order, then duplicates, then reordering within the window. */
	wgc_replay_counter_init(c);
	ACCEPT(c, 0);
	REFUSE(c, 0);
	ACCEPT(c, 1);
	ACCEPT(c, 2);
	REFUSE(c, 1);
	ACCEPT(c, 10);
	ACCEPT(c, 5);
	REFUSE(c, 5);
	ACCEPT(c, 9);
	ACCEPT(c, 3);
	REFUSE(c, 10);
	REFUSE(c, 2);

	/* The window's far edge: highest - WINDOW is in, one less is out. */
	high = RP_WINDOW + 100;
	ACCEPT(c, high);
	REFUSE(c, high - RP_WINDOW - 1);
	ACCEPT(c, high - RP_WINDOW);
	REFUSE(c, high - RP_WINDOW);
	ACCEPT(c, high - RP_WINDOW + 1);
	ACCEPT(c, high - 1);
	REFUSE(c, 10);
	REFUSE(c, 0);

	/* A first counter far from zero; zero is then still in the window. */
	wgc_replay_counter_init(c);
	ACCEPT(c, RP_WINDOW);
	ACCEPT(c, 0);
	REFUSE(c, 0);
	wgc_replay_counter_init(c);
	ACCEPT(c, RP_WINDOW + 1);
	REFUSE(c, 0);
	ACCEPT(c, 1);

	/* Every counter of a whole ring, in reverse, then each once more. */
	wgc_replay_counter_init(c);
	for (i = RP_WINDOW + 1; i-- > 0;)
		ACCEPT(c, i);
	for (i = 0; i <= RP_WINDOW; i++)
		REFUSE(c, i);

	/*
	 * Fill all the bits, then jump several rings ahead: every counter in
	 * the new window shares its bit with one seen before, and must still
	 * be accepted, exactly once.
	 */
	wgc_replay_counter_init(c);
	for (i = 0; i < RP_RING; i++)
		ACCEPT(c, i);
	high = 5 * RP_RING + 100;
	ACCEPT(c, high);
	for (i = high - RP_WINDOW; i < high; i++)
		ACCEPT(c, i);
	for (i = high - RP_WINDOW; i <= high; i++)
		REFUSE(c, i);
	REFUSE(c, high - RP_WINDOW - 1);

	/* Moving one word at a time clears only what left the window. */
	wgc_replay_counter_init(c);
	ACCEPT(c, 100);
	ACCEPT(c, 100 + RP_RING - BITS_PER_LONG);
	REFUSE(c, 100);
	ACCEPT(c, 100 + RP_RING);
	REFUSE(c, 100 + RP_RING);
	REFUSE(c, 100 + RP_RING - BITS_PER_LONG);
	ACCEPT(c, 101 + RP_RING - BITS_PER_LONG);

	/* The reject limit, the protocol's and a small one. */
	wgc_replay_counter_init(c);
	ACCEPT(c, limit - 1);
	REFUSE(c, limit);
	REFUSE(c, limit + 1);
	REFUSE(c, U64_MAX);
	REFUSE(c, limit - 1);
	ACCEPT(c, limit - 2);
	ACCEPT(c, limit - 1 - RP_WINDOW);
	REFUSE(c, limit - 2 - RP_WINDOW);
	REFUSE(c, 0);
	wgc_replay_counter_init(c);
	rp_expect(c, 99, 100, true, __LINE__);
	rp_expect(c, 100, 100, false, __LINE__);
	rp_expect(c, 98, 100, true, __LINE__);
	rp_expect(c, 0, 0, false, __LINE__);
}

/* The next counter of the random walk, relative to the highest so far. */
static s64 __init rp_random_step(struct rnd_state *rng)
{
	u32 r = prandom_u32_state(rng), arg = r / 64;

	switch (r % 64) {
	case 0:		/* a jump ahead, sometimes past the whole ring */
		return arg % (3 * RP_RING);
	case 1 ... 3:	/* around the window's far edge */
		return (s64)(arg % 5) - (RP_WINDOW + 2);
	case 4 ... 5:	/* anywhere behind, mostly past the window */
		return -(s64)(arg % (4 * RP_WINDOW));
	default:	/* near the front: reordering, repeats, steps ahead */
		return (s64)(arg % 128) - 64;
	}
}

/*
 * The model: a counter is accepted iff it is below the limit, was never
 * accepted before, and is at most the window behind the highest one
 * accepted so far. It remembers every counter below RP_MODEL_RANGE; the
 * walk starts over with a fresh window when it gets there.
 */
static void __init rp_random(struct wgc_replay_counter *c, unsigned long *seen)
{
	u64 high = 0, n, seed = get_random_u64();
	struct rnd_state rng;
	bool any = false, want;
	unsigned int i;
	s64 step;

	prandom_seed_state(&rng, seed);
	wgc_replay_counter_init(c);
	for (i = 0; i < RP_RANDOM_STEPS; i++) {
		step = rp_random_step(&rng);
		n = step < 0 && (u64)-step > high ? 0 : high + step;
		if (n >= RP_MODEL_RANGE) {
			wgc_replay_counter_init(c);
			bitmap_zero(seen, RP_MODEL_RANGE);
			high = 0;
			any = false;
			n = (u64)step % 1000;
		}
		want = !test_bit(n, seen) && (!any || n + RP_WINDOW >= high);
		if (wgc_replay_counter_validate(c, n, WGC_REJECT_AFTER_MESSAGES) != want) {
			if (++rp_failures <= RP_MAX_REPORTS)
				pr_err("replay self-test: step %u (seed %016llx): counter %llu %s, highest %llu\n",
				       i, seed, n, want ? "refused" : "accepted", high);
			return;
		}
		if (!want)
			continue;
		__set_bit(n, seen);
		if (!any || n > high)
			high = n;
		any = true;
	}
}

bool __init wgc_replay_selftest(void)
{
	struct wgc_replay_counter *c;
	unsigned long *seen;

	rp_failures = 0;
	c = kmalloc(sizeof(*c), GFP_KERNEL);
	seen = bitmap_zalloc(RP_MODEL_RANGE, GFP_KERNEL);
	if (c && seen) {
		rp_crafted(c);
		rp_random(c, seen);
	} else {
		rp_failures++;
	}
	bitmap_free(seen);
	kfree(c);
	return !rp_failures;
}
