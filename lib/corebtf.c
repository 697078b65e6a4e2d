// SPDX-License-Identifier: Apache-2.0
/* The kernel types a program's CO-RE relocations can resolve against, as a small BTF. */
#include <elf.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>

#include "corebtf.h"
#include "util.h"

/* The .BTF.ext header, up to its CO-RE relocations (as the kernel's BTF documentation has it). */
struct ext_hdr {
	uint16_t magic;
	uint8_t version;
	uint8_t flags;
	uint32_t hdr_len;
	uint32_t func_info_off, func_info_len;
	uint32_t line_info_off, line_info_len;
	uint32_t core_relo_off, core_relo_len;
};

struct core_relo {
	uint32_t insn_off, type_id, access_str_off, kind;
};

/* enum bpf_core_relo_kind */
enum {
	FIELD_BYTE_OFFSET,
	FIELD_BYTE_SIZE,
	FIELD_EXISTS,
	FIELD_SIGNED,
	FIELD_LSHIFT_U64,
	FIELD_RSHIFT_U64,
	TYPE_ID_LOCAL,
	TYPE_ID_TARGET,
	TYPE_EXISTS,
	TYPE_SIZE,
	ENUMVAL_EXISTS,
	ENUMVAL_VALUE,
	TYPE_MATCHES,
};

#define BTF_EXT_MAGIC 0xeB9F

/* The bytes of ELF section name, or NULL. */
static const char *elf_section(const char *obj, size_t sz, const char *name, size_t *len)
{
	Elf64_Ehdr eh;
	Elf64_Shdr sh, strsh;
	size_t i;

	if (sz < sizeof(eh))
		return NULL;
	memcpy(&eh, obj, sizeof(eh));
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shoff > sz ||
	    eh.e_shnum > (sz - eh.e_shoff) / sizeof(Elf64_Shdr) || eh.e_shstrndx >= eh.e_shnum)
		return NULL;
	memcpy(&strsh, obj + eh.e_shoff + eh.e_shstrndx * sizeof(sh), sizeof(strsh));
	if (strsh.sh_offset > sz || strsh.sh_size > sz - strsh.sh_offset)
		return NULL;
	for (i = 0; i < eh.e_shnum; i++) {
		memcpy(&sh, obj + eh.e_shoff + i * sizeof(sh), sizeof(sh));
		if (sh.sh_name >= strsh.sh_size ||
		    strnlen(obj + strsh.sh_offset + sh.sh_name, strsh.sh_size - sh.sh_name) ==
			    strsh.sh_size - sh.sh_name ||
		    strcmp(obj + strsh.sh_offset + sh.sh_name, name))
			continue;
		if (sh.sh_type == SHT_NOBITS || sh.sh_offset > sz || sh.sh_size > sz - sh.sh_offset)
			return NULL;
		*len = sh.sh_size;
		return obj + sh.sh_offset;
	}
	return NULL;
}

/* Length of name without a "___flavor" suffix (libbpf's rule: the last such separator). */
static size_t essential_len(const char *s)
{
	size_t n = strlen(s), i;

	for (i = n >= 5 ? n - 5 + 1 : 0; i-- > 0;)
		if (s[i] != '_' && s[i + 1] == '_' && s[i + 2] == '_' && s[i + 3] == '_' &&
		    s[i + 4] != '_')
			return i + 1;
	return n;
}

struct root {
	const char *name;
	size_t len;
	const struct btf_type *t; /* the local type */
	bool found;
};

struct roots {
	struct root *v;
	size_t n, cap;
};

static int add_root(struct roots *r, const char *name, const struct btf_type *t)
{
	size_t len = essential_len(name), i;

	for (i = 0; i < r->n; i++)
		if (r->v[i].len == len && !memcmp(r->v[i].name, name, len) &&
		    btf_kind_core_compat(r->v[i].t, t))
			return 0;
	if (bct_grow((void **)&r->v, &r->cap, r->n + 1, sizeof(*r->v)))
		return -ENOMEM;
	r->v[r->n].name = name;
	r->v[r->n].len = len;
	r->v[r->n].t = t;
	r->v[r->n].found = false;
	r->n++;
	return 0;
}

