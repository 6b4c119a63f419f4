// SPDX-License-Identifier: GPL-2.0
/*
 * The replay window over received message counters.
 *
 * Bit n % WGC_COUNTER_BITS_TOTAL of the bitmap records whether counter n
 * was seen, for the WGC_COUNTER_WINDOW_SIZE + 1 counters ending with the
 * highest one accepted. Those span at most WGC_COUNTER_BITS_TOTAL / BITS_PER_LONG
 * words of the ring (the spare word is what makes that true wherever the
 * highest counter falls in its word), so no two counters in the window share
 * a bit. When the highest counter moves forward, the words it moves into are
 * cleared, a word at a time: they still hold bits of counters that are now
 * behind the window.
 */

#include "replay.h"

#include <linux/bitops.h>
#include <linux/compiler.h>
#include <linux/string.h>

enum {
	WGC_REPLAY_WORDS = WGC_COUNTER_BITS_TOTAL / BITS_PER_LONG,
};

static_assert(WGC_COUNTER_BITS_TOTAL % BITS_PER_LONG == 0);
static_assert(WGC_COUNTER_WINDOW_SIZE + BITS_PER_LONG <= WGC_COUNTER_BITS_TOTAL);

void wgc_replay_counter_init(struct wgc_replay_counter *counter)
{
	memset(counter, 0, sizeof(*counter));
}

bool wgc_replay_counter_validate(struct wgc_replay_counter *counter,
				 u64 their_counter, u64 reject_limit)
{
	u64 next = counter->counter, word, first, i;

	if (unlikely(their_counter >= reject_limit))
		return false;

	if (their_counter >= next) {
		/*
		 * A new highest counter. The words after the one holding the
		 * previous highest (none yet when next is 0: all are clear),
		 * up to and including the new one's, are recycled; past a
		 * whole ring's worth, that is every word.
		 */
		word = their_counter / BITS_PER_LONG;
		first = next / BITS_PER_LONG + !!(next % BITS_PER_LONG);
		if (word >= first) {
			if (word - first >= WGC_REPLAY_WORDS) {
				memset(counter->backtrack, 0,
				       sizeof(counter->backtrack));
			} else {
				for (i = first; i <= word; i++)
					counter->backtrack[i % WGC_REPLAY_WORDS] = 0;
			}
		}
		/* Read locklessly by debug messages on the receive path. */
		WRITE_ONCE(counter->counter, their_counter + 1);
	} else if (unlikely(next - 1 - their_counter > WGC_COUNTER_WINDOW_SIZE)) {
		/* Behind the window: whether it was seen is forgotten. */
		return false;
	}

	/* Callers serialise on @counter, so the bit needs no atomic. */
	return !__test_and_set_bit(their_counter % WGC_COUNTER_BITS_TOTAL,
				   counter->backtrack);
}

#ifdef WGC_DEBUG
#include "tests/replay.c"
#endif
