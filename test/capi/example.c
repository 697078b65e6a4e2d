// SPDX-License-Identifier: Apache-2.0
/*
 * An example of bcctool's C API (bcctool(3)), using only <bcctool.h>; built with
 *	cc -o example example.c $(pkg-config --cflags --libs bcctool)
 *
 *	example [-n N] [-p PID]
 *
 * Loads a BCC-dialect program that counts the getpid(2) calls of process PID (default: its
 * own) into a hash and submits one perf event per call, attaches it, and, without -p, makes N
 * getpid() calls itself (default 100); with -p, prints "ready" and waits until N events came
 * (at most 10 s). Prints the count read from the map and the number of events received. Then
 * writes, reads, iterates and deletes map entries, and without -p loads a plain CO-RE program
 * counting the same calls into an array and a ring buffer, attached by a spec. Exits 0 when
 * all went as expected, 1 on a failure (the library's message on stderr), 2 on a usage error.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <bcctool.h>

static const char bcc_prog[] = "struct event_t {\n"
			       "	u32 pid;\n"
			       "	char comm[16];\n"
			       "};\n"
			       "BPF_HASH(calls, u32, u64);\n"
			       "BPF_PERF_OUTPUT(events);\n"
			       "\n"
			       "TRACEPOINT_PROBE(syscalls, sys_enter_getpid)\n"
			       "{\n"
			       "	u32 pid = bpf_get_current_pid_tgid() >> 32;\n"
			       "	struct event_t ev = {};\n"
			       "	u64 zero = 0, *n;\n"
			       "\n"
			       "	if (pid != TARGET)\n"
			       "		return 0;\n"
			       "	n = calls.lookup_or_try_init(&pid, &zero);\n"
			       "	if (n)\n"
			       "		__sync_fetch_and_add(n, 1);\n"
			       "	ev.pid = pid;\n"
			       "	bpf_get_current_comm(&ev.comm, sizeof(ev.comm));\n"
			       "	events.perf_submit(args, &ev, sizeof(ev));\n"
			       "	return 0;\n"
			       "}\n";

static const char core_prog[] = "struct {\n"
				"	__uint(type, BPF_MAP_TYPE_ARRAY);\n"
				"	__uint(max_entries, 1);\n"
				"	__type(key, __u32);\n"
				"	__type(value, __u64);\n"
				"} count SEC(\".maps\");\n"
				"struct {\n"
				"	__uint(type, BPF_MAP_TYPE_RINGBUF);\n"
				"	__uint(max_entries, 64 * 1024);\n"
				"} ring SEC(\".maps\");\n"
				"\n"
				"SEC(\"tracepoint\")\n"
				"int on_getpid(void *ctx)\n"
				"{\n"
				"	__u32 zero = 0;\n"
				"	__u64 *n;\n"
				"\n"
				"	if (bpf_get_current_pid_tgid() >> 32 != TARGET)\n"
				"		return 0;\n"
				"	n = bpf_map_lookup_elem(&count, &zero);\n"
				"	if (n)\n"
				"		__sync_fetch_and_add(n, 1);\n"
				"	bpf_ringbuf_output(&ring, &zero, sizeof(zero), 0);\n"
				"	return 0;\n"
				"}\n"
				"\n"
				"char LICENSE[] SEC(\"license\") = \"GPL\";\n";

struct event_t {
	uint32_t pid;
	char comm[16];
};

static int on_event(void *ctx, const void *data, size_t size)
{
	const struct event_t *ev = data;
	unsigned long *n = ctx;

	if (size >= sizeof(*ev))
		(*n)++;
	return 0;
}

static int failed(const char *what, int err)
{
	fprintf(stderr, "example: %s: %s (%s)\n", what, bcctool_last_error(), strerror(-err));
	return 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int on_ring(void *ctx, const void *data, size_t size)
{
	unsigned long *n = ctx;

	(void)data;
	*n += size == sizeof(uint32_t);
	return 0;
}

static int core_example(const char *define, unsigned long n)
{
	const char *defines[] = { define, NULL };
	struct bcctool_opts opts = { .sz = sizeof(opts),
				     .dialect = BCCTOOL_DIALECT_CORE,
				     .name = "count.bpf.c",
				     .defines = defines };
	struct bcctool *b;
	uint32_t zero = 0;
	uint64_t count = 0;
	unsigned long i, events = 0;
	struct bcctool_map_info info;
	int err;

	err = bcctool_load(core_prog, 0, &opts, &b);
	if (err)
		return failed("load the CO-RE program", err);
	err = bcctool_attach(b, "on_getpid", "t:syscalls:sys_enter_getpid");
	if (err < 0) {
		bcctool_close(b);
		return failed("attach on_getpid", err);
	}
	err = bcctool_map_info(b, "ring", &info);
	if (!err && info.kind != BCCTOOL_MAP_EVENTS)
		err = -EINVAL;
	if (!err)
		err = bcctool_events_open(b, "ring", on_ring, &events);
	if (err) {
		bcctool_close(b);
		return failed("open map ring", err);
	}
	for (i = 0; i < n; i++)
		syscall(SYS_getpid);
	while (events < n && (err = bcctool_poll(b, 1000)) > 0)
		;
	err = bcctool_map_lookup(b, "count", &zero, &count);
	bcctool_close(b);
	if (err)
		return failed("read map count", err);
	printf("core: getpid calls: %llu, ring events: %lu\n", (unsigned long long)count, events);
	return count == n && events == n ? 0 : 1;
}

/* map_update/lookup/next_key/delete on the hash, with keys no process has */
static int map_example(struct bcctool *b)
{
	uint32_t key = 0xfffffff0, k, found = 0;
	uint64_t val = 42, got = 0;
	int err;

	err = bcctool_map_update(b, "calls", &key, &val, BCCTOOL_NOEXIST);
	if (err)
		return failed("update map calls", err);
	err = bcctool_map_update(b, "calls", &key, &val, BCCTOOL_NOEXIST);
	if (err != -EEXIST)
		return failed("update map calls again (want EEXIST)", err);
	err = bcctool_map_lookup(b, "calls", &key, &got);
	if (err || got != 42)
		return failed("read back map calls", err);
	for (err = bcctool_map_next_key(b, "calls", NULL, &k); !err;
	     err = bcctool_map_next_key(b, "calls", &k, &k))
		found += k == key;
	if (err != -ENOENT || found != 1)
		return failed("iterate map calls", err);
	err = bcctool_map_delete(b, "calls", &key);
	if (err)
		return failed("delete from map calls", err);
	err = bcctool_map_lookup(b, "calls", &key, &got);
	if (err != -ENOENT)
		return failed("look up a deleted key (want ENOENT)", err);
	err = bcctool_attach(b, "no_such_function", "t:syscalls:sys_enter_getpid");
	printf("maps: update, lookup, iterate, delete: ok\n");
	printf("errors: attach no_such_function: %d %s\n", err, bcctool_last_error());
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long n = 100, events = 0, i;
	struct bcctool_opts opts = { .sz = sizeof(opts), .name = "getpid.c" };
	const char *defines[2] = { NULL, NULL };
	char define[64];
	struct bcctool *b;
	uint64_t count = 0;
	uint32_t pid;
	long target = 0;
	double end;
	int c, err, rc;

	while ((c = getopt(argc, argv, "n:p:")) != -1) {
		if (c == 'n')
			n = strtoul(optarg, NULL, 10);
		else if (c == 'p')
			target = strtol(optarg, NULL, 10);
		else
			return 2;
	}
	pid = target > 0 ? (uint32_t)target : (uint32_t)getpid();
	snprintf(define, sizeof(define), "TARGET=%u", pid);
	defines[0] = define;
	opts.defines = defines;
	printf("bcctool %s\n", bcctool_version());

	err = bcctool_load(bcc_prog, 0, &opts, &b);
	if (err)
		return failed("load the program", err);
	err = bcctool_attach(b, NULL, NULL);
	if (err < 0)
		return failed("attach", err);
	err = bcctool_events_open(b, "events", on_event, &events);
	if (err)
		return failed("open the events", err);
	if (target > 0) {
		printf("ready\n");
		fflush(stdout);
	} else {
		for (i = 0; i < n; i++)
			syscall(SYS_getpid);
	}
	for (end = now() + 10; events < n && now() < end;) {
		err = bcctool_poll(b, 100);
		if (err < 0)
			return failed("poll", err);
	}
	err = bcctool_map_lookup(b, "calls", &pid, &count);
	if (err)
		return failed("read map calls", err);
	printf("bcc: getpid calls: %llu, events: %lu\n", (unsigned long long)count, events);
	rc = count == n && events == n ? 0 : 1;
	rc |= map_example(b);
	bcctool_close(b);
	if (target <= 0)
		rc |= core_example(define, n);
	return rc;
}
