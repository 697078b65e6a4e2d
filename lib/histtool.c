// SPDX-License-Identifier: Apache-2.0
/* The histogram-tool skeleton: drain, sort, print per interval as BCC does, JSON, missed runs. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>

#include "hist.h"
#include "histtool.h"
#include "log.h"
#include "map.h"
#include "out.h"
#include "prog.h"
#include "signals.h"

#define MAX_HISTS 10240 /* histograms read per interval at most (a map may hold fewer) */
#define FOREVER 99999999 /* BCC's default interval and count: until Ctrl-C */

struct sort_ctx {
	bool by_name;
	size_t key_size;
};

static uint64_t key_number(const void *key, size_t size)
{
	uint64_t v = 0;

	memcpy(&v, key, size < sizeof(v) ? size : sizeof(v));
	return v;
}

static int cmp_entry(const void *a, const void *b, void *arg)
{
	const struct bct_hist_entry *x = a, *y = b;
	const struct sort_ctx *c = arg;
	uint64_t kx, ky;

	if (c->by_name) {
		int r = strcmp(x->name, y->name);

		if (r)
			return r;
	}
	if (c->key_size > sizeof(uint64_t))
		return memcmp(x->key, y->key, c->key_size);
	kx = key_number(x->key, c->key_size);
	ky = key_number(y->key, c->key_size);
	return kx < ky ? -1 : kx > ky;
}

static int cmp_entry_ptr(const void *a, const void *b, void *arg)
{
	return cmp_entry(*(const struct bct_hist_entry *const *)a,
			 *(const struct bct_hist_entry *const *)b, arg);
}

void bct_hist_sort_ptrs(const struct bct_hist_tool *t, struct bct_hist_entry **v, size_t n,
			size_t key_size)
{
	struct sort_ctx c = { .by_name = t->sort_by_name, .key_size = key_size };

	if (n > 1)
		qsort_r(v, n, sizeof(*v), cmp_entry_ptr, &c);
}

void bct_hist_sort(const struct bct_hist_tool *t, struct bct_hist_entry *v, size_t n,
		   size_t key_size)
{
	struct sort_ctx c = { .by_name = t->sort_by_name, .key_size = key_size };

	if (n > 1)
		qsort_r(v, n, sizeof(*v), cmp_entry, &c);
}

static void print_one_text(const struct bct_hist_tool *t, FILE *out, const struct bct_hist_entry *e)
{
	if (t->section)
		fprintf(out, "\n%s = %s\n", t->section, e->name);
	if (t->linear)
		bct_hist_print_linear(out, e->slots, e->nslots, t->unit, false);
	else
		bct_hist_print_log2(out, e->slots, e->nslots, t->unit, false);
}

/* BCC's avg: Python's int(total / count), a float division truncated. */
static uint64_t average(uint64_t total, uint64_t count)
{
	return count ? (uint64_t)((double)total / (double)count) : 0;
}

static void print_extension(const struct bct_hist_tool *t, FILE *out,
			    const struct bct_hist_entry *v, size_t n)
{
	uint64_t total = 0, count = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		total += v[i].total;
		count += v[i].count;
	}
	if (count > 0)
		fprintf(out,
			"\navg = %" PRIu64 " %s, total: %" PRIu64 " %s, count: %" PRIu64 "\n\n",
			average(total, count), t->unit, total, t->unit, count);
}

static void print_one_json(const struct bct_hist_tool *t, void *ctx, FILE *out, const char *ts,
			   const struct bct_hist_entry *e)
{
	static const uint64_t none[BCT_HIST_LOG2_SLOTS];
	struct bct_json j;

	bct_json_begin(&j, out);
	bct_json_str(&j, "ts", ts);
	bct_json_str(&j, "val_type", t->unit);
	bct_hist_json_log2(&j, "data", e ? e->slots : none, e ? e->nslots : 1);
	if (t->section && e) {
		const char *key = t->section_key ? t->section_key : t->section;

		if (t->section_number)
			bct_json_uint(&j, key, strtoull(e->name, NULL, 10));
		else
			bct_json_str(&j, key, e->name);
	}
	if (t->json_extra)
		t->json_extra(ctx, &j, e);
	if (t->extension) {
		uint64_t total = e ? e->total : 0, count = e ? e->count : 0;

		bct_json_uint(&j, "avg", average(total, count));
		bct_json_uint(&j, "total", total);
		bct_json_uint(&j, "count", count);
	}
	bct_json_end(&j);
}

