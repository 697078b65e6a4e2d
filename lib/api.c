// SPDX-License-Identifier: Apache-2.0
/*
 * The C API (lib/bcctool.h, libbcctool): a program's text through the engine that bcctool run
 * uses (lib/bccrw.h for BCC's dialect, lib/compile.h and its cache, libbpf to open and load),
 * attach by spec, its maps by name and its event buffers behind one poll. The engine's own
 * messages are taken from lib/log.h's sink: the failing call's line becomes
 * bcctool_last_error(), and every line goes to the caller's log callback, never to a stream.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#define BCCTOOL_BUILDING
#include "bcctool.h"

#include "bccrw.h"
#include "compile.h"
#include "log.h"
#include "probe.h"
#include "rwattach.h"
#include "util.h"

#define ERR_LEN 512
#define MAX_DEFINES 256

struct api_events {
	struct bcctool *b;
	bcctool_event_fn fn;
	void *ctx;
	struct perf_buffer *pb; /* perf event arrays; ring buffers share b->rb */
};

struct bcctool {
	struct bpf_object *obj;
	void *elf;
	struct bct_rw rw;
	bool bcc;
	int pid;
	struct bpf_link **links;
	size_t nlinks, links_cap;
	struct api_events **evs;
	size_t nevs, evs_cap;
	struct ring_buffer *rb;
	int epfd;
	uint64_t consumed; /* events handed to callbacks */
	uint64_t lost;
	int stop; /* a perf buffer callback's stop value, for bcctool_poll() */
};

static __thread char last_err[ERR_LEN];
static pthread_mutex_t engine_lock = PTHREAD_MUTEX_INITIALIZER;
static bcctool_log_fn user_log;
static void *user_ctx;
static enum bcctool_log_level user_level;
static pthread_once_t sink_once = PTHREAD_ONCE_INIT;

static void forward(enum bct_log_level lvl, const char *msg)
{
	bcctool_log_fn fn = user_log;

	if (fn && (int)lvl <= (int)user_level)
		fn(user_ctx, (enum bcctool_log_level)lvl, msg);
}

/* The engine's messages: errors become the call's error, all go to the caller's callback. */
static void engine_sink(void *ctx, enum bct_log_level lvl, const char *msg)
{
	(void)ctx;
	if (lvl == BCT_LOG_ERR)
		snprintf(last_err, sizeof(last_err), "%s", msg);
	forward(lvl, msg);
}

static int libbpf_sink(enum libbpf_print_level lvl, const char *fmt, va_list ap)
{
	char msg[1024];
	size_t n;

	if (!user_log || (lvl == LIBBPF_DEBUG && user_level < BCCTOOL_LOG_DEBUG))
		return 0;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = '\0';
	forward(lvl == LIBBPF_WARN ? BCT_LOG_WARN : BCT_LOG_DEBUG, msg);
	return 0;
}

static void install_sinks(void)
{
	bct_log_set_sink(engine_sink, NULL);
	bct_log_set_prog("bcctool");
}

/* libbpf's messages during a call go to the caller's log callback: under the lock. */
static libbpf_print_fn_t lock_engine(void)
{
	pthread_mutex_lock(&engine_lock);
	return libbpf_set_print(libbpf_sink);
}

static void unlock_engine(libbpf_print_fn_t old)
{
	libbpf_set_print(old);
	pthread_mutex_unlock(&engine_lock);
}

__attribute__((format(printf, 2, 3))) static int fail(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_err, sizeof(last_err), fmt, ap);
	va_end(ap);
	forward(BCT_LOG_ERR, last_err);
	return err;
}

static void begin(void)
{
	pthread_once(&sink_once, install_sinks);
	last_err[0] = '\0';
}

const char *bcctool_last_error(void)
{
	return last_err;
}

void bcctool_set_log(bcctool_log_fn fn, void *ctx, enum bcctool_log_level level)
{
	user_log = fn;
	user_ctx = ctx;
	user_level = level;
}

const char *bcctool_version(void)
{
	return BCT_VERSION;
}

/* ---- load ---------------------------------------------------------------------------------- */

