// SPDX-License-Identifier: Apache-2.0
/* Loading a BPF object with the verifier watched, and its refusals explained. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "disasm.h"
#include "log.h"
#include "opt.h"
#include "probe.h"
#include "src.h"
#include "util.h"
#include "verifier.h"

/* Verifier log buffers. The kernel keeps the tail when a log overflows (rotating log, 6.4+). */
#define LOG_SZ_FAIL (16u << 20)
#define LOG_SZ_LEVEL1 (64u << 20)
#define LOG_SZ_LEVEL2 (256u << 20)
#define LOG_TAIL_LINES 20

struct prog_log {
	struct bpf_program *prog;
	char *buf;
	size_t sz;
};

struct bct_verifier {
	struct bpf_object *obj;
	unsigned int debug;
	struct prog_log *logs; /* with --debug=0x2 or 0x10, one per program that loads */
	size_t nlogs;
	char *fail_log; /* else one for all programs, written only on failure */
};

/* --- the explanation ---------------------------------------------------------------------- */

static void reverse(struct bct_verifier_line *a, size_t n)
{
	size_t i;

	for (i = 0; i < n / 2; i++) {
		struct bct_verifier_line t = a[i];

		a[i] = a[n - 1 - i];
		a[n - 1 - i] = t;
	}
}

size_t bct_verifier_tail(const char *log, struct bct_verifier_line *out, size_t max, size_t *kept)
{
	size_t total = 0, start;
	const char *p = log;

	while (*p) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);

		if (len > 0) {
			if (max) {
				out[total % max].s = p;
				out[total % max].len = len;
			}
			total++;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	*kept = total < max ? total : max;
	/* out is a ring: rotate it so that out[0] is the oldest kept line */
	if (total > max && max) {
		start = total % max;
		reverse(out, start);
		reverse(out + start, max - start);
		reverse(out, max);
	}
	return total;
}

static bool starts(const struct bct_verifier_line *l, const char *prefix)
{
	size_t n = strlen(prefix);

	return (size_t)l->len >= n && !strncmp(l->s, prefix, n);
}

static bool has(const struct bct_verifier_line *l, const char *needle)
{
	return memmem(l->s, l->len, needle, strlen(needle)) != NULL;
}

/* The verifier's statistics lines after the error. */
static bool is_stats_line(const struct bct_verifier_line *l)
{
	return starts(l, "processed ") || starts(l, "verification time") ||
	       starts(l, "stack depth") || starts(l, "max_states_per_insn") ||
	       starts(l, "peak_states") || starts(l, "mark_read");
}

const struct bct_verifier_line *bct_verifier_error(const struct bct_verifier_line *lines, size_t n)
{
	while (n-- > 0)
		if (!is_stats_line(&lines[n]))
			return &lines[n];
	return NULL;
}