/* The root type names of every relocation; -EOPNOTSUPP for relocations a small BTF cannot serve. */
static int collect_roots(const char *obj, size_t obj_sz, const struct btf *local, struct roots *r)
{
	const char *ext, *p, *end;
	struct ext_hdr hdr;
	uint32_t rec_sz;
	size_t len;

	ext = elf_section(obj, obj_sz, ".BTF.ext", &len);
	if (!ext)
		return -EOPNOTSUPP; /* no CO-RE relocations at all */
	memset(&hdr, 0, sizeof(hdr));
	if (len < 8)
		return -EINVAL;
	memcpy(&hdr, ext, len < sizeof(hdr) ? len : sizeof(hdr));
	if (hdr.magic != BTF_EXT_MAGIC || hdr.hdr_len > len)
		return -EINVAL;
	if (hdr.hdr_len < sizeof(hdr) || !hdr.core_relo_len)
		return -EOPNOTSUPP;
	if (hdr.core_relo_off > len - hdr.hdr_len ||
	    hdr.core_relo_len > len - hdr.hdr_len - hdr.core_relo_off || hdr.core_relo_len < 4)
		return -EINVAL;
	p = ext + hdr.hdr_len + hdr.core_relo_off;
	end = p + hdr.core_relo_len;
	memcpy(&rec_sz, p, 4);
	p += 4;
	if (rec_sz < sizeof(struct core_relo))
		return -EINVAL;
	while (p < end) {
		uint32_t sec[2], i;

		if ((size_t)(end - p) < sizeof(sec))
			return -EINVAL;
		memcpy(sec, p, sizeof(sec));
		p += sizeof(sec);
		if (sec[1] > (size_t)(end - p) / rec_sz)
			return -EINVAL;
		for (i = 0; i < sec[1]; i++, p += rec_sz) {
			const struct btf_type *t;
			struct core_relo rel;
			const char *name;
			int err;

			memcpy(&rel, p, sizeof(rel));
			switch (rel.kind) {
			case TYPE_ID_LOCAL:
				continue; /* resolved without the kernel's BTF */
			case FIELD_BYTE_OFFSET:
			case FIELD_BYTE_SIZE:
			case FIELD_EXISTS:
			case FIELD_SIGNED:
			case FIELD_LSHIFT_U64:
			case FIELD_RSHIFT_U64:
			case ENUMVAL_EXISTS:
			case ENUMVAL_VALUE:
				break;
			default:
				return -EOPNOTSUPP; /* compares whole types or takes kernel type ids */
			}
			t = btf__type_by_id(local, rel.type_id);
			name = t ? btf__name_by_offset(local, t->name_off) : NULL;
			if (!name || !*name)
				return -EOPNOTSUPP;
			err = add_root(r, name, t);
			if (err)
				return err;
		}
	}
	return r->n ? 0 : -EOPNOTSUPP;
}

/*
 * Calls fn for every type id a type refers to. Pointers report theirs with is_ptr: their
 * target is not copied.
 */
static int each_ref(struct btf_type *t, int (*fn)(uint32_t *ref, bool is_ptr, void *ctx), void *ctx)
{
	int err = 0;
	__u16 i, n = btf_vlen(t);

	switch (btf_kind(t)) {
	case BTF_KIND_INT:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
	case BTF_KIND_FWD:
	case BTF_KIND_FLOAT:
		return 0;
	case BTF_KIND_PTR:
		return fn(&t->type, true, ctx);
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
	case BTF_KIND_FUNC:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		return fn(&t->type, false, ctx);
	case BTF_KIND_ARRAY: {
		struct btf_array *a = btf_array(t);

		err = fn(&a->type, false, ctx);
		return err ? err : fn(&a->index_type, false, ctx);
	}
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION: {
		struct btf_member *m = btf_members(t);

		for (i = 0; !err && i < n; i++)
			err = fn(&m[i].type, false, ctx);
		return err;
	}
	case BTF_KIND_FUNC_PROTO: {
		struct btf_param *prm = btf_params(t);

		err = fn(&t->type, false, ctx);
		for (i = 0; !err && i < n; i++)
			err = fn(&prm[i].type, false, ctx);
		return err;
	}
	case BTF_KIND_DATASEC: {
		struct btf_var_secinfo *v = btf_var_secinfos(t);

		for (i = 0; !err && i < n; i++)
			err = fn(&v[i].type, false, ctx);
		return err;
	}
	default:
		return -EOPNOTSUPP;
	}
}

struct walk {
	const struct btf *btf;
	uint32_t n; /* types in btf */
	uint32_t *map; /* old id -> new id; 1 = to copy, before ids are given out */
	uint32_t *stack;
	size_t depth;
};

static int mark(uint32_t *ref, bool is_ptr, void *ctx)
{
	struct walk *w = ctx;

	if (is_ptr || !*ref)
		return 0;
	if (*ref >= w->n)
		return -EINVAL;
	if (!w->map[*ref]) {
		w->map[*ref] = 1;
		w->stack[w->depth++] = *ref;
	}
	return 0;
}

