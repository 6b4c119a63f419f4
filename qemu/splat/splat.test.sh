#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Loads the deliberately broken splat.ko and passes: only the kernel's
# reports (and qemu/run.sh reading them) may fail this run.
source "$(dirname "$0")/lib.sh"
insmod "$SELFTESTS_DIR/bin/splat.ko"
