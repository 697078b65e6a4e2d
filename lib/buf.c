// SPDX-License-Identifier: Apache-2.0
/* The event stream: ring buffer or perf buffer, drained on a short interval, losses counted. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "buf.h"
#include "log.h"
#include "prog.h"
#include "signals.h"
#include "util.h"

#define PERF_PAGES 64 /* per CPU */
#define LOST_REPORT_NS 1000000000ULL
#define STOPPED (-ECANCELED)
/* Events handled in one poll at most, so that a flood still lets the loop flush and stop. */
#define MAX_PER_POLL 65536

struct bct_buf {
	struct ring_buffer *rb;
	struct perf_buffer *pb;
	bct_buf_sample_fn fn;
	void *ctx;
	bct_buf_lost_fn lost_fn;
	void *lost_ctx;
	bool quiet; /* bct_buf__quiet(): no more lost-event reports */
	int stop; /* the sample callback's non-zero return */
	int count; /* events consumed in this poll */
	int lost_fd; /* "lost_events", or -1 */
	int ncpus;
	uint64_t *percpu;
	uint64_t lost_map; /* sum of lost_events at the last read */
	uint64_t lost_perf; /* perf buffer overruns */
	uint64_t reported;
	uint64_t last_report_ns;
};

static int rb_sample(void *ctx, void *data, size_t size)
{
	struct bct_buf *b = ctx;
	int ret;

	b->count++;
	ret = b->fn(b->ctx, data, size);
	if (ret < 0) {
		b->stop = ret;
		return STOPPED;
	}
	/*
	 * The sample is consumed either way: libbpf advances past it before calling us. A stop
	 * (Ctrl-C) does not end the consume: what is in the ring happened while tracing and is
	 * printed (the ring's size bounds it); only a flood that never lets the ring empty is cut,
	 * at MAX_PER_POLL per poll.
	 */
	if (b->count >= MAX_PER_POLL)
		return STOPPED;
	return 0;
}

static void pb_sample(void *ctx, int cpu, void *data, __u32 size)
{
	struct bct_buf *b = ctx;
	int ret;

	if (b->stop)
		return; /* dropped: the output failed */
	b->count++;
	ret = b->fn(b->ctx, data, size);
	if (ret < 0)
		b->stop = ret;
}

/* A perf buffer record (kernels without BPF ring buffers): a sample, or a count of losses. */
static enum bpf_perf_event_ret pb_record(void *ctx, int cpu, struct perf_event_header *e)
{
	struct bct_buf *b = ctx;

	if (e->type == PERF_RECORD_SAMPLE) {
		struct {
			struct perf_event_header h;
			__u32 size;
			char data[];
		} *s = (void *)e;

		pb_sample(b, cpu, s->data, s->size);
	} else if (e->type == PERF_RECORD_LOST) {
		struct {
			struct perf_event_header h;
			__u64 id;
			__u64 lost;
		} *l = (void *)e;

		b->lost_perf += l->lost;
	}
	return LIBBPF_PERF_EVENT_CONT;
}

/*
 * One BPF-output perf buffer per CPU that wakes the reader only once half full, not per event
 * (libbpf's perf_buffer__new() asks for a wake-up per event): the poll loop drains the rest
 * every BCT_BUF_DRAIN_MS, as it does the ring buffer.
 */
static struct perf_buffer *open_perf_buffer(int fd, struct bct_buf *b)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof(attr),
		.config = PERF_COUNT_SW_BPF_OUTPUT,
		.sample_period = 1,
		.sample_type = PERF_SAMPLE_RAW,
		.watermark = 1,
	};

	attr.wakeup_watermark = PERF_PAGES * sysconf(_SC_PAGESIZE) / 2;
	return perf_buffer__new_raw(fd, PERF_PAGES, &attr, pb_record, b, NULL);
}

struct bct_buf *bct_buf__new(struct bct_prog *p, bct_buf_sample_fn fn, void *ctx)
{
	struct bpf_object *obj = bct_prog__object(p);
	struct bpf_map *map;
	struct bct_buf *b;
	int fd, err;

