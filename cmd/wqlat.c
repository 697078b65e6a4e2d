// SPDX-License-Identifier: Apache-2.0
/*
 * wqlat: summarize kernel workqueue latency (queued to executing) as a histogram, in total or
 * per workqueue, per interval.
 *
 * Interface of BCC's wqlat by ping gan (and libbpf-tools' by Jackie Liu); written anew, with
 * --json as strict JSON.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>

#include "cmd.h"
#include "histtool.h"
#include "log.h"
#include "prog.h"
#include "wqlat.h"

static struct wqlat_env {
	struct bct_env kit; /* the shared options: -T, [interval [count]], --json... */
	bool nanoseconds;
	bool per_wq;
	const char *wqname;
} env;

static const struct bct_opt opts[] = {
	BCT_FLAG('N', "nanoseconds", &env.nanoseconds, "output in nanoseconds"),
	BCT_FLAG('W', "workqueues", &env.per_wq, "print a histogram per work queue"),
	BCT_STRING('w', "wqname", "WQNAME", &env.wqname, "print this workqueue only"),
	{ 0 },
};

static const char doc[] =
	"Summarize workqueue request latency as histograms.\n"
	"\v"
	"examples:\n"
	"    ./wqlat                   # summarize workqueue latency as a histogram\n"
	"    ./wqlat 1 10              # print 1 second summaries, 10 times\n"
	"    ./wqlat -W 1 10           # print 1 second, 10 times per workqueue\n"
	"    ./wqlat -NT 1             # 1s summaries, nanoseconds, and timestamps\n"
	"    ./wqlat -w nvmet_tcp_wq 1 # 1s summaries for workqueue nvmet_tcp_wq\n";

static const struct bct_tool_args args = {
	.opts = opts,
	.args_doc = "[interval] [count]",
	.doc = doc,
	.shared = { .timestamp = 'T', .interval = true },
};

static const struct bct_method methods[] = {
	{ .name = "tracepoint",
	  .progs =
		  BCT_PROGS(BCT_PROG("wq_queue", "tracepoint/workqueue/workqueue_queue_work"),
			    BCT_PROG("wq_start", "tracepoint/workqueue/workqueue_execute_start")) },
	{ NULL },
};

static const struct bct_hook hooks[] = { { "work queued and started", methods, false }, { NULL } };

const struct bct_needs needs_wqlat = {
	.src_name = "wqlat.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

static void key_name(void *ctx, const void *key, char *buf, size_t sz)
{
	const struct wqlat_key *k = key;

	snprintf(buf, sz, "%.*s", WQLAT_NAME_LEN, k->name);
}

static int add_defines(struct bct_prog *p, void *ctx)
{
	int err = 0;

	if (env.nanoseconds)
		err = err ?: bct_prog__define(p, "WQLAT_FACTOR", "1");
	if (env.per_wq)
		err = err ?: bct_prog__define(p, "WQLAT_PER_WQ", NULL);
	if (env.wqname) {
		char name[WQLAT_NAME_LEN] = { 0 };
		uint64_t w[3];
		int i;

		memcpy(name, env.wqname, strlen(env.wqname));
		for (i = 0; i < 3; i++) {
			w[i] = 0;
			for (int b = 7; b >= 0; b--)
				w[i] = w[i] << 8 | (unsigned char)name[i * 8 + b];
			err = err
				      ?: bct_prog__define(p,
							  i == 0   ? "WQLAT_NAME0"
							  : i == 1 ? "WQLAT_NAME1"
								   : "WQLAT_NAME2",
							  "0x%" PRIx64 "ULL", w[i]);
		}
	}
	return err;
}

int cmd_wqlat(int argc, char **argv)
{
	struct bct_hist_tool tool = {
		.unit = "usecs",
		.banner = "Tracing work queue request latency time... Hit Ctrl-C to end.",
		.missed_what = "work items",
	};
	struct bct_session s = { .add_defines = add_defines };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (env.wqname && strlen(env.wqname) >= WQLAT_NAME_LEN) {
		/* BCC's message and exit(-1) */
		printf("workqueue name len must be less than %d\n", WQLAT_NAME_LEN);
		return 255;
	}
	if (env.nanoseconds)
		tool.unit = "nsecs";
	if (env.per_wq) {
		tool.section = "wqname";
		tool.key_name = key_name;
		tool.sort_by_name = true;
	}
	if (bct_session__init(&s, &env.kit, &needs_wqlat, NULL))
		return 1;
	return bct_hist_run(&s, &tool);
}
