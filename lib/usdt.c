// SPDX-License-Identifier: Apache-2.0
/* USDT notes and their argument specifications (lib/usdt.h). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "usdt.h"
#include "util.h"

#define NT_STAPSDT 3

/* --- argument specifications ---------------------------------------------------------------- */

/* x86 register names, every width, to the name of the 64-bit register less its "r" (BCC's). */
static const struct {
	const char *names[5];
	const char *base;
} x86_regs[] = {
	{ { "rax", "eax", "ax", "al", "ah" }, "ax" },
	{ { "rbx", "ebx", "bx", "bl", "bh" }, "bx" },
	{ { "rcx", "ecx", "cx", "cl", "ch" }, "cx" },
	{ { "rdx", "edx", "dx", "dl", "dh" }, "dx" },
	{ { "rsi", "esi", "si", "sil" }, "si" },
	{ { "rdi", "edi", "di", "dil" }, "di" },
	{ { "rbp", "ebp", "bp", "bpl" }, "bp" },
	{ { "rsp", "esp", "sp", "spl" }, "sp" },
	{ { "rip", "eip" }, "ip" },
};

/* A register at *p (after '%') into out; advances *p. false when it is not one. */
static bool x86_reg(const char **p, char out[8])
{
	char name[8];
	size_t n = 0;

	while (n < sizeof(name) - 1 && isalnum((unsigned char)(*p)[n])) {
		name[n] = (*p)[n];
		n++;
	}
	if (!n || isalnum((unsigned char)(*p)[n]))
		return false;
	name[n] = '\0';
	for (size_t i = 0; i < sizeof(x86_regs) / sizeof(x86_regs[0]); i++)
		for (size_t j = 0; j < 5 && x86_regs[i].names[j]; j++)
			if (!strcmp(name, x86_regs[i].names[j])) {
				strcpy(out, x86_regs[i].base);
				*p += n;
				return true;
			}
	/* r8..r15 with an optional d, w or b for the narrower views */
	if (name[0] == 'r' && isdigit((unsigned char)name[1])) {
		char *end;
		long r = strtol(name + 1, &end, 10);

		if (r >= 8 && r <= 15 && (!*end || (!end[1] && strchr("dwb", *end)))) {
			snprintf(out, 8, "r%u", (unsigned int)r % 16u);
			*p += n;
			return true;
		}
	}
	return false;
}

/* A decimal or 0x number, optionally signed, at *p; advances *p. */
static bool number(const char **p, long long *v)
{
	char *end;

	if (!isdigit((unsigned char)**p) &&
	    !((**p == '-' || **p == '+') && isdigit((unsigned char)(*p)[1])))
		return false;
	errno = 0;
	*v = strtoll(*p, &end, 0);
	if (errno || end == *p)
		return false;
	*p = end;
	return true;
}

static bool x86_operand(const char *p, struct bct_usdt_arg *a)
{
	if (*p == '%') {
		p++;
		a->kind = BCT_USDT_REG;
		return x86_reg(&p, a->base) && !*p;
	}
	if (*p == '$') {
		p++;
		a->kind = BCT_USDT_CONST;
		return number(&p, &a->value) && !*p;
	}
	a->kind = BCT_USDT_MEM;
	if (isalpha((unsigned char)*p) || *p == '_' || *p == '.') { /* sym, sym+8, sym-8 */
		size_t n = 0;

		while ((isalnum((unsigned char)p[n]) || p[n] == '_' || p[n] == '.' ||
			p[n] == '@') &&
		       n < sizeof(a->ident) - 1)
			n++;
		if (isalnum((unsigned char)p[n]) || p[n] == '_')
			return false; /* too long */
		memcpy(a->ident, p, n);
		a->ident[n] = '\0';
		p += n;
		if ((*p == '+' || *p == '-') && !number(&p, &a->value))
			return false;
	} else if (*p != '(' && !number(&p, &a->value)) {
		return false;
	}
	if (*p++ != '(' || *p++ != '%' || !x86_reg(&p, a->base))
		return false;
	if (*p == ',') {
		long long scale = 1;

		p++;
		if (*p++ != '%' || !x86_reg(&p, a->index))
			return false;
		if (*p == ',') {
			p++;
			if (!number(&p, &scale) ||
			    (scale != 1 && scale != 2 && scale != 4 && scale != 8))
				return false;
		}
		a->scale = (int)scale;
	}
	if (a->ident[0] && strcmp(a->base, "ip"))
		return false; /* a symbol is only addressed relative to the instruction pointer */
	return *p++ == ')' && !*p;
}

