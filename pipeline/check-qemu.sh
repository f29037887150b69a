#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Refuse a QEMU whose MTE emulation is known to be broken. QEMU 7.2
# (Debian 12's own) makes a KASAN HW_TAGS kernel report a bogus
# slab-out-of-bounds in kmem_cache_init() and panic; 10.0 works.
set -eu
qemu=${QEMU:-qemu-system-aarch64}
command -v "$qemu" >/dev/null 2>&1 ||
	{ echo "check-qemu: $qemu not found (run pipeline/setup.sh)" >&2; exit 1; }
version=$("$qemu" --version | sed -n '1s/.*version \([0-9][0-9.]*\).*/\1/p')
major=${version%%.*}
if [ -z "$major" ] || [ "$major" -lt 8 ]; then
	echo "check-qemu: $qemu ${version:-of unknown version} has broken MTE emulation (need 8 or later, e.g. qemu-system-arm from bookworm-backports)" >&2
	exit 1
fi
