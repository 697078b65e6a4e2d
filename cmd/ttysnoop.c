// SPDX-License-Identifier: Apache-2.0
/*
 * ttysnoop: watch what is written to a tty or pts device, as it is written.
 *
 * Interface of BCC's ttysnoop by Brendan Gregg; written anew, with --json (one object per
 * write). Without kprobes or fentry, write(2) and writev(2) to an fd open on the device.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "cmd.h"
#include "events.h"
#include "log.h"
#include "prog.h"
#include "ttysnoop.h"

#define MAX_DATASIZE 65536
#define MAX_TOTAL (1024 * 1024)

static struct ttysnoop_env {
	struct bct_env kit; /* --json, --ebpf, --debug */
	bool noclear;
	const char *device;
	unsigned long datasize;
	unsigned long datacount;
	uint32_t rdev; /* kernel encoding */
} env = { .datasize = 256, .datacount = 16 };

static const struct bct_opt opts[] = {
	BCT_FLAG('C', "noclear", &env.noclear, "don't clear the screen"),
	BCT_CUSTOM('s', "datasize", "DATASIZE", "size of the transmitting buffer (default 256)"),
	BCT_CUSTOM('c', "datacount", "DATACOUNT",
		   "number of times we check for 'data-size' data (default 16)"),
	{ 0 },
};

static const char doc[] =
	"Snoop output from a pts or tty device, eg, a shell\n"
	"\v"
	"positional arguments:\n"
	"  device    path to a tty device (eg, /dev/tty0) or pts number\n"
	"\n"
	"examples:\n"
	"    ttysnoop /dev/pts/2          # snoop output from /dev/pts/2\n"
	"    ttysnoop 2                   # snoop output from /dev/pts/2 (shortcut)\n"
	"    ttysnoop /dev/console        # snoop output from the system console\n"
	"    ttysnoop /dev/tty0           # snoop output from /dev/tty0\n"
	"    ttysnoop /dev/pts/2 -s 1024  # snoop output from /dev/pts/2 with data size 1024\n"
	"    ttysnoop /dev/pts/2 -c 2     # snoop output from /dev/pts/2 with 2 checks for 256 "
	"bytes of data in buffer\n"
	"                                   (potentially retrieving 512 bytes)\n"
	"    ttysnoop --json 2            # one JSON object per write to /dev/pts/2\n";

static unsigned long parse_count(struct argp_state *state, const char *name, const char *arg,
				 unsigned long max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || v == 0 || v > max)
		argp_error(state, "argument %s: invalid value: '%s' (1 to %lu)", name, arg, max);
	return v;
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 's':
		env.datasize = parse_count(state, "-s/--datasize", arg, MAX_DATASIZE);
		break;
	case 'c':
		env.datacount = parse_count(state, "-c/--datacount", arg, MAX_TOTAL);
		break;
	case ARGP_KEY_ARG:
		if (env.device)
			argp_error(state, "unrecognized arguments: %s", arg);
		env.device = arg;
		break;
	case ARGP_KEY_END:
		if (!env.device && !env.kit.common.ebpf) /* --ebpf alone: the program */
			argp_error(state, "the following arguments are required: device");
		if (env.datasize * env.datacount > MAX_TOTAL)
			argp_error(state, "-s times -c is %lu bytes: at most %d per write",
				   env.datasize * env.datacount, MAX_TOTAL);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct bct_tool_args args = {
	.opts = opts,
	.parser = parse_arg,
	.args_doc = "device",
	.doc = doc,
};

/* --- attach methods: every program in bpf-src/ttysnoop.bpf.c ---------------------------- */

static const struct bct_method methods[] = {
	{ .name = "fentry", .progs = BCT_PROGS(BCT_PROG("fe_tty_write", "fentry/tty_write")) },
	{ .name = "kprobe", .progs = BCT_PROGS(BCT_PROG("kp_tty_write", "kprobe/tty_write")) },
	{ .name = "tracepoint",
	  .progs = BCT_PROGS(BCT_PROG("tp_write", "tracepoint/syscalls/sys_enter_write"),
			     BCT_PROG("tp_writev", "tracepoint/syscalls/sys_enter_writev")),
	  .approx = "write(2) and writev(2) to an fd open on the device only (no io_uring, "
		    "splice or kernel writes)" },
	{ NULL },
};

