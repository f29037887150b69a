// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the coverage kernels: runs after the built-in KUnit suites,
 * copies every .gcda file of /sys/kernel/debug/gcov to the kernel log as
 * framed hex text, then powers the machine off.
 *
 * Every line goes to /dev/kmsg in one write(), so it becomes one record of
 * the kernel log and reaches the console after everything the suites
 * printed. Written to the console directly, it would interleave with the
 * suites' KTAP whenever the kernel prints from a console thread (7.x),
 * and kunit.py could no longer parse their results. The boot needs
 * printk.devkmsg=on (no rate limit) and a log buffer that holds the data
 * until the console has printed it (coverage/qemu_arm64_mte_init.py).
 *
 * Built with the kernel's own tools/include/nolibc, so no cross libc is
 * needed:
 *   aarch64-linux-gnu-gcc -static -nostdlib -include nolibc.h init.c -lgcc
 *
 * The frames, read back by coverage/gcda.py:
 *   gcov-data: begin PATH SIZE
 *   gcov-data: HEX         (up to 64 bytes a line)
 *   gcov-data: end PATH
 *   gcov-data: done FILES  (or "gcov-data: error WHAT" and no "done")
 */

#define GCOV_ROOT "/sys/kernel/debug/gcov"
#define LINE_BYTES 64

/* d_type values (nolibc has no dirent.h) */
#ifndef DT_DIR
#define DT_DIR 4
#define DT_REG 8
#endif

static int dumped_files;
static int log_fd = 1;

/* One line of the log: the strings of @parts, NULL-terminated, then '\n'. */
static void say(const char *const parts[])
{
	char line[600];
	size_t len = 0, n;

	for (; *parts; parts++) {
		n = strlen(*parts);
		if (len + n + 1 > sizeof(line))
			n = sizeof(line) - 1 - len;
		memcpy(line + len, *parts, n);
		len += n;
	}
	line[len++] = '\n';
	write(log_fd, line, len);
}

static const char *decimal(long v, char buf[24])
{
	char *p = buf + 23;

	*p = '\0';
	do {
		*--p = '0' + v % 10;
		v /= 10;
	} while (v);
	return p;
}

static void fail(const char *what, const char *path)
{
	say((const char *[]){ "gcov-data: error ", what, " ", path, NULL });
}

static int ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && !strcmp(s + ls - lx, suffix);
}

/*
 * gcov's debugfs files report size 0 and produce their data when read, so
 * the whole file is read first and its size printed before the data.
 */
static int dump_gcda(const char *path)
{
	static char data[4 << 20];
	static const char hex[] = "0123456789abcdef";
	char line[16 + 2 * LINE_BYTES + 2];
	long size = 0, n, i, j;
	char num[24];
	int fd;

	fd = open(path, O_RDONLY, 0);
	if (fd < 0) {
		fail("cannot open", path);
		return -1;
	}
	while ((n = read(fd, data + size, sizeof(data) - size)) > 0)
		size += n;
	close(fd);
	if (n < 0 || size == sizeof(data)) {
		fail(n < 0 ? "cannot read" : "too large", path);
		return -1;
	}

	say((const char *[]){ "gcov-data: begin ", path, " ", decimal(size, num), NULL });
	for (i = 0; i < size; i += LINE_BYTES) {
		char *p = line;

		memcpy(p, "gcov-data: ", 11);
		p += 11;
		for (j = i; j < size && j < i + LINE_BYTES; j++) {
			*p++ = hex[(unsigned char)data[j] >> 4];
			*p++ = hex[data[j] & 15];
		}
		*p++ = '\n';
		write(log_fd, line, p - line);
	}
	say((const char *[]){ "gcov-data: end ", path, NULL });
	dumped_files++;
	return 0;
}

/* path = dir/name; nonzero if it does not fit in @size bytes. */
static int join(char *path, size_t size, const char *dir, const char *name)
{
	size_t ld = strlen(dir), ln = strlen(name);

	if (ld + 1 + ln + 1 > size)
		return -1;
	memcpy(path, dir, ld);
	path[ld] = '/';
	memcpy(path + ld + 1, name, ln + 1);
	return 0;
}

/* Reads the whole of directory @dir into @buf; returns the bytes used. */
static int list_dir(const char *dir, char *buf, int size)
{
	int fd, n, used = 0;

	fd = open(dir, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0)
		return -1;
	while ((n = getdents64(fd, (struct linux_dirent64 *)(buf + used),
			       size - used)) > 0)
		used += n;
	close(fd);
	return n < 0 ? -1 : used;
}

static int walk(const char *dir)
{
	char entries[16384], path[512];
	int n, off, ret = 0;

	n = list_dir(dir, entries, sizeof(entries));
	if (n < 0) {
		fail("cannot list", dir);
		return -1;
	}
	for (off = 0; off < n && !ret;) {
		struct linux_dirent64 *d = (struct linux_dirent64 *)(entries + off);

		off += d->d_reclen;
		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		if (join(path, sizeof(path), dir, d->d_name)) {
			fail("path too long in", dir);
			return -1;
		}
		if (d->d_type == DT_DIR)
			ret = walk(path);
		else if (d->d_type == DT_REG && ends_with(d->d_name, ".gcda"))
			ret = dump_gcda(path);
	}
	return ret;
}

int main(void)
{
	char num[24];

	log_fd = open("/dev/kmsg", O_WRONLY, 0);
	if (log_fd < 0) {
		log_fd = 1;
		fail("cannot open", "/dev/kmsg");
	}
	if (mount("sysfs", "/sys", "sysfs", 0, NULL) ||
	    mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL))
		fail("cannot mount", "debugfs");
	else if (!walk(GCOV_ROOT))
		say((const char *[]){ "gcov-data: done ", decimal(dumped_files, num), NULL });
	reboot(LINUX_REBOOT_CMD_POWER_OFF);
	return 0;
}
