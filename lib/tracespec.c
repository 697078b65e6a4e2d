// SPDX-License-Identifier: Apache-2.0
/* trace's and argdist's probe specifiers, parsed into their parts (lib/tracespec.h). */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tracespec.h"

__attribute__((format(printf, 3, 4))) static int fail(char *err, size_t sz, const char *fmt, ...)
{
	va_list ap;

	if (err && sz) {
		va_start(ap, fmt);
		vsnprintf(err, sz, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static char *dupn(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/* A copy of s[0..n) without leading and trailing blanks. */
static char *dup_trim(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return dupn(s, n);
}

static bool is_ident(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

char *bct_expr_replace(const char *expr, const char *word, const char *repl)
{
	size_t wl = strlen(word), rl = strlen(repl), n = 0, cap = strlen(expr) + 1;
	const char *s = expr;
	char *out = malloc(cap), *tmp;
	bool in_str = false;

	if (!out)
		return NULL;
	while (*s) {
		bool hit = !in_str && !strncmp(s, word, wl) &&
			   (s == expr || !is_ident(s[-1]) || !is_ident(word[0])) &&
			   (!is_ident(word[wl - 1]) || !is_ident(s[wl]));
		const char *add = hit ? repl : s;
		size_t al = hit ? rl : 1;

		if (!hit && *s == '"' && (s == expr || s[-1] != '\\'))
			in_str = !in_str;
		if (n + al + 1 > cap) {
			cap = (n + al + 1) * 2;
			tmp = realloc(out, cap);
			if (!tmp) {
				free(out);
				return NULL;
			}
			out = tmp;
		}
		memcpy(out + n, add, al);
		n += al;
		s += hit ? wl : 1;
	}
	out[n] = '\0';
	return out;
}

/* --- formats ------------------------------------------------------------------------------ */

static const struct {
	const char *conv;
	enum bct_tconv kind;
	int size;
	const char *ctype;
} convs[] = {
	/* longest first */
	{ "llu", BCT_TC_UINT, 8, "unsigned long long" },
	{ "lld", BCT_TC_INT, 8, "long long" },
	{ "llx", BCT_TC_HEX, 8, "unsigned long long" },
	{ "lu", BCT_TC_UINT, 8, "unsigned long" },
	{ "ld", BCT_TC_INT, 8, "long" },
	{ "lx", BCT_TC_HEX, 8, "unsigned long" },
	{ "hu", BCT_TC_UINT, 2, "unsigned short" },
	{ "hd", BCT_TC_INT, 2, "short" },
	{ "u", BCT_TC_UINT, 4, "unsigned int" },
	{ "d", BCT_TC_INT, 4, "int" },
	{ "x", BCT_TC_HEX, 4, "unsigned int" },
	{ "c", BCT_TC_CHAR, 1, "char" },
	{ "s", BCT_TC_STR, 0, "char *" },
	{ "K", BCT_TC_KSYM, 8, "unsigned long long" },
	{ "U", BCT_TC_USYM, 8, "unsigned long long" },
};

int bct_trace_format_parse(const char *fmt, struct bct_tconv_spec *conv, int max, char *err,
			   size_t err_sz)
{
	const char *s = fmt;
	int n = 0;
	size_t i;

	while ((s = strchr(s, '%'))) {
		const char *f = ++s;

		if (*s == '%') {
			s++;
			continue;
		}
		while (*s && strchr("-+ 0#", *s))
			s++;
		while (isdigit((unsigned char)*s) || *s == '.')
			s++;
		for (i = 0; i < sizeof(convs) / sizeof(convs[0]); i++)
			if (!strncmp(s, convs[i].conv, strlen(convs[i].conv)))
				break;
		if (i == sizeof(convs) / sizeof(convs[0])) {
			size_t l = 0;

			while (s[l] && isalpha((unsigned char)s[l]) && l < 3)
				l++;
			return fail(err, err_sz, "unrecognized format specifier %%%.*s",
				    (int)(l ? l : 1), *s ? s : "%");
		}
		if (n == max)
			return -E2BIG;
		if ((size_t)(s - f) >= sizeof(conv[n].flags))
			return fail(err, err_sz, "format specifier too long: %%%.*s", (int)(s - f),
				    f);
		conv[n].kind = convs[i].kind;
		conv[n].size = convs[i].size;
		conv[n].ctype = convs[i].ctype;
		memcpy(conv[n].flags, f, (size_t)(s - f));
		conv[n].flags[s - f] = '\0';
		n++;
		s += strlen(convs[i].conv);
	}
	return n;
}

/* --- trace -------------------------------------------------------------------------------- */

static int parse_offset(const char *text, uint64_t *off, char *err, size_t err_sz)
{
	char *end;

	errno = 0;
	if (*text && (strchr(text, 'x') || strchr(text, 'X')))
		*off = strtoull(text, &end, 16);
	else
		*off = strtoull(text, &end, 10);
	if (!*text || *end || errno || *text == '-' || *text == '+')
		return fail(err, err_sz,
			    "invalid offset format '%s', must be decimal or "
			    "hexadecimal",
			    text);
	return 0;
}

static int parse_spec(char *spec, struct bct_trace_probe *p, char *err, size_t err_sz)
{
	char *parts[64], *s = spec, *plus;
	int n = 0, i, first;

	for (;;) {
		if (n == 64)
			return fail(err, err_sz, "too many ':'-separated parts");
		parts[n++] = s;
		s = strchr(s, ':');
		if (!s)
			break;
		*s++ = '\0';
	}
	if (n == 1) {
		p->type = 'p';
		first = 0;
		p->lib = strdup("");
		p->func = strdup(parts[0]);
	} else if (n == 2) {
		p->type = 'p';
		p->lib = strdup(parts[0]);
		p->func = strdup(parts[1]);
	} else {
		if (!parts[0][0])
			p->type = 'p';
		else if (strlen(parts[0]) == 1 && strchr("prtuU", parts[0][0]))
			p->type = parts[0][0] == 'U' ? 'u' : parts[0][0];
		else
			return fail(
				err, err_sz,
				"probe type must be '', 'p', 't', 'r', 'u' or 'U', but got '%s'",
				parts[0]);
		first = 1;
		if (p->type == 't') {
			if (n != 3)
				return fail(err, err_sz, "a tracepoint is t:CATEGORY:EVENT");
			p->lib = strdup(parts[1]);
			p->func = strdup(parts[2]);
		} else if (p->type == 'u') {
			if (n > 4)
				return fail(err, err_sz, "a USDT probe is u:LIB:[PROVIDER:]PROBE");
			p->lib = strdup(parts[1]);
			p->func = strdup(parts[n - 1]);
			if (n == 4)
				p->provider = strdup(parts[2]);
		} else {
			/* a library path may itself hold ':' */
			size_t len = 0;

			for (i = first; i < n - 1; i++)
				len += strlen(parts[i]) + 1;
			p->lib = calloc(1, len + 1);
			for (i = first; p->lib && i < n - 1; i++) {
				if (i > first)
					strcat(p->lib, ":");
				strcat(p->lib, parts[i]);
			}
			p->func = strdup(parts[n - 1]);
		}
	}
	(void)first;
	if (!p->lib || !p->func || (n == 4 && p->type == 'u' && !p->provider))
		return -ENOMEM;
	plus = strchr(p->func, '+');
	if (plus) {
		if (p->type != 'p' || !p->lib[0])
			return fail(err, err_sz,
				    "an offset (FUNC+OFF) needs a p: probe of a "
				    "library or binary");
		*plus = '\0';
		if (parse_offset(plus + 1, &p->offset, err, err_sz))
			return -EINVAL;
	}
	if (!p->func[0])
		return fail(err, err_sz, "no function, event or probe name");
	if (p->type == 't' && !p->lib[0])
		return fail(err, err_sz, "a tracepoint is t:CATEGORY:EVENT");
	if (p->type == 'u' && !p->lib[0])
		return fail(err, err_sz, "a USDT probe needs its library or binary: u:LIB:PROBE");
	return 0;
}

static void free_args(char **out, int n)
{
	while (n-- > 0) {
		free(out[n]);
		out[n] = NULL;
	}
}

/* Splits "EXPR, EXPR, ..." at the commas outside quotes, parentheses and brackets; on an
 * error it frees what it had split. */
static int split_args(const char *s, char **out, int max, char *err, size_t err_sz)
{
	int n = 0, depth = 0;
	bool q = false;
	const char *start = s;

	for (;; s++) {
		if (*s == '"' && (s == start || s[-1] != '\\'))
			q = !q;
		else if (!q && (*s == '(' || *s == '['))
			depth++;
		else if (!q && (*s == ')' || *s == ']'))
			depth--;
		if (*s && (q || depth > 0 || *s != ','))
			continue;
		if (n == max) {
			free_args(out, n);
			return fail(err, err_sz, "too many arguments (at most %d)", max);
		}
		out[n] = dup_trim(start, (size_t)(s - start));
		if (!out[n]) {
			free_args(out, n);
			return -ENOMEM;
		}
		if (!out[n][0]) {
			free(out[n]);
			out[n] = NULL;
			if (!*s)
				break;
			free_args(out, n);
			return fail(err, err_sz, "empty argument after the format string");
		}
		n++;
		if (!*s)
			break;
		start = s + 1;
	}
	return n;
}

static int parse_action(const char *text, struct bct_trace_probe *p, char *err, size_t err_sz)
{
	const char *q, *rest;
	int n;

	while (isspace((unsigned char)*text))
		text++;
	if (!*text)
		return 0;
	if (*text != '"')
		return fail(err, err_sz, "expected format string in \"s");
	q = text + 1;
	while (*q && (*q != '"' || q[-1] == '\\'))
		q++;
	if (!*q)
		return fail(err, err_sz, "expected format string in \"s");
	p->format = dupn(text + 1, (size_t)(q - text - 1));
	if (!p->format)
		return -ENOMEM;
	rest = q + 1;
	while (isspace((unsigned char)*rest))
		rest++;
	if (*rest == ',')
		rest++;
	else if (*rest)
		return fail(err, err_sz, "expected ',' after the format string, got '%s'", rest);
	n = p->nconv = bct_trace_format_parse(p->format, p->conv, BCT_TSPEC_MAX_ARGS, err, err_sz);
	if (n == -E2BIG)
		return fail(err, err_sz, "too many format specifiers (at most %d)",
			    BCT_TSPEC_MAX_ARGS);
	if (n < 0)
		return n;
	while (isspace((unsigned char)*rest))
		rest++;
	if (*rest) {
		n = split_args(rest, p->args, BCT_TSPEC_MAX_ARGS, err, err_sz);
		if (n < 0)
			return n;
		p->nargs = n;
	}
	if (p->nargs != p->nconv)
		return fail(err, err_sz, "the format has %d specifier%s but %d argument%s given",
			    p->nconv, p->nconv == 1 ? "" : "s", p->nargs,
			    p->nargs == 1 ? " was" : "s were");
	return 0;
}

int bct_trace_probe_parse(const char *text, struct bct_trace_probe *p, char *err, size_t err_sz)
{
	size_t speclen = strcspn(text, " \t(");
	const char *s = text + speclen;
	char *spec;
	int err2;

	memset(p, 0, sizeof(*p));
	if (!speclen)
		return fail(err, err_sz, "no probe specifier");
	spec = dupn(text, speclen);
	if (!spec)
		return -ENOMEM;
	err2 = parse_spec(spec, p, err, err_sz);
	free(spec);
	if (err2)
		return err2;
	/* a signature directly after the spec, without nested parentheses */
	if (*s == '(') {
		size_t l = strcspn(s + 1, "()");

		if (s[1 + l] == ')') {
			if (p->type == 't' || p->type == 'u')
				return fail(err, err_sz,
					    "USDT and tracepoint probes can't have a function "
					    "signature; use arg1, arg2, ... instead");
			p->signature = dup_trim(s + 1, l);
			if (!p->signature)
				return -ENOMEM;
			s += l + 2;
		}
	}
	while (isspace((unsigned char)*s))
		s++;
	if (*s == '(') {
		int depth = 0;
		bool q = false;
		const char *e;

		for (e = s; *e; e++) {
			if (*e == '"' && e[-1] != '\\')
				q = !q;
			if (q)
				continue;
			if (*e == '(')
				depth++;
			else if (*e == ')' && --depth == 0)
				break;
		}
		if (!*e)
			return fail(err, err_sz, "unmatched end of predicate");
		p->predicate = dupn(s, (size_t)(e - s + 1));
		if (!p->predicate)
			return -ENOMEM;
		s = e + 1;
	}
	return parse_action(s, p, err, err_sz);
}

void bct_trace_probe_free(struct bct_trace_probe *p)
{
	int i;

	free(p->lib);
	free(p->func);
	free(p->provider);
	free(p->signature);
	free(p->predicate);
	free(p->format);
	for (i = 0; i < p->nargs; i++)
		free(p->args[i]);
	memset(p, 0, sizeof(*p));
}

/* --- signatures --------------------------------------------------------------------------- */

int bct_signature_parse(const char *sig, char **types, char **names, int max, char *err,
			size_t err_sz)
{
	const char *s = sig;
	int n = 0;

	while (isspace((unsigned char)*s))
		s++;
	if (!*s || !strcmp(s, "void"))
		return 0;
	for (;;) {
		size_t len = strcspn(s, ",");
		char *param = dup_trim(s, len), *cut;
		size_t pl;

		if (!param)
			return -ENOMEM;
		pl = strlen(param);
		while (pl && is_ident(param[pl - 1]))
			pl--;
		if (!param[pl] || !pl || isdigit((unsigned char)param[pl])) {
			free(param);
			return fail(err, err_sz, "invalid parameter in signature '%s'", sig);
		}
		if (n == max) {
			free(param);
			return fail(err, err_sz, "too many parameters (at most %d)", max);
		}
		names[n] = strdup(param + pl);
		cut = param;
		param[pl] = '\0';
		types[n] = dup_trim(cut, strlen(cut));
		free(param);
		if (!names[n] || !types[n])
			return -ENOMEM;
		for (cut = types[n]; *cut; cut++)
			if (!is_ident(*cut) && !strchr(" *", *cut)) {
				n++;
				return fail(err, err_sz, "invalid parameter type in signature '%s'",
					    sig);
			}
		n++;
		s += len;
		if (!*s)
			break;
		s++;
	}
	return n;
}

/* --- argdist ------------------------------------------------------------------------------ */

static int split_list(const char *s, char **out, int max)
{
	int n = 0;

	for (;;) {
		size_t l = strcspn(s, ",");

		if (n == max)
			return -E2BIG;
		out[n] = dup_trim(s, l);
		if (!out[n])
			return -ENOMEM;
		n++;
		s += l;
		if (!*s)
			return n;
		s++;
	}
}

int bct_argdist_parse(const char *text, bool hist, struct bct_argdist_spec *s, char *err,
		      size_t err_sz)
{
	char *copy, *hash, *parts[8], *p, *open;
	int n = 0, nt, ne, i;
	size_t fl;

	memset(s, 0, sizeof(*s));
	s->hist = hist;
	copy = strdup(text);
	if (!copy)
		return -ENOMEM;
	hash = strchr(copy, '#');
	if (hash) {
		*hash = '\0';
		s->label = strdup(hash + 1);
		if (!s->label)
			goto nomem;
	}
	s->text = strdup(copy);
	if (!s->text)
		goto nomem;
	/* ':' inside the signature's parentheses does not split */
	p = copy;
	while (isspace((unsigned char)*p))
		p++;
	for (;;) {
		int depth = 0;
		char *e;

		if (n == 7)
			break;
		parts[n++] = p;
		for (e = p; *e && (depth || *e != ':'); e++) {
			if (*e == '(')
				depth++;
			else if (*e == ')' && depth)
				depth--;
		}
		if (!*e)
			break;
		*e = '\0';
		p = e + 1;
	}
	if (n < 3) {
		free(copy);
		return fail(err, err_sz,
			    "at least the probe type, library, and function "
			    "signature must be specified");
	}
	if (n > 6) {
		free(copy);
		return fail(err, err_sz, "extraneous ':'-separated parts detected");
	}
	if (strlen(parts[0]) != 1 || !strchr("prtu", parts[0][0])) {
		fail(err, err_sz, "probe type must be 'p', 'r', 't', or 'u' but got '%s'",
		     parts[0]);
		free(copy);
		return -EINVAL;
	}
	s->type = parts[0][0];
	open = strchr(parts[2], '(');
	fl = strlen(parts[2]);
	while (fl && isspace((unsigned char)parts[2][fl - 1]))
		fl--;
	if (!open || open == parts[2] || fl == 0 || parts[2][fl - 1] != ')') {
		fail(err, err_sz, "function signature '%s' has an invalid format", parts[2]);
		free(copy);
		return -EINVAL;
	}
	s->lib = dup_trim(parts[1], strlen(parts[1]));
	s->func = dup_trim(parts[2], (size_t)(open - parts[2]));
	s->signature = dup_trim(open + 1, (size_t)(parts[2] + fl - 1 - open - 1));
	if (!s->lib || !s->func || !s->signature)
		goto nomem;
	if (!s->func[0] || strpbrk(s->func, " \t")) {
		fail(err, err_sz, "function signature '%s' has an invalid format", parts[2]);
		free(copy);
		return -EINVAL;
	}
	if (s->type == 't' && !s->lib[0]) {
		free(copy);
		return fail(err, err_sz, "a tracepoint is t:CATEGORY:EVENT()");
	}
	if (s->type == 'u' && !s->lib[0]) {
		free(copy);
		return fail(err, err_sz, "a USDT probe needs its library or binary: u:LIB:PROBE()");
	}
	if (n < 5) {
		if (s->type != 'r' && hist) {
			free(copy);
			return fail(err, err_sz, "histograms must have expr");
		}
		s->default_expr = true;
		s->types[0] = strdup(s->type == 'r' ? "int" : "u64");
		s->exprs[0] = strdup(s->type == 'r' ? "$retval" : "1");
		s->nexprs = 1;
		if (!s->types[0] || !s->exprs[0])
			goto nomem;
	} else {
		if (!*parts[3]) {
			free(copy);
			return fail(err, err_sz, "no expr types specified");
		}
		if (!*parts[4]) {
			free(copy);
			return fail(err, err_sz, "no exprs specified");
		}
		nt = split_list(parts[3], s->types, BCT_ADIST_MAX_EXPRS);
		if (nt < 0) {
			free(copy);
			return nt == -E2BIG ? fail(err, err_sz, "too many exprs (at most %d)",
						   BCT_ADIST_MAX_EXPRS)
					    : nt;
		}
		s->nexprs = nt;
		ne = split_list(parts[4], s->exprs + 0, BCT_ADIST_MAX_EXPRS);
		if (ne < 0) {
			free(copy);
			return ne == -E2BIG ? fail(err, err_sz, "too many exprs (at most %d)",
						   BCT_ADIST_MAX_EXPRS)
					    : ne;
		}
		if (ne > nt)
			s->nexprs = ne;
		if (ne != nt) {
			free(copy);
			return fail(err, err_sz, "mismatched # of exprs and types");
		}
		if (hist && nt > 1) {
			free(copy);
			return fail(err, err_sz, "histograms can only have 1 expr");
		}
		for (i = 0; i < nt; i++)
			if (!s->types[i][0] || !s->exprs[i][0]) {
				free(copy);
				return fail(err, err_sz, "empty expr or type");
			}
	}
	if (n == 6 && *parts[5]) {
		s->filter = dup_trim(parts[5], strlen(parts[5]));
		if (!s->filter)
			goto nomem;
	}
	free(copy);
	return 0;
nomem:
	free(copy);
	return -ENOMEM;
}

void bct_argdist_spec_free(struct bct_argdist_spec *s)
{
	int i;

	free(s->lib);
	free(s->func);
	free(s->signature);
	for (i = 0; i < BCT_ADIST_MAX_EXPRS; i++) {
		free(s->types[i]);
		free(s->exprs[i]);
	}
	free(s->filter);
	free(s->label);
	free(s->text);
	memset(s, 0, sizeof(*s));
}