void bct_hist_print(const struct bct_hist_tool *t, void *ctx, FILE *out, bool json,
		    const char *timestamp, const struct bct_hist_entry *v, size_t n)
{
	size_t i;

	if (t->print) {
		t->print(ctx, out, v, n);
		return;
	}
	if (json) {
		/* without sections always one object, as BCC prints one (maybe empty) */
		if (!t->section && n == 0)
			print_one_json(t, ctx, out, timestamp, NULL);
		for (i = 0; i < n; i++)
			print_one_json(t, ctx, out, timestamp, &v[i]);
		return;
	}
	fputc('\n', out);
	if (timestamp)
		fprintf(out, "%-8s\n", timestamp);
	for (i = 0; i < n; i++)
		print_one_text(t, out, &v[i]);
	if (t->extension)
		print_extension(t, out, v, n);
	if (t->after_text)
		t->after_text(ctx, out, v, n);
}

/* What an interval holds: the drained keys and values, and the entries pointing into them. */
struct interval {
	void *keys;
	uint64_t *values;
	struct bct_hist_entry *v;
	uint32_t key_size;
	uint32_t cap; /* entries read at most: the map's size, up to MAX_HISTS */
	size_t nslots; /* value = nslots slots, total, count */
	/* a per-CPU array counts forever: each interval is its sums minus the last ones */
	bool percpu;
	uint64_t *sums, *prev;
};

static int interval_alloc(struct interval *iv, int fd)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	if (info.value_size < 3 * sizeof(uint64_t) || info.value_size % sizeof(uint64_t))
		return -EINVAL;
	iv->key_size = info.key_size;
	iv->nslots = info.value_size / sizeof(uint64_t) - 2;
	iv->cap = info.max_entries < MAX_HISTS ? info.max_entries : MAX_HISTS;
	iv->keys = calloc(iv->cap, info.key_size);
	iv->values = calloc(iv->cap, info.value_size);
	iv->v = calloc(iv->cap, sizeof(*iv->v));
	if (!iv->keys || !iv->values || !iv->v)
		return -ENOMEM;
	iv->percpu = info.type == BPF_MAP_TYPE_PERCPU_ARRAY;
	if (!iv->percpu)
		return 0;
	iv->sums = calloc(iv->cap, info.value_size);
	iv->prev = calloc(iv->cap, info.value_size);
	if (!iv->sums || !iv->prev)
		return -ENOMEM;
	return 0; /* the map is new: all it holds belongs to the first interval */
}

static void interval_free(struct interval *iv)
{
	free(iv->keys);
	free(iv->values);
	free(iv->v);
	free(iv->sums);
	free(iv->prev);
}

/*
 * A per-CPU array's interval: the entries whose sums moved since the last one, as their
 * differences, packed into keys and values as a drained hash map's. The number, or -errno.
 */
static int take_percpu(int fd, struct interval *iv)
{
	size_t stride = iv->nslots + 2, w;
	int n, i, m = 0;

	n = bct_map_percpu_sum(fd, iv->keys, iv->sums, iv->key_size, stride * sizeof(uint64_t),
			       iv->cap);
	for (i = 0; i < n; i++) {
		uint64_t *cur = iv->sums + (size_t)i * stride, *old = iv->prev + (size_t)i * stride;
		uint64_t *out = iv->values + (size_t)m * stride, moved = 0;

		for (w = 0; w < stride; w++) {
			out[w] = cur[w] - old[w];
			moved |= out[w];
			old[w] = cur[w];
		}
		if (!moved)
			continue;
		memmove((char *)iv->keys + (size_t)m * iv->key_size,
			(char *)iv->keys + (size_t)i * iv->key_size, iv->key_size);
		m++;
	}
	return n < 0 ? n : m;
}