static const struct bct_rw_func *func_of(const struct bcctool *b, const char *name)
{
	size_t i;

	for (i = 0; b->bcc && i < b->rw.nfuncs; i++)
		if (!strcmp(b->rw.funcs[i].name, name))
			return &b->rw.funcs[i];
	return NULL;
}

/* Rewrites a BCC-dialect program, its -a specs first. */
static int rewrite(struct bcctool *b, const char *name, const char *text, size_t len,
		   const char *const *attach)
{
	struct bct_rw_spec *specs = NULL;
	char **funcs = NULL, msg[ERR_LEN];
	size_t n = 0, i;
	int err = 0;

	while (attach && attach[n])
		n++;
	if (n) {
		specs = calloc(n, sizeof(*specs));
		funcs = calloc(n, sizeof(*funcs));
		if (!specs || !funcs) {
			err = fail(-ENOMEM, "out of memory");
			goto out;
		}
	}
	for (i = 0; i < n; i++) {
		const char *eq = strchr(attach[i], '=');

		if (!eq || eq == attach[i]) {
			err = fail(-EINVAL, "invalid attach option '%s': want FUNC=SPEC",
				   attach[i]);
			goto out;
		}
		funcs[i] = strndup(attach[i], eq - attach[i]);
		if (!funcs[i]) {
			err = fail(-ENOMEM, "out of memory");
			goto out;
		}
		err = bct_rw_attach_spec(eq + 1, false, &specs[i].kind, &specs[i].target);
		if (err)
			goto out;
		specs[i].func = funcs[i];
	}
	err = bct_rw_rewrite(name, text, len, specs, n, &b->rw, msg, sizeof(msg));
	if (err == -EINVAL)
		fail(err, "%s: %s", name, msg);
	else if (err)
		fail(err, "cannot rewrite %s: %s", name, strerror(-err));
out:
	for (i = 0; funcs && i < n; i++)
		free(funcs[i]);
	free(funcs);
	free(specs);
	return err;
}

static int load_locked(struct bcctool *b, const char *text, size_t len,
		       const struct bcctool_opts *o)
{
	const char *name = o->name ? o->name : "program.c", *defs[MAX_DEFINES + 8];
	struct bct_compile_opts co = { 0 };
	struct bpf_program *prog;
	char kbuf[128], *copy = NULL;
	size_t elf_sz = 0;
	int err, n = 0;

	while (o->defines && o->defines[n]) {
		if (n == MAX_DEFINES)
			return fail(-E2BIG, "more than %d defines", MAX_DEFINES);
		defs[n] = o->defines[n];
		n++;
	}
	bct_rw_kernel_defines(defs, n, o->trace_pipe, kbuf, sizeof(kbuf));
	if (b->bcc) {
		err = rewrite(b, name, text, len, o->attach);
		if (err)
			return err;
		co.src_text = b->rw.text;
		co.src_len = b->rw.len;
	} else {
		copy = strndup(text, len);
		if (!copy)
			return fail(-ENOMEM, "out of memory");
		co.src_text = copy;
		co.src_len = strlen(copy);
	}
	if (strchr(name, '/'))
		co.src_path = name; /* its directory holds its quoted includes */
	else
		co.src_name = name;
	co.defines = defs;
	co.include_dirs = o->include_dirs;
	co.no_cache = o->no_cache;
	err = bct_compile(&co, &b->elf, &elf_sz);
	free(copy);
	if (err) {
		if (!last_err[0])
			fail(err, "cannot compile %s: %s", name, strerror(-err));
		return err;
	}
	b->obj = bpf_object__open_mem(b->elf, elf_sz,
				      &(struct bpf_object_open_opts){
					      .sz = sizeof(struct bpf_object_open_opts),
					      .object_name = "bcctool",
				      });
	if (!b->obj)
		return fail(-errno, "cannot open the program compiled from %s: %s", name,
			    strerror(errno));
	bpf_object__for_each_program(prog, b->obj) {
		const struct bct_rw_func *f = func_of(b, bpf_program__name(prog));

		if (f && f->kind == BCT_RW_NONE)
			bpf_program__set_autoload(prog, false);
	}
	if (b->bcc) {
		char msg[512];

		err = bct_rw_pin_maps(&b->rw, b->obj, msg, sizeof(msg));
		if (err)
			return fail(err, "%s", msg);
	}
	err = bpf_object__load(b->obj);
	bct_compile_reap();
	if (err == -EPERM || err == -EACCES)
		return fail(err, "cannot load %s: %s (it needs root, or CAP_BPF and CAP_PERFMON)",
			    name, strerror(-err));
	if (err)
		return fail(err, "cannot load %s: %s (the verifier's log went to the log callback)",
			    name, strerror(-err));
	return 0;
}