/* An arm64 register (x0-x30, w0-w30 as x, sp) at *p; advances *p. */
static bool arm64_reg(const char **p, char out[8])
{
	const char *s = *p;
	long r;
	char *end;

	if (!strncmp(s, "sp", 2) && !isalnum((unsigned char)s[2])) {
		strcpy(out, "sp");
		*p += 2;
		return true;
	}
	if ((*s != 'x' && *s != 'w') || !isdigit((unsigned char)s[1]))
		return false;
	r = strtol(s + 1, &end, 10);
	if (r > 30 || isalnum((unsigned char)*end))
		return false;
	snprintf(out, 8, "x%u", (unsigned int)r % 32u);
	*p = end;
	return true;
}

static bool arm64_operand(const char *p, struct bct_usdt_arg *a)
{
	if (*p == '[') {
		p++;
		a->kind = BCT_USDT_MEM;
		if (!arm64_reg(&p, a->base))
			return false;
		if (*p == ',') {
			p++;
			while (*p == ' ')
				p++;
			if (*p == '#')
				p++;
			if (!number(&p, &a->value))
				return false;
		}
		return *p++ == ']' && !*p;
	}
	if (isdigit((unsigned char)*p) || *p == '-') {
		a->kind = BCT_USDT_CONST;
		return number(&p, &a->value) && !*p;
	}
	a->kind = BCT_USDT_REG;
	return arm64_reg(&p, a->base) && !*p;
}

int bct_usdt_parse_args(enum bct_usdt_arch arch, const char *text, struct bct_usdt_arg *args,
			int max)
{
	const char *p = text;
	int n = 0;

	for (;;) {
		struct bct_usdt_arg *a;
		char tok[128];
		const char *start, *at;
		long long size;
		size_t len;

		while (*p == ' ')
			p++;
		if (!*p)
			return n;
		if (n >= max)
			return -E2BIG;
		start = p;
		/* arm64 memory operands hold a space: "[x29, -28]" */
		while (*p && (*p != ' ' ||
			      (arch == BCT_USDT_ARM64 && memchr(start, '[', (size_t)(p - start)) &&
			       !memchr(start, ']', (size_t)(p - start)))))
			p++;
		len = (size_t)(p - start);
		if (len >= sizeof(tok))
			return -EINVAL;
		memcpy(tok, start, len);
		tok[len] = '\0';
		a = &args[n];
		memset(a, 0, sizeof(*a));
		at = strchr(tok, '@');
		if (!at)
			return -EINVAL;
		start = tok;
		if (!number(&start, &size) || start != at)
			return -EINVAL;
		a->is_signed = size < 0;
		a->size = (int)(size < 0 ? -size : size);
		if (a->size != 1 && a->size != 2 && a->size != 4 && a->size != 8)
			return -EINVAL;
		if (!(arch == BCT_USDT_X86_64 ? x86_operand(at + 1, a) : arm64_operand(at + 1, a)))
			return -EINVAL;
		n++;
	}
}

const char *bct_usdt_arg_str(const struct bct_usdt_arg *a, char *buf, size_t sz)
{
	long long v = a->value;
	char sign = v < 0 ? '-' : '+';
	unsigned long long mag = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	switch (a->kind) {
	case BCT_USDT_CONST:
		snprintf(buf, sz, "%lld", v);
		break;
	case BCT_USDT_REG:
		snprintf(buf, sz, "%s", a->base);
		break;
	case BCT_USDT_MEM:
		if (a->ident[0])
			snprintf(buf, sz, "*(&%s %c %llu)", a->ident, sign, mag);
		else if (a->index[0])
			snprintf(buf, sz, "*(%s %c %llu + %s * %d)", a->base, sign, mag, a->index,
				 a->scale);
		else
			snprintf(buf, sz, "*(%s %c %llu)", a->base, sign, mag);
		break;
	}
	return buf;
}

/* --- notes ---------------------------------------------------------------------------------- */

/* The file offset of link-time address addr: through the PT_LOAD segment that maps it. */
static bool addr_offset(Elf *elf, uint64_t addr, uint64_t *off)
{
	size_t n, i;

	if (elf_getphdrnum(elf, &n))
		return false;
	for (i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (addr >= ph.p_vaddr && addr - ph.p_vaddr < ph.p_memsz) {
			*off = addr - ph.p_vaddr + ph.p_offset;
			return true;
		}
	}
	return false;
}

struct notes {
	struct bct_usdt_probe *p;
	size_t n, cap;
};

