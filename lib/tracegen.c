// SPDX-License-Identifier: Apache-2.0
/* BPF C generation for trace and argdist (lib/tracegen.h). */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elfsym.h"
#include "probe.h"
#include "probespec.h"
#include "tracefs.h"
#include "tracegen.h"
#include "tracespec.h"
#include "usdt_args.h"

__attribute__((format(printf, 3, 4))) static int fail(char *err, size_t sz, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, sz, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static bool tp_exists(const char *cat, const char *ev)
{
	char rel[512], path[PATH_MAX];

	snprintf(rel, sizeof(rel), "events/%s/%s", cat, ev);
	return !bct_tracefs_path(path, sizeof(path), rel) && !access(path, F_OK);
}

/* The tracepoint at a kernel function's place, when an obvious one exists. */
static bool tp_hint(const char *func, char *buf, size_t sz)
{
	static const char *const prefixes[] = { "__x64_sys_", "__arm64_sys_", "__se_sys_",
						"__do_sys_",  "ksys_",	      "do_sys_",
						"sys_" };
	const char *name = func;
	char ev[160];
	size_t i;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(func, prefixes[i], strlen(prefixes[i]))) {
			name = func + strlen(prefixes[i]);
			snprintf(ev, sizeof(ev), "sys_enter_%s", name);
			if (tp_exists("syscalls", ev)) {
				snprintf(buf, sz, "t:syscalls:%s", ev);
				return true;
			}
			/* do_sys_open: the open syscalls' tracepoint */
			snprintf(ev, sizeof(ev), "sys_enter_%sat", name);
			if (tp_exists("syscalls", ev)) {
				snprintf(buf, sz, "t:syscalls:%s", ev);
				return true;
			}
		}
	{
		struct bct_probespec spec = { .type = 'p' };
		char tp[512];

		snprintf(spec.pattern, sizeof(spec.pattern), "%s", func);
		if (!bct_probespec_kernel_hint(&spec, BCT_PS_EXACT, tp, sizeof(tp))) {
			snprintf(buf, sz, "t:%.250s", tp);
			return true;
		}
	}
	return false;
}

static int no_kprobes(const char *func, char *err, size_t err_sz)
{
	char hint[256];

	if (bct_has_kprobes())
		return fail(err, err_sz,
			    "kernel function probes are not supported; use a "
			    "tracepoint (t:CATEGORY:EVENT)");
	if (tp_hint(func, hint, sizeof(hint)))
		return fail(err, err_sz,
			    "cannot probe kernel function '%s': this kernel has no kprobes; try "
			    "the tracepoint '%s'",
			    func, hint);
	return fail(err, err_sz,
		    "cannot probe kernel function '%s': this kernel has no kprobes; use a "
		    "tracepoint (t:CATEGORY:EVENT) instead",
		    func);
}

static int find_usdt(struct bct_tgen_target *t, const char *provider, const char *name)
{
	struct bct_usdt_probe *probes = NULL;
	size_t n = 0, i;
	int err;

	err = bct_usdt_read(t->path, &probes, &n);
	if (err)
		return err;
	for (i = 0; i < n; i++) {
		struct bct_usdt_probe *l;

		if (strcmp(probes[i].name, name) ||
		    (provider && strcmp(probes[i].provider, provider)))
			continue;
		l = realloc(t->locs, (t->nlocs + 1) * sizeof(*l));
		if (!l) {
			err = -ENOMEM;
			break;
		}
		t->locs = l;
		l = &t->locs[t->nlocs++];
		*l = probes[i];
		/* the strings move to the copy */
		probes[i].provider = probes[i].name = probes[i].args_text = NULL;
	}
	bct_usdt_free(probes, n);
	return err;
}

