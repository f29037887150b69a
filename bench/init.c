// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the benchmark kernels: runs each workload, prints one line of
 * figures per workload and repetition, then powers the machine off.
 *
 * Built with the kernel's own tools/include/nolibc, like coverage/init.c:
 *   aarch64-linux-gnu-gcc -static -nostdlib -include nolibc.h init.c -lgcc
 *
 * Arguments (kernel command line after "--"):
 *   bench_reps=R     repetitions of the whole set (default 1)
 *   bench_count=0|1  also run each workload with the tag counters on (1)
 *   bench_WORKLOAD=N iterations of one workload, e.g. bench_fork_64M=20
 *   bench_trace=KIND instead of the repetitions, one counted iteration of
 *                    each workload while the kernel logs the call stack of
 *                    every tag operation of KIND (page, vmalloc, ...)
 *
 * Each workload runs twice per repetition: once with the kernel's tag
 * counters on (tag figures; the counting costs a call per tag store), once
 * with them off (time). Output, read back by bench/bench.py:
 *   bench: start reps=R count=C
 *   bench: rep=I workload=W iters=N ns=T [KIND_bytes=B KIND_ops=O ...]
 *   bench: done
 * or "bench: error WHAT" and no "done". With bench_trace, each workload
 * prints "bench: trace workload=W kind=K" before its iteration, whose
 * stacks follow in the kernel log, and its counts after it:
 *   bench: traced workload=W KIND_bytes=B KIND_ops=O ...
 *
 * ns is CLOCK_MONOTONIC around the loop: under QEMU -icount shift=0 one
 * nanosecond is one guest instruction.
 */

#include <linux/sched.h>	/* CLONE_* */

#define BENCH_DIR "/sys/kernel/debug/vmalloc_skip_bench/"
#define MAPPING_SIZE (64UL << 20)
#define MAX_KINDS 8
#define WARMUP_ITERS 4
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

struct counts {
	int n;
	char names[MAX_KINDS][16];
	unsigned long long bytes[MAX_KINDS], ops[MAX_KINDS];
};

struct workload {
	const char *name;
	long iters;
	int (*run)(const struct workload *w, long n);
	int fd;			/* debugfs command of an in-kernel workload */
};

static int counting_fd, counts_fd, settle_fd, trace_fd = -1;
static const char *trace_kind;
static char *mapping;

/* dst = a followed by b (nolibc has no strcat); callers size dst. */
static void join(char *dst, const char *a, const char *b)
{
	size_t la = strlen(a);

	memcpy(dst, a, la);
	memcpy(dst + la, b, strlen(b) + 1);
}

/*
 * Output goes out a line at a time, in one write(), so that kernel messages
 * on the same console cannot split a line of figures.
 */
static void say(const char *s)
{
	static char line[1024];
	static size_t used;
	size_t len = strlen(s);

	if (used + len > sizeof(line)) {
		write(1, line, used);
		used = 0;
	}
	if (len > sizeof(line)) {
		write(1, s, len);
		return;
	}
	memcpy(line + used, s, len);
	used += len;
	if (len && s[len - 1] == '\n') {
		write(1, line, used);
		used = 0;
	}
}

static void say_num(unsigned long long n)
{
	char buf[24];
	int i = sizeof(buf);

	buf[--i] = '\0';
	do {
		buf[--i] = '0' + n % 10;
		n /= 10;
	} while (n && i);
	say(buf + i);
}

static void say_pair(const char *key, unsigned long long n)
{
	say(" ");
	say(key);
	say("=");
	say_num(n);
}

/* Starts a line of its own: it may cut a line of figures short. */
static int fail(const char *what, const char *detail)
{
	say("\nbench: error ");
	say(what);
	say(" ");
	say(detail);
	say("\n");
	return -1;
}

