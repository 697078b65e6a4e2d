/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Loading a BPF object with the verifier watched: each program gets a log buffer, libbpf's
 * warnings are held back during the load, and when the verifier refuses a program its log is
 * explained in a few lines instead of dumped:
 *   opensnoop: BPF program 'tp_openat' was rejected by the verifier: R1 invalid mem access 'scalar'
 *   opensnoop: verifier log (last 20 of 312 lines; --debug=0x2 for all):
 *   opensnoop:   ; opensnoop.bpf.c:42: e->flags = *flags;
 *   ...
 *   opensnoop: failing source line: opensnoop.bpf.c:42: e->flags = *flags;
 *   opensnoop: hint: a plain number is dereferenced as a pointer; read kernel memory with ...
 * A CO-RE relocation that failed is named as the field or type the kernel lacks.
 *
 * Without --debug, every program shares one buffer that the kernel writes only on failure.
 * --debug=0x2 (BCT_DEBUG_BPF) gives each program a level-1 log, printed with its instructions
 * after the load, --debug=0x10 a level-2 log (register states); --debug=0x20 leaves libbpf's
 * messages alone.
 */
#ifndef BCT_VERIFIER_H
#define BCT_VERIFIER_H

#include <stdbool.h>
#include <stddef.h>

struct bpf_object;
struct bct_verifier;

/*
 * Log buffers for the programs of obj that will load (autoload set), as the --debug mask
 * asks. Returns NULL with errno set.
 */
struct bct_verifier *bct_verifier__new(struct bpf_object *obj, unsigned int debug);
/* bpf_object__load(), with libbpf's warnings held back. Returns 0 or -errno. */
int bct_verifier__load(struct bct_verifier *v);
/*
 * After a load that succeeded: the held-back warnings, then the logs and instructions that
 * --debug asked for.
 */
void bct_verifier__loaded(struct bct_verifier *v);
/*
 * After a load that failed with err: the held-back warnings that the report does not repeat,
 * the whole log if --debug asked for it, then the verifier's refusal explained, or else
 * "cannot load BPF object of 'src_name'".
 */
void bct_verifier__report(struct bct_verifier *v, int err, const char *src_name);
/*
 * After a load that failed: whether the verifier refused a program (the kernel wrote a log),
 * with that program's name and the verifier's error line; *core tells a CO-RE relocation that
 * failed (the kernel lacks a field or type) from a real refusal. False when the load failed
 * before or without verification (no log: a missing attach target, a program type the kernel
 * cannot load); then why holds libbpf's last warning about it, if any.
 */
bool bct_verifier__refusal(struct bct_verifier *v, char *prog, size_t prog_sz, char *line,
			   size_t line_sz, bool *core);
/* Frees the logs and drops the warnings not yet shown. Accepts NULL. */
void bct_verifier__free(struct bct_verifier *v);

/* --- the pieces of the explanation, on the log's text (exposed for the unit tests) ---------- */

struct bct_verifier_line {
	const char *s; /* not NUL-terminated */
	int len;
};

/*
 * The last max non-empty lines of log, oldest first, into out (*kept of them). Returns how
 * many non-empty lines the log has.
 */
size_t bct_verifier_tail(const char *log, struct bct_verifier_line *out, size_t max, size_t *kept);
/* The verifier's error among lines: the last one that is not a statistics line; or NULL. */
const struct bct_verifier_line *bct_verifier_error(const struct bct_verifier_line *lines, size_t n);
/* The advice for the first known message found in lines, or NULL. */
const char *bct_verifier_hint(const struct bct_verifier_line *lines, size_t n);
/*
 * A source comment of the log ("; <code> @ file.bpf.c:42") as "file.bpf.c:42: <code>"; the
 * code comes from the embedded source when the comment has none. False for other lines.
 */
bool bct_verifier_format_comment(const char *s, int len, char *out, size_t sz);
/* The failing source line: the last source comment of log, formatted as above. */
bool bct_verifier_source_line(const char *log, char *out, size_t sz);
/*
 * From libbpf's "failed to resolve CO-RE relocation" line: the type (without its ___flavor)
 * and the field path ("" when the relocation is about a type). False when log has none.
 */
bool bct_verifier_core_failure(const char *log, char *type, size_t type_sz, char *field,
			       size_t field_sz);

#endif
