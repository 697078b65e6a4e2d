// SPDX-License-Identifier: Apache-2.0
/*
 * __selftest: the engine end to end, for tests (hidden). Reads fixtures from BCCTOOL_SRC_DIR
 * (test/fixtures/bpf):
 *   getpid N     loads engine_getpid.bpf.c (methods tp_btf, then tracepoint), makes N getpid()
 *                syscalls, prints the method, the kernel's count and the events received
 *   stream       the same program; prints one line per getpid() event (column output) and
 *                calls getpid() once per drain, until SIGINT/SIGTERM or a closed pipe
 *   load FILE    loads and attaches FILE (no hooks) and exits; for verifier failure tests
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "bct.h"
#include "tool.h"
#include "buf.h"
#include "cmd.h"
#include "out.h"
#include "prog.h"

static struct selftest_env {
	struct bct_env kit; /* --ebpf, --json, --debug, --no-cache */
	const char *what;
	const char *arg;
	uint64_t n;
	uint64_t ring_bytes;
	uint64_t burst;
	bool optional_hook;
	const char *defines[8];
	int ndefines;
} env = { .burst = 1 };

static const struct bct_opt opts[] = {
	BCT_CUSTOM('r', "ring-bytes", "BYTES", "ring buffer size (BCT_EVENTS_BYTES)"),
	BCT_CUSTOM('b', "burst", "N", "stream: getpid() calls per drain (default 1)"),
	BCT_FLAG('o', "optional-hook", &env.optional_hook,
		 "add an optional hook that cannot attach"),
	BCT_CUSTOM('D', "define", "NAME[=VALUE]", "an extra -D for the program (experiments)"),
	{ 0 },
};

static const char doc[] = "Engine self-test (for the test suite).\v"
			  "  bcctool __selftest getpid N\n"
			  "  bcctool __selftest stream\n"
			  "  bcctool __selftest load FILE.bpf.c\n";

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	char shown[96];

	switch (key) {
	case 'r':
		bct_arg_u64(state, "ring size", arg, 4096, 1 << 30, &env.ring_bytes);
		break;
	case 'D':
		if (env.ndefines == (int)(sizeof(env.defines) / sizeof(env.defines[0])))
			argp_error(state, "too many -D");
		env.defines[env.ndefines++] = arg;
		break;
	case 'b':
		bct_arg_u64(state, "burst", arg, 1, 1000000, &env.burst);
		break;
	case ARGP_KEY_ARG:
		if (state->arg_num == 0)
			env.what = arg;
		else if (state->arg_num == 1)
			env.arg = arg;
		else
			argp_error(state, "unrecognized argument: '%s'",
				   bct_arg_shown(arg, shown, sizeof(shown)));
		break;
	case ARGP_KEY_END:
		if (!env.what)
			argp_error(state, "missing test name");
		if (!strcmp(env.what, "getpid")) {
			if (!env.arg)
				argp_error(state, "getpid needs a count");
			bct_arg_u64(state, "count", env.arg, 1, 10000000, &env.n);
		} else if (!strcmp(env.what, "load")) {
			if (!env.arg)
				argp_error(state, "load needs a file name");
		} else if (strcmp(env.what, "stream")) {
			argp_error(state, "unknown test: '%s'",
				   bct_arg_shown(env.what, shown, sizeof(shown)));
		}
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

#define MISSING_PROGS \
	BCT_PROGS({ "st_tp_missing", "tracepoint/syscalls/sys_enter_bct_nonexistent" })

static const struct bct_method getpid_methods[] = {
	{ .name = "tp_btf", .progs = BCT_PROGS({ "st_btf_getpid", "tp_btf/sys_enter" }) },
	{ .name = "tracepoint",
	  .progs = BCT_PROGS({ "st_tp_getpid", "tracepoint/syscalls/sys_enter_getpid" }),
	  .optional_progs = MISSING_PROGS },
	{ 0 },
};
static const struct bct_method missing_methods[] = {
	{ .name = "tracepoint", .progs = MISSING_PROGS },
	{ 0 },
};
static const struct bct_hook getpid_hooks[] = {
	{ .name = "getpid syscalls", .methods = getpid_methods },
	{ 0 },
};
static const struct bct_hook getpid_hooks_opt[] = {
	{ .name = "getpid syscalls", .methods = getpid_methods },
	{ .name = "imaginary syscalls", .methods = missing_methods, .optional = true },
	{ 0 },
};

/* st_event in engine_getpid.bpf.c */
struct st_event {
	uint64_t seq;
	uint32_t tgid;
	uint32_t method;
};

static const struct bct_col cols[] = {
	{ "SEQ", "seq", 8, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "TGID", "tgid", 7, BCT_COL_UINT, 0, 0 },
	{ "METHOD", "method", 0, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ 0 },
};

struct counter {
	uint64_t events;
	uint64_t bad;
	uint32_t tgid;
	struct bct_out *out;
};

static int on_event(void *ctx, const void *data, size_t size)
{
	struct counter *c = ctx;
	const struct st_event *e = data;

	/* no getpid() here: it would trace itself */
	if (size < sizeof(*e) || e->tgid != c->tgid) {
		c->bad++;
		return 0;
	}
	c->events++;
	if (c->out) {
		bct_out__uint(c->out, e->seq);
		bct_out__uint(c->out, e->tgid);
		bct_out__str(c->out, e->method == 1 ? "tp_btf" : "tracepoint");
		if (bct_out__end(c->out) == -EPIPE)
			return -EPIPE;
	}
	return 0;
}

static int read_count(struct bct_prog *p, uint64_t *out)
{
	int fd = bct_prog__map_fd(p, "st_count");
	uint32_t zero = 0;

	if (fd < 0)
		return fd;
	return bpf_map_lookup_elem(fd, &zero, out) ? -errno : 0;
}

static int run_getpid(struct bct_prog *p, struct bct_buf *b, struct counter *c)
{
	uint64_t i, count = 0;
	struct timespec t0, t1;
	int err;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < env.n; i++)
		syscall(SYS_getpid);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* drain until every event is in (or nothing comes for a while) */
	for (i = 0; i < 50 && c->events + bct_buf__lost(b) < env.n; i++) {
		err = bct_buf__poll(b, 20);
		if (err < 0)
			return err;
	}
	err = read_count(p, &count);
	if (err) {
		pr_err("cannot read map 'st_count': %s", strerror(-err));
		return err;
	}
	printf("method: %s\ntransport: %s\ncount: %llu\nevents: %llu\nlost: %llu\n"
	       "foreign: %llu\n",
	       bct_prog__method(p, "getpid syscalls"),
	       bct_buf__is_ringbuf(b) ? "ringbuf" : "perfbuf", (unsigned long long)count,
	       (unsigned long long)c->events, (unsigned long long)bct_buf__lost(b),
	       (unsigned long long)c->bad);
	printf("ns_per_call: %.0f\n",
	       ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / env.n);
	return 0;
}

