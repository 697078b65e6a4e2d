// SPDX-License-Identifier: Apache-2.0
/* Sorted function symbols of a libdwfl module (lib/modsyms.h). */
#include <gelf.h>
#include <stdlib.h>

#include "dwload.h"
#include "modsyms.h"

struct modsym {
	uint64_t addr, size;
	const char *name;
	int rank; /* among symbols at one address: global over weak over local */
};

struct modsyms {
	struct modsym *syms;
	size_t n;
};

/* Marks a module whose table could not be made: no second try. */
static struct modsyms none;

static int cmp_modsym(const void *a, const void *b)
{
	const struct modsym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->rank - y->rank;
}

static int rank_of(int bind)
{
	return bind == STB_GLOBAL ? 2 : bind == STB_WEAK ? 1 : 0;
}

static struct modsyms *build(Dwfl_Module *m)
{
	int i, n = bct_dw.dwfl_module_getsymtab(m);
	struct modsyms *t;

	if (n <= 0)
		return &none;
	t = calloc(1, sizeof(*t));
	if (!t)
		return &none;
	t->syms = calloc((size_t)n, sizeof(*t->syms));
	if (!t->syms) {
		free(t);
		return &none;
	}
	for (i = 1; i < n; i++) {
		GElf_Addr addr;
		GElf_Sym sym;
		GElf_Word shndx;
		const char *name =
			bct_dw.dwfl_module_getsym_info(m, i, &sym, &addr, &shndx, NULL, NULL);
		int type = GELF_ST_TYPE(sym.st_info);

		if (!name || !*name || sym.st_shndx == SHN_UNDEF ||
		    (type != STT_FUNC && type != STT_GNU_IFUNC))
			continue;
		t->syms[t->n++] = (struct modsym){ .addr = addr,
						   .size = sym.st_size,
						   .name = name,
						   .rank = rank_of(GELF_ST_BIND(sym.st_info)) };
	}
	qsort(t->syms, t->n, sizeof(*t->syms), cmp_modsym);
	return t;
}

const char *bct_modsyms_name(Dwfl_Module *m, uint64_t addr, uint64_t *off)
{
	void **slot = NULL;
	struct modsyms *t;
	size_t lo = 0, hi;
	const struct modsym *s;

	bct_dw.dwfl_module_info(m, &slot, NULL, NULL, NULL, NULL, NULL, NULL);
	if (!slot)
		return NULL;
	if (!*slot)
		*slot = build(m);
	t = *slot;
	hi = t->n;
	while (lo < hi) { /* the first symbol above addr */
		size_t mid = lo + (hi - lo) / 2;

		if (t->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	s = &t->syms[lo - 1];
	if (s->size && addr - s->addr >= s->size)
		return NULL;
	*off = addr - s->addr;
	return s->name;
}

static int release_one(Dwfl_Module *m, void **slot, const char *name, Dwarf_Addr start, void *arg)
{
	struct modsyms *t = *slot;

	(void)m, (void)name, (void)start, (void)arg;
	if (t && t != &none) {
		free(t->syms);
		free(t);
	}
	*slot = NULL;
	return DWARF_CB_OK;
}

void bct_modsyms_release(Dwfl *d)
{
	if (d)
		bct_dw.dwfl_getmodules(d, release_one, NULL, 0);
}
