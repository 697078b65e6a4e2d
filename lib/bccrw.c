// SPDX-License-Identifier: Apache-2.0
/* BCC's C dialect to libbpf C: see bccrw.h. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <sys/stat.h>
#include <limits.h>
#include <sys/utsname.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "bccrw.h"
#include "elfsym.h"
#include "probe.h"
#include "tpformat.h"
#include "usdt.h"
#include "util.h"

enum tok_kind { T_IDENT, T_NUM, T_STR, T_CHAR, T_PUNCT, T_PP };

struct tok {
	enum tok_kind kind;
	size_t s, e;
};

struct edit {
	size_t s, e;
	char *repl;
	long seq; /* edits at the same place: in this order */
};

struct rw {
	const char *name;
	const char *src;
	size_t len;
	struct tok *t;
	size_t nt, tcap;
	struct edit *ed;
	size_t ned, edcap;
	char **tps; /* "cat/ev" */
	size_t ntps, tpcap;
	struct bct_rw *out;
	const struct bct_rw_spec *specs;
	size_t nspecs;
	size_t *utypes; /* name tokens of the program's own struct/union definitions */
	size_t nut, utcap;
	bool kfunc; /* has KFUNC_PROBE() */
	char *err;
	size_t err_sz;
	int failed;
};

static void fail(struct rw *r, size_t pos, const char *fmt, ...)
{
	va_list ap;
	int line = 1;
	size_t i, n;

	if (r->failed)
		return;
	r->failed = -EINVAL;
	for (i = 0; i < pos && i < r->len; i++)
		line += r->src[i] == '\n';
	n = (size_t)snprintf(r->err, r->err_sz, "line %d: ", line);
	if (n >= r->err_sz)
		return;
	va_start(ap, fmt);
	vsnprintf(r->err + n, r->err_sz - n, fmt, ap);
	va_end(ap);
}

/* ---- lexer ------------------------------------------------------------------------------- */

static int push_tok(struct rw *r, enum tok_kind k, size_t s, size_t e)
{
	if (bct_grow((void **)&r->t, &r->tcap, r->nt + 1, sizeof(*r->t)))
		return -ENOMEM;
	r->t[r->nt].kind = k;
	r->t[r->nt].s = s;
	r->t[r->nt].e = e;
	r->nt++;
	return 0;
}

static int lex(struct rw *r)
{
	const char *p = r->src;
	size_t i = 0, n = r->len, s;
	bool line_start = true;
	int err = 0;

	while (i < n && !err) {
		char c = p[i];

		if (c == '\n') {
			line_start = true;
			i++;
			continue;
		}
		if (isspace((unsigned char)c)) {
			i++;
			continue;
		}
		if (c == '/' && i + 1 < n && p[i + 1] == '/') {
			while (i < n && p[i] != '\n')
				i++;
			continue;
		}
		if (c == '/' && i + 1 < n && p[i + 1] == '*') {
			const char *end = strstr(p + i + 2, "*/");

			i = end ? (size_t)(end - p) + 2 : n;
			continue;
		}
		s = i;
		if (c == '#' && line_start) {
			while (i < n && p[i] != '\n') {
				if (p[i] == '\\' && i + 1 < n && p[i + 1] == '\n')
					i++;
				i++;
			}
			err = push_tok(r, T_PP, s, i);
			continue;
		}
		line_start = false;
		if (isalpha((unsigned char)c) || c == '_') {
			while (i < n && (isalnum((unsigned char)p[i]) || p[i] == '_'))
				i++;
			err = push_tok(r, T_IDENT, s, i);
		} else if (isdigit((unsigned char)c)) {
			while (i < n &&
			       (isalnum((unsigned char)p[i]) || p[i] == '_' || p[i] == '.'))
				i++;
			err = push_tok(r, T_NUM, s, i);
		} else if (c == '"' || c == '\'') {
			i++;
			while (i < n && p[i] != c && p[i] != '\n') {
				if (p[i] == '\\')
					i++;
				i++;
			}
			i++;
			if (i > n)
				i = n;
			err = push_tok(r, c == '"' ? T_STR : T_CHAR, s, i);
		} else if (c == '-' && i + 1 < n && p[i + 1] == '>') {
			i += 2;
			err = push_tok(r, T_PUNCT, s, i);
		} else {
			i++;
			err = push_tok(r, T_PUNCT, s, i);
		}
	}
	return err;
}

static bool is(const struct rw *r, size_t i, const char *text)
{
	size_t n = strlen(text);

	return i < r->nt && r->t[i].e - r->t[i].s == n && !memcmp(r->src + r->t[i].s, text, n);
}

static char *tokdup(const struct rw *r, size_t i)
{
	return strndup(r->src + r->t[i].s, r->t[i].e - r->t[i].s);
}

static char *spandup(const struct rw *r, size_t from, size_t to) /* tokens [from, to) */
{
	if (from >= to)
		return strdup("");
	return strndup(r->src + r->t[from].s, r->t[to - 1].e - r->t[from].s);
}

/* The token matching the opening one at i ('(' '[' '{'), or r->nt. */
static size_t match(const struct rw *r, size_t i)
{
	int depth = 0;

	for (; i < r->nt; i++) {
		if (r->t[i].kind != T_PUNCT)
			continue;
		char c = r->src[r->t[i].s];

		if (c == '(' || c == '[' || c == '{')
			depth++;
		else if ((c == ')' || c == ']' || c == '}') && --depth == 0)
			return i;
	}
	return r->nt;
}

/* Splits the arguments between '(' at open and its ')' at close: starts of each argument. */
static size_t split_args(const struct rw *r, size_t open, size_t close, size_t *starts, size_t max)
{
	size_t i, n = 0;
	int depth = 0;

	if (open + 1 == close)
		return 0;
	starts[n++] = open + 1;
	for (i = open + 1; i < close; i++) {
		char c = r->t[i].kind == T_PUNCT ? r->src[r->t[i].s] : 0;

		if (c == '(' || c == '[' || c == '{')
			depth++;
		else if (c == ')' || c == ']' || c == '}')
			depth--;
		else if (c == ',' && !depth && n < max)
			starts[n++] = i + 1;
	}
	return n;
}

static int add_edit(struct rw *r, size_t s, size_t e, char *repl)
{
	if (!repl)
		return -ENOMEM;
	if (bct_grow((void **)&r->ed, &r->edcap, r->ned + 1, sizeof(*r->ed))) {
		free(repl);
		return -ENOMEM;
	}
	r->ed[r->ned].s = s;
	r->ed[r->ned].e = e;
	r->ed[r->ned].repl = repl;
	r->ed[r->ned].seq = (long)r->ned;
	r->ned++;
	return 0;
}