static int run_stream(struct bct_buf *b, struct counter *c)
{
	struct bct_out_opts oo = { .file = stdout, .cols = cols, .json = env.kit.common.json };
	int err = 0;

	c->out = bct_out__new(&oo);
	if (!c->out)
		return -errno;
	bct_buf__set_lost_fn(b, bct_out_lost, c->out);
	bct_out__header(c->out);
	while (!bct_exiting) {
		uint64_t i;

		for (i = 0; i < env.burst; i++)
			syscall(SYS_getpid);
		err = bct_buf__poll(b, 100);
		if (err < 0) {
			if (err == -EPIPE)
				err = 0; /* the reader is gone: a clean stop */
			break;
		}
		err = bct_out__flush(c->out);
		if (err) {
			err = bct_out__settle(err); /* a closed pipe is a clean stop */
			break;
		}
	}
	bct_out__free(c->out);
	return err;
}

int cmd_selftest(int argc, char **argv)
{
	static const struct bct_tool_args args = {
		.opts = opts,
		.parser = parse_arg,
		.args_doc = "TEST [ARG]",
		.doc = doc,
	};
	struct bct_prog_opts po = { .common = &env.kit.common };
	struct counter c = { 0 };
	struct bct_prog *p = NULL;
	struct bct_buf *b = NULL;
	int err;

	err = bct_tool_parse(&args, &env.kit, argc, argv);
	if (err)
		return err;
	if (!strcmp(env.what, "load")) {
		po.src_name = env.arg;
	} else {
		po.src_name = "engine_getpid.bpf.c";
		po.hooks = env.optional_hook ? getpid_hooks_opt : getpid_hooks;
	}
	p = bct_prog__new(&po);
	if (!p) {
		pr_err("cannot create program: %s", strerror(errno));
		return 1;
	}
	c.tgid = getpid();
	if (strcmp(env.what, "load"))
		bct_prog__define(p, "TARGET_TGID", "%u", c.tgid);
	for (int i = 0; i < env.ndefines; i++) {
		char name[64];
		const char *eq = strchr(env.defines[i], '=');

		snprintf(name, sizeof(name), "%.*s",
			 eq ? (int)(eq - env.defines[i]) : (int)strlen(env.defines[i]),
			 env.defines[i]);
		if (bct_prog__define(p, name, eq ? "%s" : NULL, eq ? eq + 1 : NULL)) {
			pr_err("invalid define: '%s'", env.defines[i]);
			err = -EINVAL;
			goto cleanup;
		}
	}
	if (env.ring_bytes)
		bct_prog__define(p, "BCT_EVENTS_BYTES", "%llu", (unsigned long long)env.ring_bytes);
	if (env.kit.common.ebpf) {
		err = bct_prog__print_source(p, stdout);
		goto cleanup;
	}
	bct_signals_install();
	err = bct_prog__load(p);
	if (err)
		goto cleanup;
	err = bct_prog__attach(p);
	if (err)
		goto cleanup;
	if (!strcmp(env.what, "load")) {
		printf("loaded %s\n", env.arg);
		goto cleanup;
	}
	b = bct_buf__new(p, on_event, &c);
	if (!b) {
		err = -errno;
		goto cleanup;
	}
	if (!strcmp(env.what, "getpid"))
		err = run_getpid(p, b, &c);
	else
		err = run_stream(b, &c);
cleanup:
	bct_buf__free(b);
	bct_prog__destroy(p);
	return err ? 1 : 0;
}
