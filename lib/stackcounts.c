// SPDX-License-Identifier: Apache-2.0
/* The counts map of a stack tool that prints once, at its end (lib/stackcounts.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "map.h"
#include "stackcounts.h"

int bct_stack_counts_init(struct bct_stack_counts *c, int fd, size_t key_size, size_t max,
			  bct_stack_key_fn to_rec)
{
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->key_size = key_size;
	c->max = max;
	c->to_rec = to_rec;
	c->keys = calloc(max, key_size);
	c->vals = calloc(max, sizeof(*c->vals));
	c->recs = calloc(max, sizeof(*c->recs));
	if (c->keys && c->vals && c->recs)
		return 0;
	pr_err("cannot read the stacks: %s", strerror(ENOMEM));
	bct_stack_counts_free(c);
	return -ENOMEM;
}

int bct_stack_counts_read(struct bct_stack_counts *c)
{
	int n = bct_map_read(c->fd, c->keys, c->vals, c->key_size, sizeof(*c->vals), c->max);
	size_t i;

	c->n = 0;
	if (n < 0)
		return n;
	for (i = 0; i < (size_t)n; i++) {
		memset(&c->recs[i], 0, sizeof(c->recs[i]));
		c->to_rec((char *)c->keys + i * c->key_size, c->vals[i], &c->recs[i]);
	}
	c->n = (size_t)n;
	return 0;
}

struct prefetch {
	struct bct_stack_counts *c;
	struct bct_stacks *st;
};

static void prefetch(void *ctx)
{
	struct prefetch *p = ctx;

	if (!bct_stack_counts_read(p->c))
		bct_stacks_prefetch(p->st, p->c->recs, p->c->n);
}

void bct_stack_counts_wait(struct bct_stack_counts *c, struct bct_stacks *st, uint64_t duration_ms)
{
	struct prefetch p = { c, st };

	bct_stack_wait_prefetch(duration_ms, prefetch, &p);
}

int bct_stack_counts_print(struct bct_stack_counts *c, struct bct_stacks *st)
{
	size_t i;
	int err;

	/* read, not drained: the tool exits next */
	err = bct_stack_counts_read(c);
	if (err < 0) {
		pr_err("cannot read the stacks: %s", strerror(-err));
		return err;
	}
	bct_stacks_sort(c->recs, c->n);
	for (i = 0; i < c->n; i++)
		bct_stacks_print(st, stdout, &c->recs[i]);
	fflush(stdout);
	return bct_stacks_finish(st);
}

void bct_stack_counts_free(struct bct_stack_counts *c)
{
	free(c->keys);
	free(c->vals);
	free(c->recs);
	c->keys = NULL;
	c->vals = NULL;
	c->recs = NULL;
	c->n = 0;
}
