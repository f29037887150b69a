// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the coverage kernels: runs after the built-in KUnit suites,
 * copies every .gcda file of /sys/kernel/debug/gcov to the console as
 * framed hex text, then powers the machine off.
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

static void fail(const char *what, const char *path)
{
	printf("gcov-data: error %s %s\n", what, path);
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

	printf("gcov-data: begin %s %ld\n", path, size);
	for (i = 0; i < size; i += LINE_BYTES) {
		char *p = line;

		memcpy(p, "gcov-data: ", 11);
		p += 11;
		for (j = i; j < size && j < i + LINE_BYTES; j++) {
			*p++ = hex[(unsigned char)data[j] >> 4];
			*p++ = hex[data[j] & 15];
		}
		*p++ = '\n';
		write(1, line, p - line);
	}
	printf("gcov-data: end %s\n", path);
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
	if (mount("sysfs", "/sys", "sysfs", 0, NULL) ||
	    mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL))
		fail("cannot mount", "debugfs");
	else if (!walk(GCOV_ROOT))
		printf("gcov-data: done %d\n", dumped_files);
	reboot(LINUX_REBOOT_CMD_POWER_OFF);
	return 0;
}