/* Takes every histogram out of the map, named and sorted. The number, or -errno. */
static int drain(const struct bct_hist_tool *t, void *ctx, int fd, struct interval *iv)
{
	size_t stride = iv->nslots + 2;
	int n, i;

	if (iv->percpu)
		n = take_percpu(fd, iv);
	else
		n = bct_map_drain(fd, iv->keys, iv->values, iv->key_size, stride * sizeof(uint64_t),
				  iv->cap);
	for (i = 0; i < n; i++) {
		struct bct_hist_entry *e = &iv->v[i];
		const uint64_t *val = iv->values + i * stride;

		e->key = (const char *)iv->keys + (size_t)i * iv->key_size;
		e->slots = val;
		e->nslots = iv->nslots;
		e->total = val[iv->nslots];
		e->count = val[iv->nslots + 1];
		e->name[0] = '\0';
		if (t->key_name)
			t->key_name(ctx, e->key, e->name, sizeof(e->name));
	}
	if (n > 0)
		bct_hist_sort(t, iv->v, n, iv->key_size);
	return n;
}

/* Flushes stdout; false (its error in *out_err, logged unless -EPIPE) when that failed. */
static bool flush_out(int *out_err)
{
	*out_err = bct_out__flush(NULL);
	return !*out_err;
}

static int intervals(struct bct_session *s, const struct bct_hist_tool *t, int fd, int *out_err)
{
	const struct bct_env *env = s->env;
	uint64_t left = env->count ? env->count : FOREVER;
	uint64_t every = env->interval ? env->interval : FOREVER;
	struct timespec deadline, end = { 0, 0 };
	struct interval iv = { 0 };
	int n, err;

	err = interval_alloc(&iv, fd);
	if (err) {
		pr_err("cannot read the histograms: %s", strerror(-err));
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	if (env->duration_ms) {
		end = deadline;
		end.tv_sec += env->duration_ms / 1000;
		end.tv_nsec += (env->duration_ms % 1000) * 1000000;
		if (end.tv_nsec >= 1000000000) {
			end.tv_sec++;
			end.tv_nsec -= 1000000000;
		}
	}
	for (;;) {
		bool last = false;
		char ts[32];
		time_t now;

		deadline.tv_sec += every;
		if (env->duration_ms &&
		    (deadline.tv_sec > end.tv_sec ||
		     (deadline.tv_sec == end.tv_sec && deadline.tv_nsec >= end.tv_nsec))) {
			deadline = end;
			last = true;
		}
		while (!bct_exiting &&
		       clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL) == EINTR)
			;
		n = drain(t, s->ctx, fd, &iv);
		if (n < 0) {
			err = n;
			pr_err("cannot read the histograms: %s", strerror(-err));
			break;
		}
		now = time(NULL);
		if (env->common.json)
			strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", localtime(&now));
		else
			strftime(ts, sizeof(ts), t->time_fmt ? t->time_fmt : "%H:%M:%S",
				 localtime(&now));
		bct_hist_print(t, s->ctx, stdout, env->common.json,
			       env->common.json || env->timestamp ? ts : NULL, iv.v, n);
		if (!flush_out(out_err) || bct_exiting || last || --left == 0)
			break;
	}
out:
	interval_free(&iv);
	return err;
}

int (*bct_hist_serve_hook)(struct bct_session *s, const struct bct_hist_tool *t);

int bct_hist_run(struct bct_session *s, const struct bct_hist_tool *t)
{
	int out_err = 0, err;

	if (bct_hist_serve_hook && !s->env->common.ebpf) {
		s->served = true;
		err = bct_prog__define(s->prog, "BCT_HIST_SERVE", NULL);
		err = err ?: bct_session__start(s);
		err = err ?: bct_session__go(s);
		if (!err) {
			int rc = bct_hist_serve_hook(s, t);

			bct_session__stop(s);
			return rc;
		}
		goto out;
	}
	if (s->env->common.ebpf) {
		err = bct_session__print_source(s);
		goto out;
	}
	err = bct_session__start(s);
	if (err)
		goto out;
	err = bct_session__go(s);
	if (err)
		goto out;
	if (t->banner && !s->env->common.json)
		printf("%s\n", t->banner);
	if (flush_out(&out_err))
		err = intervals(s, t, bct_prog__map_fd(s->prog, t->map ? t->map : "hists"),
				&out_err);
	bct_session__warn_missed(s, t->missed_what ? t->missed_what : "events");
out:
	if (err == -EINTR && bct_exiting)
		err = 0; /* stopped before attaching: a clean stop */
	bct_session__stop(s);
	return err || bct_out__settle(out_err) ? 1 : 0;
}