int bcctool_load(const char *text, size_t len, const struct bcctool_opts *opts,
		 struct bcctool **out)
{
	struct bcctool_opts o = { 0 };
	libbpf_print_fn_t old;
	struct bcctool *b;
	int err;

	begin();
	if (!out || !text)
		return fail(-EINVAL, "bcctool_load: no program text or no place for the result");
	*out = NULL;
	if (opts) {
		if (opts->sz < offsetof(struct bcctool_opts, trace_pipe) + sizeof(int))
			return fail(-EINVAL, "bcctool_load: opts.sz is not set");
		memcpy(&o, opts, sizeof(o) < opts->sz ? sizeof(o) : opts->sz);
	}
	if (o.dialect != BCCTOOL_DIALECT_BCC && o.dialect != BCCTOOL_DIALECT_CORE)
		return fail(-EINVAL, "bcctool_load: unknown dialect %d", (int)o.dialect);
	if (!len)
		len = strlen(text);
	b = calloc(1, sizeof(*b));
	if (!b)
		return fail(-ENOMEM, "out of memory");
	b->bcc = o.dialect == BCCTOOL_DIALECT_BCC;
	b->pid = o.pid;
	b->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (b->epfd < 0) {
		err = fail(-errno, "cannot create an epoll instance: %s", strerror(errno));
		free(b);
		return err;
	}
	old = lock_engine();
	err = load_locked(b, text, len, &o);
	unlock_engine(old);
	if (err) {
		bcctool_close(b);
		return err;
	}
	*out = b;
	return 0;
}

/* ---- attach -------------------------------------------------------------------------------- */

static int keep_link(struct bcctool *b, struct bpf_link *link)
{
	if (bct_grow((void **)&b->links, &b->links_cap, b->nlinks + 1, sizeof(*b->links))) {
		bpf_link__destroy(link);
		return fail(-ENOMEM, "out of memory");
	}
	b->links[b->nlinks++] = link;
	return 0;
}

/* Attaches prog to kind:target; kind BCT_RW_OTHER: by its section. */
static int attach_one(struct bcctool *b, struct bpf_program *prog, enum bct_rw_attach kind,
		      const char *target)
{
	const char *name = bpf_program__name(prog);
	struct bpf_link *link = NULL;
	bool said;

	switch (kind) {
	case BCT_RW_KPROBE:
	case BCT_RW_KRETPROBE:
		if (!bct_has_kprobes())
			return fail(-EOPNOTSUPP,
				    "cannot attach %s to %s %s: kprobes are not supported by this "
				    "kernel",
				    name, kind == BCT_RW_KPROBE ? "kprobe" : "kretprobe", target);
		/* fallthrough */
	case BCT_RW_TRACEPOINT:
	case BCT_RW_RAW_TP:
	case BCT_RW_UPROBE:
	case BCT_RW_URETPROBE:
		link = bct_rw_attach_target(prog, kind, target, b->pid, &said);
		if (!link && said)
			return -errno;
		break;
	default:
		link = bpf_program__attach(prog);
		break;
	}
	if (!link)
		return fail(-errno, "cannot attach %s%s%s: %s", name, target ? " to " : "",
			    target ? target : "", strerror(errno));
	return keep_link(b, link);
}