static int add_note(struct notes *ns, Elf *elf, const char *desc, size_t dsz, bool is64,
		    enum bct_usdt_arch arch, bool have_base, uint64_t base_addr)
{
	size_t asz = is64 ? 8 : 4, i;
	uint64_t v[3] = { 0 };
	const char *s = desc + 3 * asz, *end = desc + dsz, *str[3];
	struct bct_usdt_probe *p;

	if (dsz < 3 * asz)
		return 0; /* malformed: not a probe we can use */
	for (i = 0; i < 3; i++) {
		if (is64) {
			memcpy(&v[i], desc + i * 8, 8);
		} else {
			uint32_t w;

			memcpy(&w, desc + i * 4, 4);
			v[i] = w;
		}
	}
	for (i = 0; i < 3; i++) {
		const char *nul = memchr(s, '\0', (size_t)(end - s));

		if (s >= end || !nul)
			return 0;
		str[i] = s;
		s = nul + 1;
	}
	if (bct_grow((void **)&ns->p, &ns->cap, ns->n + 1, sizeof(*ns->p)))
		return -ENOMEM;
	p = &ns->p[ns->n];
	memset(p, 0, sizeof(*p));
	p->addr = v[0];
	if (have_base && v[1])
		p->addr += base_addr - v[1]; /* the file was prelinked or moved since */
	p->sema = v[2];
	p->provider = strdup(str[0]);
	p->name = strdup(str[1]);
	p->args_text = strdup(str[2]);
	if (!p->provider || !p->name || !p->args_text) {
		free(p->provider);
		free(p->name);
		free(p->args_text);
		return -ENOMEM;
	}
	if (!addr_offset(elf, p->addr, &p->offset))
		p->offset = p->addr;
	if (p->sema && !addr_offset(elf, p->sema, &p->sema_offset))
		p->sema_offset = 0;
	p->nargs = bct_usdt_parse_args(arch, p->args_text, p->args, BCT_USDT_MAX_ARGS);
	if (p->nargs < 0)
		p->nargs = -1;
	ns->n++;
	return 0;
}

static int read_elf(Elf *elf, struct bct_usdt_probe **probes, size_t *n)
{
	struct notes ns = { 0 };
	uint64_t base_addr = 0;
	bool have_base = false, is64;
	enum bct_usdt_arch arch;
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	GElf_Ehdr eh;
	int err = 0;

	if (elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh) ||
	    elf_getshdrstrndx(elf, &shstrndx))
		return -ENOEXEC;
	is64 = gelf_getclass(elf) == ELFCLASS64;
	arch = eh.e_machine == EM_AARCH64 ? BCT_USDT_ARM64 : BCT_USDT_X86_64;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (name && !strcmp(name, ".stapsdt.base")) {
			have_base = true;
			base_addr = sh.sh_addr;
		}
	}
	while (!err && (scn = elf_nextscn(elf, scn))) {
		Elf_Data *data;
		GElf_Shdr sh;
		GElf_Nhdr nh;
		size_t off = 0, next, name_off, desc_off;
		const char *name;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!name || strcmp(name, ".note.stapsdt"))
			continue;
		data = elf_getdata(scn, NULL);
		if (!data || !data->d_buf)
			continue;
		while (!err && (next = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
			const char *buf = data->d_buf;

			if (nh.n_type == NT_STAPSDT && nh.n_namesz == sizeof("stapsdt") &&
			    !memcmp(buf + name_off, "stapsdt", sizeof("stapsdt")))
				err = add_note(&ns, elf, buf + desc_off, nh.n_descsz, is64, arch,
					       have_base, base_addr);
			off = next;
		}
	}
	if (err) {
		bct_usdt_free(ns.p, ns.n);
		return err;
	}
	*probes = ns.p;
	*n = ns.n;
	return 0;
}

int bct_usdt_read_mem(const void *image, size_t size, struct bct_usdt_probe **probes, size_t *n)
{
	Elf *elf;
	int err;

	*probes = NULL;
	*n = 0;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -ENOEXEC;
	elf = elf_memory((char *)image, size);
	if (!elf)
		return -ENOEXEC;
	err = read_elf(elf, probes, n);
	elf_end(elf);
	return err;
}

int bct_usdt_read(const char *path, struct bct_usdt_probe **probes, size_t *n)
{
	Elf *elf;
	int fd, err;

	*probes = NULL;
	*n = 0;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -ENOEXEC;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf) {
		close(fd);
		return -ENOEXEC;
	}
	err = read_elf(elf, probes, n);
	elf_end(elf);
	close(fd);
	return err;
}

void bct_usdt_free(struct bct_usdt_probe *probes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(probes[i].provider);
		free(probes[i].name);
		free(probes[i].args_text);
	}
	free(probes);
}