static char *fmt(const char *f, ...)
{
	va_list ap;
	char *s;

	va_start(ap, f);
	if (vasprintf(&s, f, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

static int add_tp(struct rw *r, const char *cat, const char *ev)
{
	char *s = fmt("%s/%s", cat, ev);
	size_t i;

	if (!s)
		return -ENOMEM;
	for (i = 0; i < r->ntps; i++)
		if (!strcmp(r->tps[i], s)) {
			free(s);
			return 0;
		}
	if (bct_grow((void **)&r->tps, &r->tpcap, r->ntps + 1, sizeof(*r->tps))) {
		free(s);
		return -ENOMEM;
	}
	r->tps[r->ntps++] = s;
	return 0;
}

/* ---- maps --------------------------------------------------------------------------------- */

static const struct {
	const char *macro, *kind;
} map_macros[] = {
	{ "BPF_HASH", "hash" },
	{ "BPF_PERCPU_HASH", "percpu_hash" },
	{ "BPF_ARRAY", "array" },
	{ "BPF_PERCPU_ARRAY", "percpu_array" },
	{ "BPF_HISTOGRAM", "histogram" },
	{ "BPF_LPM_TRIE", "lpm_trie" },
	{ "BPF_PERF_OUTPUT", "perf_output" },
	{ "BPF_RINGBUF_OUTPUT", "ringbuf" },
	{ "BPF_STACK_TRACE", "stacktrace" },
	{ "BPF_PERF_ARRAY", "perf_array" },
	{ "BPF_CGROUP_ARRAY", "cgroup_array" },
	{ "BPF_PROG_ARRAY", "prog" },
	{ "BPF_QUEUE", "queue" },
	{ "BPF_STACK", "stack" },
};

static const char *const table_types[] = {
	"hash",		"array",     "percpu_hash", "percpu_array", "lru_hash",	  "lru_percpu_hash",
	"lpm_trie",	"histogram", "stacktrace",  "perf_output",  "perf_array", "prog",
	"cgroup_array", "queue",     "stack",
};

static const char *const methods[] = {
	"lookup",
	"update",
	"insert",
	"delete",
	"lookup_or_try_init",
	"lookup_or_init",
	"increment",
	"atomic_increment",
	"perf_submit",
	"perf_submit_skb",
	"ringbuf_output",
	"ringbuf_reserve",
	"ringbuf_submit",
	"ringbuf_discard",
	"ringbuf_query",
	"get_stackid",
	"call",
	"perf_read",
	"perf_counter_value",
	"check_current_task",
	"push",
	"pop",
	"peek",
};

static struct bct_rw_map *find_map(struct rw *r, size_t i)
{
	size_t k;

	if (i >= r->nt || r->t[i].kind != T_IDENT)
		return NULL;
	for (k = 0; k < r->out->nmaps; k++)
		if (is(r, i, r->out->maps[k].name))
			return &r->out->maps[k];
	return NULL;
}

static int add_map(struct rw *r, size_t name_tok, const char *kind)
{
	struct bct_rw *o = r->out;
	size_t cap = o->nmaps;

	if (name_tok >= r->nt || r->t[name_tok].kind != T_IDENT) {
		fail(r, r->t[name_tok < r->nt ? name_tok : r->nt - 1].s,
		     "invalid type for bpf_table, expect struct");
		return 0;
	}
	if (bct_grow((void **)&o->maps, &cap, o->nmaps + 1, sizeof(*o->maps)))
		return -ENOMEM;
	memset(&o->maps[o->nmaps], 0, sizeof(o->maps[0]));
	o->maps[o->nmaps].name = tokdup(r, name_tok);
	o->maps[o->nmaps].kind = strdup(kind);
	o->nmaps++;
	return 0;
}

/*
 * BPF_TABLE("type", K, V, name, N) at i (or BPF_F_TABLE): BCT_TABLE_type(K, V, name, N).
 * BPF_TABLE_PINNED("type", K, V, name, N, "path"[, flags]): BCT_F_TABLE_type(K, V, name, N,
 * flags or 0), the path kept for bct_rw_pin_maps().
 */
static int table_macro(struct rw *r, size_t i, bool flags, bool pinned)
{
	const char *macro = pinned ? "BPF_TABLE_PINNED" : flags ? "BPF_F_TABLE" : "BPF_TABLE";
	size_t close, starts[8], n, k;
	char type[64];
	size_t tl;

	if (!is(r, i + 1, "(") || i + 2 >= r->nt || r->t[i + 2].kind != T_STR || !is(r, i + 3, ","))
		return 0;
	tl = r->t[i + 2].e - r->t[i + 2].s - 2;
	if (tl >= sizeof(type))
		tl = sizeof(type) - 1;
	memcpy(type, r->src + r->t[i + 2].s + 1, tl);
	type[tl] = '\0';
	for (k = 0; k < sizeof(table_types) / sizeof(table_types[0]); k++)
		if (!strcmp(type, table_types[k]))
			break;
	if (k == sizeof(table_types) / sizeof(table_types[0])) {
		fail(r, r->t[i].s, "unsupported map type: maps/%s", type);
		return 0;
	}
	close = match(r, i + 1);
	n = split_args(r, i + 1, close, starts, 8);
	if (n < (pinned ? 6u : 5u)) {
		fail(r, r->t[i].s, "%s needs a type, key, leaf, name and size%s", macro,
		     pinned ? " and a path" : "");
		return 0;
	}
	if (add_map(r, starts[3], type))
		return -ENOMEM;
	if (pinned) {
		size_t path = starts[5];
		struct bct_rw_map *m = &r->out->maps[r->out->nmaps - 1];

		if (r->t[path].kind != T_STR) {
			fail(r, r->t[path].s,
			     "BPF_TABLE_PINNED: the path must be a string literal");
			return 0;
		}
		m->pin_path = strndup(r->src + r->t[path].s + 1, r->t[path].e - r->t[path].s - 2);
		/* the path goes; the flags, if any, take its place */
		if (!m->pin_path ||
		    add_edit(r, r->t[path - 1].s, r->t[path].e, fmt("%s", n > 6 ? "" : ", 0")))
			return -ENOMEM;
	}
	return add_edit(r, r->t[i].s, r->t[i + 3].e,
			fmt("%s_%s(", flags || pinned ? "BCT_F_TABLE" : "BCT_TABLE", type));
}

/* The declared type of identifier tok, searched backwards from before (struct X / typedef). */
static char *decl_type(struct rw *r, size_t tok, size_t from, size_t before)
{
	size_t i, j;

	for (i = before; i-- > from;) {
		if (r->t[i].kind != T_IDENT || r->t[i].e - r->t[i].s != r->t[tok].e - r->t[tok].s ||
		    memcmp(r->src + r->t[i].s, r->src + r->t[tok].s, r->t[tok].e - r->t[tok].s))
			continue;
		if (!(is(r, i + 1, "=") || is(r, i + 1, ";") || is(r, i + 1, "[") ||
		      is(r, i + 1, ",") || is(r, i + 1, ")")))
			continue;
		j = i;
		while (j > from && is(r, j - 1, "*"))
			j--;
		if (j == from || r->t[j - 1].kind != T_IDENT || is(r, j - 1, "return"))
			continue;
		if (j - 1 > from && (is(r, j - 2, "struct") || is(r, j - 2, "union"))) {
			char *name = tokdup(r, j - 1), *s;

			s = fmt("%s %s", is(r, j - 2, "struct") ? "struct" : "union", name);
			free(name);
			return s;
		}
		return tokdup(r, j - 1);
	}
	return NULL;
}

/* map.method( at i (the map's name): bct_m_method(map, */
static int method_call(struct rw *r, size_t i, struct bct_rw_map *m, size_t fn_start)
{
	size_t k, close, starts[8], n, arg = 0;
	char *meth;
	bool want_type = false;
	int err;

	meth = tokdup(r, i + 2);
	if (!meth)
		return -ENOMEM;
	for (k = 0; k < sizeof(methods) / sizeof(methods[0]); k++)
		if (!strcmp(meth, methods[k]))
			break;
	if (k == sizeof(methods) / sizeof(methods[0])) {
		fail(r, r->t[i].s, "invalid bpf_table operation %s", meth);
		free(meth);
		return 0;
	}
	if (!strcmp(meth, "perf_submit")) {
		want_type = true;
		arg = 1;
	} else if (!strcmp(meth, "ringbuf_output") || !strcmp(meth, "ringbuf_submit")) {
		want_type = true;
		arg = 0;
	}
	close = match(r, i + 3);
	n = split_args(r, i + 3, close, starts, 8);
	if (want_type && !m->event_type && arg < n) {
		size_t a = starts[arg];

		while (a < close && (is(r, a, "&") || is(r, a, "(")))
			a++;
		if (a < close && r->t[a].kind == T_IDENT)
			m->event_type = decl_type(r, a, fn_start, i);
	}
	err = add_edit(r, r->t[i].s, r->t[i + 3].e,
		       fmt("bct_m_%s(%.*s%s", meth, (int)(r->t[i].e - r->t[i].s),
			   r->src + r->t[i].s, is(r, i + 4, ")") ? "" : ", "));
	free(meth);
	return err;
}

/* ---- types: which pointers point into the kernel ------------------------------------------ */

static bool same_tok(const struct rw *r, size_t a, size_t b)
{
	return r->t[a].e - r->t[a].s == r->t[b].e - r->t[b].s &&
	       !memcmp(r->src + r->t[a].s, r->src + r->t[b].s, r->t[a].e - r->t[a].s);
}

/*
 * The program's own struct and union definitions (struct NAME {). A program may define its own
 * copy of a kernel struct the kernel's headers keep private (struct nameidata, struct
 * mnt_namespace): vmlinux.h has it, so the program's copy is left out (the kernel's own has the
 * members at this kernel's offsets), and a pointer to it is a kernel pointer.
 */
static int collect_utypes(struct rw *r)
{
	bool memo = false;
	size_t i;
	int err = 0;

	for (i = 0; i + 2 < r->nt && !err; i++) {
		bool st = is(r, i, "struct");
		char *name;

		if (!(st || is(r, i, "union")) || r->t[i + 1].kind != T_IDENT || !is(r, i + 2, "{"))
			continue;
		if (!strncmp(r->src + r->t[i + 1].s, "tracepoint__", 12))
			goto own;
		if (!memo) {
			/* the per-boot memo answers without parsing the kernel's BTF (~50 ms) */
			memo = true;
			bct_probe_memo_load();
		}
		name = tokdup(r, i + 1);
		if (!name)
			return -ENOMEM;
		if (st ? bct_btf_struct_exists(name) : bct_btf_union_exists(name)) {
			free(name);
			err = add_edit(r, r->t[i + 2].s, r->t[match(r, i + 2)].e,
				       strdup("/* the kernel's, from vmlinux.h */"));
			continue;
		}
		free(name);
own:
		if (bct_grow((void **)&r->utypes, &r->utcap, r->nut + 1, sizeof(*r->utypes))) {
			err = -ENOMEM;
			break;
		}
		r->utypes[r->nut++] = i + 1;
	}
	if (memo)
		bct_probe_memo_save(); /* only when an answer was new */
	return err;
}

static size_t utype(const struct rw *r, size_t name)
{
	size_t k;

	for (k = 0; k < r->nut; k++)
		if (same_tok(r, r->utypes[k], name))
			return k;
	return SIZE_MAX;
}

/* Context types: a program reads them directly, never with a probe read. */
static bool ctx_type(const struct rw *r, size_t name)
{
	static const char *const ctx[] = {
		"pt_regs",	   "user_pt_regs",	  "__sk_buff",
		"xdp_md",	   "bpf_perf_event_data", "bpf_sock_ops",
		"sk_msg_md",	   "bpf_sock_addr",	  "bpf_sysctl",
		"bpf_sockopt",	   "bpf_sk_lookup",	  "bpf_sock",
		"sk_reuseport_md", "bpf_cgroup_dev_ctx",  "bpf_raw_tracepoint_args",
	};
	size_t k;

	for (k = 0; k < sizeof(ctx) / sizeof(ctx[0]); k++)
		if (is(r, name, ctx[k]))
			return true;
	return !strncmp(r->src + r->t[name].s, "trace_event_raw_", 16) ||
	       !strncmp(r->src + r->t[name].s, "tracepoint__", 12);
}

/*
 * The declaration of the declarator at d (tokens from from on): its struct or union name token
 * (SIZE_MAX for another type) and its stars. False when d is not declared there.
 */
static bool decl_at(const struct rw *r, size_t d, size_t from, size_t *type, int *stars)
{
	size_t j = d;

	*stars = 0;
	*type = SIZE_MAX;
	while (j > from && is(r, j - 1, "*")) {
		j--;
		(*stars)++;
	}
	if (j == from)
		return false;
	if (is(r, j - 1, ",") && !is(r, d + 1, ")")) {
		/* struct x a = {}, *b: back to the start of the statement */
		int depth = 0;

		for (j--; j > from; j--) {
			if (is(r, j - 1, ")") || is(r, j - 1, "}") || is(r, j - 1, "]")) {
				depth++;
			} else if (is(r, j - 1, "(") || is(r, j - 1, "{") || is(r, j - 1, "[")) {
				if (!depth)
					break;
				depth--;
			} else if (!depth && is(r, j - 1, ";")) {
				break;
			}
		}
		if (j == from || !(is(r, j - 1, "{") || is(r, j - 1, ";") || is(r, j - 1, "}")))
			return false;
		while (is(r, j, "const") || is(r, j, "volatile") || is(r, j, "static"))
			j++;
		if ((is(r, j, "struct") || is(r, j, "union")) && j + 1 < d &&
		    r->t[j + 1].kind == T_IDENT)
			*type = j + 1;
		return r->t[j].kind == T_IDENT && !is(r, j, "return");
	}
	if (r->t[j - 1].kind != T_IDENT || is(r, j - 1, "return"))
		return false;
	if (j - 1 > from && (is(r, j - 2, "struct") || is(r, j - 2, "union")))
		*type = j - 1;
	return true;
}

/* The nearest declaration of identifier tok in tokens [from, before): its declarator, or SIZE_MAX. */
static size_t find_decl(const struct rw *r, size_t tok, size_t from, size_t before, size_t *type,
			int *stars)
{
	size_t i;

	for (i = before; i-- > from;) {
		if (r->t[i].kind != T_IDENT || !same_tok(r, i, tok))
			continue;
		if (!(is(r, i + 1, "=") || is(r, i + 1, ";") || is(r, i + 1, "[") ||
		      is(r, i + 1, ",") || is(r, i + 1, ")") || is(r, i + 1, ":")))
			continue;
		if (decl_at(r, i, from, type, stars))
			return i;
	}
	return SIZE_MAX;
}

/* Declared as a pointer to a struct or union of the kernel's (not the program's, not a context). */
static bool kernel_type(const struct rw *r, size_t d, size_t type, int stars)
{
	return !is(r, d + 1, "[") && type != SIZE_MAX && stars > 0 && utype(r, type) == SIZE_MAX &&
	       !ctx_type(r, type);
}

static bool kernel_ptr(const struct rw *r, size_t tok, size_t from, size_t before)
{
	size_t type;
	int stars;
	size_t d = find_decl(r, tok, from, before, &type, &stars);

	return d != SIZE_MAX && kernel_type(r, d, type, stars);
}

/* tok points to one of the program's structs: whether its member m is a kernel struct pointer. */
static bool kernel_member(const struct rw *r, size_t tok, size_t from, size_t before, size_t m)
{
	size_t type, u, open, close, d = find_decl(r, tok, from, before, &type, &(int){ 0 });
	int stars;

	if (d == SIZE_MAX)
		return false;
	decl_at(r, d, from, &type, &stars);
	if (stars != 1 || type == SIZE_MAX || (u = utype(r, type)) == SIZE_MAX)
		return false;
	open = r->utypes[u] + 1;
	close = match(r, open);
	d = find_decl(r, m, open + 1, close, &type, &stars);
	return d != SIZE_MAX && kernel_type(r, d, type, stars);
}

/* ---- implicit dereferences ---------------------------------------------------------------- */

#define MAX_TAINT 64

struct taint {
	size_t tok[MAX_TAINT]; /* tokens naming the tainted identifiers */
	size_t n;
};

static bool tainted(const struct rw *r, const struct taint *t, size_t i)
{
	size_t k, len = r->t[i].e - r->t[i].s;

	if (r->t[i].kind != T_IDENT)
		return false;
	for (k = 0; k < t->n; k++)
		if (r->t[t->tok[k]].e - r->t[t->tok[k]].s == len &&
		    !memcmp(r->src + r->t[t->tok[k]].s, r->src + r->t[i].s, len))
			return true;
	return false;
}

static void taint_add(const struct rw *r, struct taint *t, size_t i)
{
	if (t->n < MAX_TAINT && !tainted(r, t, i))
		t->tok[t->n++] = i;
}

/* Whether the value of tokens [from, to) comes from untrusted memory (BCC's external roots). */
static bool kernel_ptr(const struct rw *r, size_t tok, size_t from, size_t before);

static bool rhs_external(const struct rw *r, const struct taint *t, size_t dfrom, size_t from,
			 size_t to)
{
	size_t i;

	if (from < to && is(r, from, "&"))
		return false;
	for (i = from; i < to; i++) {
		if (r->t[i].kind != T_IDENT)
			continue;
		if (is(r, i + 1, ".") && i + 2 < to &&
		    (is(r, i + 2, "lookup") || is(r, i + 2, "lookup_or_try_init") ||
		     is(r, i + 2, "lookup_or_init") || is(r, i + 2, "ringbuf_reserve")))
			return false;
		if (!strncmp(r->src + r->t[i].s, "PT_REGS_PARM", 12) ||
		    !strncmp(r->src + r->t[i].s, "PT_REGS_RC", 10) ||
		    is(r, i, "bpf_get_current_task") ||
		    ((is(r, i, "ctx") || is(r, i, "args")) && is(r, i + 1, "->")) ||
		    ((tainted(r, t, i) || (is(r, i + 1, "->") && kernel_ptr(r, i, dfrom, i))) &&
		     !(i > from && (is(r, i - 1, ".") || is(r, i - 1, "->")))))
			return true;
	}
	return false;
}

/* Inside the arguments of an explicit bpf_probe_read*() (1) or of sizeof/typeof (2)? */
static int in_explicit_read(const struct rw *r, size_t body, size_t i)
{
	int depth = 0;

	while (i-- > body) {
		if (is(r, i, ")"))
			depth++;
		else if (is(r, i, "(") && depth-- == 0 && i > 0 && r->t[i - 1].kind == T_IDENT) {
			if (!strncmp(r->src + r->t[i - 1].s, "bpf_probe_read", 14))
				return 1;
			if (is(r, i - 1, "sizeof") || is(r, i - 1, "typeof") ||
			    is(r, i - 1, "__typeof__") || is(r, i - 1, "offsetof"))
				return 2;
		} else if (is(r, i, ";") || is(r, i, "{")) {
			return 0;
		}
	}
	return 0;
}

static bool assign_op(const struct rw *r, size_t i)
{
	static const char *const ops[] = { "++", "--" };
	size_t k;

	if (i >= r->nt || r->t[i].kind != T_PUNCT)
		return false;
	if (is(r, i, "=") && !is(r, i + 1, "="))
		return true;
	for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
		if (is(r, i, ops[k]))
			return true;
	/* the lexer splits "+=" into '+' '=' and "++" into '+' '+' */
	if (strchr("+-*/|&^%<>", r->src[r->t[i].s]) && is(r, i + 1, "=") &&
	    r->t[i + 1].s == r->t[i].e && !is(r, i + 2, "="))
		return true;
	if ((is(r, i, "+") && is(r, i + 1, "+")) || (is(r, i, "-") && is(r, i + 1, "-")))
		return r->t[i + 1].s == r->t[i].e;
	return false;
}

/* Tokens (from i) of a postfix chain's tail: (.g | [i])* */
static size_t chain_tail(const struct rw *r, size_t j, size_t close)
{
	while (j < close) {
		if (is(r, j, ".") && j + 1 < close && r->t[j + 1].kind == T_IDENT)
			j += 2;
		else if (is(r, j, "["))
			j = match(r, j) + 1;
		else
			break;
	}
	return j;
}

/* Whether tokens (open, close) hold &X-> with X a kernel pointer. */
static bool addr_of_kernel(const struct rw *r, const struct taint *t, size_t from, size_t open,
			   size_t close)
{
	size_t k;

	for (k = open + 1; k + 2 < close; k++)
		if (is(r, k, "&") && r->t[k + 1].kind == T_IDENT && is(r, k + 2, "->") &&
		    (tainted(r, t, k + 1) || kernel_ptr(r, k + 1, from, k + 1)))
			return true;
	return false;
}

/*
 * *(...)(...) in unary position on an address computed from a kernel pointer
 * (*(&p->f - 2), *(u8 *)((u64)&p->f - 3)): a probe read. Returns the last token, or 0.
 */
static size_t deref_addr(struct rw *r, const struct taint *t, size_t from, size_t i, size_t close,
			 int *err)
{
	size_t end = i + 1, last = 0;
	bool hit = false;

	if (!is(r, i, "*") || i == 0 || r->t[i - 1].kind == T_NUM || is(r, i - 1, "]") ||
	    is(r, i - 1, "*") || (r->t[i - 1].kind == T_IDENT && !is(r, i - 1, "return")))
		return 0;
	/* *p, p a pointer into the kernel ((a) * b is a product) */
	if (i + 1 < close && r->t[i + 1].kind == T_IDENT && !is(r, i - 1, ")") &&
	    !is(r, i + 2, "->") && !is(r, i + 2, "[") && !is(r, i + 2, ".") && !is(r, i + 2, "(") &&
	    !assign_op(r, i + 2) && in_explicit_read(r, from, i) != 2 &&
	    (tainted(r, t, i + 1) || kernel_ptr(r, i + 1, from, i + 1))) {
		*err = add_edit(r, r->t[i].s, r->t[i + 1].e,
				fmt("BCT_PR(*%.*s)", (int)(r->t[i + 1].e - r->t[i + 1].s),
				    r->src + r->t[i + 1].s));
		return i + 1;
	}
	if (!is(r, i + 1, "("))
		return 0;
	while (end < close && is(r, end, "(")) {
		last = match(r, end);
		if (last >= close)
			return 0;
		hit |= addr_of_kernel(r, t, from, end, last);
		end = last + 1;
	}
	if (!hit)
		return 0;
	*err = add_edit(
		r, r->t[i].s, r->t[last].e,
		fmt("BCT_PRD(%.*s)", (int)(r->t[last].e - r->t[i + 1].s), r->src + r->t[i + 1].s));
	return last;
}

/*
 * BCC's rewriter in small: in the body (tokens (open, close)) of the function declared from token
 * from, each p->f chain on a pointer into the kernel is read with bpf_probe_read(), one read per
 * "->" hop (or p[i] on such a pointer). A pointer into the kernel: a kernel struct or union
 * pointer (the type is not the program's own), one that comes from the probed function's
 * arguments, its registers, a raw tracepoint's args or bpf_get_current_task() (and locals
 * assigned from them), or a member of the program's own struct declared as a kernel pointer.
 * Not rewritten: the last hop of &p->f and of explicit bpf_probe_read*() arguments, writes
 * through p. *(address computed from &p->f) is a probe read too.
 */
static int deref_pass(struct rw *r, struct taint *t, size_t from, size_t open, size_t close)
{
	size_t i;
	int err = 0;

	for (i = open + 1; i < close && !err; i++) {
		size_t j, k, end, first, nhops = 0, last_hop = 0;
		bool ext, addr;
		char *cur;

		if (is(r, i, "*")) {
			size_t last = deref_addr(r, t, from, i, close, &err);

			if (last)
				i = last;
			continue;
		}
		/* ((T *)p)[i], p a kernel pointer */
		if (is(r, i, "(") && is(r, i + 1, "(") && !(i > 0 && r->t[i - 1].kind == T_IDENT)) {
			size_t c = match(r, i + 1), m = match(r, i);

			if (c + 2 == m && m + 1 < close && is(r, m + 1, "[") && is(r, c - 1, "*") &&
			    r->t[c + 1].kind == T_IDENT &&
			    (tainted(r, t, c + 1) || kernel_ptr(r, c + 1, from, c + 1)) &&
			    !assign_op(r, match(r, m + 1) + 1)) {
				size_t e = match(r, m + 1);

				err = add_edit(r, r->t[i].s, r->t[e].e,
					       fmt("BCT_PR(%.*s)", (int)(r->t[e].e - r->t[i].s),
						   r->src + r->t[i].s));
				i = e;
				continue;
			}
		}
		if (r->t[i].kind != T_IDENT || (i > 0 && (is(r, i - 1, ".") || is(r, i - 1, "->"))))
			continue;
		/* X = RHS: X is tainted when RHS is external */
		if (is(r, i + 1, "=") && !is(r, i + 2, "=")) {
			int depth = 0;

			for (end = i + 2; end < close; end++) {
				if (is(r, end, "(") || is(r, end, "[") || is(r, end, "{"))
					depth++;
				else if (is(r, end, ")") || is(r, end, "]") || is(r, end, "}"))
					depth--;
				if (depth < 0 || (!depth && (is(r, end, ";") || is(r, end, ","))))
					break;
			}
			if (rhs_external(r, t, from, i + 2, end))
				taint_add(r, t, i);
			continue;
		}
		if (!is(r, i + 1, "->") && !is(r, i + 1, "["))
			continue;
		ext = tainted(r, t, i) || kernel_ptr(r, i, from, i);
		first = i + 1;
		if (!ext) {
			/* p->m->...: p is the program's, m a kernel pointer */
			if (!is(r, i + 1, "->") || i + 2 >= close || r->t[i + 2].kind != T_IDENT ||
			    !is(r, i + 3, "->") || !kernel_member(r, i, from, i, i + 2))
				continue;
			first = i + 3;
		} else if (is(r, i + 1, "[") && !kernel_ptr(r, i, from, i)) {
			continue;
		}
		/* the chain: X ([i] | -> f) (.g | [i])* (-> f (.g | [i])*)* */
		j = first;
		if (is(r, j, "[")) {
			j = chain_tail(r, j, close);
			nhops++;
		}
		while (is(r, j, "->") && j + 1 < close && r->t[j + 1].kind == T_IDENT) {
			last_hop = j;
			j = chain_tail(r, j + 2, close);
			nhops++;
		}
		if (!nhops)
			continue;
		if ((i > 0 &&
		     (is(r, i - 1, "++") || (is(r, i - 1, "+") && i > 1 && is(r, i - 2, "+")) ||
		      (is(r, i - 1, "-") && i > 1 && is(r, i - 2, "-")))) ||
		    assign_op(r, j) || is(r, j, "(")) {
			i = j - 1;
			continue;
		}
		if (in_explicit_read(r, open, i) == 2) {
			i = j - 1;
			continue;
		}
		addr = i > 0 && is(r, i - 1, "&");
		if (addr) {
			/* an address: every hop but the last is read */
			if (nhops < 2 || !last_hop) {
				i = j - 1;
				continue;
			}
		}
		cur = spandup(r, i, first);
		for (k = first; k < (addr ? last_hop : j) && cur;) {
			size_t hop_end = k + 2;
			char *next;

			while (hop_end < j && !is(r, hop_end, "->"))
				hop_end++;
			next = fmt("BCT_PR(%s%.*s)", cur, (int)(r->t[hop_end - 1].e - r->t[k].s),
				   r->src + r->t[k].s);
			free(cur);
			cur = next;
			k = hop_end;
		}
		if (cur && addr) {
			char *next = fmt("%s%.*s", cur, (int)(r->t[j - 1].e - r->t[last_hop].s),
					 r->src + r->t[last_hop].s);

			free(cur);
			cur = next;
		}
		err = cur ? add_edit(r, r->t[i].s, r->t[j - 1].e, cur) : -ENOMEM;
		i = j - 1;
	}
	return err;
}

static int line_of(const struct rw *r, size_t pos)
{
	int line = 1;
	size_t i;

	for (i = 0; i < pos && i < r->len; i++)
		line += r->src[i] == '\n';
	return line;
}

/* ---- USDT (-a FUNC=U:LIB:PROBE) ------------------------------------------------------------ */

static const char *usdt_type(const struct bct_usdt_arg *a)
{
	switch (a->size) {
	case 1:
		return a->is_signed ? "s8" : "u8";
	case 2:
		return a->is_signed ? "s16" : "u16";
	case 4:
		return a->is_signed ? "s32" : "u32";
	default:
		return a->is_signed ? "s64" : "u64";
	}
}

/* A register of the probed process, as the uprobe's pt_regs holds it. */
static void usdt_reg(FILE *f, const char *reg)
{
#if defined(__aarch64__)
	if (reg[0] == 'x')
		fprintf(f, "((struct user_pt_regs *)ctx)->regs[%d]", atoi(reg + 1));
	else
		fprintf(f, "((struct user_pt_regs *)ctx)->%s", reg);
#else
	fprintf(f, "ctx->%s", reg);
#endif
}

/*
 * The USDT probe of -a FUNC=U:LIB:[PROVIDER:]PROBE for the function fn defined from decl (body
 * at brace): its locations and semaphore for the attach, and bpf_usdt_readarg(N, ctx, &v) and
 * bpf_usdt_readarg_p(N, ctx, buf, len) in its body, read as the probe's notes say.
 */
static int usdt_func(struct rw *r, size_t decl, size_t brace, struct bct_rw_func *fn,
		     const char *target)
{
	const char *c1 = strchr(target, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	char lib[4096], path[4096], prov[128] = "", pname[128];
	struct bct_usdt_probe *pr = NULL, *first = NULL;
	size_t n = 0, i, k, end = match(r, brace);
	char *text = NULL;
	size_t tlen;
	FILE *f;
	int err;

	if (!c1) {
		fail(r, r->t[decl].s, "invalid USDT spec '%s': want U:LIB:PROBE", target);
		return 0;
	}
	snprintf(lib, sizeof(lib), "%.*s", (int)(c1 - target), target);
	if (c2) {
		snprintf(prov, sizeof(prov), "%.*s", (int)(c2 - c1 - 1), c1 + 1);
		snprintf(pname, sizeof(pname), "%s", c2 + 1);
	} else {
		snprintf(pname, sizeof(pname), "%s", c1 + 1);
	}
	err = bct_elf_lib_path(lib, path, sizeof(path));
	if (!err)
		err = bct_usdt_read(path, &pr, &n);
	if (err) {
		fail(r, r->t[decl].s, "cannot read the USDT probes of %s: %s", lib, strerror(-err));
		return 0;
	}
	fn->usdt_path = strdup(path);
	if (!fn->usdt_path)
		goto nomem;
	for (i = 0; i < n; i++) {
		if (strcmp(pr[i].name, pname) || (*prov && strcmp(pr[i].provider, prov)))
			continue;
		if (!first) {
			first = &pr[i];
		} else if (strcmp(first->provider, pr[i].provider)) {
			fail(r, r->t[decl].s, "USDT probe %s is in providers %s and %s: say which",
			     pname, first->provider, pr[i].provider);
			goto out;
		} else if (strcmp(first->args_text, pr[i].args_text)) {
			fail(r, r->t[decl].s,
			     "USDT probe %s:%s has locations with different arguments (%s, %s): "
			     "not supported",
			     first->provider, pname, first->args_text, pr[i].args_text);
			goto out;
		}
		if (bct_grow((void **)&fn->usdt_offs, &(size_t){ fn->nusdt }, fn->nusdt + 1,
			     sizeof(*fn->usdt_offs)))
			goto nomem;
		fn->usdt_offs[fn->nusdt++] = pr[i].offset;
		fn->usdt_sema = pr[i].sema_offset;
	}
	if (!first) {
		fail(r, r->t[decl].s, "no USDT probe %s%s%s in %s", prov, *prov ? ":" : "", pname,
		     path);
		goto out;
	}
	if (first->nargs < 0) {
		fail(r, r->t[decl].s, "cannot read the arguments of USDT probe %s:%s (%s)",
		     first->provider, pname, first->args_text);
		goto out;
	}
	f = open_memstream(&text, &tlen);
	if (!f)
		goto nomem;
	fprintf(f,
		"static __always_inline long long bct_usdt_arg_%s(struct pt_regs *ctx, int n)\n"
		"{\n\tswitch (n) {\n",
		fn->name);
	for (k = 0; k < (size_t)first->nargs; k++) {
		const struct bct_usdt_arg *a = &first->args[k];
		const char *ty = usdt_type(a);

		fprintf(f, "\tcase %zu: {\n\t\t%s v = 0;\n\n\t\t", k + 1, ty);
		if (a->kind == BCT_USDT_CONST) {
			fprintf(f, "v = (%s)%lldLL;", ty, a->value);
		} else if (a->kind == BCT_USDT_REG) {
			fprintf(f, "v = (%s)", ty);
			usdt_reg(f, a->base);
			fprintf(f, ";");
		} else if (a->ident[0]) {
			fclose(f);
			fail(r, r->t[decl].s,
			     "USDT probe %s:%s argument %zu (%s) is a global variable: not supported",
			     first->provider, pname, k + 1, first->args_text);
			goto out;
		} else {
			fprintf(f, "bpf_probe_read_user(&v, sizeof(v), (const void *)(");
			usdt_reg(f, a->base);
			fprintf(f, " + (%lldLL)", a->value);
			if (a->index[0]) {
				fprintf(f, " + ");
				usdt_reg(f, a->index);
				fprintf(f, " * %d", a->scale);
			}
			fprintf(f, "));");
		}
		fprintf(f, "\n\t\treturn v;\n\t}\n");
	}
	fprintf(f,
		"\t}\n\treturn 0;\n}\n"
		"#define bct_usdt_readarg_%s(n, c, p) "
		"({ *(p) = (__typeof__(*(p)))bct_usdt_arg_%s(c, n); 0; })\n"
		"#define bct_usdt_readarg_p_%s(n, c, buf, len) "
		"bpf_probe_read_user_str(buf, len, (const void *)bct_usdt_arg_%s(c, n))\n",
		fn->name, fn->name, fn->name, fn->name);
	fprintf(f, "#line %d \"%s\"\n", line_of(r, r->t[decl].s), r->name);
	if (fclose(f))
		goto nomem;
	err = add_edit(r, r->t[decl].s, r->t[decl].s, text);
	text = NULL;
	if (!err)
		r->ed[r->ned - 1].seq = -1; /* before the function's SEC() */
	for (k = brace + 1; k < end && !err; k++)
		if (is(r, k, "bpf_usdt_readarg") || is(r, k, "bpf_usdt_readarg_p"))
			err = add_edit(r, r->t[k].s, r->t[k].e,
				       fmt("bct_usdt_readarg%s_%s",
					   is(r, k, "bpf_usdt_readarg_p") ? "_p" : "", fn->name));
	bct_usdt_free(pr, n);
	return err;
nomem:
	err = -ENOMEM;
	free(text);
	bct_usdt_free(pr, n);
	return err;
out:
	free(text);
	bct_usdt_free(pr, n);
	return 0;
}

/* ---- probe functions --------------------------------------------------------------------- */

static const struct bct_rw_spec *spec_of(const struct rw *r, const char *fn)
{
	size_t i;

	for (i = 0; i < r->nspecs; i++)
		if (!strcmp(r->specs[i].func, fn))
			return &r->specs[i];
	return NULL;
}

static int add_func(struct rw *r, const char *name, char *sec, enum bct_rw_attach kind,
		    const char *target)
{
	struct bct_rw *o = r->out;
	size_t cap = o->nfuncs;

	if (!sec)
		return -ENOMEM;
	if (bct_grow((void **)&o->funcs, &cap, o->nfuncs + 1, sizeof(*o->funcs))) {
		free(sec);
		return -ENOMEM;
	}
	o->funcs[o->nfuncs].name = strdup(name);
	o->funcs[o->nfuncs].sec = sec;
	o->funcs[o->nfuncs].kind = kind;
	o->funcs[o->nfuncs].target = target ? strdup(target) : NULL;
	o->funcs[o->nfuncs].usdt_path = NULL;
	o->funcs[o->nfuncs].usdt_offs = NULL;
	o->funcs[o->nfuncs].nusdt = 0;
	o->funcs[o->nfuncs].usdt_sema = 0;
	o->nfuncs++;
	return 0;
}

/* "tracepoint__cat__ev" -> cat, ev */
static bool split_tp(const char *s, char *cat, char *ev, size_t sz)
{
	const char *sep = strstr(s, "__");

	if (!sep || sep == s || !sep[2] || (size_t)(sep - s) >= sz || strlen(sep + 2) >= sz)
		return false;
	memcpy(cat, s, sep - s);
	cat[sep - s] = '\0';
	strcpy(ev, sep + 2);
	return true;
}

/*
 * The function defined with its name at name_tok, parameters (open, close) and body at brace:
 * its SEC() before decl, its parameters after ctx read from pt_regs.
 */
static int probe_func(struct rw *r, size_t decl, size_t name_tok, size_t open, size_t close,
		      size_t brace)
{
	char *name = tokdup(r, name_tok), *sec = NULL, *target = NULL, *ctx_type, *body = NULL;
	size_t starts[16], n, k;
	enum bct_rw_attach kind = BCT_RW_NONE;
	const struct bct_rw_spec *spec;
	char cat[128], ev[128];
	bool pt_regs, syscall;
	FILE *f;
	size_t blen;
	int err = 0;

	if (!name)
		return -ENOMEM;
	n = split_args(r, open, close, starts, 16);
	ctx_type = n ? spandup(r, starts[0], n > 1 ? starts[1] - 1 : close) : strdup("");
	pt_regs = ctx_type && (strstr(ctx_type, "pt_regs") || !strncmp(ctx_type, "void", 4));
	spec = spec_of(r, name);
	if (spec) {
		kind = spec->kind;
		target = strdup(spec->target);
		switch (kind) {
		case BCT_RW_UPROBE:
		case BCT_RW_USDT:
			sec = strdup("uprobe");
			break;
		case BCT_RW_URETPROBE:
			sec = strdup("uretprobe");
			break;
		case BCT_RW_TRACEPOINT:
			sec = fmt("tracepoint/%s", spec->target);
			if (sec && strchr(sec, ':'))
				*strchr(sec, ':') = '/';
			break;
		case BCT_RW_KRETPROBE:
			sec = fmt("kretprobe/%s", spec->target);
			break;
		default:
			sec = fmt("kprobe/%s", spec->target);
			break;
		}
	} else if (!strncmp(name, "kprobe__", 8)) {
		kind = BCT_RW_KPROBE;
		target = strdup(name + 8);
		sec = fmt("kprobe/%s", name + 8);
	} else if (!strncmp(name, "kretprobe__", 11)) {
		kind = BCT_RW_KRETPROBE;
		target = strdup(name + 11);
		sec = fmt("kretprobe/%s", name + 11);
	} else if (!strncmp(name, "tracepoint__", 12) &&
		   split_tp(name + 12, cat, ev, sizeof(cat))) {
		kind = BCT_RW_TRACEPOINT;
		target = fmt("%s:%s", cat, ev);
		sec = fmt("tracepoint/%s/%s", cat, ev);
		err = add_tp(r, cat, ev);
	} else if (!strncmp(name, "raw_tracepoint__", 16)) {
		kind = BCT_RW_RAW_TP;
		target = strdup(name + 16);
		sec = fmt("raw_tp/%s", name + 16);
	} else if (ctx_type && strstr(ctx_type, "struct tracepoint__")) {
		sec = strdup("tracepoint");
	} else if (ctx_type && strstr(ctx_type, "bpf_raw_tracepoint_args")) {
		sec = strdup("raw_tp");
	} else if (ctx_type && strstr(ctx_type, "__sk_buff")) {
		sec = strdup("socket");
	} else if (ctx_type && strstr(ctx_type, "xdp_md")) {
		sec = strdup("xdp");
	} else if (ctx_type && strstr(ctx_type, "bpf_perf_event_data")) {
		sec = strdup("perf_event");
	} else {
		sec = strdup("kprobe");
	}
	if (!err && !sec)
		err = -ENOMEM;
	if (!err)
		err = add_edit(r, r->t[decl].s, r->t[decl].s, fmt("SEC(\"%s\") ", sec));
	if (!err)
		err = add_func(r, name, sec, kind, target);
	sec = NULL;
	if (!err && kind == BCT_RW_USDT)
		err = usdt_func(r, decl, brace, &r->out->funcs[r->out->nfuncs - 1], target);
	if (!err) {
		struct taint t = { .n = 0 };

		for (k = 1; k < n && pt_regs; k++) {
			size_t end = k + 1 < n ? starts[k + 1] - 1 : close;

			if (end > starts[k] + 1 && r->t[end - 1].kind == T_IDENT)
				for (size_t q = starts[k]; q < end - 1; q++)
					if (is(r, q, "*"))
						taint_add(r, &t, end - 1);
		}
		err = deref_pass(r, &t, decl, brace, match(r, brace));
	}
	if (err || n <= 1 || !pt_regs)
		goto out;

	/* the parameters after ctx, read from the registers */
	if (n > 7) {
		fail(r, r->t[starts[7]].s,
		     "too many arguments, bcc only supports in-register "
		     "parameters");
		goto out;
	}
	syscall = !strncmp(name, "syscall__", 9) || !strncmp(name, "kprobe____x64_sys_", 18) ||
		  !strncmp(name, "kprobe____arm64_sys_", 20);
	f = open_memstream(&body, &blen);
	if (!f) {
		err = -ENOMEM;
		goto out;
	}
	if (syscall)
		fprintf(f, " struct pt_regs *___regs = (struct pt_regs *)PT_REGS_PARM1(ctx);");
	for (k = 1; k < n; k++) {
		size_t end = k + 1 < n ? starts[k + 1] - 1 : close, nt;
		char *ptext, *pname;

		nt = end - starts[k];
		if (nt < 2 || r->t[end - 1].kind != T_IDENT) {
			fail(r, r->t[starts[k]].s,
			     "arguments to BPF program definition must be "
			     "named");
			break;
		}
		ptext = spandup(r, starts[k], end - 1);
		pname = tokdup(r, end - 1);
		if (syscall)
			fprintf(f, " %s %s = (%s)PT_REGS_PARM%zu_CORE_SYSCALL(___regs);", ptext,
				pname, ptext, k);
		else
			fprintf(f, " %s %s = (%s)PT_REGS_PARM%zu(ctx);", ptext, pname, ptext, k);
		free(ptext);
		free(pname);
	}
	if (fclose(f)) {
		err = -ENOMEM;
		goto out;
	}
	/* keep the first parameter only; the others are declared at the top of the body */
	err = add_edit(r, r->t[starts[1] - 1].s, r->t[close].s, strdup(""));
	if (!err) {
		err = add_edit(r, r->t[brace].e, r->t[brace].e, body);
		body = NULL;
	}
out:
	free(body);
	free(name);
	free(ctx_type);
	free(target);
	return err;
}

/* ---- the walk ----------------------------------------------------------------------------- */

static bool kernel_include(const char *pp, size_t len)
{
	static const char *const dirs[] = { "linux/", "uapi/", "net/", "asm/", "bcc/", "trace/" };
	const char *p = pp + 1, *end = pp + len;
	size_t i;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (end - p < 7 || strncmp(p, "include", 7))
		return false;
	p += 7;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p >= end || (*p != '<' && *p != '"'))
		return false;
	p++;
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if ((size_t)(end - p) > strlen(dirs[i]) && !strncmp(p, dirs[i], strlen(dirs[i])))
			return true;
	return false;
}

/* A kernel #include line as a comment (its own comment, if any, cut off: they do not nest). */
static char *include_note(const struct rw *r, const struct tok *t)
{
	const char *p = r->src + t->s + 1;
	size_t n = t->e - t->s - 1;
	const char *c = memmem(p, n, "/*", 2), *c2 = memmem(p, n, "//", 2);

	if (c2 && (!c || c2 < c))
		c = c2;
	if (c)
		n = (size_t)(c - p);
	while (n && isspace((unsigned char)p[n - 1]))
		n--;
	return fmt("/* %.*s: from BTF */", (int)n, p);
}

static int walk(struct rw *r)
{
	size_t i, decl = 0, fn_start = 0;
	int depth = 0, err = 0;

	for (i = 0; i < r->nt && !err && !r->failed; i++) {
		const struct tok *t = &r->t[i];
		char c = t->kind == T_PUNCT ? r->src[t->s] : 0;
		struct bct_rw_map *m;
		size_t k;

		if (t->kind == T_PP) {
			if (kernel_include(r->src + t->s, t->e - t->s))
				err = add_edit(r, t->s, t->e, include_note(r, t));
			if (!depth)
				decl = i + 1;
			continue;
		}
		if (c == '{') {
			if (!depth && i > 0 && is(r, i - 1, ")")) {
				/* a function definition: find its name */
				size_t close = i - 1, open;
				int d = 0;

				for (open = close + 1; open-- > decl;) {
					if (is(r, open, ")"))
						d++;
					else if (is(r, open, "(") && --d == 0)
						break;
				}
				fn_start = i;
				if (open > decl && open <= close &&
				    r->t[open - 1].kind == T_IDENT) {
					bool stat = false;

					for (k = decl; k < open - 1; k++)
						stat |= is(r, k, "static");
					if (stat) {
						struct taint t0 = { .n = 0 };

						err = deref_pass(r, &t0, decl, i, match(r, i));
					} else if (!is(r, open - 1, "TRACEPOINT_PROBE") &&
						   !is(r, open - 1, "RAW_TRACEPOINT_PROBE") &&
						   strncmp(r->src + r->t[open - 1].s, "KFUNC", 5) &&
						   strncmp(r->src + r->t[open - 1].s, "KRETFUNC",
							   8) &&
						   strncmp(r->src + r->t[open - 1].s, "MODULE_",
							   7) &&
						   strncmp(r->src + r->t[open - 1].s, "LSM_PROBE",
							   9) &&
						   strncmp(r->src + r->t[open - 1].s, "KMOD_RET",
							   8))
						err = probe_func(r, decl, open - 1, open, close, i);
					else if (is(r, open - 1, "TRACEPOINT_PROBE") ||
						 is(r, open - 1, "RAW_TRACEPOINT_PROBE") ||
						 is(r, open - 1, "KFUNC_PROBE")) {
						/* KFUNC_PROBE: it may become a kprobe */
						struct taint t0 = { .n = 0 };

						err = deref_pass(r, &t0, decl, i, match(r, i));
					}
				}
			}
			depth++;
			continue;
		}
		if (c == '}') {
			if (--depth <= 0) {
				depth = 0;
				decl = i + 1;
			}
			continue;
		}
		if (c == ';' && !depth) {
			decl = i + 1;
			continue;
		}
		if (t->kind != T_IDENT)
			continue;
		if (is(r, i, "struct") && i + 1 < r->nt && r->t[i + 1].kind == T_IDENT &&
		    !strncmp(r->src + r->t[i + 1].s, "tracepoint__", 12)) {
			char *s = tokdup(r, i + 1);
			char cat[128], ev[128];

			if (!s)
				return -ENOMEM;
			if (split_tp(s + 12, cat, ev, sizeof(cat)))
				err = add_tp(r, cat, ev);
			free(s);
			i++;
			continue;
		}
		if (is(r, i, "bpf_trace_printk") && is(r, i + 1, "(")) {
			r->out->printk = true;
			continue;
		}
		if (!depth && is(r, i + 1, "(") &&
		    (is(r, i, "TRACEPOINT_PROBE") || is(r, i, "RAW_TRACEPOINT_PROBE"))) {
			bool raw = is(r, i, "RAW_TRACEPOINT_PROBE");
			size_t close = match(r, i + 1);
			char *cat, *ev, *fn;

			if (raw ? close != i + 3 : close != i + 5 || !is(r, i + 3, ",")) {
				fail(r, t->s, "%s needs %s",
				     raw ? "RAW_TRACEPOINT_PROBE" : "TRACEPOINT_PROBE",
				     raw ? "an event name" : "a category and an event name");
				break;
			}
			cat = tokdup(r, i + 2);
			ev = tokdup(r, raw ? i + 2 : i + 4);
			if (raw) {
				fn = fmt("raw_tracepoint__%s", ev);
				err = add_edit(r, t->s, r->t[close].e,
					       fmt("SEC(\"raw_tp/%s\") int %s(struct "
						   "bpf_raw_tracepoint_args *ctx)",
						   ev, fn));
				if (!err)
					err = add_func(r, fn, fmt("raw_tp/%s", ev), BCT_RW_RAW_TP,
						       ev);
			} else {
				char *target = fmt("%s:%s", cat, ev);

				fn = fmt("tracepoint__%s__%s", cat, ev);
				err = add_edit(r, t->s, r->t[close].e,
					       fmt("SEC(\"tracepoint/%s/%s\") int %s(struct %s "
						   "*args)",
						   cat, ev, fn, fn));
				if (!err)
					err = add_tp(r, cat, ev);
				if (!err)
					err = add_func(r, fn, fmt("tracepoint/%s/%s", cat, ev),
						       BCT_RW_TRACEPOINT, target);
				free(target);
			}
			free(fn);
			free(cat);
			free(ev);
			i = close;
			continue;
		}
		if (!depth && is(r, i, "KFUNC_PROBE"))
			r->kfunc = true;
		if (!depth && (is(r, i, "BPF_TABLE") || is(r, i, "BPF_F_TABLE") ||
			       is(r, i, "BPF_TABLE_PINNED"))) {
			err = table_macro(r, i, is(r, i, "BPF_F_TABLE"),
					  is(r, i, "BPF_TABLE_PINNED"));
			continue;
		}
		if (!depth && is(r, i + 1, "(")) {
			for (k = 0; k < sizeof(map_macros) / sizeof(map_macros[0]); k++)
				if (is(r, i, map_macros[k].macro)) {
					err = add_map(r, i + 2, map_macros[k].kind);
					break;
				}
			continue;
		}
		if (depth && is(r, i + 1, ".") && i + 2 < r->nt && r->t[i + 2].kind == T_IDENT &&
		    is(r, i + 3, "(") && !(i > 0 && (is(r, i - 1, ".") || is(r, i - 1, "->"))) &&
		    (m = find_map(r, i))) {
			err = method_call(r, i, m, fn_start);
			i += 3;
		}
	}
	return err;
}

/* ---- tracepoint args structs -------------------------------------------------------------- */

static const char *int_type(unsigned int size, bool is_signed)
{
	switch (size) {
	case 1:
		return is_signed ? "s8" : "u8";
	case 2:
		return is_signed ? "s16" : "u16";
	case 4:
		return is_signed ? "s32" : "u32";
	default:
		return is_signed ? "s64" : "u64";
	}
}

static int tp_struct(struct rw *r, FILE *f, const char *tp)
{
	char cat[128], ev[128];
	struct bct_tp_format fm;
	unsigned int cur = 8, pad = 0;
	const char *slash = strchr(tp, '/');
	size_t i;
	int err;

	snprintf(cat, sizeof(cat), "%.*s", (int)(slash - tp), tp);
	snprintf(ev, sizeof(ev), "%s", slash + 1);
	err = bct_tp_format_read(cat, ev, &fm);
	if (err) {
		fail(r, 0, "cannot read the format of tracepoint %s:%s: %s", cat, ev,
		     strerror(-err));
		return 0;
	}
	fprintf(f, "struct tracepoint__%s__%s {\n\tu64 __do_not_use__;\n", cat, ev);
	for (i = 0; i < fm.n; i++) {
		const struct bct_tp_field *fd = &fm.fields[i];

		if (fd->common || fd->offset < cur)
			continue;
		if (fd->offset > cur)
			fprintf(f, "\tchar __pad_%u[%u];\n", pad++, fd->offset - cur);
		if (!strncmp(fd->type, "__data_loc", 10))
			fprintf(f, "\tint data_loc_%s;\n", fd->name);
		else if (strchr(fd->decl, '['))
			fprintf(f, "\t%s %s[%u];\n",
				fd->array_len && strcmp(fd->type, "char")
					? int_type(fd->size / fd->array_len, fd->is_signed)
					: "char",
				fd->name,
				fd->array_len && strcmp(fd->type, "char")
					? (unsigned int)fd->array_len
					: fd->size);
		else if (strchr(fd->type, '*') && fd->size == 8)
			fprintf(f, "\t%s %s;\n", fd->type, fd->name);
		else
			fprintf(f, "\t%s %s;\n", int_type(fd->size, fd->is_signed), fd->name);
		cur = fd->offset + fd->size;
	}
	fprintf(f, "};\n");
	bct_tp_format_free(&fm);
	return 0;
}

/* ---- entry -------------------------------------------------------------------------------- */

static int cmp_edit(const void *a, const void *b)
{
	const struct edit *x = a, *y = b;

	if (x->s != y->s)
		return x->s < y->s ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int bct_rw_rewrite(const char *name, const char *src, size_t len, const struct bct_rw_spec *specs,
		   size_t nspecs, struct bct_rw *out, char *err_buf, size_t err_sz)
{
	struct rw r = { .name = name,
			.src = src,
			.len = len,
			.out = out,
			.specs = specs,
			.nspecs = nspecs,
			.err = err_buf,
			.err_sz = err_sz };
	size_t i, pos = 0;
	FILE *f;
	int err;

	memset(out, 0, sizeof(*out));
	err_buf[0] = '\0';
	err = lex(&r);
	if (!err)
		err = collect_utypes(&r);
	if (!err)
		err = walk(&r);
	if (!err && !r.failed) {
		f = open_memstream(&out->text, &out->len);
		if (!f) {
			err = -ENOMEM;
			goto out;
		}
		if (r.kfunc) {
			char why[128];

			if (!bct_attach_kind_available(BCT_ATTACH_FENTRY, why, sizeof(why)))
				fprintf(f,
					"#define BCT_NO_FENTRY /* %s: KFUNC_PROBE is a kprobe */\n",
					why);
		}
		fprintf(f, "#include \"bcc_dialect.bpf.h\"\n");
		for (i = 0; i < r.ntps && !r.failed; i++)
			tp_struct(&r, f, r.tps[i]);
		fprintf(f, "#line 1 \"%s\"\n", name);
		qsort(r.ed, r.ned, sizeof(*r.ed), cmp_edit);
		for (i = 0; i < r.ned; i++) {
			if (r.ed[i].s < pos)
				continue;
			fwrite(src + pos, 1, r.ed[i].s - pos, f);
			fputs(r.ed[i].repl, f);
			pos = r.ed[i].e;
		}
		fwrite(src + pos, 1, len - pos, f);
		/* the event types, for userspace to find in the program's BTF */
		for (i = 0; i < out->nmaps; i++)
			if (out->maps[i].event_type)
				fprintf(f, "\n%s *___bct_ev_%s __attribute__((used));",
					out->maps[i].event_type, out->maps[i].name);
		/*
		 * string literals are data the verifier bounds: BCC's programs copy a fixed size
		 * from them (__builtin_memcpy(&key.op, "read", 8)), so the last one is followed by
		 * a pad
		 */
		for (i = 0; i < r.nt; i++)
			if (r.t[i].kind == T_STR) {
				fprintf(f,
					"\nconst char *const ___bct_strpad __attribute__((used)) = "
					"\"%064d\";",
					0);
				break;
			}
		fprintf(f, "\n#ifndef BPF_LICENSE\n#define BPF_LICENSE GPL\n#endif\n"
			   "char _license[] SEC(\"license\") = BCT_STR(BPF_LICENSE);\n");
		if (fclose(f))
			err = -ENOMEM;
	}
	if (!err && r.failed)
		err = r.failed;
out:
	for (i = 0; i < r.ned; i++)
		free(r.ed[i].repl);
	free(r.ed);
	for (i = 0; i < r.ntps; i++)
		free(r.tps[i]);
	free(r.tps);
	free(r.utypes);
	free(r.t);
	if (err)
		bct_rw_free(out);
	return err;
}

void bct_rw_free(struct bct_rw *rw)
{
	size_t i;

	for (i = 0; i < rw->nmaps; i++) {
		free(rw->maps[i].name);
		free(rw->maps[i].kind);
		free(rw->maps[i].event_type);
		free(rw->maps[i].pin_path);
	}
	free(rw->maps);
	for (i = 0; i < rw->nfuncs; i++) {
		free(rw->funcs[i].name);
		free(rw->funcs[i].sec);
		free(rw->funcs[i].target);
		free(rw->funcs[i].usdt_path);
		free(rw->funcs[i].usdt_offs);
	}
	free(rw->funcs);
	free(rw->text);
	memset(rw, 0, sizeof(*rw));
}

int bct_rw_kernel_defines(const char **defs, int n, bool trace_pipe, char *buf, size_t sz)
{
	int ncpu = libbpf_num_possible_cpus();
	unsigned int a = 0, b = 0, c = 0;
	struct utsname u;
	int len;

	len = snprintf(buf, sz, "BCT_NUM_CPUS=%d", ncpu > 0 ? ncpu : 1);
	defs[n++] = buf;
	buf += len + 1;
	sz -= len + 1;
	if (!uname(&u))
		sscanf(u.release, "%u.%u.%u", &a, &b, &c);
	len = snprintf(buf, sz, "LINUX_VERSION_CODE=%u",
		       (a << 16) + (b << 8) + (c > 255 ? 255 : c));
	defs[n++] = buf;
	/* from the per-boot memo: parsing vmlinux BTF for it took ~100 ms of every start */
	bct_probe_memo_load();
	if (bct_btf_union_exists("shortname_store"))
		defs[n++] = "BCT_HAVE_SHORTNAME_STORE";
	bct_probe_memo_save(); /* only when that was a new answer */
	if (trace_pipe)
		defs[n++] = "BCT_TRACE_PIPE";
	defs[n] = NULL;
	return n;
}

/* mkdir -p of path's directory */
static int make_parents(const char *path)
{
	char dir[PATH_MAX];
	char *p;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return -ENAMETOOLONG;
	for (p = strchr(dir + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(dir, 0700) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return 0;
}

int bct_rw_pin_maps(const struct bct_rw *rw, struct bpf_object *obj, char *err, size_t err_sz)
{
	struct statfs fs;
	struct bpf_map *map;
	char dir[PATH_MAX], *slash;
	size_t i;
	int rc;

	for (i = 0; i < rw->nmaps; i++) {
		const char *path = rw->maps[i].pin_path;

		if (!path)
			continue;
		map = bpf_object__find_map_by_name(obj, rw->maps[i].name);
		if (!map) {
			snprintf(err, err_sz, "pinned table '%s' is not in the program",
				 rw->maps[i].name);
			return -ENOENT;
		}
		rc = make_parents(path);
		snprintf(dir, sizeof(dir), "%s", path);
		slash = strrchr(dir, '/');
		if (slash)
			*(slash == dir ? slash + 1 : slash) = '\0';
		if (!rc && statfs(slash ? dir : ".", &fs))
			rc = -errno;
		if (rc) {
			snprintf(err, err_sz, "cannot pin table '%s' at %s: %s", rw->maps[i].name,
				 path, strerror(-rc));
			return rc;
		}
		if (fs.f_type != BPF_FS_MAGIC) {
			snprintf(err, err_sz,
				 "cannot pin table '%s' at %s: not on a BPF file system "
				 "(mount -t bpf bpf /sys/fs/bpf)",
				 rw->maps[i].name, path);
			return -EINVAL;
		}
		rc = bpf_map__set_pin_path(map, path);
		if (rc) {
			snprintf(err, err_sz, "cannot pin table '%s' at %s: %s", rw->maps[i].name,
				 path, strerror(-rc));
			return rc;
		}
	}
	return 0;
}
