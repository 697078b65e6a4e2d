// SPDX-License-Identifier: Apache-2.0
/*
 * sofdsnoop: trace file descriptors passed over sockets (SCM_RIGHTS), one line per descriptor.
 *
 * Interface of BCC's sofdsnoop by Jiri Olsa; written anew, with the file names taken in the
 * kernel when the descriptor is sent (not read from /proc later) and --json.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "events.h"
#include "log.h"
#include "prog.h"
#include "sofdsnoop.h"

static struct sofdsnoop_env {
	struct bct_env kit; /* -T -p -t -n -d, --json... */
	uint64_t first_ns; /* -T: the first event's time */
} env;

static const char doc[] = "Trace file descriptors passed via socket\n"
			  "\v"
			  "examples:\n"
			  "    sofdsnoop           # trace passed file descriptors\n"
			  "    sofdsnoop -T        # include timestamps\n"
			  "    sofdsnoop -p 181    # only trace PID 181\n"
			  "    sofdsnoop -t 123    # only trace TID 123\n"
			  "    sofdsnoop -d 10     # trace for 10 seconds only\n"
			  "    sofdsnoop -n main   # only print process names containing \"main\"\n"
			  "    sofdsnoop --json    # one JSON object per passed descriptor\n";

static const struct bct_tool_args args = {
	.parser = bct_no_args,
	.doc = doc,
	.shared = { .pid = 'p', .tid = 't', .comm = 'n', .duration = 'd', .timestamp = 'T' },
};

/* --- attach methods: every program in bpf-src/sofdsnoop.bpf.c ---------------------------- */

#define APPROX                                                                                \
	"sendmsg(2) and recvmsg(2) only (no sendmmsg/recvmmsg, io_uring or kernel senders); " \
	"RECV shows the receiver's new fds"

static const struct bct_method methods[] = {
	{ .name = "kprobe",
	  .progs = BCT_PROGS(BCT_PROG("kp_sendmsg", "kprobe/" BCT_SYS(sendmsg)),
			     BCT_PROG("kp_recvmsg", "kprobe/" BCT_SYS(recvmsg)),
			     BCT_PROG("kr_recvmsg", "kretprobe/" BCT_SYS(recvmsg))),
	  .approx = APPROX },
	{ .name = "tracepoint",
	  .progs = BCT_PROGS(BCT_PROG("tp_sendmsg", "tracepoint/syscalls/sys_enter_sendmsg"),
			     BCT_PROG("tp_recvmsg_enter", "tracepoint/syscalls/sys_enter_recvmsg"),
			     BCT_PROG("tp_recvmsg_exit", "tracepoint/syscalls/sys_exit_recvmsg")),
	  .approx = APPROX },
	{ NULL },
};

static const struct bct_hook hooks[] = {
	{ "fd passing", methods, false },
	{ NULL, NULL, false },
};

const struct bct_needs needs_sofdsnoop = {
	.src_name = "sofdsnoop.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* --- output ------------------------------------------------------------------------------- */

/* BCC's "%-14.9f" (with -T), then "%-6s %-6d %-16s %-25s %-5d %s". */
static const struct bct_col cols[] = {
	{ "TIME(s)", "time", 14, BCT_COL_DOUBLE, BCT_COL_LEFT | BCT_COL_HIDDEN | BCT_COL_GLUE, 9 },
	{ "ACTION", "action", 6, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "TID", "tid", 6, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "PID", "pid", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ "COMM", "comm", 16, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "SOCKET", "socket", 25, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "FD", "fd", 5, BCT_COL_INT, BCT_COL_LEFT, 0 },
	{ "NAME", "name", 0, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ NULL },
};

static void columns(void *ctx, struct bct_out *out)
{
	bct_out__show(out, "time", env.kit.timestamp);
}

/* What readlink(2) of /proc/TID/fd/FD would have said when the descriptor was sent. */
static void file_name(const struct sofdsnoop_event *e, char *buf, size_t size)
{
	char dname[SOFDSNOOP_DNAME_LEN + 1], fs[SOFDSNOOP_FS_LEN + 1];
	uint32_t off = e->path_off;

	snprintf(dname, sizeof(dname), "%.*s", (int)sizeof(e->dname), e->dname);
	snprintf(fs, sizeof(fs), "%.*s", (int)sizeof(e->fstype), e->fstype);
	if (!e->found) {
		snprintf(buf, size, "N/A"); /* BCC's word for a name it could not read */
	} else if (!strcmp(fs, "pipefs")) {
		snprintf(buf, size, "pipe:[%llu]", (unsigned long long)e->ino);
	} else if (!strcmp(fs, "sockfs")) {
		snprintf(buf, size, "socket:[%llu]", (unsigned long long)e->ino);
	} else if (!strcmp(fs, "anon_inodefs")) {
		snprintf(buf, size, "anon_inode:%s", dname);
	} else if (!strcmp(fs, "pidfs")) {
		snprintf(buf, size, "anon_inode:[pidfd]");
	} else if (e->pseudo) {
		snprintf(buf, size, "/%s (deleted)", dname); /* memfd, shm: d_path's way */
	} else {
		if (off > SOFDSNOOP_PATH_MAX)
			off = SOFDSNOOP_PATH_MAX;
		snprintf(buf, size, "%s%.*s%s%s", e->trunc ? "..." : "",
			 (int)(SOFDSNOOP_PATH_MAX - off), e->path + off,
			 off == SOFDSNOOP_PATH_MAX ? "/" : "", e->deleted ? " (deleted)" : "");
	}
}

static int on_event(void *ctx, struct bct_out *out, const void *data, size_t size)
{
	const struct sofdsnoop_event *e = data;
	char sock[64], name[SOFDSNOOP_PATH_MAX + 64];

	if (size < sizeof(*e))
		return 0;
	if (!env.first_ns)
		env.first_ns = e->ts_ns;
	/* BCC: microseconds since the first event, printed as seconds */
	bct_out__double(out, (double)(e->ts_ns / 1000 - env.first_ns / 1000) / 1e6);
	bct_out__str(out, e->action == SOFDSNOOP_SEND ? "SEND" : "RECV");
	bct_out__uint(out, e->tid);
	bct_out__uint(out, e->pid);
	bct_out__strn(out, e->comm, sizeof(e->comm));
	if (e->sock_ino)
		snprintf(sock, sizeof(sock), "%d:socket:[%llu]", e->sock_fd,
			 (unsigned long long)e->sock_ino);
	else
		snprintf(sock, sizeof(sock), "%d:N/A", e->sock_fd);
	bct_out__str(out, sock);
	bct_out__int(out, e->fd);
	if (e->action == SOFDSNOOP_SEND) {
		file_name(e, name, sizeof(name));
		bct_out__str(out, name);
	} else {
		bct_out__str(out, ""); /* BCC names the files on SEND only */
	}
	return bct_out__end(out);
}

/* --- set-up ------------------------------------------------------------------------------- */

int cmd_sofdsnoop(int argc, char **argv)
{
	struct bct_event_tool tool = { .cols = cols, .columns = columns, .on_event = on_event };
	struct bct_session s = { 0 };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (bct_session__init(&s, &env.kit, &needs_sofdsnoop, NULL))
		return 1;
	return bct_events_run(&s, &tool);
}
