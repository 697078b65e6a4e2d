// SPDX-License-Identifier: Apache-2.0
/* The head of a top-like tool's screen and its -s sort keys (lib/top.h). */
#include <argp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "top.h"

static const char *const sort_names[] = { "all", "reads", "writes", "rbytes", "wbytes" };

const char bct_top_sort_choices[] = "'all', 'reads', 'writes', 'rbytes', 'wbytes'";

int bct_top_sort_parse(const char *arg)
{
	size_t i;

	for (i = 0; i < sizeof(sort_names) / sizeof(sort_names[0]); i++)
		if (!strcmp(arg, sort_names[i]))
			return (int)i;
	return -EINVAL;
}

void bct_top_arg_maxrows(struct argp_state *state, const char *arg, int64_t *maxrows)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(arg, &end, 10);
	if (!*arg || *end || errno)
		argp_error(state, "argument -r/--maxrows: invalid int value: '%s'", arg);
	*maxrows = v;
}

void bct_top_arg_sort(struct argp_state *state, const char *arg, enum bct_top_sort *sort)
{
	int s = bct_top_sort_parse(arg);

	if (s < 0)
		argp_error(state, "argument -s/--sort: invalid choice: '%s' (choose from %s)", arg,
			   bct_top_sort_choices);
	*sort = s;
}

uint64_t bct_top_sort_value(enum bct_top_sort s, uint64_t reads, uint64_t writes, uint64_t rbytes,
			    uint64_t wbytes)
{
	switch (s) {
	case BCT_TOP_READS:
		return reads;
	case BCT_TOP_WRITES:
		return writes;
	case BCT_TOP_RBYTES:
		return rbytes;
	case BCT_TOP_WBYTES:
		return wbytes;
	default:
		return rbytes + wbytes + reads + writes;
	}
}

int bct_top_head(FILE *out, bool clear)
{
	char line[256], ts[16];
	time_t now = time(NULL);
	FILE *f;
	int err = 0;

	if (clear)
		fputs("\033[H\033[2J", out); /* what clear(1) writes on a terminal */
	else
		fputc('\n', out);
	f = fopen("/proc/loadavg", "re");
	if (!f)
		return -errno;
	if (!fgets(line, sizeof(line), f))
		err = -EIO;
	fclose(f);
	if (err)
		return err;
	strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&now));
	fprintf(out, "%-8s loadavg: %s\n", ts, line);
	return 0;
}

const struct bct_serve_counter bct_top_rw_counters[] = {
	{ "reads", 0, NULL, "reads" },
	{ "writes", 1, NULL, "writes" },
	{ "read_bytes", 2, NULL, "bytes read" },
	{ "written_bytes", 3, NULL, "bytes written" },
	{ NULL },
};