static int remap(uint32_t *ref, bool is_ptr, void *ctx)
{
	struct walk *w = ctx;

	if (is_ptr) {
		*ref = 0; /* void * */
		return 0;
	}
	if (!*ref)
		return 0;
	if (*ref >= w->n || !w->map[*ref])
		return -EINVAL;
	*ref = w->map[*ref];
	return 0;
}

/* Marks id and everything it embeds. */
static int mark_closure(struct walk *w, uint32_t id)
{
	int err;

	err = mark(&id, false, w);
	while (!err && w->depth) {
		uint32_t cur = w->stack[--w->depth];

		err = each_ref((struct btf_type *)btf__type_by_id(w->btf, cur), mark, w);
	}
	return err;
}

/* A copied type has the original's kind, name and size (its references were remapped). */
static bool same(const struct btf *dst, const struct walk *w, uint32_t old)
{
	const struct btf_type *a = btf__type_by_id(w->btf, old);
	const struct btf_type *b = btf__type_by_id(dst, w->map[old]);
	bool sized;

	if (!a || !b || btf_kind(a) != btf_kind(b) || btf_vlen(a) != btf_vlen(b) ||
	    strcmp(btf__name_by_offset(w->btf, a->name_off), btf__name_by_offset(dst, b->name_off)))
		return false;
	sized = btf_is_int(a) || btf_is_any_enum(a) || btf_is_composite(a) || btf_is_float(a) ||
		btf_is_datasec(a);
	return !sized || a->size == b->size;
}

static int build(struct walk *w, void **out, size_t *out_sz)
{
	struct btf *dst = btf__new_empty();
	uint32_t id, next = 1, raw_sz;
	const void *raw;
	int err = 0;

	if (!dst)
		return -ENOMEM;
	for (id = 1; id < w->n; id++)
		if (w->map[id])
			w->map[id] = next++;
	for (id = 1; !err && id < w->n; id++) {
		int nid;

		if (!w->map[id])
			continue;
		nid = btf__add_type(dst, w->btf, btf__type_by_id(w->btf, id));
		if (nid < 0)
			err = nid;
		else if ((uint32_t)nid != w->map[id])
			err = -EINVAL;
	}
	/* references last: adding types may move the type data */
	for (id = 1; !err && id < w->n; id++) {
		if (!w->map[id])
			continue;
		err = each_ref((struct btf_type *)btf__type_by_id(dst, w->map[id]), remap, w);
		if (!err && !same(dst, w, id))
			err = -EINVAL;
	}
	if (!err) {
		raw = btf__raw_data(dst, &raw_sz);
		*out = raw ? malloc(raw_sz) : NULL;
		if (*out) {
			memcpy(*out, raw, raw_sz);
			*out_sz = raw_sz;
		} else {
			err = -ENOMEM;
		}
	}
	btf__free(dst);
	return err;
}

int bct_core_btf(const void *obj, size_t obj_sz, const struct btf *local, const struct btf *vmlinux,
		 void **out, size_t *out_sz)
{
	struct roots roots = { 0 };
	struct walk w = { .btf = vmlinux };
	uint32_t id;
	size_t i;
	int err;

	err = collect_roots(obj, obj_sz, local, &roots);
	if (err)
		goto out;
	w.n = btf__type_cnt(vmlinux);
	w.map = calloc(w.n, sizeof(*w.map));
	w.stack = calloc(w.n, sizeof(*w.stack));
	if (!w.map || !w.stack) {
		err = -ENOMEM;
		goto out;
	}
	/* candidates: every type named like a root, of a kind libbpf would match */
	for (id = 1; !err && id < w.n; id++) {
		const struct btf_type *t = btf__type_by_id(vmlinux, id);
		const char *name = btf__name_by_offset(vmlinux, t->name_off);
		size_t len;

		if (!name || !*name)
			continue;
		len = essential_len(name);
		for (i = 0; i < roots.n; i++) {
			if (roots.v[i].len != len || memcmp(roots.v[i].name, name, len) ||
			    !btf_kind_core_compat(t, roots.v[i].t))
				continue;
			roots.v[i].found = true;
			err = mark_closure(&w, id);
			break;
		}
	}
	/* a root the kernel lacks: libbpf would look in module BTF, which this does not carry */
	for (i = 0; !err && i < roots.n; i++)
		if (!roots.v[i].found)
			err = -EOPNOTSUPP;
	if (!err)
		err = build(&w, out, out_sz);
out:
	free(roots.v);
	free(w.map);
	free(w.stack);
	return err;
}
