// SPDX-License-Identifier: GPL-2.0
/*
 * The debug build's race points: see race.h.
 */

#include "race.h"

#include <linux/bitops.h>
#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

static const char * const wgc_race_names[__WGC_RACE_POINTS] = {
	[WGC_RACE_CONSUME_INITIATION]	= "consume_initiation",
	[WGC_RACE_STAGE_INTO_SESSION]	= "stage_into_session",
	[WGC_RACE_ENCRYPT_WORKER]	= "encrypt_worker",
	[WGC_RACE_DECRYPT_WORKER]	= "decrypt_worker",
	[WGC_RACE_DESTRUCT]		= "destruct",
};

/* A bit per enum wgc_race_point. */
static unsigned long wgc_race_armed;
static unsigned int race_delay_ms = 1000;
static unsigned int race_hits;

module_param(race_delay_ms, uint, 0644);
MODULE_PARM_DESC(race_delay_ms, "how long a race point holds (debug builds)");
module_param(race_hits, uint, 0644);
MODULE_PARM_DESC(race_hits, "how many more holds the race points make (debug builds)");

static int wgc_race_points_set(const char *val, const struct kernel_param *kp)
{
	char *list, *cursor, *name;
	unsigned long armed = 0;
	int point, ret = 0;

	list = kstrdup(val, GFP_KERNEL);
	if (!list)
		return -ENOMEM;
	cursor = strim(list);
	while ((name = strsep(&cursor, ",")) != NULL) {
		if (!*name || !strcmp(name, "none"))
			continue;
		point = match_string(wgc_race_names, __WGC_RACE_POINTS, name);
		if (point < 0) {
			ret = -EINVAL;
			break;
		}
		armed |= BIT(point);
	}
	kfree(list);
	if (!ret)
		WRITE_ONCE(wgc_race_armed, armed);
	return ret;
}

static int wgc_race_points_get(char *buffer, const struct kernel_param *kp)
{
	unsigned long armed = READ_ONCE(wgc_race_armed);
	int point, len = 0;

	for_each_set_bit(point, &armed, __WGC_RACE_POINTS)
		len += sysfs_emit_at(buffer, len, "%s%s", len ? "," : "",
				     wgc_race_names[point]);
	return len + sysfs_emit_at(buffer, len, "%s\n", len ? "" : "none");
}

static const struct kernel_param_ops wgc_race_points_ops = {
	.set = wgc_race_points_set,
	.get = wgc_race_points_get,
};

module_param_cb(race_points, &wgc_race_points_ops, NULL, 0644);
MODULE_PARM_DESC(race_points, "race points to hold open (debug builds)");

/* Takes one of the remaining holds for @point, if it is armed. */
static bool wgc_race_take_hit(enum wgc_race_point point)
{
	unsigned int hits;

	if (likely(!(READ_ONCE(wgc_race_armed) & BIT(point))))
		return false;
	do {
		hits = READ_ONCE(race_hits);
		if (!hits)
			return false;
	} while (cmpxchg(&race_hits, hits, hits - 1) != hits);
	return true;
}

void wgc_race_delay(enum wgc_race_point point)
{
	unsigned int ms;

	if (!wgc_race_take_hit(point))
		return;
	ms = READ_ONCE(race_delay_ms);
	pr_info("race point %s: holding %u ms on CPU %d (%s)\n",
		wgc_race_names[point], ms, raw_smp_processor_id(),
		current->comm);
	/* Sleeping inside an RCU reader is not allowed even where preemptible. */
	if (preemptible() && !rcu_preempt_depth())
		msleep(ms);
	else
		mdelay(ms);
}