	if (!obj || !fn) {
		errno = EINVAL;
		return NULL;
	}
	map = bpf_object__find_map_by_name(obj, "events");
	fd = map ? bpf_map__fd(map) : -1;
	if (fd < 0) {
		pr_err("BPF program has no map 'events' (bct_common.bpf.h)");
		errno = ENOENT;
		return NULL;
	}
	b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->fn = fn;
	b->ctx = ctx;
	b->lost_fd = bct_prog__map_fd(p, "lost_events");
	if (b->lost_fd < 0)
		b->lost_fd = -1;
	b->ncpus = libbpf_num_possible_cpus();
	if (b->ncpus <= 0)
		b->ncpus = 1;
	b->percpu = calloc(b->ncpus, sizeof(*b->percpu));
	if (!b->percpu) {
		free(b);
		errno = ENOMEM;
		return NULL;
	}
	if (bpf_map__type(map) == BPF_MAP_TYPE_RINGBUF) {
		b->rb = ring_buffer__new(fd, rb_sample, b, NULL);
		if (!b->rb) {
			err = -errno;
			pr_err("cannot open ring buffer 'events': %s", strerror(-err));
			goto err_free;
		}
	} else {
		b->pb = open_perf_buffer(fd, b);
		if (!b->pb) {
			err = -errno;
			pr_err("cannot open perf buffer 'events': %s", strerror(-err));
			goto err_free;
		}
	}
	return b;

err_free:
	free(b->percpu);
	free(b);
	errno = -err;
	return NULL;
}

void bct_buf__quiet(struct bct_buf *b)
{
	if (b)
		b->quiet = true;
}

void bct_buf__set_lost_fn(struct bct_buf *b, bct_buf_lost_fn fn, void *ctx)
{
	b->lost_fn = fn;
	b->lost_ctx = ctx;
}

bool bct_buf__is_ringbuf(const struct bct_buf *b)
{
	return b && b->rb;
}

static void read_lost_map(struct bct_buf *b)
{
	__u32 zero = 0;
	uint64_t sum = 0;
	int i;

	if (b->lost_fd < 0 || bpf_map_lookup_elem(b->lost_fd, &zero, b->percpu))
		return;
	for (i = 0; i < b->ncpus; i++)
		sum += b->percpu[i];
	b->lost_map = sum;
}

uint64_t bct_buf__lost(struct bct_buf *b)
{
	if (!b)
		return 0;
	read_lost_map(b);
	return b->lost_map + b->lost_perf;
}

static void report_lost(struct bct_buf *b)
{
	uint64_t total = bct_buf__lost(b), now;

	if (total <= b->reported || b->quiet)
		return;
	now = bct_mono_ns();
	if (b->last_report_ns && now - b->last_report_ns < LOST_REPORT_NS)
		return;
	if (b->lost_fn)
		b->lost_fn(b->lost_ctx, total - b->reported);
	else
		pr_warn("Possibly lost %llu events", (unsigned long long)(total - b->reported));
	b->reported = total;
	b->last_report_ns = now;
}

/* One drain: wait up to ms for a wake-up, then consume whatever is there. */
static int drain(struct bct_buf *b, int ms)
{
	int err;

	if (b->rb) {
		err = ring_buffer__poll(b->rb, ms);
		if (err >= 0 || err == -EINTR)
			err = ring_buffer__consume(b->rb);
	} else {
		err = perf_buffer__poll(b->pb, ms);
		if (err >= 0 || err == -EINTR)
			err = perf_buffer__consume(b->pb);
	}
	if (b->stop)
		return STOPPED;
	if (err == STOPPED || err == -EINTR)
		return 0;
	return err < 0 ? err : 0;
}

int bct_buf__poll(struct bct_buf *b, int timeout_ms)
{
	uint64_t deadline;
	int err;

	if (!b)
		return -EINVAL;
	if (timeout_ms < 0)
		timeout_ms = 0;
	deadline = bct_mono_ns() + (uint64_t)timeout_ms * 1000000;
	b->count = 0;
	b->stop = 0;
	for (;;) {
		uint64_t now = bct_mono_ns();
		int left = now < deadline ? (int)((deadline - now + 999999) / 1000000) : 0;

		err = drain(b, left < BCT_BUF_DRAIN_MS ? left : BCT_BUF_DRAIN_MS);
		if (err == STOPPED && b->stop)
			return b->stop;
		if (err < 0) {
			pr_err("cannot read events: %s", strerror(-err));
			return err;
		}
		report_lost(b);
		if (b->count || !left || bct_exiting)
			return b->count;
	}
}

void bct_buf__free(struct bct_buf *b)
{
	uint64_t total;

	if (!b)
		return;
	total = bct_buf__lost(b);
	if (total && !b->quiet)
		pr_warn("lost %llu events in total", (unsigned long long)total);
	ring_buffer__free(b->rb);
	perf_buffer__free(b->pb);
	free(b->percpu);
	free(b);
}
