// SPDX-License-Identifier: Apache-2.0
/* BCC's "total per name" table (hardirqs, softirqs), text and JSON through lib/out.h. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "sumtable.h"

int bct_sum_table_init(struct bct_sum_table *t, FILE *file, const char *name_col,
		       const char *name_key, int name_width, const char *unit, uint64_t factor,
		       bool json, bool timestamp)
{
	struct bct_out_opts oo = { .file = file, .json = json };
	size_t n = 0;

	memset(t, 0, sizeof(*t));
	t->factor = factor;
	t->json = json;
	t->timestamp = timestamp;
	snprintf(t->header, sizeof(t->header), "TOTAL_%s", unit);
	snprintf(t->key, sizeof(t->key), "total_%s", unit);
	t->cols[n++] = (struct bct_col){
		.name = "TIME", .key = "ts", .type = BCT_COL_STR, .flags = BCT_COL_JSON_ONLY
	};
	t->cols[n++] = (struct bct_col){ .name = name_col,
					 .key = name_key,
					 .width = name_width,
					 .type = BCT_COL_STR,
					 .flags = BCT_COL_LEFT };
	if (factor)
		t->cols[n++] = (struct bct_col){
			.name = t->header, .key = t->key, .width = 11, .type = BCT_COL_UINT
		};
	/* counting: BCC's header is TOTAL_count; the key is "count" in both cases */
	t->cols[n++] = (struct bct_col){ .name = factor ? "COUNT" : t->header,
					 .key = "count",
					 .width = 11,
					 .type = BCT_COL_UINT,
					 .flags = factor ? BCT_COL_JSON_ONLY : 0 };
	oo.cols = t->cols;
	t->out = bct_out__new(&oo);
	if (!t->out) {
		pr_err("cannot set up the output: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

static uint64_t value(const struct bct_sum_table *t, const struct bct_hist_entry *e)
{
	return t->factor ? e->total : e->count;
}

static int cmp_rows(const void *a, const void *b, void *arg)
{
	const struct bct_hist_entry *x = *(const struct bct_hist_entry *const *)a;
	const struct bct_hist_entry *y = *(const struct bct_hist_entry *const *)b;
	const struct bct_sum_table *t = arg;
	uint64_t vx = value(t, x), vy = value(t, y);

	if (vx != vy)
		return vx < vy ? -1 : 1;
	return strcmp(x->name, y->name); /* BCC leaves ties in hash order */
}

void bct_sum_table_print(void *ctx, FILE *out, const struct bct_hist_entry *v, size_t n)
{
	struct bct_sum_table *t = ctx;
	const struct bct_hist_entry **rows;
	char ts[32], line[40];
	time_t now = time(NULL);
	size_t i;

	(void)out; /* t->out writes on the file given to bct_sum_table_init() */
	strftime(ts, sizeof(ts), t->json ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S", localtime(&now));
	rows = calloc(n ? n : 1, sizeof(*rows));
	if (!rows) {
		pr_err("cannot print the table: %s", strerror(ENOMEM));
		return;
	}
	for (i = 0; i < n; i++)
		rows[i] = &v[i];
	if (n > 1)
		qsort_r(rows, n, sizeof(*rows), cmp_rows, t);
	if (bct_out__text(t->out, ""))
		goto out;
	if (t->timestamp) {
		snprintf(line, sizeof(line), "%-8s", ts);
		if (bct_out__text(t->out, line))
			goto out;
	}
	if (bct_out__header(t->out))
		goto out;
	for (i = 0; i < n; i++) {
		bct_out__str(t->out, ts);
		bct_out__str(t->out, rows[i]->name);
		if (t->factor)
			bct_out__uint(t->out, rows[i]->total / t->factor);
		bct_out__uint(t->out, rows[i]->count);
		if (bct_out__end(t->out))
			break;
	}
out:
	free(rows);
}

void bct_sum_table_free(struct bct_sum_table *t)
{
	bct_out__free(t->out);
	t->out = NULL;
}

int bct_sum_run(struct bct_session *s, struct bct_hist_tool *tool, const struct bct_sum_run *r)
{
	struct bct_sum_table *tab = s->ctx;
	char key[32];
	size_t i;
	int rc;

	if (r->count && (r->dist || r->nanoseconds)) {
		/* BCC's words */
		fprintf(stderr, "The %s option can't be used with time-based options\n",
			r->count_opt);
		bct_session__stop(s);
		return 1;
	}
	tool->unit = r->nanoseconds ? "nsecs" : "usecs";
	tool->banner = r->count ? r->count_banner : r->time_banner;
	if (!r->dist) {
		/* the JSON key of a name: "HARDIRQ" as "hardirq" */
		for (i = 0; r->name_col[i] && i < sizeof(key) - 1; i++)
			key[i] = tolower((unsigned char)r->name_col[i]);
		key[i] = '\0';
		if (bct_sum_table_init(tab, stdout, r->name_col, key, r->name_width,
				       r->count ? "count" : tool->unit,
				       r->count		? 0
				       : r->nanoseconds ? 1
							: 1000,
				       s->env->common.json, s->env->timestamp)) {
			bct_session__stop(s);
			return 1;
		}
		tool->print = bct_sum_table_print;
		/* bcctool serve: the counts, and the times (ns) unless counting */
		tool->serve_count = "events";
		tool->serve_total_unit = r->count ? NULL : "nsecs";
	}
	rc = bct_hist_run(s, tool);
	if (!r->dist)
		bct_sum_table_free(tab);
	return rc;
}
