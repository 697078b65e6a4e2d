// SPDX-License-Identifier: Apache-2.0
/*
 * USDT probes by name in a process or file, their argument readers as BPF C, and their
 * attachment. See usdt_args.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "elfsym.h"
#include "log.h"
#include "prog.h"
#include "usdt_args.h"

void bct_usdt_match_free(struct bct_usdt_match *m)
{
	bct_usdt_free(m->locs, m->n);
	m->locs = NULL;
	m->n = 0;
}

/* Keeps the probes of file named name; 0 and m->n == 0 when none. */
static int find_in_file(const char *file, const char *name, struct bct_usdt_match *m)
{
	struct bct_usdt_probe *all = NULL;
	size_t n = 0, i, k = 0;
	int err;

	err = bct_usdt_read(file, &all, &n);
	if (err)
		return err;
	for (i = 0; i < n; i++) {
		if (strcmp(all[i].name, name)) {
			free(all[i].provider);
			free(all[i].name);
			free(all[i].args_text);
			continue;
		}
		all[k++] = all[i];
	}
	if (!k) {
		free(all);
		return 0;
	}
	snprintf(m->path, sizeof(m->path), "%s", file);
	m->locs = all;
	m->n = k;
	return 0;
}

int bct_usdt_find(pid_t pid, const char *path, const char *name, struct bct_usdt_match *m)
{
	char maps[64], line[PATH_MAX + 256], last[PATH_MAX] = "";
	FILE *f;
	int err = 0;

	memset(m, 0, sizeof(*m));
	if (path) {
		err = find_in_file(path, name, m);
		return err ? err : m->n ? 0 : -ENOENT;
	}
	snprintf(maps, sizeof(maps), "/proc/%d/maps", (int)pid);
	f = fopen(maps, "re");
	if (!f)
		return -errno;
	while (!m->n && fgets(line, sizeof(line), f)) {
		char *file = strchr(line, '/');

		if (!file)
			continue;
		file[strcspn(file, "\n")] = '\0';
		if (!strcmp(file, last) || strstr(file, " (deleted)"))
			continue;
		snprintf(last, sizeof(last), "%s", file);
		find_in_file(file, name, m); /* files that are not ELF have no probes */
	}
	fclose(f);
	return m->n ? 0 : -ENOENT;
}

