/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The counts map of a stack tool that prints once, at its end (profile, offcputime): a hash of
 * the tool's key (pid, command, stack ids) to a __u64. Read while the tool samples, so that
 * lib/stack.h symbolizes the stacks then (bct_stacks_prefetch()), and once more at the end.
 *
 *	struct bct_stack_counts c;
 *	bct_stack_counts_init(&c, fd, sizeof(struct key), MAX, key_to_rec);
 *	bct_stack_counts_wait(&c, &stacks, duration_ms);   // instead of bct_stack_wait()
 *	bct_stack_counts_print(&c, &stacks);                // all of them, sorted, on stdout
 *	bct_stack_counts_free(&c);
 */
#ifndef BCT_STACKCOUNTS_H
#define BCT_STACKCOUNTS_H

#include <stddef.h>
#include <stdint.h>

#include "stack.h"

/* Fills r from one entry (its key is the tool's to fix, e.g. the command's NUL). */
typedef void (*bct_stack_key_fn)(void *key, uint64_t value, struct bct_stack_rec *r);

struct bct_stack_counts {
	int fd;
	size_t key_size, max;
	bct_stack_key_fn to_rec;
	void *keys;
	uint64_t *vals;
	struct bct_stack_rec *recs; /* pointing into keys */
	size_t n;
};

/* 0, or -ENOMEM (logged). */
int bct_stack_counts_init(struct bct_stack_counts *c, int fd, size_t key_size, size_t max,
			  bct_stack_key_fn to_rec);
/* Reads every entry, without clearing the map, into recs: 0 or -errno. */
int bct_stack_counts_read(struct bct_stack_counts *c);
/* bct_stack_wait(), reading the map and prefetching its stacks into st meanwhile. */
void bct_stack_counts_wait(struct bct_stack_counts *c, struct bct_stacks *st, uint64_t duration_ms);
/*
 * Reads the map a last time, sorts the stacks and prints them on stdout (flushed), then
 * writes the flame graph if any: 0 or -errno (logged). st->missing tells the stacks lost.
 */
int bct_stack_counts_print(struct bct_stack_counts *c, struct bct_stacks *st);
void bct_stack_counts_free(struct bct_stack_counts *c);

#endif