int bct_tgen_resolve(struct bct_tgen_target *t, char type, const char *lib, const char *func,
		     const char *provider, uint64_t offset, const char *signature, pid_t pid,
		     char *err, size_t err_sz)
{
	size_t i;
	int e, j;

	memset(t, 0, sizeof(*t));
	t->type = type;
	if (signature && *signature) {
		e = bct_signature_parse(signature, t->param_types, t->param_names,
					BCT_TGEN_MAX_PARAMS, err, err_sz);
		if (e < 0) {
			for (j = 0; j < BCT_TGEN_MAX_PARAMS; j++)
				if (t->param_names[j] || t->param_types[j])
					t->nparams = j + 1;
			return e;
		}
		t->nparams = e;
	}
	if (type == 't') {
		snprintf(t->cat, sizeof(t->cat), "%s", lib);
		snprintf(t->ev, sizeof(t->ev), "%s", func);
		e = bct_tp_format_read(lib, func, &t->tp);
		if (e)
			return fail(err, err_sz, "no tracepoint %s:%s (%s)", lib, func,
				    e == -ENOENT ? "see tplist" : strerror(-e));
		t->user = !strcmp(lib, "syscalls");
		return 0;
	}
	if (!lib[0])
		return no_kprobes(func, err, err_sz);
	if (bct_probespec_find_lib(lib, pid, t->path, sizeof(t->path)))
		return fail(err, err_sz, "unable to find library %s", lib);
	t->user = true;
	if (type == 'u') {
		e = find_usdt(t, provider, func);
		if (e && e != -ENOEXEC)
			return fail(err, err_sz, "cannot read USDT probes of %s: %s", t->path,
				    strerror(-e));
		if (t->nlocs) {
			for (i = 0; i < t->nlocs; i++)
				if (t->locs[i].nargs < 0)
					return fail(err, err_sz,
						    "cannot decode the arguments of USDT probe %s "
						    "('%s')",
						    func, t->locs[i].args_text);
			return 0;
		}
		/* not a USDT probe: a function of that name is probed at its entry */
		if (provider || bct_elf_sym_offset(t->path, func, &t->off))
			return fail(err, err_sz, "unrecognized USDT probe %s", func);
		t->type = 'p';
		return 0;
	}
	if (bct_elf_sym_offset(t->path, func, &t->off))
		return fail(err, err_sz, "can't find symbol %s in %s", func, t->path);
	t->off += offset;
	return 0;
}

void bct_tgen_free(struct bct_tgen_target *t)
{
	int i;

	if (t->locs)
		bct_usdt_free(t->locs, t->nlocs);
	bct_tp_format_free(&t->tp);
	for (i = 0; i < BCT_TGEN_MAX_PARAMS; i++) {
		free(t->param_types[i]);
		free(t->param_names[i]);
	}
	memset(t, 0, sizeof(*t));
}

size_t bct_tgen_nprogs(const struct bct_tgen_target *t)
{
	return t->type == 'u' ? t->nlocs : 1;
}

void bct_tgen_prelude(FILE *f)
{
	fputs("#include \"bct_common.bpf.h\"\n"
	      "#include \"bct_filter.bpf.h\"\n"
	      "\n"
	      "char LICENSE[] SEC(\"license\") = \"GPL\";\n"
	      "\n"
	      "/* a string at p, as user or kernel memory; empty for NULL */\n"
	      "static __always_inline void gen_str(char *dst, __u32 sz, const void *p, int user)\n"
	      "{\n"
	      "\tdst[0] = 0;\n"
	      "\tif (!p)\n"
	      "\t\treturn;\n"
	      "\tif (user)\n"
	      "\t\tbpf_probe_read_user_str(dst, sz, p);\n"
	      "\telse\n"
	      "\t\tbpf_probe_read_kernel_str(dst, sz, p);\n"
	      "}\n\n",
	      f);
}

static const char *int_type(int size, bool is_signed)
{
	switch (size) {
	case 1:
		return is_signed ? "__s8" : "__u8";
	case 2:
		return is_signed ? "__s16" : "__u16";
	case 4:
		return is_signed ? "__s32" : "__u32";
	default:
		return is_signed ? "__s64" : "__u64";
	}
}

static void tp_struct(FILE *f, const struct bct_tgen_target *t, const char *name)
{
	unsigned int at = 0;
	size_t i;

	fprintf(f, "struct %s_args {\n", name);
	for (i = 0; i < t->tp.n; i++) {
		const struct bct_tp_field *fl = &t->tp.fields[i];

		if (fl->offset < at)
			continue; /* overlapping: not representable */
		if (fl->offset > at)
			fprintf(f, "\t__u8 __pad_%zu[%u];\n", i, fl->offset - at);
		if (fl->common) {
			fprintf(f, "\t__u8 __common_%zu[%u];\n", i, fl->size);
		} else if (!strncmp(fl->type, "__data_loc", 10) ||
			   !strncmp(fl->type, "__rel_loc", 9)) {
			fprintf(f, "\t__u32 %s;\n", fl->name);
		} else if (fl->array_len > 0) {
			unsigned int el = fl->size / (unsigned int)fl->array_len;

			if (strstr(fl->type, "char") && el == 1)
				fprintf(f, "\tchar %s[%d];\n", fl->name, fl->array_len);
			else
				fprintf(f, "\t%s %s[%d];\n", int_type((int)el, fl->is_signed),
					fl->name, fl->array_len);
		} else if (strchr(fl->type, '*') && fl->size == 8) {
			fprintf(f, "\tunsigned long %s;\n", fl->name);
		} else if (fl->size == 1 || fl->size == 2 || fl->size == 4 || fl->size == 8) {
			fprintf(f, "\t%s %s;\n", int_type((int)fl->size, fl->is_signed), fl->name);
		} else {
			fprintf(f, "\t__u8 %s[%u];\n", fl->name, fl->size);
		}
		at = fl->offset + fl->size;
	}
	fprintf(f, "} __attribute__((packed));\n\n");
}