/* A register of struct pt_regs as C: "ctx->bx", "ctx->regs[3]". */
static int reg_expr(const char *reg, char *buf, size_t sz)
{
#if defined(__aarch64__)
	if (reg[0] == 'x' && reg[1] >= '0' && reg[1] <= '9')
		return snprintf(buf, sz, "ctx->regs[%d]", atoi(reg + 1)) >= (int)sz ? -EINVAL : 0;
	if (!strcmp(reg, "sp") || !strcmp(reg, "pc"))
		return snprintf(buf, sz, "ctx->%s", reg) >= (int)sz ? -EINVAL : 0;
	return -EINVAL;
#else
	static const char *const regs[] = { "ax",  "bx",  "cx",	 "dx",	"si",  "di",
					    "bp",  "sp",  "r8",	 "r9",	"r10", "r11",
					    "r12", "r13", "r14", "r15", "ip" };
	size_t i;

	for (i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		if (!strcmp(reg, regs[i]))
			return snprintf(buf, sz, "ctx->%s", reg) >= (int)sz ? -EINVAL : 0;
	return -EINVAL;
#endif
}

int bct_usdt_arg_expr(const struct bct_usdt_arg *a, char *buf, size_t sz)
{
	char type[8], base[32], index[32] = "";
	int n;

	if (a->size != 1 && a->size != 2 && a->size != 4 && a->size != 8)
		return -EINVAL;
	snprintf(type, sizeof(type), "__%c%d", a->is_signed ? 's' : 'u', a->size * 8);
	switch (a->kind) {
	case BCT_USDT_CONST:
		n = snprintf(buf, sz, "((__s64)(%s)%lldLL)", type, a->value);
		break;
	case BCT_USDT_REG:
		if (reg_expr(a->base, base, sizeof(base)))
			return -EINVAL;
		n = snprintf(buf, sz, "((__s64)(%s)%s)", type, base);
		break;
	case BCT_USDT_MEM:
		if (a->ident[0] || reg_expr(a->base, base, sizeof(base)))
			return -EINVAL;
		if (a->index[0]) {
			char ireg[24];

			if (reg_expr(a->index, ireg, sizeof(ireg)))
				return -EINVAL;
			snprintf(index, sizeof(index), " + %s * %d", ireg, a->scale);
		}
		n = snprintf(buf, sz,
			     "({ %s _v = 0; bpf_probe_read_user(&_v, sizeof(_v), (void *)(%s + "
			     "(%lldLL)%s)); (__s64)_v; })",
			     type, base, a->value, index);
		break;
	default:
		return -EINVAL;
	}
	return n < 0 || (size_t)n >= sz ? -EINVAL : 0;
}

int bct_usdt_sym_addr(const char *path, const char *name, uint64_t *addr)
{
	return bct_elf_sym_vaddr(path, name, addr);
}

int bct_usdt_resolve_arg(const char *path, const struct bct_usdt_probe *loc,
			 const struct bct_usdt_arg *a, struct bct_usdt_arg *out)
{
	uint64_t sym;
	int err;

	*out = *a;
	if (a->kind != BCT_USDT_MEM || !a->ident[0])
		return 0;
	if (strcmp(a->base, "ip"))
		return -EINVAL;
	err = bct_usdt_sym_addr(path, a->ident, &sym);
	if (err)
		return err;
	/* in the uprobe, ctx->ip is the probe's address: the symbol is as far from it as in the file */
	out->value = (long long)(sym + (uint64_t)a->value - loc->addr);
	out->ident[0] = '\0';
	return 0;
}

int bct_usdt_define_args(struct bct_prog *p, const char *id, const struct bct_usdt_match *m)
{
	char name[128], expr[512];
	size_t i, len;
	int a, err;

	if (!m->n)
		return -EINVAL;
	for (i = 0; i < m->n; i++)
		if (m->locs[i].nargs != m->locs[0].nargs || m->locs[i].nargs < 0)
			return -EINVAL;
	snprintf(name, sizeof(name), "BCT_USDT_%s_NARGS", id);
	err = bct_prog__define(p, name, "%d", m->locs[0].nargs);
	for (a = 0; !err && a < m->locs[0].nargs; a++) {
		/* one location: its expression; several: chosen by the cookie's location */
		char *text = NULL;
		size_t cap = 0;
		FILE *f = open_memstream(&text, &cap);

		if (!f)
			return -ENOMEM;
		for (i = 0; i < m->n && !err; i++) {
			struct bct_usdt_arg r;

			err = bct_usdt_resolve_arg(m->path, &m->locs[i], &m->locs[i].args[a], &r);
			err = err ? -EINVAL : bct_usdt_arg_expr(&r, expr, sizeof(expr));
			if (i + 1 < m->n)
				fprintf(f, "((__u32)bpf_get_attach_cookie(ctx) == %zu ? %s : ", i,
					expr);
			else
				fprintf(f, "%s", expr);
		}
		for (i = 1; i < m->n; i++)
			fputc(')', f);
		fclose(f);
		len = text ? strlen(text) : 0;
		snprintf(name, sizeof(name), "BCT_USDT_%s_ARG%d", id, a + 1);
		if (!err && len)
			err = bct_prog__define(p, name, "%s", text);
		free(text);
	}
	return err;
}

int bct_usdt_attach(struct bct_prog *p, const char *prog, pid_t pid, const struct bct_usdt_match *m,
		    uint32_t tag)
{
	struct bpf_program *bp;
	struct bpf_link *link;
	size_t i;
	int err;

	bp = bpf_object__find_program_by_name(bct_prog__object(p), prog);
	if (!bp) {
		pr_err("no BPF program '%s'", prog);
		return -ENOENT;
	}
	for (i = 0; i < m->n; i++) {
		LIBBPF_OPTS(bpf_uprobe_opts, o, .bpf_cookie = ((uint64_t)tag << 32) | i,
			    .ref_ctr_offset = (size_t)m->locs[i].sema_offset);

		libbpf_print_fn_t print = NULL;

		/* for one process: libbpf's own line would be noise if it exits meanwhile */
		if (pid > 0)
			print = libbpf_set_print(NULL);
		link = bpf_program__attach_uprobe_opts(bp, pid > 0 ? pid : -1, m->path,
						       (size_t)m->locs[i].offset, &o);
		err = link ? 0 : -errno;
		if (pid > 0)
			libbpf_set_print(print);
		if (!link) {
			if (pid > 0 && kill(pid, 0) && errno == ESRCH)
				return -ESRCH; /* it exited: the caller decides, quietly */
			pr_err("cannot attach to USDT probe %s:%s: %s", m->path, m->locs[i].name,
			       strerror(-err));
			return err;
		}
		err = bct_prog__add_link(p, link);
		if (err) {
			bpf_link__destroy(link);
			return err;
		}
	}
	return 0;
}
