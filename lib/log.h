/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Levelled diagnostics on stderr, prefixed with the running tool's name. BCCTOOL_LOG=debug
 * (or info, error) sets the level; debug lines also say when they came, in ms since the
 * process started (a compile child keeps its parent's clock), to show where startup goes.
 */
#ifndef BCT_LOG_H
#define BCT_LOG_H

#include <stdbool.h>

enum bct_log_level {
	BCT_LOG_ERR,
	BCT_LOG_WARN,
	BCT_LOG_INFO,
	BCT_LOG_DEBUG,
};

/* Name printed before every message ("opensnoop: ..."). */
void bct_log_set_prog(const char *name);
const char *bct_log_prog(void);
void bct_log_set_level(enum bct_log_level level);
enum bct_log_level bct_log_level(void);
/* Appends a newline; callers never write one. */
void bct_log(enum bct_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* How many error-level messages were logged (or handed to the sink) so far. */
unsigned int bct_log_errors(void);
/* "=== opensnoop: <stage>: <what> ===" on stderr, above a --debug dump; what may be NULL. */
void bct_log_stage(const char *stage, const char *what);
/*
 * Hands every message (all levels, no newline) to fn instead of writing it on stderr: the C
 * API (lib/api.c) keeps them as its callers' errors. fn NULL: stderr again. A forked child
 * (the compiler, lib/compile.c) still writes on stderr, as its compiler diagnostics do.
 */
typedef void (*bct_log_sink_fn)(void *ctx, enum bct_log_level level, const char *msg);
void bct_log_set_sink(bct_log_sink_fn fn, void *ctx);
/* Routes libbpf's messages through bct_log; debug lines only when libbpf_debug is set. */
void bct_log_install_libbpf(bool libbpf_debug);

#define pr_err(...) bct_log(BCT_LOG_ERR, __VA_ARGS__)
#define pr_warn(...) bct_log(BCT_LOG_WARN, __VA_ARGS__)
#define pr_info(...) bct_log(BCT_LOG_INFO, __VA_ARGS__)
#define pr_debug(...) bct_log(BCT_LOG_DEBUG, __VA_ARGS__)

#endif
