/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Race windows, held open on request: debug builds only.
 *
 * Some lifetime rules guard windows a few instructions wide, which no
 * amount of stress opens reliably under emulation. A debug build marks such
 * windows with wgc_race_delay(); a selftest names the points to hold open,
 * how long and how many times, through module parameters:
 *
 *   /sys/module/wgc/parameters/race_points    e.g. "stage_into_session"
 *                                             (a comma-separated list)
 *   /sys/module/wgc/parameters/race_delay_ms  how long each hold lasts
 *   /sys/module/wgc/parameters/race_hits      how many holds remain, over
 *                                             all the points named
 *
 * Each hold logs "race point NAME: holding N ms on CPU C (COMM)", so a test
 * can act inside the window, and tell which workers hold. A hold sleeps
 * where the context allows and spins otherwise; a spin with bottom halves
 * off is itself an RCU read section, which a grace period waits out, so a
 * window whose other side is a grace period opens only from process
 * context (the handshake worker, say). Keep holds in atomic context short:
 * seconds, not tens of them. A release build compiles every point away.
 */

#ifndef _WGC_RACE_H
#define _WGC_RACE_H

enum wgc_race_point {
	/* A decrypted initiation, before it is stored in its handshake. */
	WGC_RACE_CONSUME_INITIATION,
	/* Packets with a keypair and nonces, before they are queued. */
	WGC_RACE_STAGE_INTO_SESSION,
	/* A crypto worker, before it looks at its device. */
	WGC_RACE_ENCRYPT_WORKER,
	WGC_RACE_DECRYPT_WORKER,
	/* The device's destructor, before it tears anything down. */
	WGC_RACE_DESTRUCT,
	__WGC_RACE_POINTS
};

#ifdef WGC_DEBUG
/* Sleeps where the context allows it, spins otherwise. Any context. */
void wgc_race_delay(enum wgc_race_point point);
#else
static inline void wgc_race_delay(enum wgc_race_point point)
{
}
#endif

#endif /* _WGC_RACE_H */
