// SPDX-License-Identifier: Apache-2.0
/* The event stream: ring buffer or perf buffer, drained on a short interval, losses counted. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "buf.h"
#include "log.h"
#include "prog.h"
#include "signals.h"

#define PERF_PAGES 64 /* per CPU */
#define LOST_REPORT_NS 1000000000ULL
#define STOPPED (-ECANCELED)
/* Events handled in one poll at most, so that a flood still lets the loop flush and stop. */
#define MAX_PER_POLL 65536

/*
 * The BPF ring buffer, read directly. libbpf's ring_buffer maps the data area twice (so that
 * a record that wraps reads as one piece), and the kernel maps all of it at mmap() time: 2 MiB
 * of resident memory for a 1 MiB ring. Mapped once, a wrapping record (rare) is copied.
 */
struct ring {
	int epfd;
	unsigned long *consumer_pos; /* the writable first page */
	unsigned long *producer_pos; /* the read-only page before the data */
	char *data;
	uint64_t mask; /* data size - 1 (a power of 2) */
	size_t page_sz;
	char *bounce; /* a wrapping record, made contiguous */
	size_t bounce_sz;
};

struct bct_buf {
	struct ring *rb;
	struct perf_buffer *pb;
	bct_buf_sample_fn fn;
	void *ctx;
	bct_buf_lost_fn lost_fn;
	void *lost_ctx;
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

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void ring_free(struct ring *r)
{
	if (!r)
		return;
	if (r->consumer_pos)
		munmap(r->consumer_pos, r->page_sz);
	if (r->producer_pos)
		munmap(r->producer_pos, r->page_sz + r->mask + 1);
	if (r->epfd >= 0)
		close(r->epfd);
	free(r->bounce);
	free(r);
}

static struct ring *ring_new(int fd, uint32_t size)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct ring *r = calloc(1, sizeof(*r));
	void *p;
	int err;

	if (!r)
		return NULL;
	r->epfd = -1;
	r->page_sz = sysconf(_SC_PAGESIZE);
	if (!size || (size & (size - 1))) {
		err = -EINVAL;
		goto err;
	}
	r->mask = size - 1;
	p = mmap(NULL, r->page_sz, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		err = -errno;
		goto err;
	}
	r->consumer_pos = p;
	p = mmap(NULL, r->page_sz + size, PROT_READ, MAP_SHARED, fd, r->page_sz);
	if (p == MAP_FAILED) {
		err = -errno;
		goto err;
	}
	r->producer_pos = p;
	r->data = (char *)p + r->page_sz;
	r->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (r->epfd < 0 || epoll_ctl(r->epfd, EPOLL_CTL_ADD, fd, &ev)) {
		err = -errno;
		goto err;
	}
	return r;
err:
	ring_free(r);
	errno = -err;
	return NULL;
}

static int rb_sample(void *ctx, void *data, size_t size);

/*
 * Hands every committed record to rb_sample, as libbpf's ring_buffer__consume() does: the
 * consumer position advances past each record (discarded ones too) before the next; a
 * negative return from rb_sample stops the loop after that record.
 */
static int ring_consume(struct bct_buf *b)
{
	struct ring *r = b->rb;
	uint64_t cons = __atomic_load_n(r->consumer_pos, __ATOMIC_ACQUIRE), prod;
	bool more = true;
	int err = 0;

	while (more) {
		more = false;
		prod = __atomic_load_n(r->producer_pos, __ATOMIC_ACQUIRE);
		while (cons < prod) {
			uint64_t off = cons & r->mask;
			uint32_t hdr =
				__atomic_load_n((uint32_t *)(r->data + off), __ATOMIC_ACQUIRE);
			uint32_t len = hdr & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
			uint64_t start = (off + BPF_RINGBUF_HDR_SZ) & r->mask;
			char *sample = r->data + start;

			if (hdr & BPF_RINGBUF_BUSY_BIT)
				return err; /* not committed yet */
			more = true;
			cons += (len + BPF_RINGBUF_HDR_SZ + 7) & ~7ULL;
			if (!(hdr & BPF_RINGBUF_DISCARD_BIT)) {
				if (start + len > r->mask + 1) {
					size_t first = r->mask + 1 - start;

					if (r->bounce_sz < len) {
						char *nb = realloc(r->bounce, len);

						if (!nb) {
							__atomic_store_n(r->consumer_pos, cons,
									 __ATOMIC_RELEASE);
							return -ENOMEM;
						}
						r->bounce = nb;
						r->bounce_sz = len;
					}
					memcpy(r->bounce, sample, first);
					memcpy(r->bounce + first, r->data, len - first);
					sample = r->bounce;
				}
				err = rb_sample(b, sample, len);
				if (err < 0) {
					__atomic_store_n(r->consumer_pos, cons, __ATOMIC_RELEASE);
					return err;
				}
			}
			__atomic_store_n(r->consumer_pos, cons, __ATOMIC_RELEASE);
		}
	}
	return err;
}

/* Waits up to ms for the kernel's wake-up (epoll), then consumes. */
static int ring_poll(struct bct_buf *b, int ms)
{
	struct epoll_event ev;

	if (epoll_wait(b->rb->epfd, &ev, 1, ms) < 0 && errno != EINTR)
		return -errno;
	return ring_consume(b);
}

static int rb_sample(void *ctx, void *data, size_t size)
{
	struct bct_buf *b = ctx;
	int ret;

	b->count++;
	ret = b->fn(b->ctx, data, size);
	if (ret) {
		b->stop = ret;
		return STOPPED;
	}
	/* the sample is consumed either way: libbpf advances past it before calling us */
	if (bct_exiting || b->count >= MAX_PER_POLL)
		return STOPPED;
	return 0;
}

static void pb_sample(void *ctx, int cpu, void *data, __u32 size)
{
	struct bct_buf *b = ctx;
	int ret;

	if (b->stop || bct_exiting)
		return; /* dropped: the tool is stopping */
	b->count++;
	ret = b->fn(b->ctx, data, size);
	if (ret)
		b->stop = ret;
}

static void pb_lost(void *ctx, int cpu, __u64 cnt)
{
	struct bct_buf *b = ctx;

	b->lost_perf += cnt;
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
		b->rb = ring_new(fd, bpf_map__max_entries(map));
		if (!b->rb) {
			err = -errno;
			pr_err("cannot open ring buffer 'events': %s", strerror(-err));
			goto err_free;
		}
	} else {
		b->pb = perf_buffer__new(fd, PERF_PAGES, pb_sample, pb_lost, b, NULL);
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

	if (total <= b->reported)
		return;
	now = now_ns();
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
		err = ring_poll(b, ms);
	} else {
		err = perf_buffer__poll(b->pb, ms);
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
	deadline = now_ns() + (uint64_t)timeout_ms * 1000000;
	b->count = 0;
	b->stop = 0;
	for (;;) {
		uint64_t now = now_ns();
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
	if (total)
		pr_warn("lost %llu events in total", (unsigned long long)total);
	ring_free(b->rb);
	perf_buffer__free(b->pb);
	free(b->percpu);
	free(b);
}