static const char *c_type(int size, bool is_signed)
{
	switch (size) {
	case 1:
		return is_signed ? "signed char" : "unsigned char";
	case 2:
		return is_signed ? "short" : "unsigned short";
	case 4:
		return is_signed ? "int" : "unsigned int";
	default:
		return is_signed ? "long long" : "unsigned long long";
	}
}

/*
 * Readers of one USDT location's arguments: gen_NAME_argN(ctx), each the expression
 * lib/usdt_args.h makes of the operand (registers, constants, memory with base+index*scale).
 */
static void usdt_readers(FILE *f, const char *path, const struct bct_usdt_probe *l,
			 const char *name)
{
	char text[64], expr[512];
	int i;

	for (i = 0; i < l->nargs; i++) {
		const struct bct_usdt_arg *a = &l->args[i];
		const char *ty = c_type(a->size, a->is_signed);
		struct bct_usdt_arg r;

		fprintf(f, "/* %s argument %d: %s */\n", l->name, i + 1,
			bct_usdt_arg_str(a, text, sizeof(text)));
		fprintf(f, "static __always_inline %s %s_arg%d(struct pt_regs *ctx)\n{\n", ty, name,
			i + 1);
		/* a global variable (sym(%rip)): its distance from the probe, from the file */
		if (bct_usdt_resolve_arg(path, l, a, &r) ||
		    bct_usdt_arg_expr(&r, expr, sizeof(expr)))
			fprintf(f,
				"\treturn 0; /* an operand naming a symbol %s does not define */\n",
				path);
		else
			fprintf(f, "\treturn (%s)%s;\n", ty, expr);
		fprintf(f, "}\n\n");
	}
}

void bct_tgen_head(FILE *f, const struct bct_tgen_target *t, size_t loc, const char *name, bool ret)
{
	int i;

	if (t->type == 't') {
		tp_struct(f, t, name);
		fprintf(f, "SEC(\"tracepoint/%s/%s\")\nint %s(void *ctx)\n{\n", t->cat, t->ev,
			name);
		fprintf(f, "\tstruct %s_args *args = ctx;\n", name);
		return;
	}
	if (t->type == 'u')
		usdt_readers(f, t->path, &t->locs[loc], name);
	fprintf(f, "SEC(\"%s\")\nint %s(struct pt_regs *ctx)\n{\n", ret ? "uretprobe" : "uprobe",
		name);
	/* parameters are registers at the entry only (a return probe has $entry()) */
	for (i = 0; !ret && i < t->nparams; i++)
		fprintf(f, "\t%s %s = (%s)PT_REGS_PARM%d(ctx);\n", t->param_types[i],
			t->param_names[i], t->param_types[i], i + 1);
	if (t->type == 'u')
		for (i = 0; i < t->locs[loc].nargs; i++)
			fprintf(f, "\t%s __usdt_arg%d = %s_arg%d(ctx);\n",
				c_type(t->locs[loc].args[i].size, t->locs[loc].args[i].is_signed),
				i + 1, name, i + 1);
	if (t->type == 'u' || (t->nparams && !ret))
		fprintf(f, "\n");
}

static char *replace(char *s, const char *word, const char *repl)
{
	char *r;

	if (!s)
		return NULL;
	r = bct_expr_replace(s, word, repl);
	free(s);
	return r;
}

