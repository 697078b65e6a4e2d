// SPDX-License-Identifier: Apache-2.0
/*
 * tracelog: the kernel's trace_pipe (bpf_trace_printk() of programs bcctool did not load, or of
 * `bcctool run --trace-pipe`), as `bpftool prog tracelog` prints it. Finds or mounts tracefs.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bct.h"
#include "cmd.h"
#include "json.h"
#include "log.h"
#include "signals.h"
#include "tool.h"
#include "tracefs.h"

static struct tracelog_env {
	struct bct_env kit; /* --json, -d */
} env;

static const char doc[] = "Print the kernel's trace_pipe (bpf_trace_printk() output).\n"
			  "\n"
			  "USAGE: bcctool tracelog [-d SECONDS] [--json]\n"
			  "\n"
			  "EXAMPLES:\n"
			  "    bcctool tracelog          # until Ctrl-C\n"
			  "    bcctool tracelog -d 5     # for 5 seconds";

static const struct bct_tool_args args = {
	.parser = bct_no_args,
	.doc = doc,
	.shared = { .duration = 'd' },
};

/* "  task-pid  [cpu] flags  ts: func: msg" -> JSON; lines of another shape: {"line": ...} */
static void json_line(const char *line)
{
	const char *dash, *lb, *rb, *colon, *msg, *p = line;
	struct bct_json j;

	while (*p == ' ')
		p++;
	lb = strstr(p, " [");
	rb = lb ? strchr(lb, ']') : NULL;
	dash = lb ? lb : NULL;
	while (dash && dash > p && *dash != '-')
		dash--;
	colon = rb ? strstr(rb, ": ") : NULL;
	msg = colon ? strstr(colon + 2, ": ") : NULL;
	bct_json_begin(&j, stdout);
	if (!rb || !dash || dash == p || !colon || !msg) {
		bct_json_str(&j, "line", line);
		bct_json_end(&j);
		return;
	}
	bct_json_strn(&j, "task", p, dash - p);
	bct_json_int(&j, "pid", atoi(dash + 1));
	bct_json_int(&j, "cpu", atoi(lb + 2));
	{
		const char *f = rb + 1, *fe, *ts;

		while (*f == ' ')
			f++;
		fe = strchr(f, ' ');
		ts = fe;
		while (ts && *ts == ' ')
			ts++;
		if (fe && fe < colon) {
			bct_json_strn(&j, "flags", f, fe - f);
			bct_json_double(&j, "ts", strtod(ts, NULL));
		}
	}
	bct_json_strn(&j, "func", colon + 2, msg - colon - 2);
	bct_json_str(&j, "msg", msg + 2);
	bct_json_end(&j);
}

int cmd_tracelog(int argc, char **argv)
{
	char path[4096], buf[8192], *line = NULL;
	size_t len = 0, cap = 0;
	struct timespec t0, now;
	int fd, err;

	err = bct_tool_parse(&args, &env.kit, argc, argv);
	if (err)
		return err;
	err = bct_tracefs_path(path, sizeof(path), "trace_pipe");
	fd = err ? -1 : open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		pr_err("cannot open the kernel's trace_pipe: %s", strerror(err ? -err : errno));
		return 1;
	}
	bct_signals_install();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!bct_exiting) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		clock_gettime(CLOCK_MONOTONIC, &now);
		if (env.kit.duration_ms && (uint64_t)(now.tv_sec - t0.tv_sec) * 1000 +
							   (now.tv_nsec - t0.tv_nsec) / 1000000 >=
						   env.kit.duration_ms)
			break;
		if (poll(&p, 1, 100) <= 0)
			continue;
		n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			continue;
		if (!env.kit.common.json) {
			fwrite(buf, 1, n, stdout);
			fflush(stdout);
			continue;
		}
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] != '\n') {
				if (len + 2 > cap) {
					char *nl = realloc(line, cap ? cap * 2 : 256);

					if (!nl)
						break;
					line = nl;
					cap = cap ? cap * 2 : 256;
				}
				line[len++] = buf[i];
				continue;
			}
			if (!line || !len)
				continue;
			line[len] = '\0';
			json_line(line);
			len = 0;
		}
		fflush(stdout);
	}
	free(line);
	close(fd);
	return 0;
}
