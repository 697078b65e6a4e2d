// SPDX-License-Identifier: Apache-2.0
/*
 * readahead: BCC's read-ahead unused pages and used-page age histogram. Interface of BCC's
 * readahead by Suchakrapani Sharma; written anew.
 *
 * Not implemented: BCC tells a read-ahead page's first use from the kernel's "page accessed"
 * function (kprobe or fentry) and its birth from the page allocation's return (kretprobe or
 * fexit); bcctool has no method for either yet, and no trace event marks the first use of a
 * page. Rather than print made-up numbers, the command parses BCC's options, says so in one
 * line and exits 1 (see the man page for what a tracepoint method could count).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "tool.h"
#include "log.h"

static struct readahead_env {
	struct bct_env kit; /* --json, --debug */
	long long duration;
} env;

static const struct bct_opt opts[] = {
	BCT_CUSTOM('d', "duration", "DURATION", "total duration to monitor for, in seconds"),
	{ 0 },
};

static const char doc[] = "Monitor performance of read ahead cache\n"
			  "\v"
			  "examples:\n"
			  "    readahead -d 20       # monitor for 20 seconds and generate stats\n";

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	char *end;

	switch (key) {
	case 'd':
		errno = 0;
		env.duration = strtoll(arg, &end, 10);
		if (!*arg || *end || errno)
			argp_error(state, "argument -d/--duration: invalid int value: '%s'", arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct bct_tool_args args = {
	.opts = opts,
	.parser = parse_arg,
	.doc = doc,
};

int cmd_readahead(int argc, char **argv)
{
	int rc = bct_tool_parse(&args, &env.kit, argc, argv);

	if (rc)
		return rc;
	pr_err("cannot trace read-ahead page use: it needs kprobes or fentry on page allocation "
	       "and folio_mark_accessed(), which bcctool does not offer; see 'man "
	       "bcctool-readahead'");
	return 1;
}
