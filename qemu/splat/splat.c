// SPDX-License-Identifier: GPL-2.0
/*
 * A module that is wrong on purpose: loading it leaks an allocation, reads
 * freed memory and sleeps under a spinlock. qemu/splat-test.sh boots the
 * debug kernel with it to prove that kmemleak, KASAN and the atomic-sleep
 * checker report such bugs and that qemu/run.sh fails the run on each.
 * Never part of wgc.
 */

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

static DEFINE_SPINLOCK(splat_lock);

static noinline void splat_leak(void)
{
	char *p = kmalloc(128, GFP_KERNEL);

	/* Used, then forgotten: nothing refers to it after return. */
	if (p)
		WRITE_ONCE(p[0], 1);
}

static noinline void splat_use_after_free(void)
{
	char *p = kmalloc(32, GFP_KERNEL);

	if (!p)
		return;
	kfree(p);
	pr_info("read after free: %d\n", READ_ONCE(p[0]));
}

static noinline void splat_sleep_in_atomic(void)
{
	spin_lock(&splat_lock);
	might_sleep();
	spin_unlock(&splat_lock);
}

static int __init splat_init(void)
{
	splat_leak();
	splat_use_after_free();
	splat_sleep_in_atomic();
	return 0;
}

static void __exit splat_exit(void)
{
}

module_init(splat_init);
module_exit(splat_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Deliberate bugs for testing the wgc test harness");