static const struct {
	const char *needle;
	const char *hint;
} hints[] = {
	{ "_or_null'",
	  "a pointer that may be NULL (bpf_map_lookup_elem(), bpf_ringbuf_reserve() result) is "
	  "used without a NULL check; add 'if (!p) return 0;' before using it" },
	{ "invalid mem access 'scalar'",
	  "a plain number is dereferenced as a pointer; read kernel memory with "
	  "BPF_CORE_READ() or bpf_probe_read_kernel()" },
	{ "combined stack size",
	  "the BPF stack is limited to 512 bytes; move large structs to a per-CPU array map" },
	{ "stack limit", "the BPF stack is limited to 512 bytes; move large structs to a "
			 "per-CPU array map" },
	{ "invalid write to stack",
	  "the BPF stack is limited to 512 bytes; move large structs to a per-CPU array map" },
	{ "back-edge", "a loop the verifier cannot bound: give it a constant bound, or use "
		       "bpf_loop()" },
	{ "infinite loop", "a loop the verifier cannot bound: give it a constant bound, or use "
			   "bpf_loop()" },
	{ "unknown func", "the kernel has no such BPF helper, or not for this program type" },
	{ "program of this type cannot use helper",
	  "this helper is not allowed in this program type" },
	{ "helper call is not allowed", "this helper is not allowed in this program type" },
	{ "too many instructions",
	  "the program is too large or too complex for the verifier (1M instructions "
	  "checked); simplify it, bound loops tighter, split it into tail calls" },
	{ "is too large", "the program is too large or too complex for the verifier (1M "
			  "instructions checked); simplify it or split it" },
	{ "BPF program is too complex",
	  "the program is too complex for the verifier; simplify branches and loops" },
	{ "invalid indirect read from stack",
	  "stack memory is passed to a helper before it is initialized; zero the struct "
	  "(= {}) or __builtin_memset() it first" },
	{ "!read_ok", "a register is read before it is set (often an uninitialized variable)" },
	{ "Unreleased reference", "a reserved ring buffer event is neither submitted nor "
				  "discarded on some path" },
	{ "unreleased reference", "a reserved ring buffer event is neither submitted nor "
				  "discarded on some path" },
	{ "invalid CO-RE relocation",
	  "a kernel field or type used by the program does not exist in this kernel; guard it "
	  "with bpf_core_field_exists()" },
	{ "R0 !read_ok", "the program does not return a value on every path" },
	{ "cannot pass map_type", "this map type cannot be used with that helper" },
	{ "invalid access to map value",
	  "a map value is accessed out of bounds; check the index against the size first" },
	{ "invalid access to packet", "packet access without a bounds check" },
	{ "GPL", "the program uses a GPL-only helper: declare a GPL-compatible LICENSE" },
};

const char *bct_verifier_hint(const struct bct_verifier_line *lines, size_t n)
{
	size_t i, j;

	for (i = 0; i < sizeof(hints) / sizeof(hints[0]); i++)
		for (j = 0; j < n; j++)
			if (has(&lines[j], hints[i].needle))
				return hints[i].hint;
	return NULL;
}

/* Line n of an embedded (or BCCTOOL_SRC_DIR) source file, without leading blanks. */
static bool src_text(const char *file, long n, char *out, size_t sz)
{
	const char *base = strrchr(file, '/');
	const struct bct_src *src = bct_src_get(base ? base + 1 : file);
	const char *p, *end;

	if (!src || n < 1)
		return false;
	for (p = src->text; p && --n > 0;) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	if (!p)
		return false;
	while (*p == ' ' || *p == '\t')
		p++;
	end = strchr(p, '\n');
	snprintf(out, sz, "%.*s", end ? (int)(end - p) : (int)strlen(p), p);
	return true;
}

/* The code comes from the source when the object's line info carries no text. */
bool bct_verifier_format_comment(const char *s, int len, char *out, size_t sz)
{
	const char *end = s + len, *at = NULL, *q, *colon;
	char file[128], code[256];
	long line;

	if (len < 2 || s[0] != ';' || s[1] != ' ')
		return false;
	s += 2;
	for (q = s; q + 3 <= end; q++)
		if (q[0] == ' ' && q[1] == '@' && q[2] == ' ')
			at = q;
	if (!at) {
		snprintf(out, sz, "%.*s", (int)(end - s), s);
		return true;
	}
	snprintf(file, sizeof(file), "%.*s", (int)(end - at - 3), at + 3);
	colon = strrchr(file, ':');
	line = colon ? strtol(colon + 1, NULL, 10) : 0;
	while (s < at && *s == ' ')
		s++;
	snprintf(code, sizeof(code), "%.*s", (int)(at - s), s);
	if (!code[0] && colon) {
		file[colon - file] = '\0';
		src_text(file, line, code, sizeof(code));
		file[colon - file] = ':';
	}
	snprintf(out, sz, "%s: %s", file, code);
	return true;
}

