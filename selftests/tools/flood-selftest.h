/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wgc-flood --self-test.
 */
#ifndef FLOOD_SELFTEST_H
#define FLOOD_SELFTEST_H

#include <stdbool.h>

bool self_test(void);

#endif /* FLOOD_SELFTEST_H */
