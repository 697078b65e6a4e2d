/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bcctool's C API (libbcctool, pkg-config name "bcctool"): load a BPF program from its text
 * (BCC's dialect, as `bcctool run` takes it, or plain libbpf CO-RE C), attach its functions,
 * read and write its maps by name and consume the events it submits. The program is compiled
 * by the same engine and cache as bcctool's tools. See bcctool(3).
 *
 * Every function returning int returns 0 (or a count) on success and a negative errno on
 * failure; the failing call's one-line message is then bcctool_last_error() (per thread).
 * Nothing is printed on stdout; diagnostics go to the callback of bcctool_set_log() (none by
 * default). The library never exits the process.
 */
#ifndef BCCTOOL_H
#define BCCTOOL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && defined(BCCTOOL_BUILDING)
#define BCCTOOL_API __attribute__((visibility("default")))
#else
#define BCCTOOL_API
#endif

#define BCCTOOL_VERSION_MAJOR 0

/* The program's language. */
enum bcctool_dialect {
	BCCTOOL_DIALECT_BCC = 0, /* BCC's C: BPF_HASH(), TRACEPOINT_PROBE(), map.lookup() ... */
	BCCTOOL_DIALECT_CORE = 1, /* libbpf C: SEC("..."), BTF maps; vmlinux.h is included */
};

/* Options of bcctool_load(); NULL means all defaults. Zero every field you do not set. */
struct bcctool_opts {
	size_t sz; /* sizeof(struct bcctool_opts): set it */
	enum bcctool_dialect dialect;
	const char *name; /* the program's name in messages ("program.c" when NULL) */
	const char *const *defines; /* "NAME" or "NAME=VALUE", NULL-terminated; may be NULL */
	const char *const *include_dirs; /* absolute -I directories, NULL-terminated; may be NULL */
	/*
	 * BCC dialect: "FUNC=SPEC" entries (bcctool run -a), NULL-terminated: gives FUNC its
	 * section so that bcctool_attach(b, NULL, NULL) attaches it to SPEC.
	 */
	const char *const *attach;
	int pid; /* uprobes attached by bcctool_attach() fire in this process only; 0: all */
	int no_cache; /* compile even when the cache has the object */
	int trace_pipe; /* bpf_trace_printk() writes to the kernel's trace_pipe (BCC dialect) */
};

struct bcctool;

/*
 * Compiles (or fetches from the cache), opens and loads the program text (len bytes; 0:
 * strlen(text)). On success *out is the loaded program, nothing attached yet.
 * -EINVAL: the program is wrong (the rewriter's or compiler's message), -EPERM: no privilege
 * (root or CAP_BPF+CAP_PERFMON), -ENOENT: the compiler plugin was not found.
 */
BCCTOOL_API int bcctool_load(const char *text, size_t len, const struct bcctool_opts *opts,
			     struct bcctool **out);

/*
 * Attaches function func to spec:
 *   t:CAT:EVENT    tracepoint             u:LIB:SYM  uprobe (LIB a path or "c", "pthread"...)
 *   p::KFUNC       kprobe                 r:LIB:SYM  uretprobe
 *   r::KFUNC       kretprobe
 * With spec NULL: func by its section (BCC dialect: its name's convention or the "attach"
 * option). With func NULL too: every function of the program that has a place to attach.
 * Returns the number of functions attached (>= 1), or -errno: -ENOENT (no such function),
 * -EOPNOTSUPP (no kprobes in this kernel), -EINVAL (bad spec).
 */
BCCTOOL_API int bcctool_attach(struct bcctool *b, const char *func, const char *spec);

/* The file descriptor of a function's BPF program, or -ENOENT. */
BCCTOOL_API int bcctool_prog_fd(const struct bcctool *b, const char *func);

/* ---- maps, by the name the program declared ------------------------------------------------ */

enum bcctool_map_kind {
	BCCTOOL_MAP_HASH,
	BCCTOOL_MAP_ARRAY,
	BCCTOOL_MAP_PERCPU, /* per-CPU hash or array: values are ncpus slots, see below */
	BCCTOOL_MAP_EVENTS, /* perf event array or ring buffer: see bcctool_events_open() */
	BCCTOOL_MAP_OTHER, /* stack traces and the rest: use bcctool_map_fd() with libbpf */
};

struct bcctool_map_info {
	enum bcctool_map_kind kind;
	uint32_t type; /* enum bpf_map_type */
	uint32_t key_size;
	uint32_t value_size; /* one value */
	/*
	 * The bytes a value buffer of lookup/update must have: value_size, or for per-CPU maps
	 * value_size rounded up to 8, times the number of possible CPUs.
	 */
	uint32_t value_buf_size;
	uint32_t max_entries;
};

/* The map's file descriptor, or -ENOENT. */
BCCTOOL_API int bcctool_map_fd(const struct bcctool *b, const char *map);
BCCTOOL_API int bcctool_map_info(const struct bcctool *b, const char *map,
				 struct bcctool_map_info *info);
/* Copies the value of key into value (value_buf_size bytes). -ENOENT when absent. */
BCCTOOL_API int bcctool_map_lookup(const struct bcctool *b, const char *map, const void *key,
				   void *value);

#define BCCTOOL_ANY 0 /* create or replace */
#define BCCTOOL_NOEXIST 1 /* create only: -EEXIST when present */
#define BCCTOOL_EXIST 2 /* replace only: -ENOENT when absent */
BCCTOOL_API int bcctool_map_update(const struct bcctool *b, const char *map, const void *key,
				   const void *value, int flags);
/* -ENOENT when absent (and for arrays, whose entries cannot be deleted: -EINVAL) */
BCCTOOL_API int bcctool_map_delete(const struct bcctool *b, const char *map, const void *key);
/*
 * Iteration: the key after key (NULL: the first) into next. -ENOENT after the last one.
 *	for (err = bcctool_map_next_key(b, "m", NULL, &k); !err;
 *	     err = bcctool_map_next_key(b, "m", &k, &k))
 */
BCCTOOL_API int bcctool_map_next_key(const struct bcctool *b, const char *map, const void *key,
				     void *next);

/* ---- events -------------------------------------------------------------------------------- */

/* Called once per event with its bytes; returns 0 to go on, a negative errno to stop. */
typedef int (*bcctool_event_fn)(void *ctx, const void *data, size_t size);

/*
 * Starts reading the events submitted to map (BPF_PERF_OUTPUT, BPF_RINGBUF_OUTPUT, or a
 * PERF_EVENT_ARRAY/RINGBUF map of a CO-RE program): fn is called from bcctool_poll().
 * BCCTOOL_PRINTK as map: the BCC dialect's bpf_trace_printk() messages, one struct
 * bcctool_printk each (unless the trace_pipe option sent them to the kernel's trace_pipe).
 */
#define BCCTOOL_PRINTK "bct_printk_ring"
struct bcctool_printk {
	uint64_t ts_ns; /* CLOCK_MONOTONIC */
	uint32_t pid; /* thread id */
	uint32_t cpu;
	char comm[16];
	char msg[256]; /* NUL-terminated, as formatted, trailing newline included */
};

BCCTOOL_API int bcctool_events_open(struct bcctool *b, const char *map, bcctool_event_fn fn,
				    void *ctx);
/*
 * Waits up to timeout_ms (0: no wait, -1: until events come) and calls the callbacks of every
 * opened map: the number of events consumed, or -errno (a callback's value stops it).
 */
BCCTOOL_API int bcctool_poll(struct bcctool *b, int timeout_ms);
/* A descriptor that becomes readable when bcctool_poll() has events (for the caller's epoll). */
BCCTOOL_API int bcctool_poll_fd(const struct bcctool *b);
/* Events the perf buffers dropped because they were full. */
BCCTOOL_API uint64_t bcctool_events_lost(const struct bcctool *b);

/* Detaches every function, frees the maps and buffers; accepts NULL. */
BCCTOOL_API void bcctool_close(struct bcctool *b);

/* ---- errors, log, version ------------------------------------------------------------------ */

/* The message of this thread's last failed call ("" when none). Valid until its next call. */
BCCTOOL_API const char *bcctool_last_error(void);

enum bcctool_log_level { BCCTOOL_LOG_ERROR, BCCTOOL_LOG_WARN, BCCTOOL_LOG_INFO, BCCTOOL_LOG_DEBUG };
/* Receives the library's diagnostic lines (no newline), up to level; fn NULL: none (default). */
typedef void (*bcctool_log_fn)(void *ctx, enum bcctool_log_level level, const char *msg);
BCCTOOL_API void bcctool_set_log(bcctool_log_fn fn, void *ctx, enum bcctool_log_level level);

/* "0.1.0" */
BCCTOOL_API const char *bcctool_version(void);

#ifdef __cplusplus
}
#endif

#endif