/* The last source comment of the log, formatted. */
bool bct_verifier_source_line(const char *log, char *out, size_t sz)
{
	const char *p = log, *last = NULL, *end;

	while (p && *p) {
		if (p[0] == ';' && p[1] == ' ')
			last = p;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	if (!last)
		return false;
	end = strchr(last, '\n');
	return bct_verifier_format_comment(last, end ? (int)(end - last) : (int)strlen(last), out,
					   sz);
}

/*
 * libbpf rewrites a poisoned CO-RE instruction's log line as
 * "failed to resolve CO-RE relocation <byte_off> [7] struct task_struct___x.foo.bar (0:5 @ ...)".
 */
bool bct_verifier_core_failure(const char *log, char *type, size_t type_sz, char *field,
			       size_t field_sz)
{
	static const char marker[] = "failed to resolve CO-RE relocation ";
	const char *p = strstr(log, marker), *spec, *end, *dot;
	char what[256], *flavor;

	if (!p)
		return false;
	spec = strchr(p + sizeof(marker) - 1, ']');
	if (!spec || !spec[1])
		return false;
	spec += 2;
	end = strstr(spec, " (");
	if (!end)
		end = spec + strcspn(spec, "\n");
	snprintf(what, sizeof(what), "%.*s", (int)(end - spec), spec);
	dot = strchr(what, '.');
	snprintf(type, type_sz, "%.*s", dot ? (int)(dot - what) : (int)strlen(what), what);
	flavor = strstr(type, "___");
	if (flavor)
		*flavor = '\0';
	snprintf(field, field_sz, "%s", dot ? dot + 1 : "");
	return true;
}

/* Names the type and field plainly (without the local ___flavor suffix). */
static bool report_core_failure(struct bpf_program *prog, const char *log)
{
	char type[160], field[256];

	if (!bct_verifier_core_failure(log, type, sizeof(type), field, sizeof(field)))
		return false;
	if (field[0])
		pr_err("BPF program '%s' reads field '%s' of '%s', which this kernel does not have "
		       "(CO-RE relocation failed)",
		       bpf_program__name(prog), field, type);
	else
		pr_err("BPF program '%s' uses type '%s', which this kernel does not have (CO-RE "
		       "relocation failed)",
		       bpf_program__name(prog), type);
	return true;
}

static void report_verifier_failure(struct bpf_program *prog, const char *log, int err,
				    bool more_hint)
{
	struct bct_verifier_line lines[LOG_TAIL_LINES + 6];
	const struct bct_verifier_line *error;
	size_t total, kept, i, shown = 0;
	const char *hint;
	char src[512];
	bool core;

	total = bct_verifier_tail(log, lines, LOG_TAIL_LINES + 6, &kept);
	error = bct_verifier_error(lines, kept);
	core = prog && report_core_failure(prog, log);
	if (!core)
		pr_err("BPF program '%s' was rejected by the verifier: %.*s",
		       prog ? bpf_program__name(prog) : "?",
		       error ? error->len : (int)strlen(strerror(-err)),
		       error ? error->s : strerror(-err));
	if (kept > LOG_TAIL_LINES)
		shown = kept - LOG_TAIL_LINES;
	pr_err("verifier log (last %zu of %zu lines%s):", kept - shown, total,
	       more_hint ? "; --debug=0x2 for all" : "");
	for (i = shown; i < kept; i++) {
		if (bct_verifier_format_comment(lines[i].s, lines[i].len, src, sizeof(src)))
			pr_err("  ; %s", src);
		else
			pr_err("  %.*s", lines[i].len, lines[i].s);
	}
	if (bct_verifier_source_line(log, src, sizeof(src)))
		pr_err("failing source line: %s", src);
	hint = core ? NULL : bct_verifier_hint(lines, kept);
	if (hint)
		pr_err("hint: %s", hint);
}

/* --- capturing libbpf's warnings during load ---------------------------------------------- */

static char *cap_text;
static size_t cap_len, cap_size;

static int capture_print(enum libbpf_print_level lvl, const char *fmt, va_list ap)
{
	char buf[1024];
	int n;

	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n < 0)
		return 0;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	if (lvl != LIBBPF_WARN) {
		if (lvl == LIBBPF_INFO && bct_log_level() >= BCT_LOG_DEBUG)
			fprintf(stderr, "%s: %s", bct_log_prog(), buf);
		return 0;
	}
	if (bct_grow((void **)&cap_text, &cap_size, cap_len + n + 1, 1))
		return 0;
	memcpy(cap_text + cap_len, buf, n + 1);
	cap_len += n;
	return 0;
}

static void discard_captured(void)
{
	free(cap_text);
	cap_text = NULL;
	cap_len = cap_size = 0;
}

