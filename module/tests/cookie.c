// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test of the cookie checker's secret, included at the end of cookie.c
 * in WGC_DEBUG builds: a checker is usable the moment it is initialised,
 * so its secret must already be random and dated now. Two checkers must
 * not share a secret, and a fresh one must not be due for rotation.
 */

#include <linux/slab.h>
#include <linux/string.h>

bool __init wgc_cookie_selftest(void)
{
	struct wgc_cookie_checker *checkers;
	u64 before = ktime_get_coarse_boottime_ns();
	bool ok = true;
	int i;

	checkers = kcalloc(2, sizeof(*checkers), GFP_KERNEL);
	if (!checkers)
		return false;
	for (i = 0; i < 2; i++) {
		wgc_cookie_checker_init(&checkers[i], NULL);
		if (!memchr_inv(checkers[i].secret, 0, WGC_NOISE_HASH_LEN)) {
			pr_err("cookie self-test: checker %d starts with an all-zero secret\n",
			       i);
			ok = false;
		}
		if (checkers[i].secret_birthdate < before ||
		    wgc_birthdate_has_expired(checkers[i].secret_birthdate,
					      WGC_COOKIE_SECRET_MAX_AGE)) {
			pr_err("cookie self-test: checker %d's secret is not dated now\n",
			       i);
			ok = false;
		}
	}
	if (!crypto_memneq(checkers[0].secret, checkers[1].secret,
			   WGC_NOISE_HASH_LEN)) {
		pr_err("cookie self-test: two checkers share their secret\n");
		ok = false;
	}
	kfree_sensitive(checkers);
	return ok;
}
