// SPDX-License-Identifier: Apache-2.0
/* The event-tool runner: output, poll loop with batching and flushing, --exec, -d, EPIPE. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "buf.h"
#include "events.h"
#include "log.h"
#include "prog.h"
#include "signals.h"
#include "util.h"

#define BATCH_US 2000 /* under load, a drain at most every 2 ms */
#define FLUSH_US 10000 /* output reaches a pipe within 10 ms */
#define FLUSH_BELOW 32 /* a drain of fewer events is flushed at once (light load: no batching) */
#define DEFAULT_PAGES 64 /* BCC's -b default, per CPU */
#define RING_MAX_LOG2 28 /* 256 MiB */

struct run {
	struct bct_session *s;
	const struct bct_event_tool *t;
	struct bct_out *out;
	struct bct_buf *buf;
	int out_err; /* a failed write to stdout: -errno (-EPIPE: the reader is gone) */
};

static int on_sample(void *ctx, const void *data, size_t size)
{
	struct run *r = ctx;

	r->out_err = r->t->on_event(r->s->ctx, r->out, data, size);
	return r->out_err;
}

/* Writes out what is buffered; false once stdout failed. */
static bool flush_out(struct run *r)
{
	if (!r->out_err)
		r->out_err = bct_out__flush(r->out);
	return !r->out_err;
}

/* Output, ring, attach, banner and header, then the --exec command. 0 or -errno (logged). */
static int start(struct run *r)
{
	struct bct_out_opts oo = {
		.file = stdout, .cols = r->t->cols, .json = r->s->env->common.json, .sep = r->t->sep
	};
	int err;

	err = bct_session__start(r->s);
	if (err)
		return err;
	r->out = bct_out__new(&oo);
	if (!r->out) {
		err = -errno;
		pr_err("cannot set up the output: %s", strerror(-err));
		return err;
	}
	if (r->t->columns)
		r->t->columns(r->s->ctx, r->out);
	r->buf = bct_buf__new(r->s->prog, on_sample, r);
	if (!r->buf)
		return -errno;
	bct_buf__set_lost_fn(r->buf, bct_out_lost, r->out);
	if (r->t->banner && !oo.json && fprintf(stdout, "%s\n", r->t->banner) < 0)
		r->out_err = -errno;
	if (!r->out_err && !r->t->no_header)
		r->out_err = bct_out__header(r->out);
	if (!flush_out(r))
		return 0; /* stdout is gone already: nothing to do */
	return bct_session__go(r->s);
}

/*
 * Polls until Ctrl-C, -d, the --exec child's exit, or a closed stdout. Under load, drains
 * start at most every BATCH_US (the ring holds thousands of events, so nothing is lost, and
 * each drain's syscalls serve a big batch), and output is flushed every FLUSH_US; under light
 * load (a drain of few events) or when idle, at once.
 */
static int loop(struct run *r)
{
	uint64_t duration_ms = r->s->env->duration_ms;
	uint64_t deadline = duration_ms ? bct_mono_ns() / 1000 + duration_ms * 1000 : 0;
	uint64_t last_flush = bct_mono_ns() / 1000;
	int timeout = r->s->env->exec_argv ? 20 : 100;
	int err = 0;

	while (!bct_exiting) {
		uint64_t start = bct_mono_ns() / 1000, now;
		int t = timeout, n;

		if (deadline) {
			if (start >= deadline)
				break;
			if (deadline - start < (uint64_t)t * 1000)
				t = (deadline - start + 999) / 1000;
		}
		n = bct_buf__poll(r->buf, t);
		if (n < 0) {
			if (!r->out_err)
				err = n; /* a read error, not the output's */
			break;
		}
		now = bct_mono_ns() / 1000;
		if (n < FLUSH_BELOW || now - last_flush >= FLUSH_US) {
			if (!flush_out(r))
				break;
			last_flush = now;
		}
		if (bct_session__child_done(r->s, &err)) {
			/* its last events are already in the ring: drain them, then stop */
			while (bct_buf__poll(r->buf, 0) > 0)
				;
			break;
		}
		if (n > 0 && now - start < BATCH_US) {
			struct timespec ts = { 0, (BATCH_US - (now - start)) * 1000 };

			nanosleep(&ts, NULL); /* a signal ends it early */
		}
	}
	/*
	 * Events submitted without a wake-up may still wait in the ring when Ctrl-C or -d ends
	 * the loop: they happened while we were tracing, so they are printed too (a few drains at
	 * most: under a flood the ring never empties).
	 */
	for (int i = 0; i < 4 && !err && !r->out_err && bct_buf__poll(r->buf, 0) > 0; i++)
		;
	flush_out(r);
	return err;
}