static long long now_ns(void)
{
	struct __kernel_timespec ts;

	/* nolibc of 6.12 has no clock_gettime() */
	if (my_syscall2(__NR_clock_gettime, CLOCK_MONOTONIC, &ts))
		return -1;
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* One command to the kernel, on a file kept open so that it allocates nothing. */
static int command(int fd, long n)
{
	char buf[24];
	int i = sizeof(buf);

	do {
		buf[--i] = '0' + n % 10;
		n /= 10;
	} while (n && i);
	return write(fd, buf + i, sizeof(buf) - i) == (long)sizeof(buf) - i ? 0 : -1;
}

/* Parses "KIND BYTES OPS" lines of the counts file. */
static int read_counts(struct counts *c)
{
	char buf[512], *p, *end;
	long len;
	int k;

	/* From the start: the counts are printed anew on every read from 0. */
	if (lseek(counts_fd, 0, SEEK_SET) != 0)
		return fail("cannot seek", BENCH_DIR "counts");
	len = read(counts_fd, buf, sizeof(buf) - 1);
	if (len <= 0)
		return fail("cannot read", BENCH_DIR "counts");
	buf[len] = '\0';
	c->n = 0;
	for (p = buf; *p && c->n < MAX_KINDS; p = end + 1) {
		end = strchr(p, '\n');
		if (!end)
			break;
		*end = '\0';
		k = c->n++;
		for (len = 0; p[len] && p[len] != ' ' && len < 15; len++)
			c->names[k][len] = p[len];
		c->names[k][len] = '\0';
		p = strchr(p, ' ');
		if (!p)
			return fail("bad line in", BENCH_DIR "counts");
		c->bytes[k] = strtoull(p + 1, &p, 10);
		c->ops[k] = strtoull(p, NULL, 10);
	}
	return c->n ? 0 : fail("no counts in", BENCH_DIR "counts");
}

static int run_in_kernel(const struct workload *w, long n)
{
	return command(w->fd, n) ? fail("command failed:", w->name) : 0;
}

/*
 * A thread as pthread_create() makes one, but with vfork semantics: the
 * parent sleeps until the thread exits, so the thread can use the parent's
 * stack and exit before it touches it. Threads are reaped by the kernel.
 */
static int run_user_threads(const struct workload *w, long n)
{
	const long flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
			   CLONE_THREAD | CLONE_SYSVSEM | CLONE_VFORK;
	long ret;

	for (; n; n--) {
		ret = my_syscall5(__NR_clone, flags, 0, 0, 0, 0);
		if (ret == 0)
			my_syscall1(__NR_exit, 0);
		if (ret < 0)
			return fail("clone failed in", w->name);
	}
	return 0;
}

/* fork() copies the page tables of the faulted mapping; the child exits at once. */
static int run_fork(const struct workload *w, long n)
{
	int status;
	pid_t pid;

	for (; n; n--) {
		pid = fork();
		if (pid == 0)
			my_syscall1(__NR_exit_group, 0);
		if (pid < 0 || waitpid(pid, &status, 0) != pid)
			return fail("fork or wait failed in", w->name);
	}
	return 0;
}

/* A private anonymous mapping faulted in page by page, in 4 KiB PTEs. */
static int map_and_fault(void)
{
	unsigned long off;

	mapping = mmap(NULL, MAPPING_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mapping == MAP_FAILED)
		return fail("cannot map", "64 MiB");
	/* Huge pages would leave no PTE tables to copy; fails without THP. */
	my_syscall3(__NR_madvise, mapping, MAPPING_SIZE, MADV_NOHUGEPAGE);
	for (off = 0; off < MAPPING_SIZE; off += 4096)
		mapping[off] = 1;
	return 0;
}

static struct workload workloads[] = {
	{ "kthread", 2000, run_in_kernel, -1 },
	{ "uthread", 2000, run_user_threads, -1 },
	{ "fork_64M", 100, run_fork, -1 },
	{ "vmalloc", 20000, run_in_kernel, -1 },
	{ "vmalloc_skip_kasan", 20000, run_in_kernel, -1 },
};

/* With the counters on: prints the counts of one run of @w. */
static int counted_run(const struct workload *w)
{
	struct counts c0, c1;
	int k;

	if (command(counting_fd, 1) || command(settle_fd, 0) ||
	    read_counts(&c0) || w->run(w, w->iters) ||
	    command(settle_fd, 0) || read_counts(&c1) ||
	    command(counting_fd, 0))
		return fail("counted run failed:", w->name);
	if (c0.n != c1.n)
		return fail("counts changed shape in", w->name);
	for (k = 0; k < c1.n; k++) {
		char key[32];

		join(key, c1.names[k], "_bytes");
		say_pair(key, c1.bytes[k] - c0.bytes[k]);
		join(key, c1.names[k], "_ops");
		say_pair(key, c1.ops[k] - c0.ops[k]);
	}
	return 0;
}

static int timed_run(const struct workload *w)
{
	long long t0, t1;

	if (command(settle_fd, 0))
		return fail("cannot settle before", w->name);
	t0 = now_ns();
	if (w->run(w, w->iters))
		return -1;
	t1 = now_ns();
	if (t0 < 0 || t1 < t0)
		return fail("no clock in", w->name);
	say_pair("ns", t1 - t0);
	return 0;
}

static int open_bench_file(const char *name, int flags, int *fd)
{
	char path[128];

	join(path, BENCH_DIR, name);
	*fd = open(path, flags, 0);
	return *fd < 0 ? fail("cannot open", path) : 0;
}

static int setup(void)
{
	unsigned int i;

	if (mount("sysfs", "/sys", "sysfs", 0, NULL) ||
	    mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL))
		return fail("cannot mount", "debugfs");
	if (trace_kind && open_bench_file("trace", O_WRONLY, &trace_fd))
		return -1;
	if (open_bench_file("counting", O_WRONLY, &counting_fd) ||
	    open_bench_file("settle", O_WRONLY, &settle_fd) ||
	    open_bench_file("counts", O_RDONLY, &counts_fd))
		return -1;
	for (i = 0; i < ARRAY_SIZE(workloads); i++)
		if (workloads[i].run == run_in_kernel &&
		    open_bench_file(workloads[i].name, O_WRONLY, &workloads[i].fd))
			return -1;
	return map_and_fault();
}