/* STRCMP("lit", expr) -> gen_streqN((unsigned long)(expr)), the helper appended to helpers. */
static char *strcmp_rewrite(const struct bct_tgen_target *t, char *s, FILE *helpers, int *nh)
{
	char *at;

	while (s && (at = strstr(s, "STRCMP("))) {
		char *q = at + 7, *lit, *le, *arg, *ae, *out;
		int depth = 1;
		size_t need;

		while (isspace((unsigned char)*q))
			q++;
		if (*q != '"')
			return s; /* left for the compiler to reject */
		lit = q + 1;
		for (le = lit; *le && (*le != '"' || le[-1] == '\\'); le++)
			;
		if (!*le)
			return s;
		arg = le + 1;
		while (isspace((unsigned char)*arg))
			arg++;
		if (*arg != ',')
			return s;
		arg++;
		for (ae = arg; *ae; ae++) {
			if (*ae == '(')
				depth++;
			else if (*ae == ')' && --depth == 0)
				break;
		}
		if (!*ae)
			return s;
		fprintf(helpers,
			"static __always_inline bool gen_streq%d(unsigned long p)\n{\n"
			"\tconst char lit[] = \"%.*s\";\n"
			"\tchar buf[sizeof(lit) + 1];\n"
			"\tlong n;\n"
			"\tint i;\n\n"
			"\tn = %s(buf, sizeof(buf), (const void *)p);\n"
			"\tif (n != (long)sizeof(lit))\n"
			"\t\treturn false;\n"
			"\tfor (i = 0; i < (int)sizeof(lit); i++)\n"
			"\t\tif (buf[i] != lit[i])\n"
			"\t\t\treturn false;\n"
			"\treturn true;\n}\n\n",
			*nh, (int)(le - lit), lit,
			t->user ? "bpf_probe_read_user_str" : "bpf_probe_read_kernel_str");
		need = strlen(s) + 64;
		out = malloc(need);
		if (!out) {
			free(s);
			return NULL;
		}
		snprintf(out, need, "%.*sgen_streq%d((unsigned long)(%.*s))%s", (int)(at - s), s,
			 *nh, (int)(ae - arg), arg, ae + 1);
		(*nh)++;
		free(s);
		s = out;
	}
	return s;
}

char *bct_tgen_expr(const struct bct_tgen_target *t, const char *expr, FILE *helpers, int *nhelpers)
{
	static const char *const common[][2] = {
		{ "$uid", "(unsigned)(bpf_get_current_uid_gid() & 0xffffffff)" },
		{ "$gid", "(unsigned)(bpf_get_current_uid_gid() >> 32)" },
		{ "$pid", "(unsigned)(bpf_get_current_pid_tgid() & 0xffffffff)" },
		{ "$tgid", "(unsigned)(bpf_get_current_pid_tgid() >> 32)" },
		{ "$PID", "(unsigned)(bpf_get_current_pid_tgid() >> 32)" },
		{ "$cpu", "bpf_get_smp_processor_id()" },
		{ "$task", "((struct task_struct *)bpf_get_current_task())" },
	};
	char *s = strdup(expr), word[16], repl[64];
	size_t i;
	int n;

	for (n = 1; s && n <= 6; n++) {
		snprintf(word, sizeof(word), "arg%d@user", n);
		snprintf(repl, sizeof(repl), "arg%d", n);
		s = replace(s, word, repl);
	}
	s = s ? strcmp_rewrite(t, s, helpers, nhelpers) : NULL;
	s = replace(s, "$retval", "PT_REGS_RC(ctx)"); /* before "retval" */
	if (t->type == 'u') {
		for (n = 1; s && t->nlocs && n <= t->locs[0].nargs; n++) {
			snprintf(word, sizeof(word), "arg%d", n);
			snprintf(repl, sizeof(repl), "__usdt_arg%d", n);
			s = replace(s, word, repl);
		}
	} else if (t->type != 't') {
		for (n = 1; s && n <= 6; n++) {
			snprintf(word, sizeof(word), "arg%d", n);
			snprintf(repl, sizeof(repl), "PT_REGS_PARM%d(ctx)", n);
			s = replace(s, word, repl);
		}
		s = replace(s, "retval", "PT_REGS_RC(ctx)");
	}
	for (i = 0; s && i < sizeof(common) / sizeof(common[0]); i++)
		s = replace(s, common[i][0], common[i][1]);
	return s;
}

bool bct_tgen_str_user(const struct bct_tgen_target *t, const char *expr, char *dl, size_t dl_sz)
{
	size_t i;

	dl[0] = '\0';
	while (isspace((unsigned char)*expr))
		expr++;
	if (strstr(expr, "@user"))
		return true;
	if (t->type != 't')
		return t->user;
	if (!strncmp(expr, "args->", 6)) {
		const char *f = expr + 6;
		size_t len = strcspn(f, " \t");

		for (i = 0; i < t->tp.n; i++) {
			const struct bct_tp_field *fl = &t->tp.fields[i];

			if (strlen(fl->name) != len || strncmp(fl->name, f, len) || f[len])
				continue;
			if (!strncmp(fl->type, "__data_loc", 10)) {
				snprintf(dl, dl_sz, "%s", fl->name);
				return false;
			}
			if (fl->array_len > 0)
				return false; /* in the record: kernel memory */
			return t->user && strchr(fl->type, '*');
		}
	}
	return t->user;
}
