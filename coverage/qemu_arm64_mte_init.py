# SPDX-License-Identifier: GPL-2.0
#
# The arm64 MTE machine of tools/testing/kunit/qemu_configs/arm64_mte.py,
# but the kernel goes on to run /init after the suites: kunit.py appends
# "kunit_shutdown=reboot" to the command line, and a trailing "--" makes
# that an argument of /init instead of a kernel parameter. The kernels'
# /init (coverage/init.c) copies the gcov data out and powers off.
#
# The machine is this project's own file, so that commits of a tree that do
# not have it yet (make bisect) boot the same machine.
import dataclasses
import importlib.util
import os

_spec = importlib.util.spec_from_file_location(
	'.qemu_configs.arm64_mte',
	os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tools', 'testing',
		     'kunit', 'qemu_configs', 'arm64_mte.py'))
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