/* bench_reps=R, bench_count=C, bench_WORKLOAD=N, bench_trace=KIND */
static void parse_args(int argc, char **argv, long *reps, long *count)
{
	unsigned int i;
	int a;

	for (a = 1; a < argc; a++) {
		char *eq = strchr(argv[a], '=');
		long v = eq ? atol(eq + 1) : -1;

		if (!strncmp(argv[a], "bench_trace=", 12)) {
			trace_kind = argv[a] + 12;
			continue;
		}
		if (strncmp(argv[a], "bench_", 6) || !eq || v < 0)
			continue;	/* not ours: the kernel passes on others */
		*eq = '\0';
		if (!strcmp(argv[a] + 6, "reps") && v > 0)
			*reps = v;
		else if (!strcmp(argv[a] + 6, "count"))
			*count = v;
		for (i = 0; i < ARRAY_SIZE(workloads); i++)
			if (!strcmp(argv[a] + 6, workloads[i].name) && v > 0)
				workloads[i].iters = v;
		*eq = '=';
	}
}

/* One counted iteration of each workload, its KIND operations logged. */
static int trace_all(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(workloads); i++) {
		struct workload once = workloads[i];

		once.iters = 1;
		say("bench: trace workload=");
		say(once.name);
		say(" kind=");
		say(trace_kind);
		say("\n");
		/* Frees an earlier workload left pending must not show here. */
		if (command(settle_fd, 0))
			return fail("cannot settle before", once.name);
		if (write(trace_fd, trace_kind, strlen(trace_kind)) < 0)
			return fail("cannot trace kind", trace_kind);
		say("bench: traced workload=");
		say(once.name);
		if (counted_run(&once))
			return -1;
		say("\n");
		if (write(trace_fd, "none", 4) < 0)
			return fail("cannot stop tracing", trace_kind);
	}
	return 0;
}

static int run_all(long reps, long count)
{
	const unsigned int nw = ARRAY_SIZE(workloads);
	unsigned int i;
	long rep;

	say("bench: start");
	say_pair("reps", reps);
	say_pair("count", count);
	say("\n");
	/* Fills the caches (stacks, slabs, vmap areas) that runs then reuse. */
	for (i = 0; i < nw; i++)
		if (workloads[i].run(&workloads[i], WARMUP_ITERS))
			return -1;
	if (trace_kind) {
		if (trace_all())
			return -1;
		say("bench: done\n");
		return 0;
	}
	for (rep = 1; rep <= reps; rep++) {
		for (i = 0; i < nw; i++) {
			say("bench:");
			say_pair("rep", rep);
			say(" workload=");
			say(workloads[i].name);
			say_pair("iters", workloads[i].iters);
			if (timed_run(&workloads[i]) ||
			    (count && counted_run(&workloads[i])))
				return -1;
			say("\n");
		}
	}
	say("bench: done\n");
	return 0;
}

int main(int argc, char **argv)
{
	long reps = 1, count = 1;

	parse_args(argc, argv, &reps, &count);
	if (!setup())
		run_all(reps, count);
	reboot(LINUX_REBOOT_CMD_POWER_OFF);
	return 0;
}
