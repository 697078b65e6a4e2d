// SPDX-License-Identifier: Apache-2.0
/*
 * The small BTF for CO-RE: built from a hand-made object (an ELF with only .BTF.ext) and a
 * hand-made "kernel" BTF, then read back.
 */
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <bpf/btf.h>

#include "corebtf.h"
#include "unit.h"

enum { K_FIELD_BYTE_OFFSET = 0, K_TYPE_EXISTS = 8, K_ENUMVAL_VALUE = 11 };

struct relo {
	uint32_t type_id; /* in the local BTF */
	uint32_t kind;
};

/* An ELF64 object whose only content is a .BTF.ext with these CO-RE relocations. */
static void *make_obj(const struct relo *r, int n, uint16_t magic, size_t *sz)
{
	static const char shstr[] = "\0.BTF.ext\0.shstrtab";
	uint32_t ext[8 + 1 + 2 + 4 * 8];
	size_t ext_sz, off;
	Elf64_Ehdr eh = { 0 };
	Elf64_Shdr sh[3] = { { 0 } };
	char *buf;
	int i;

	/* header: magic/version/flags, hdr_len, func/line info (empty), core_relo off/len */
	ext[0] = magic | 1u << 16;
	ext[1] = 32;
	ext[2] = ext[3] = ext[4] = ext[5] = 0;
	ext[6] = 0;
	ext[7] = 4 + 8 + 16 * n;
	ext[8] = 16; /* record size */
	ext[9] = 1; /* section name offset (any) */
	ext[10] = n;
	for (i = 0; i < n; i++) {
		ext[11 + 4 * i] = 8 * i; /* insn_off */
		ext[12 + 4 * i] = r[i].type_id;
		ext[13 + 4 * i] = 0; /* access string "0" would be here: not read */
		ext[14 + 4 * i] = r[i].kind;
	}
	ext_sz = (11 + 4 * n) * 4;
	*sz = sizeof(eh) + ext_sz + sizeof(shstr) + sizeof(sh);
	buf = calloc(1, *sz);
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_shentsize = sizeof(Elf64_Shdr);
	eh.e_shnum = 3;
	eh.e_shstrndx = 2;
	off = sizeof(eh);
	memcpy(buf + off, ext, ext_sz);
	sh[1].sh_name = 1;
	sh[1].sh_type = SHT_PROGBITS;
	sh[1].sh_offset = off;
	sh[1].sh_size = ext_sz;
	off += ext_sz;
	memcpy(buf + off, shstr, sizeof(shstr));
	sh[2].sh_name = 10;
	sh[2].sh_type = SHT_STRTAB;
	sh[2].sh_offset = off;
	sh[2].sh_size = sizeof(shstr);
	off += sizeof(shstr);
	eh.e_shoff = off;
	memcpy(buf + off, sh, sizeof(sh));
	memcpy(buf, &eh, sizeof(eh));
	return buf;
}

/*
 * The "kernel": int, long, struct bar { int x; }, struct baz { long c; },
 * struct foo { int a; struct bar *p; struct baz b; }, struct foo___2 { int a; },
 * struct unrelated { struct foo f; }, enum color { RED }, typedef struct foo foo_t.
 */
static struct btf *make_kernel(void)
{
	struct btf *b = btf__new_empty();
	int t_int, t_long, t_bar, t_baz, t_foo, t_ptr;

	t_int = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	t_long = btf__add_int(b, "long", 8, BTF_INT_SIGNED);
	t_bar = btf__add_struct(b, "bar", 4);
	btf__add_field(b, "x", t_int, 0, 0);
	t_baz = btf__add_struct(b, "baz", 8);
	btf__add_field(b, "c", t_long, 0, 0);
	t_ptr = btf__add_ptr(b, t_bar);
	t_foo = btf__add_struct(b, "foo", 24);
	btf__add_field(b, "a", t_int, 0, 0);
	btf__add_field(b, "p", t_ptr, 64, 0);
	btf__add_field(b, "b", t_baz, 128, 0);
	btf__add_struct(b, "foo___2", 4);
	btf__add_field(b, "a", t_int, 0, 0);
	btf__add_struct(b, "unrelated", 24);
	btf__add_field(b, "f", t_foo, 0, 0);
	btf__add_enum(b, "color", 4);
	btf__add_enum_value(b, "RED", 0);
	btf__add_typedef(b, "foo_t", t_foo);
	return b;
}

/* The local (program's) BTF: struct foo___mine { int a; }, enum color___x { RED___x }, ... */
static struct btf *make_local(int *foo, int *color, int *missing)
{
	struct btf *b = btf__new_empty();
	int t_int = btf__add_int(b, "int", 4, BTF_INT_SIGNED);