/* By the program's own section or name convention; 1 attached, 0 nothing to attach. */
static int attach_auto(struct bcctool *b, struct bpf_program *prog, bool all)
{
	const struct bct_rw_func *f = func_of(b, bpf_program__name(prog));
	const char *sec = bpf_program__section_name(prog);
	int err;

	if (!bpf_program__autoload(prog))
		return 0;
	if (f && f->kind == BCT_RW_NONE)
		return 0;
	if (!f && all && !strchr(sec, '/'))
		return 0; /* a bare SEC("uprobe") and the like: only with a spec */
	err = attach_one(b, prog, f ? f->kind : BCT_RW_OTHER, f ? f->target : NULL);
	return err ? err : 1;
}

static int attach_locked(struct bcctool *b, const char *func, const char *spec)
{
	struct bpf_program *prog;
	enum bct_rw_attach kind;
	const char *target;
	int err, n = 0;

	if (!func) {
		if (spec)
			return fail(-EINVAL, "bcctool_attach: a spec needs a function");
		bpf_object__for_each_program(prog, b->obj) {
			err = attach_auto(b, prog, true);
			if (err < 0)
				return err;
			n += err;
		}
		if (!n)
			return fail(-ENOENT, "no function of the program has a place to attach");
		return n;
	}
	prog = bpf_object__find_program_by_name(b->obj, func);
	if (!prog || !bpf_program__autoload(prog))
		return fail(-ENOENT, "no loaded function '%s' in the program", func);
	if (!spec) {
		err = attach_auto(b, prog, false);
		return err ? err : fail(-ENOENT, "function '%s' has no place to attach", func);
	}
	err = bct_rw_attach_spec(spec, false, &kind, &target);
	if (err)
		return err;
	err = attach_one(b, prog, kind, target);
	return err ? err : 1;
}

int bcctool_attach(struct bcctool *b, const char *func, const char *spec)
{
	libbpf_print_fn_t old;
	int err;

	begin();
	if (!b)
		return fail(-EINVAL, "bcctool_attach: no program");
	old = lock_engine();
	err = attach_locked(b, func, spec);
	unlock_engine(old);
	return err;
}

int bcctool_prog_fd(const struct bcctool *b, const char *func)
{
	struct bpf_program *prog;

	begin();
	prog = b && func ? bpf_object__find_program_by_name(b->obj, func) : NULL;
	if (!prog || bpf_program__fd(prog) < 0)
		return fail(-ENOENT, "no loaded function '%s' in the program", func ? func : "");
	return bpf_program__fd(prog);
}

/* ---- maps ---------------------------------------------------------------------------------- */

static struct bpf_map *map_of(const struct bcctool *b, const char *name)
{
	struct bpf_map *m = b && name ? bpf_object__find_map_by_name(b->obj, name) : NULL;

	if (!m || bpf_map__fd(m) < 0) {
		fail(-ENOENT, "no map '%s' in the program", name ? name : "");
		return NULL;
	}
	return m;
}

int bcctool_map_fd(const struct bcctool *b, const char *map)
{
	struct bpf_map *m;

	begin();
	m = map_of(b, map);
	return m ? bpf_map__fd(m) : -ENOENT;
}

int bcctool_map_info(const struct bcctool *b, const char *map, struct bcctool_map_info *info)
{
	struct bpf_map *m;
	int ncpu;

	begin();
	m = map_of(b, map);
	if (!m)
		return -ENOENT;
	memset(info, 0, sizeof(*info));
	info->type = bpf_map__type(m);
	info->key_size = bpf_map__key_size(m);
	info->value_size = bpf_map__value_size(m);
	info->value_buf_size = info->value_size;
	info->max_entries = bpf_map__max_entries(m);
	switch (info->type) {
	case BPF_MAP_TYPE_HASH:
	case BPF_MAP_TYPE_LRU_HASH:
		info->kind = BCCTOOL_MAP_HASH;
		break;
	case BPF_MAP_TYPE_ARRAY:
		info->kind = BCCTOOL_MAP_ARRAY;
		break;
	case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_PERCPU_ARRAY:
	case BPF_MAP_TYPE_LRU_PERCPU_HASH:
		info->kind = BCCTOOL_MAP_PERCPU;
		ncpu = libbpf_num_possible_cpus();
		if (ncpu < 0)
			return fail(ncpu, "cannot count the possible CPUs: %s", strerror(-ncpu));
		info->value_buf_size = (info->value_size + 7) / 8 * 8 * ncpu;
		break;
	case BPF_MAP_TYPE_PERF_EVENT_ARRAY:
	case BPF_MAP_TYPE_RINGBUF:
		info->kind = BCCTOOL_MAP_EVENTS;
		break;
	default:
		info->kind = BCCTOOL_MAP_OTHER;
		break;
	}
	return 0;
}

