/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The probe specifiers of trace and argdist, parsed (no BPF, no files: the caller resolves
 * libraries, symbols, tracepoints and USDT probes afterwards).
 *
 * trace, one probe per argument:
 *   [TYPE:][LIB:]FUNC[+OFF][(SIGNATURE)] [(PREDICATE)] ["FORMAT"[, EXPR...]]
 *   TYPE: "" or p (function entry), r (return), t (tracepoint CAT:EVENT), u or U (USDT
 *   LIB:[PROVIDER:]PROBE). "FUNC" alone is p::FUNC, "LIB:FUNC" is p:LIB:FUNC.
 *
 * argdist, one per -C or -H:
 *   TYPE:LIB:FUNC(SIGNATURE)[:TYPES:EXPRS[:FILTER]][#LABEL]
 *   TYPE: p, r, t (LIB is the category), u (USDT); TYPES and EXPRS are comma lists.
 *
 * Errors: -EINVAL with the message (BCC's words) in err.
 */
#ifndef BCT_TRACESPEC_H
#define BCT_TRACESPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BCT_TSPEC_MAX_ARGS 16

/* A printf conversion of trace's format, as BCC accepts them. */
enum bct_tconv {
	BCT_TC_STR, /* %s */
	BCT_TC_CHAR, /* %c */
	BCT_TC_INT, /* %d %ld %lld %hd */
	BCT_TC_UINT, /* %u %lu %llu %hu */
	BCT_TC_HEX, /* %x %lx %llx */
	BCT_TC_KSYM, /* %K: kernel address as sym+0xoff */
	BCT_TC_USYM, /* %U: user address as sym+0xoff [module] */
};

struct bct_tconv_spec {
	enum bct_tconv kind;
	int size; /* the C type's bytes: 1 (char), 2 (h), 4 (none), 8 (l, ll); strings 0 */
	const char *ctype; /* "int", "unsigned long long", ... */
	char flags[16]; /* the text between % and the length modifier ("-5", "08") */
};

struct bct_trace_probe {
	char type; /* 'p', 'r', 't' or 'u' (U is u) */
	char *lib; /* p/r/u: library or binary ("" for the kernel); t: category */
	char *func; /* p/r: function; t: event; u: probe name */
	char *provider; /* u: provider, NULL when not given */
	uint64_t offset; /* p: FUNC+OFF */
	char *signature; /* text between the parentheses; NULL when none */
	char *predicate; /* with its parentheses; NULL when none */
	char *format; /* without the quotes; NULL when the probe has no format */
	char *args[BCT_TSPEC_MAX_ARGS];
	int nargs;
	struct bct_tconv_spec conv[BCT_TSPEC_MAX_ARGS];
	int nconv;
};

int bct_trace_probe_parse(const char *text, struct bct_trace_probe *p, char *err, size_t err_sz);
void bct_trace_probe_free(struct bct_trace_probe *p);

/*
 * Parses a format's conversions into conv (at most max). The number of conversions, or
 * -EINVAL ("unrecognized format specifier %q") / -E2BIG.
 */
int bct_trace_format_parse(const char *fmt, struct bct_tconv_spec *conv, int max, char *err,
			   size_t err_sz);

/*
 * A signature "int a, const char *b" as parameter declarations: types[i] ("const char *") and
 * names[i] ("b"), malloc'd. The number of parameters, or -EINVAL.
 */
int bct_signature_parse(const char *sig, char **types, char **names, int max, char *err,
			size_t err_sz);

#define BCT_ADIST_MAX_EXPRS 8

struct bct_argdist_spec {
	char type; /* 'p', 'r', 't' or 'u' */
	bool hist; /* -H */
	char *lib; /* library, or the tracepoint's category */
	char *func; /* function, event or USDT probe */
	char *signature; /* text between the parentheses (may be "") */
	char *types[BCT_ADIST_MAX_EXPRS];
	char *exprs[BCT_ADIST_MAX_EXPRS];
	int nexprs;
	char *filter; /* NULL when none */
	char *label; /* NULL when none */
	bool default_expr; /* no expressions were given: "total calls" or $retval */
	char *text; /* the specifier as given, less the label */
};

int bct_argdist_parse(const char *text, bool hist, struct bct_argdist_spec *s, char *err,
		      size_t err_sz);
void bct_argdist_spec_free(struct bct_argdist_spec *s);

/*
 * Replaces identifier word (whole identifiers only: "arg1" but not "arg10" or "xarg1") in
 * expr by repl; returns a malloc'd string or NULL when out of memory.
 */
char *bct_expr_replace(const char *expr, const char *word, const char *repl);

#endif