static const struct bct_hook hooks[] = {
	{ "tty writes", methods, false },
	{ NULL, NULL, false },
};

const struct bct_needs needs_ttysnoop = {
	.src_name = "ttysnoop.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
	.default_args = "/dev/console",
};

/* --- output ------------------------------------------------------------------------------- */

/* Text: the bytes as written, no header. JSON: one object per write. */
static const struct bct_col cols[] = {
	{ "PID", "pid", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ "TID", "tid", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ "COMM", "comm", 0, BCT_COL_STR, BCT_COL_JSON_ONLY, 0 },
	{ "DATA", "data", 0, BCT_COL_STR, BCT_COL_JSON_ONLY, 0 },
	{ NULL },
};

/* Clears the screen once attached, as BCC runs clear(1) (unless -C). */
static void columns(void *ctx, struct bct_out *out)
{
	if (!env.noclear && !bct_out__json(out))
		fputs("\033[H\033[2J\033[3J", stdout);
}

static int on_event(void *ctx, struct bct_out *out, const void *data, size_t size)
{
	const struct ttysnoop_hdr *h = data;
	const char *bytes = (const char *)(h + 1);

	if (size < sizeof(*h) || h->len > size - sizeof(*h))
		return 0;
	if (!bct_out__json(out)) {
		if (fwrite(bytes, 1, h->len, stdout) != h->len)
			return errno ? -errno : -EIO;
		return 0;
	}
	bct_out__uint(out, h->pid);
	bct_out__uint(out, h->tid);
	bct_out__strn(out, h->comm, sizeof(h->comm));
	bct_out__strn(out, bytes, h->len);
	return bct_out__end(out);
}

/* --- set-up ------------------------------------------------------------------------------- */

static int add_defines(struct bct_prog *p, void *ctx)
{
	unsigned long total = env.datasize * env.datacount, pow2 = 1;
	int ncpu = libbpf_num_possible_cpus();
	int err;

	while (pow2 < total)
		pow2 <<= 1;
	if (ncpu < 0)
		return ncpu;
	err = bct_prog__define(p, "TTY_RDEV", "%uU", env.rdev);
	err = err ?: bct_prog__define(p, "TTY_DATASIZE", "%lu", env.datasize);
	err = err ?: bct_prog__define(p, "TTY_DATACOUNT", "%lu", env.datacount);
	err = err ?: bct_prog__define(p, "TTY_POW2", "%lu", pow2);
	err = err ?: bct_prog__define(p, "TTY_NCPU", "%d", ncpu);
	return err;
}

int cmd_ttysnoop(int argc, char **argv)
{
	struct bct_event_tool tool = {
		.cols = cols, .columns = columns, .on_event = on_event, .no_header = true
	};
	struct bct_session s = { .add_defines = add_defines };
	char path[4096];
	struct stat st;
	unsigned long ev;
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (!env.device)
		goto run; /* --ebpf without a device: TTY_RDEV 0 */
	if (env.device[0] == '/')
		snprintf(path, sizeof(path), "%s", env.device);
	else
		snprintf(path, sizeof(path), "/dev/pts/%s", env.device);
	if (stat(path, &st)) {
		/* BCC's message and exit status */
		printf("Unable to read device %s. Exiting.\n", path);
		return 0;
	}
	if (!S_ISCHR(st.st_mode))
		pr_warn("%s is not a character device: no writes will show", path);
	env.rdev = major(st.st_rdev) << 20 | minor(st.st_rdev);
run:
	/* the ring holds at least 8 of the largest writes */
	ev = sizeof(struct ttysnoop_hdr) + 2 * env.datasize * env.datacount + env.datasize;
	tool.ring_pages = ev * 8 / sysconf(_SC_PAGESIZE) / libbpf_num_possible_cpus() + 1;
	if (tool.ring_pages < 64)
		tool.ring_pages = 64;
	if (bct_session__init(&s, &env.kit, &needs_ttysnoop, NULL))
		return 1;
	return bct_events_run(&s, &tool);
}
