// SPDX-License-Identifier: Apache-2.0
/* Levelled diagnostics on stderr, and the bridge that routes libbpf's own messages here. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "log.h"

static const char *prog_name = "bcctool";
static int level = -1;
static bool libbpf_debug_on;
static struct timespec start; /* debug messages say how long after this they came */
static bct_log_sink_fn sink;
static void *sink_ctx;
static pid_t sink_pid; /* a forked child (the compiler) writes on stderr */
static unsigned int errors;

__attribute__((constructor)) static void mark_start(void)
{
	clock_gettime(CLOCK_MONOTONIC, &start);
}

void bct_log_set_prog(const char *name)
{
	prog_name = name;
}

const char *bct_log_prog(void)
{
	return prog_name;
}

void bct_log_set_level(enum bct_log_level lvl)
{
	level = lvl;
}

enum bct_log_level bct_log_level(void)
{
	if (level < 0) {
		const char *env = getenv("BCCTOOL_LOG");

		level = BCT_LOG_WARN;
		if (env && !strcmp(env, "debug"))
			level = BCT_LOG_DEBUG;
		else if (env && !strcmp(env, "info"))
			level = BCT_LOG_INFO;
		else if (env && !strcmp(env, "error"))
			level = BCT_LOG_ERR;
	}
	return level;
}

void bct_log_set_sink(bct_log_sink_fn fn, void *ctx)
{
	sink = fn;
	sink_ctx = ctx;
	sink_pid = getpid();
}

unsigned int bct_log_errors(void)
{
	return errors;
}

static void vlog(enum bct_log_level lvl, const char *fmt, va_list ap, bool add_newline)
{
	if (lvl == BCT_LOG_ERR)
		errors++;
	if (sink && getpid() == sink_pid) {
		char msg[1024];
		size_t n;

		vsnprintf(msg, sizeof(msg), fmt, ap);
		n = strlen(msg);
		while (n && msg[n - 1] == '\n')
			msg[--n] = '\0';
		sink(sink_ctx, lvl, msg);
		return;
	}
	if ((int)lvl > (int)bct_log_level())
		return;
	if (lvl == BCT_LOG_DEBUG) {
		struct timespec now;

		clock_gettime(CLOCK_MONOTONIC, &now);
		fprintf(stderr, "%s: [%.1f ms] ", prog_name,
			(now.tv_sec - start.tv_sec) * 1e3 + (now.tv_nsec - start.tv_nsec) / 1e6);
	} else {
		fprintf(stderr, "%s: ", prog_name);
	}
	vfprintf(stderr, fmt, ap);
	if (add_newline)
		fputc('\n', stderr);
}

void bct_log(enum bct_log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(lvl, fmt, ap, true);
	va_end(ap);
}

void bct_log_stage(const char *stage, const char *what)
{
	fprintf(stderr, "=== %s: %s%s%s ===\n", prog_name, stage, what ? ": " : "",
		what ? what : "");
}

static int libbpf_print(enum libbpf_print_level lvl, const char *fmt, va_list ap)
{
	enum bct_log_level mine;

	switch (lvl) {
	case LIBBPF_WARN:
		mine = BCT_LOG_WARN;
		break;
	case LIBBPF_INFO:
		mine = BCT_LOG_DEBUG;
		break;
	default:
		if (!libbpf_debug_on)
			return 0;
		mine = BCT_LOG_WARN;
		break;
	}
	/* libbpf's messages carry their own newline. */
	vlog(mine, fmt, ap, false);
	return 0;
}

void bct_log_install_libbpf(bool libbpf_debug)
{
	libbpf_debug_on = libbpf_debug;
	libbpf_set_print(libbpf_print);
}