	*foo = btf__add_struct(b, "foo___mine", 4);
	btf__add_field(b, "a", t_int, 0, 0);
	*color = btf__add_enum(b, "color___x", 4);
	btf__add_enum_value(b, "RED___x", 0);
	*missing = btf__add_struct(b, "not_in_kernel", 4);
	btf__add_field(b, "a", t_int, 0, 0);
	return b;
}

/* The id of the type named name of kind in b, or 0. */
static int find(const struct btf *b, const char *name, int kind)
{
	int id = btf__find_by_name_kind(b, name, kind);

	return id > 0 ? id : 0;
}

UNIT_TEST(core_btf_keeps_candidates_and_what_they_embed)
{
	struct btf *kern = make_kernel(), *local, *out;
	int foo, color, missing, id;
	const struct btf_type *t;
	const struct btf_member *m;
	struct relo r[2];
	void *obj, *raw = NULL;
	size_t obj_sz, raw_sz = 0;

	local = make_local(&foo, &color, &missing);
	r[0] = (struct relo){ foo, K_FIELD_BYTE_OFFSET };
	r[1] = (struct relo){ color, K_ENUMVAL_VALUE };
	obj = make_obj(r, 2, 0xeB9F, &obj_sz);
	CHECK_INT(bct_core_btf(obj, obj_sz, local, kern, &raw, &raw_sz), 0);
	out = raw ? btf__new(raw, raw_sz) : NULL;
	CHECK(out != NULL);
	if (out) {
		/* both flavors of foo, what foo embeds (baz, long), the enum */
		CHECK(find(out, "foo", BTF_KIND_STRUCT));
		CHECK(find(out, "foo___2", BTF_KIND_STRUCT));
		CHECK(find(out, "baz", BTF_KIND_STRUCT));
		CHECK(find(out, "long", BTF_KIND_INT));
		CHECK(find(out, "color", BTF_KIND_ENUM));
		/* not reached: through a pointer, or not named like a root */
		CHECK(!find(out, "bar", BTF_KIND_STRUCT));
		CHECK(!find(out, "unrelated", BTF_KIND_STRUCT));
		CHECK(!find(out, "foo_t", BTF_KIND_TYPEDEF));
		/* foo keeps its layout; its pointer member points to void */
		id = find(out, "foo", BTF_KIND_STRUCT);
		t = btf__type_by_id(out, id);
		CHECK_INT(btf_vlen(t), 3);
		CHECK_INT(t->size, 24);
		m = btf_members(t);
		CHECK_STR(btf__name_by_offset(out, m[1].name_off), "p");
		CHECK_INT(btf_member_bit_offset(t, 1), 64);
		CHECK(btf_is_ptr(btf__type_by_id(out, m[1].type)));
		CHECK_INT(btf__type_by_id(out, m[1].type)->type, 0);
		CHECK_INT(m[2].type, find(out, "baz", BTF_KIND_STRUCT));
		CHECK_INT(btf_member_bit_offset(t, 2), 128);
		btf__free(out);
	}
	free(raw);
	free(obj);
	btf__free(local);
	btf__free(kern);
}

UNIT_TEST(core_btf_declines_what_it_cannot_serve)
{
	struct btf *kern = make_kernel(), *local;
	int foo, color, missing;
	struct relo r;
	void *obj, *raw = NULL;
	size_t obj_sz, raw_sz = 0;

	local = make_local(&foo, &color, &missing);
	/* a type relocation compares whole types */
	r = (struct relo){ foo, K_TYPE_EXISTS };
	obj = make_obj(&r, 1, 0xeB9F, &obj_sz);
	CHECK_INT(bct_core_btf(obj, obj_sz, local, kern, &raw, &raw_sz), -EOPNOTSUPP);
	free(obj);
	/* a root the kernel lacks (libbpf would look into module BTF) */
	r = (struct relo){ missing, K_FIELD_BYTE_OFFSET };
	obj = make_obj(&r, 1, 0xeB9F, &obj_sz);
	CHECK_INT(bct_core_btf(obj, obj_sz, local, kern, &raw, &raw_sz), -EOPNOTSUPP);
	free(obj);
	/* no relocations at all */
	obj = make_obj(&r, 0, 0xeB9F, &obj_sz);
	CHECK_INT(bct_core_btf(obj, obj_sz, local, kern, &raw, &raw_sz), -EOPNOTSUPP);
	free(obj);
	/* not a .BTF.ext; not an ELF */
	obj = make_obj(&r, 1, 0x1234, &obj_sz);
	CHECK_INT(bct_core_btf(obj, obj_sz, local, kern, &raw, &raw_sz), -EINVAL);
	CHECK_INT(bct_core_btf("not an object", 14, local, kern, &raw, &raw_sz), -EOPNOTSUPP);
	CHECK(raw == NULL);
	free(obj);
	btf__free(local);
	btf__free(kern);
}
