# SPDX-License-Identifier: GPL-2.0
#
# The arm64 MTE machine of tools/testing/kunit/qemu_configs/arm64_mte.py,
# but the kernel goes on to run /init after the suites: kunit.py appends
# "kunit_shutdown=reboot" to the command line, and a trailing "--" makes
# that an argument of /init instead of a kernel parameter. The coverage
# kernels' /init (coverage/init.c) copies the gcov data out and powers off.
#
# kunit.py runs in the kernel tree, so the machine is loaded from there.
import dataclasses
import importlib.util

_spec = importlib.util.spec_from_file_location(
	'.qemu_configs.arm64_mte', 'tools/testing/kunit/qemu_configs/arm64_mte.py')
assert _spec is not None and _spec.loader is not None
_mte = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_mte)

# /init writes the gcov data to /dev/kmsg (see coverage/init.c): without
# a rate limit, and into a log buffer large enough to hold all of it until
# the console has printed it.
QEMU_ARCH = dataclasses.replace(
	_mte.QEMU_ARCH,
	kernel_command_line=_mte.QEMU_ARCH.kernel_command_line +
	' printk.devkmsg=on log_buf_len=8M --')