/* Re-emits captured libbpf warnings, minus those the verifier report already covers. */
static void flush_captured(bool failed)
{
	static const char *const redundant[] = {
		"BPF program load failed", "failed to load object",  "failed to load program",
		"failed to load: -",	   "-- BEGIN PROG LOAD LOG", "-- END PROG LOAD LOG",
	};
	char *line, *save = NULL;

	if (!cap_text)
		return;
	for (line = strtok_r(cap_text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t i;

		for (i = 0; failed && i < sizeof(redundant) / sizeof(redundant[0]); i++)
			if (strstr(line, redundant[i]))
				break;
		if (failed && i < sizeof(redundant) / sizeof(redundant[0]))
			continue;
		pr_warn("%s", line);
	}
	discard_captured();
}

/* --- logs --------------------------------------------------------------------------------- */

static unsigned int log_level(const struct bct_verifier *v)
{
	if (v->debug & BCT_DEBUG_BPF_REGISTER_STATE)
		return 1 | 2;
	if (v->debug & BCT_DEBUG_BPF)
		return 1;
	return 0;
}

static int setup_logs(struct bct_verifier *v)
{
	unsigned int level = log_level(v);
	struct bpf_program *prog;
	size_t n = 0;

	if (!level) {
		v->fail_log = malloc(LOG_SZ_FAIL);
		if (!v->fail_log)
			return -ENOMEM;
		v->fail_log[0] = '\0';
		bpf_object__for_each_program(prog, v->obj)
			bpf_program__set_log_buf(prog, v->fail_log, LOG_SZ_FAIL);
		return 0;
	}
	bpf_object__for_each_program(prog, v->obj)
		n++;
	v->logs = calloc(n ? n : 1, sizeof(*v->logs));
	if (!v->logs)
		return -ENOMEM;
	bpf_object__for_each_program(prog, v->obj) {
		struct prog_log *l;

		if (!bpf_program__autoload(prog))
			continue;
		l = &v->logs[v->nlogs++];
		l->prog = prog;
		l->sz = level & 2 ? LOG_SZ_LEVEL2 : LOG_SZ_LEVEL1;
		l->buf = malloc(l->sz);
		if (!l->buf)
			return -ENOMEM;
		l->buf[0] = '\0';
		bpf_program__set_log_level(prog, level);
		bpf_program__set_log_buf(prog, l->buf, l->sz);
	}
	return 0;
}

struct bct_verifier *bct_verifier__new(struct bpf_object *obj, unsigned int debug)
{
	struct bct_verifier *v;
	int err;

	if (!obj) {
		errno = EINVAL;
		return NULL;
	}
	v = calloc(1, sizeof(*v));
	if (!v)
		return NULL;
	v->obj = obj;
	v->debug = debug;
	err = setup_logs(v);
	if (err) {
		bct_verifier__free(v);
		errno = -err;
		return NULL;
	}
	return v;
}

void bct_verifier__free(struct bct_verifier *v)
{
	size_t i;

	discard_captured();
	if (!v)
		return;
	for (i = 0; i < v->nlogs; i++)
		free(v->logs[i].buf);
	free(v->logs);
	free(v->fail_log);
	free(v);
}

int bct_verifier__load(struct bct_verifier *v)
{
	libbpf_print_fn_t old_print = NULL;
	bool capture = !(v->debug & BCT_DEBUG_BTF); /* else libbpf's messages show as they come */
	int err;

	if (capture)
		old_print = libbpf_set_print(capture_print);
	err = bpf_object__load(v->obj);
	if (capture)
		libbpf_set_print(old_print);
	return err;
}

/* --- after the load ------------------------------------------------------------------------ */

static const char *failed_log(struct bct_verifier *v, struct bpf_program **failed)
{
	struct bpf_program *prog;
	size_t i;

	*failed = NULL;
	bpf_object__for_each_program(prog, v->obj) {
		if (bpf_program__autoload(prog) && bpf_program__fd(prog) < 0) {
			*failed = prog;
			break;
		}
	}
	if (v->fail_log)
		return v->fail_log[0] ? v->fail_log : NULL;
	for (i = 0; i < v->nlogs; i++)
		if (v->logs[i].prog == *failed)
			return v->logs[i].buf[0] ? v->logs[i].buf : NULL;
	return NULL;
}

/* The last captured libbpf warning that says what failed, without its "libbpf: " prefix. */
static void last_failure(char *out, size_t sz)
{
	const char *p = cap_text, *best = NULL;
	int best_len = 0;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);

		if (memmem(p, len, "failed", 6) || memmem(p, len, "error", 5)) {
			best = p;
			best_len = len;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	if (best && best_len > 8 && !strncmp(best, "libbpf: ", 8)) {
		best += 8;
		best_len -= 8;
	}
	snprintf(out, sz, "%.*s", best ? best_len : 0, best ? best : "");
}

bool bct_verifier__refusal(struct bct_verifier *v, char *prog, size_t prog_sz, char *line,
			   size_t line_sz, bool *core)
{
	struct bct_verifier_line lines[LOG_TAIL_LINES];
	const struct bct_verifier_line *error;
	struct bpf_program *failed;
	const char *log = failed_log(v, &failed);
	char type[160], field[256];
	size_t kept;

	snprintf(prog, prog_sz, "%s", failed ? bpf_program__name(failed) : "?");
	*core = false;
	if (!log) {
		last_failure(line, line_sz);
		return false;
	}
	if (bct_verifier_core_failure(log, type, sizeof(type), field, sizeof(field))) {
		*core = true;
		if (field[0])
			snprintf(line, line_sz, "the kernel has no field '%s' of '%s' (CO-RE)",
				 field, type);
		else
			snprintf(line, line_sz, "the kernel has no type '%s' (CO-RE)", type);
		return true;
	}
	bct_verifier_tail(log, lines, LOG_TAIL_LINES, &kept);
	error = bct_verifier_error(lines, kept);
	snprintf(line, line_sz, "%.*s", error ? error->len : 0, error ? error->s : "");
	return true;
}

/*
 * A whole verifier log on stderr. Source comments without code ("; @ file.bpf.c:42", when the
 * object's line info carries no text) get the line from the source.
 */
static void print_log(const char *log)
{
	const char *p = log;

	while (*p) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);
		char code[256];
		long line;
		char file[128];

		if (len > 4 && !strncmp(p, ";  @ ", 5) &&
		    sscanf(p + 5, "%127[^:\n]:%ld", file, &line) == 2 &&
		    src_text(file, line, code, sizeof(code)))
			fprintf(stderr, "; %s @ %.*s\n", code, len - 5, p + 5);
		else
			fprintf(stderr, "%.*s\n", len, p);
		if (!nl)
			break;
		p = nl + 1;
	}
}