static int map_err(const char *op, const char *map, int err)
{
	if (err == -ENOENT)
		return fail(err, "%s: no such key in map '%s'", op, map);
	return fail(err, "%s: map '%s': %s", op, map, strerror(-err));
}

int bcctool_map_lookup(const struct bcctool *b, const char *map, const void *key, void *value)
{
	struct bpf_map *m;

	begin();
	m = map_of(b, map);
	if (!m)
		return -ENOENT;
	if (bpf_map_lookup_elem(bpf_map__fd(m), key, value))
		return map_err("lookup", map, -errno);
	return 0;
}

int bcctool_map_update(const struct bcctool *b, const char *map, const void *key, const void *value,
		       int flags)
{
	static const __u64 bpf_flags[] = { BPF_ANY, BPF_NOEXIST, BPF_EXIST };
	struct bpf_map *m;

	begin();
	if (flags < 0 || flags > BCCTOOL_EXIST)
		return fail(-EINVAL, "update: unknown flags %d", flags);
	m = map_of(b, map);
	if (!m)
		return -ENOENT;
	if (bpf_map_update_elem(bpf_map__fd(m), key, value, bpf_flags[flags]))
		return map_err("update", map, -errno);
	return 0;
}

int bcctool_map_delete(const struct bcctool *b, const char *map, const void *key)
{
	struct bpf_map *m;

	begin();
	m = map_of(b, map);
	if (!m)
		return -ENOENT;
	if (bpf_map_delete_elem(bpf_map__fd(m), key))
		return map_err("delete", map, -errno);
	return 0;
}

int bcctool_map_next_key(const struct bcctool *b, const char *map, const void *key, void *next)
{
	struct bpf_map *m;

	begin();
	m = map_of(b, map);
	if (!m)
		return -ENOENT;
	if (bpf_map_get_next_key(bpf_map__fd(m), key, next)) {
		if (errno == ENOENT)
			return -ENOENT; /* the end: not an error worth a message */
		return map_err("next key", map, -errno);
	}
	return 0;
}

/* ---- events -------------------------------------------------------------------------------- */

static int on_ring(void *ctx, void *data, size_t size)
{
	struct api_events *e = ctx;
	int rc = e->fn(e->ctx, data, size);

	if (rc < 0)
		return rc;
	e->b->consumed++;
	return 0;
}

static void on_perf(void *ctx, int cpu, void *data, __u32 size)
{
	struct api_events *e = ctx;
	int rc;

	(void)cpu;
	if (e->b->stop)
		return; /* a callback asked to stop: the rest of this drain is dropped */
	rc = e->fn(e->ctx, data, size);
	if (rc < 0)
		e->b->stop = rc;
	else
		e->b->consumed++;
}

static void on_perf_lost(void *ctx, int cpu, __u64 n)
{
	struct api_events *e = ctx;

	(void)cpu;
	e->b->lost += n;
}

