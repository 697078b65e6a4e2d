// SPDX-License-Identifier: Apache-2.0
/*
 * bitesize: summarize block device I/O size as a histogram per process name.
 *
 * Interface of BCC's bitesize by Allan McAleavy (no options), with libbpf-tools' -c COMM,
 * -d DISK, -T and [interval [count]]; written anew, with --json.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <linux/types.h>

#include "cmd.h"
#include "disk.h"
#include "histtool.h"
#include "log.h"
#include "prog.h"
#include "bitesize.h"

static struct bitesize_env {
	struct bct_env kit; /* the shared options: -c, -T, [interval [count]], --json... */
} env;

static const char doc[] =
	"Summarize block device I/O size as a histogram\n"
	"\v"
	"examples:\n"
	"    ./bitesize              # I/O size histograms per process, until Ctrl-C\n"
	"    ./bitesize 1 10         # print 1 second summaries, 10 times\n"
	"    ./bitesize -T 1         # 1s summaries with timestamps\n"
	"    ./bitesize -c fio       # trace commands containing \"fio\" only\n"
	"    ./bitesize -d sdc       # trace sdc only\n"
	"    ./bitesize --json 5 1   # one JSON object per process after 5 seconds\n";

static const struct bct_tool_args args = {
	.args_doc = "[interval] [count]",
	.doc = doc,
	.shared = { .comm = 'c',
		    .comm_long = "comm",
		    .disk = 'd',
		    .timestamp = 'T',
		    .interval = true },
};

static const struct bct_method methods[] = {
	{ .name = "tp_btf",
	  .progs = BCT_PROGS(BCT_PROG("bsz_issue_btf", "tp_btf/block_rq_issue")) },
	{ .name = "raw_tp",
	  .progs = BCT_PROGS(BCT_PROG("bsz_issue_raw", "raw_tp/block_rq_issue")) },
	{ .name = "tracepoint",
	  .progs = BCT_PROGS(BCT_PROG("bsz_issue_tp", "tracepoint/block/block_rq_issue")) },
	{ NULL },
};

static const struct bct_hook hooks[] = { { "block I/O issue", methods, false }, { NULL } };

const struct bct_needs needs_bitesize = {
	.src_name = "bitesize.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* The section's name: the command name, as BCC decodes it. */
static void key_name(void *ctx, const void *key, char *buf, size_t sz)
{
	const struct bitesize_key *k = key;

	snprintf(buf, sz, "%.*s", (int)strnlen(k->comm, sizeof(k->comm)), k->comm);
}

int cmd_bitesize(int argc, char **argv)
{
	struct bct_hist_tool tool = {
		.unit = "Kbytes",
		.section = "Process Name",
		.section_key = "comm",
		.key_name = key_name,
		.sort_by_name = true,
		.banner = "Tracing block I/O... Hit Ctrl-C to end.",
		.missed_what = "I/O events",
	};
	struct bct_session s = { 0 };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (bct_session__init(&s, &env.kit, &needs_bitesize, NULL))
		return 1;
	return bct_hist_run(&s, &tool);
}