static const char *level_title(const struct bct_verifier *v)
{
	return log_level(v) & 2 ? "verifier log (level 2)" : "verifier log (level 1)";
}

void bct_verifier__loaded(struct bct_verifier *v)
{
	size_t i;

	flush_captured(false);
	for (i = 0; i < v->nlogs; i++) {
		const char *name = bpf_program__name(v->logs[i].prog);

		if (v->debug & BCT_DEBUG_BPF) {
			bct_log_stage("BPF instructions", name);
			bct_disasm(stderr, bpf_program__insns(v->logs[i].prog),
				   bpf_program__insn_cnt(v->logs[i].prog));
		}
		bct_log_stage(level_title(v), name);
		print_log(v->logs[i].buf);
	}
}

void bct_verifier__report(struct bct_verifier *v, int err, const char *src_name)
{
	struct bpf_program *failed;
	const char *log = failed_log(v, &failed);

	flush_captured(log != NULL);
	if (log && v->nlogs) {
		/* --debug asked for the whole log: it comes first, then the summary */
		bct_log_stage(level_title(v), failed ? bpf_program__name(failed) : "?");
		print_log(log);
	}
	if (log)
		report_verifier_failure(failed, log, err, v->nlogs == 0);
	else
		pr_err("cannot load BPF object of '%s': %s", src_name, strerror(-err));
	if (err == -EPERM && bct_lockdown() && strcmp(bct_lockdown(), "none"))
		pr_err("hint: the kernel is locked down ('%s')", bct_lockdown());
}