static int events_open_locked(struct bcctool *b, const char *map, bcctool_event_fn fn, void *ctx)
{
	struct api_events *e;
	struct bpf_map *m;
	int err;

	if (!fn)
		return fail(-EINVAL, "bcctool_events_open: no callback");
	m = map_of(b, map);
	if (!m)
		return -ENOENT;
	if (bpf_map__type(m) != BPF_MAP_TYPE_RINGBUF &&
	    bpf_map__type(m) != BPF_MAP_TYPE_PERF_EVENT_ARRAY)
		return fail(-EINVAL, "map '%s' is not a ring buffer or a perf event array", map);
	if (bct_grow((void **)&b->evs, &b->evs_cap, b->nevs + 1, sizeof(*b->evs)))
		return fail(-ENOMEM, "out of memory");
	e = calloc(1, sizeof(*e));
	if (!e)
		return fail(-ENOMEM, "out of memory");
	e->b = b;
	e->fn = fn;
	e->ctx = ctx;
	err = 0;
	if (bpf_map__type(m) == BPF_MAP_TYPE_RINGBUF && b->rb) {
		err = ring_buffer__add(b->rb, bpf_map__fd(m), on_ring, e);
	} else if (bpf_map__type(m) == BPF_MAP_TYPE_RINGBUF) {
		b->rb = ring_buffer__new(bpf_map__fd(m), on_ring, e, NULL);
		if (!b->rb) {
			err = -errno;
		} else if (epoll_ctl(b->epfd, EPOLL_CTL_ADD, ring_buffer__epoll_fd(b->rb),
				     &(struct epoll_event){ .events = EPOLLIN })) {
			err = -errno;
			ring_buffer__free(b->rb);
			b->rb = NULL;
		}
	} else {
		e->pb = perf_buffer__new(bpf_map__fd(m), 64, on_perf, on_perf_lost, e, NULL);
		if (!e->pb || epoll_ctl(b->epfd, EPOLL_CTL_ADD, perf_buffer__epoll_fd(e->pb),
					&(struct epoll_event){ .events = EPOLLIN }))
			err = -errno;
	}
	if (err) {
		perf_buffer__free(e->pb);
		free(e);
		return fail(err, "cannot read the events of map '%s': %s", map, strerror(-err));
	}
	b->evs[b->nevs++] = e;
	return 0;
}

int bcctool_events_open(struct bcctool *b, const char *map, bcctool_event_fn fn, void *ctx)
{
	libbpf_print_fn_t old;
	int err;

	begin();
	old = lock_engine();
	err = events_open_locked(b, map, fn, ctx);
	unlock_engine(old);
	return err;
}

static int consume(struct bcctool *b)
{
	size_t i;
	int err;

	if (b->rb) {
		err = ring_buffer__consume(b->rb);
		if (err < 0)
			return err;
	}
	for (i = 0; i < b->nevs; i++) {
		if (!b->evs[i]->pb)
			continue;
		err = perf_buffer__consume(b->evs[i]->pb);
		if (b->stop)
			return b->stop;
		if (err < 0)
			return err;
	}
	return 0;
}

int bcctool_poll(struct bcctool *b, int timeout_ms)
{
	struct epoll_event ev[8];
	uint64_t before;
	int err;

	begin();
	if (!b || !b->nevs)
		return fail(-EINVAL, "bcctool_poll: no events opened (bcctool_events_open)");
	before = b->consumed;
	b->stop = 0;
	if (timeout_ms && epoll_wait(b->epfd, ev, 8, timeout_ms) < 0 && errno != EINTR)
		return fail(-errno, "cannot wait for events: %s", strerror(errno));
	err = consume(b);
	b->stop = 0;
	if (err < 0)
		return err; /* a callback's stop value, or a read error */
	return (int)(b->consumed - before);
}

int bcctool_poll_fd(const struct bcctool *b)
{
	return b ? b->epfd : -EINVAL;
}

uint64_t bcctool_events_lost(const struct bcctool *b)
{
	return b ? b->lost : 0;
}

void bcctool_close(struct bcctool *b)
{
	size_t i;

	if (!b)
		return;
	for (i = 0; i < b->nlinks; i++)
		bpf_link__destroy(b->links[i]);
	free(b->links);
	ring_buffer__free(b->rb);
	for (i = 0; i < b->nevs; i++) {
		perf_buffer__free(b->evs[i]->pb);
		free(b->evs[i]);
	}
	free(b->evs);
	if (b->epfd >= 0)
		close(b->epfd);
	bpf_object__close(b->obj);
	free(b->elf);
	bct_rw_free(&b->rw);
	free(b);
}