/*
 * The ring for BCC's -b pages per CPU: 512 KiB on 2 CPUs by default (at ~850k opens/s
 * saturating both CPUs, opensnoop loses ~2%, reported; -b 128 loses none there). The ring's
 * pages count twice in RSS: libbpf maps them twice for wrap-around. Sized at load time, so a
 * -b value does not change the compiled object.
 */
uint64_t bct_events_max_pages(void)
{
	uint64_t per = sysconf(_SC_PAGESIZE) * (uint64_t)libbpf_num_possible_cpus(), max = 1;

	while (max * 2 * per <= 1ULL << RING_MAX_LOG2)
		max *= 2;
	return max;
}

static int size_ring(struct bct_session *s, uint64_t pages)
{
	uint64_t bytes = (pages ? pages : DEFAULT_PAGES) * sysconf(_SC_PAGESIZE) *
			 (uint64_t)libbpf_num_possible_cpus();
	uint32_t log2 = 0;

	while ((1ULL << log2) < bytes)
		log2++;
	if (log2 > RING_MAX_LOG2) {
		pr_err("a ring of %" PRIu64 " bytes is too big: at most %llu bytes in all CPUs' "
		       "pages (-b)",
		       bytes, 1ULL << RING_MAX_LOG2);
		return -E2BIG;
	}
	return bct_prog__set_map_size(s->prog, "events", 1U << log2)
		       ?: bct_prog__set_const(s->prog, "bct_events_log2", log2);
}

int (*bct_events_serve_hook)(struct bct_session *s, const struct bct_event_tool *t,
			     struct bct_events_count *c);

static ssize_t discard(void *cookie, const char *buf, size_t size)
{
	(void)cookie, (void)buf;
	return (ssize_t)size;
}

/* One event through the tool's callback into the discarding output: its rows count. */
static int count_sample(void *ctx, const void *data, size_t size)
{
	struct bct_events_count *c = ctx;

	c->t->on_event(c->s->ctx, c->out, data, size);
	__atomic_store_n(&c->events, bct_out__rows(c->out), __ATOMIC_RELAXED);
	return 0; /* nothing is printed: a failure to print does not stop the count */
}

static void count_lost(void *ctx, uint64_t lost)
{
	struct bct_events_count *c = ctx;

	__atomic_fetch_add(&c->lost, lost, __ATOMIC_RELAXED);
}

/* The session started with its events counted, then the serve hook. */
static int run_counted(struct bct_session *s, const struct bct_event_tool *t)
{
	cookie_io_functions_t io = { .write = discard };
	struct bct_events_count c = { .s = s, .t = t };
	FILE *null = fopencookie(NULL, "w", io);
	int err, rc = 1;

	s->served = true;
	err = null ? bct_session__start(s) : -errno;
	if (!null)
		pr_err("cannot count the events: %s", strerror(-err));
	if (!err) {
		struct bct_out_opts oo = { .file = null, .cols = t->cols, .sep = t->sep };

		c.out = bct_out__new(&oo);
		err = c.out ? 0 : -errno;
		if (err)
			pr_err("cannot count the events: %s", strerror(-err));
	}
	if (!err && t->columns)
		t->columns(s->ctx, c.out);
	if (!err) {
		c.buf = bct_buf__new(s->prog, count_sample, &c);
		err = c.buf ? 0 : -errno;
	}
	if (!err) {
		bct_buf__set_lost_fn(c.buf, count_lost, &c);
		err = bct_session__go(s);
	}
	if (!err)
		rc = bct_events_serve_hook(s, t, &c);
	else if (err == -EINTR && bct_exiting)
		rc = 0; /* stopped before attaching: a clean stop */
	if (c.buf)
		bct_buf__quiet(c.buf); /* the loss was served, not printed */
	bct_buf__free(c.buf);
	bct_session__stop(s);
	bct_out__free(c.out);
	if (null)
		fclose(null);
	return rc;
}

int bct_events_run(struct bct_session *s, const struct bct_event_tool *t)
{
	struct run r = { .s = s, .t = t };
	int err;

	err = size_ring(s, t->ring_pages);
	if (err) {
		pr_err("cannot set up the BPF program: %s", strerror(-err));
		bct_session__stop(s);
		return 1;
	}
	if (bct_events_serve_hook && !s->env->common.ebpf)
		return run_counted(s, t);
	if (s->env->common.ebpf) {
		err = bct_session__print_source(s);
	} else {
		err = start(&r);
		if (!err && !r.out_err)
			err = loop(&r);
		if (err == -EINTR && bct_exiting)
			err = 0; /* stopped before attaching: a clean stop */
	}
	if (r.out_err == -EPIPE)
		bct_buf__quiet(r.buf); /* a closed pipe is a silent stop */
	bct_buf__free(r.buf);
	bct_session__stop(s);
	bct_out__free(r.out);
	return err || bct_out__settle(r.out_err) ? 1 : 0;
}
