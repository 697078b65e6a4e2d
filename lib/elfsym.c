// SPDX-License-Identifier: Apache-2.0
/* User-space symbols for uprobes: see elfsym.h. */
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elfsym.h"

#if defined(__x86_64__)
#define OUR_MACHINE EM_X86_64
#elif defined(__aarch64__)
#define OUR_MACHINE EM_AARCH64
#elif defined(__s390x__)
#define OUR_MACHINE EM_S390
#elif defined(__riscv)
#define OUR_MACHINE EM_RISCV
#elif defined(__powerpc64__)
#define OUR_MACHINE EM_PPC64
#else
#define OUR_MACHINE EM_NONE /* any */
#endif

#if __SIZEOF_POINTER__ == 8
#define OUR_CLASS ELFCLASS64
#else
#define OUR_CLASS ELFCLASS32
#endif

/* Whether path is an ELF file this process could map (same class and machine). */
static bool elf_is_ours(const char *path)
{
	unsigned char id[EI_NIDENT + 4];
	uint16_t machine;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = pread(fd, id, sizeof(id), 0);
	close(fd);
	if (n < (ssize_t)sizeof(id) || memcmp(id, ELFMAG, SELFMAG) || id[EI_CLASS] != OUR_CLASS)
		return false;
	memcpy(&machine, id + EI_NIDENT + 2, sizeof(machine)); /* e_machine, host byte order */
	return OUR_MACHINE == EM_NONE || machine == OUR_MACHINE;
}

static int copy_path(char *buf, size_t sz, const char *path)
{
	if (snprintf(buf, sz, "%s", path) >= (int)sz)
		return -ENAMETOOLONG;
	return 0;
}

/* "c" -> "libc.so"; "libfoo" -> "libfoo.so"; "libfoo.so.1" stays. */
static void so_prefix(const char *name, char *out, size_t sz)
{
	const char *lib = strncmp(name, "lib", 3) ? "lib" : "";

	if (strstr(name, ".so"))
		snprintf(out, sz, "%s%s", lib, name);
	else
		snprintf(out, sz, "%s%s.so", lib, name);
}

/* The first `ldconfig -p` entry whose name starts with prefix and that is our ELF. */
static int from_ld_cache(const char *prefix, char *buf, size_t sz)
{
	const char *cmd = access("/sbin/ldconfig", X_OK) == 0 ? "/sbin/ldconfig -p 2>/dev/null"
							      : "ldconfig -p 2>/dev/null";
	size_t plen = strlen(prefix);
	char line[4096];
	int err = -ENOENT;
	FILE *f;

	f = popen(cmd, "re");
	if (!f)
		return -ENOENT;
	while (fgets(line, sizeof(line), f)) {
		char *s = line + strspn(line, " \t"), *arrow, *path;

		if (err != -ENOENT || strncmp(s, prefix, plen))
			continue;
		/* "libc.so.6 (libc6,x86-64) => /lib/x86_64-linux-gnu/libc.so.6" */
		if (s[plen] != '.' && s[plen] != ' ' && s[plen] != '\t')
			continue;
		arrow = strstr(s, "=> ");
		if (!arrow)
			continue;
		path = arrow + 3;
		path[strcspn(path, "\n")] = '\0';
		if (elf_is_ours(path))
			err = copy_path(buf, sz, path); /* keep reading: let ldconfig finish */
	}
	pclose(f);
	return err;
}

/* The standard directories, for a system whose cache lacks the library. */
static int from_dirs(const char *prefix, char *buf, size_t sz)
{
	static const char *const dirs[] = {
#if defined(__x86_64__)
		"/lib/x86_64-linux-gnu",
		"/usr/lib/x86_64-linux-gnu",
#elif defined(__aarch64__)
		"/lib/aarch64-linux-gnu",
		"/usr/lib/aarch64-linux-gnu",
#endif
		"/lib64",
		"/usr/lib64",
		"/lib",
		"/usr/lib",
	};
	size_t plen = strlen(prefix), i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		char path[4096];
		struct dirent *de;
		DIR *d = opendir(dirs[i]);
		int err = -ENOENT;

		if (!d)
			continue;
		while (err == -ENOENT && (de = readdir(d))) {
			if (strncmp(de->d_name, prefix, plen) ||
			    (de->d_name[plen] && de->d_name[plen] != '.'))
				continue;
			snprintf(path, sizeof(path), "%s/%s", dirs[i], de->d_name);
			if (elf_is_ours(path))
				err = copy_path(buf, sz, path);
		}
		closedir(d);
		if (err != -ENOENT)
			return err;
	}
	return -ENOENT;
}

int bct_elf_lib_path(const char *name, char *buf, size_t sz)
{
	char prefix[256];
	int err;

	if (!name || !*name)
		return -ENOENT;
	if (strchr(name, '/'))
		return copy_path(buf, sz, name);
	so_prefix(name, prefix, sizeof(prefix));
	err = from_ld_cache(prefix, buf, sz);
	return err == -ENOENT ? from_dirs(prefix, buf, sz) : err;
}

/* --- symbols -------------------------------------------------------------------------------- */

#define VERSYM_HIDDEN 0x8000
#define VERSYM_INDEX 0x7fff

/* The name of version index ndx in the file's .gnu.version_d, or NULL. */
static const char *verdef_name(Elf *elf, Elf_Scn *verdef, unsigned int ndx)
{
	GElf_Shdr sh;
	Elf_Data *data;
	size_t off = 0;
	int n;

	if (!verdef || !gelf_getshdr(verdef, &sh) || !(data = elf_getdata(verdef, NULL)))
		return NULL;
	for (n = 0; n < (int)sh.sh_info; n++) {
		GElf_Verdef vd;
		GElf_Verdaux va;

		if (!gelf_getverdef(data, (int)off, &vd))
			return NULL;
		if (vd.vd_ndx == ndx && gelf_getverdaux(data, (int)(off + vd.vd_aux), &va))
			return elf_strptr(elf, sh.sh_link, va.vda_name);
		if (!vd.vd_next)
			break;
		off += vd.vd_next;
	}
	return NULL;
}

struct want {
	const char *name; /* the base name */
	size_t len;
	const char *version; /* after '@' or "@@"; NULL: the default */
	bool default_only; /* "@@": the default version */
};

enum match { NO_MATCH, MATCH_HIDDEN, MATCH };

/* How the symbol named sname, of version index vs (0: none known), matches w. */
static enum match sym_match(Elf *elf, Elf_Scn *verdef, const struct want *w, const char *sname,
			    int vs)
{
	const char *at, *vname;
	bool hidden = vs > 0 && (vs & VERSYM_HIDDEN);

	if (strncmp(sname, w->name, w->len))
		return NO_MATCH;
	at = sname + w->len;
	if (*at == '@') { /* .symtab's "name@VER" or "name@@VER" */
		bool dflt = at[1] == '@';

		vname = at + (dflt ? 2 : 1);
		if (w->version)
			return strcmp(vname, w->version) || (w->default_only && !dflt) ? NO_MATCH
										       : MATCH;
		return dflt ? MATCH : MATCH_HIDDEN;
	}
	if (*at)
		return NO_MATCH;
	if (!w->version)
		return hidden ? MATCH_HIDDEN : MATCH;
	if (vs <= 0 || (w->default_only && hidden))
		return NO_MATCH;
	vname = verdef_name(elf, verdef, (unsigned int)vs & VERSYM_INDEX);
	return vname && !strcmp(vname, w->version) ? MATCH : NO_MATCH;
}

/* The file offset of a symbol's value, through the section that holds it. */
static int value_offset(Elf *elf, const GElf_Sym *s, uint64_t *off)
{
	Elf_Scn *scn = elf_getscn(elf, s->st_shndx);
	GElf_Shdr sh;

	if (!scn || !gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS ||
	    s->st_value < sh.sh_addr || s->st_value >= sh.sh_addr + sh.sh_size)
		return -ENOENT;
	*off = s->st_value - sh.sh_addr + sh.sh_offset;
	return 0;
}

/* Whether s is a function defined in a section of the file (ifunc: STT_GNU_IFUNC too). */
static bool defined_func(const GElf_Sym *s, bool ifunc)
{
	int type = GELF_ST_TYPE(s->st_info);

	return (type == STT_FUNC || (ifunc && type == STT_GNU_IFUNC)) && s->st_shndx != SHN_UNDEF &&
	       s->st_shndx < SHN_LORESERVE && s->st_value;
}

/*
 * One symbol of a walk: its entry, its name (never NULL), its index in its table and whether
 * the table is .dynsym. A nonzero return ends the walk with that value.
 */
typedef int (*sym_fn)(Elf *elf, const GElf_Sym *s, const char *name, size_t ndx, bool dyn,
		      void *ctx);

/* Calls fn for every named symbol of .symtab, then of .dynsym; fn's first nonzero, else 0. */
static int walk_syms(Elf *elf, sym_fn fn, void *ctx)
{
	int pass, err;

	for (pass = 0; pass < 2; pass++) {
		Elf32_Word want_type = pass ? SHT_DYNSYM : SHT_SYMTAB;
		Elf_Scn *scn;

		for (scn = NULL; (scn = elf_nextscn(elf, scn));) {
			Elf_Data *data;
			GElf_Shdr sh;
			size_t i, n;

			if (!gelf_getshdr(scn, &sh) || sh.sh_type != want_type || !sh.sh_entsize ||
			    !(data = elf_getdata(scn, NULL)))
				continue;
			n = sh.sh_size / sh.sh_entsize;
			for (i = 1; i < n; i++) {
				const char *sname;
				GElf_Sym s;

				if (!gelf_getsym(data, (int)i, &s))
					continue;
				sname = elf_strptr(elf, sh.sh_link, s.st_name);
				if (!sname)
					continue;
				err = fn(elf, &s, sname, i, pass, ctx);
				if (err)
					return err;
			}
		}
	}
	return 0;
}

/* Runs fn on the ELF file at path: fn's return; -ENOEXEC when not ELF, -errno, -EINVAL. */
static int with_elf_file(const char *path, int (*fn)(Elf *elf, void *ctx), void *ctx)
{
	Elf *elf;
	int fd, err;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	err = !elf || elf_kind(elf) != ELF_K_ELF ? -ENOEXEC : fn(elf, ctx);
	elf_end(elf);
	close(fd);
	return err;
}

/* The same on an ELF image in memory. */
static int with_elf_mem(void *image, size_t sz, int (*fn)(Elf *elf, void *ctx), void *ctx)
{
	Elf *elf;
	int err;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return -EINVAL;
	elf = elf_memory(image, sz);
	err = !elf || elf_kind(elf) != ELF_K_ELF ? -ENOEXEC : fn(elf, ctx);
	elf_end(elf);
	return err;
}

/* --- by name: the file offset of a function -------------------------------------------------- */

struct find {
	struct want w;
	Elf_Scn *verdef;
	Elf_Data *vdata; /* .gnu.version */
	int found_hidden; /* 0 once a non-default version matched */
	uint64_t hidden_off, off;
};

static int find_one(Elf *elf, const GElf_Sym *s, const char *sname, size_t ndx, bool dyn, void *ctx)
{
	struct find *f = ctx;
	GElf_Versym vs = 0;
	enum match m;
	uint64_t o;

	if (!defined_func(s, false))
		return 0;
	if (dyn && f->vdata && !gelf_getversym(f->vdata, (int)ndx, &vs))
		vs = 0;
	m = sym_match(elf, f->verdef, &f->w, sname, dyn ? vs : 0);
	if (m == NO_MATCH || value_offset(elf, s, &o))
		return 0;
	if (m == MATCH) {
		f->off = o;
		return 1;
	}
	if (f->found_hidden) {
		f->found_hidden = 0;
		f->hidden_off = o;
	}
	return 0;
}

static int find_sym(Elf *elf, void *ctx)
{
	struct find *f = ctx;
	Elf_Scn *scn = NULL, *versym = NULL;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;

		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_GNU_versym)
			versym = scn;
		else if (sh.sh_type == SHT_GNU_verdef)
			f->verdef = scn;
	}
	if (versym)
		f->vdata = elf_getdata(versym, NULL);
	f->found_hidden = -ENOENT;
	/* .symtab first (it names local functions too), then .dynsym */
	if (walk_syms(elf, find_one, f))
		return 0;
	if (!f->found_hidden)
		f->off = f->hidden_off; /* only a non-default version exists: take it */
	return f->found_hidden;
}

/* Sets w from "name", "name@VERSION" or "name@@VERSION"; -ENOENT for an empty name. */
static int want_parse(struct want *w, const char *sym)
{
	const char *at;

	if (!sym || !*sym)
		return -ENOENT;
	at = strchr(sym, '@');
	w->name = sym;
	w->len = at ? (size_t)(at - sym) : strlen(sym);
	if (at) {
		w->default_only = at[1] == '@';
		w->version = at + (w->default_only ? 2 : 1);
	}
	return 0;
}

int bct_elf_sym_offset(const char *path, const char *sym, uint64_t *off)
{
	struct find f = { 0 };
	int err;

	err = want_parse(&f.w, sym);
	if (!err)
		err = with_elf_file(path, find_sym, &f);
	if (!err)
		*off = f.off;
	return err;
}

int bct_elf_sym_offset_mem(void *image, size_t sz, const char *sym, uint64_t *off)
{
	struct find f = { 0 };
	int err;

	err = want_parse(&f.w, sym);
	if (!err)
		err = with_elf_mem(image, sz, find_sym, &f);
	if (!err)
		*off = f.off;
	return err;
}

/* --- by name: the link-time address of any defined symbol ------------------------------------ */

struct vaddr {
	const char *name;
	uint64_t addr;
};

static int vaddr_one(Elf *elf, const GElf_Sym *s, const char *sname, size_t ndx, bool dyn,
		     void *ctx)
{
	struct vaddr *v = ctx;

	if (s->st_shndx == SHN_UNDEF || strcmp(sname, v->name))
		return 0;
	v->addr = s->st_value;
	return 1;
}

static int vaddr_in(Elf *elf, void *ctx)
{
	return walk_syms(elf, vaddr_one, ctx) ? 0 : -ENOENT;
}

int bct_elf_sym_vaddr(const char *path, const char *sym, uint64_t *addr)
{
	struct vaddr v = { .name = sym };
	int err;

	err = with_elf_file(path, vaddr_in, &v);
	if (!err)
		*addr = v.addr;
	return err;
}

/* --- every function ------------------------------------------------------------------------- */

struct each {
	int (*fn)(const char *name, uint64_t off, void *ctx);
	void *ctx;
};

static int each_one(Elf *elf, const GElf_Sym *s, const char *sname, size_t ndx, bool dyn, void *ctx)
{
	struct each *e = ctx;
	uint64_t o;

	if (!defined_func(s, true) || !*sname || value_offset(elf, s, &o))
		return 0;
	return e->fn(sname, o, e->ctx);
}

static int each_func_in(Elf *elf, void *ctx)
{
	return walk_syms(elf, each_one, ctx);
}

int bct_elf_for_each_func(const char *path, int (*fn)(const char *name, uint64_t off, void *ctx),
			  void *ctx)
{
	struct each e = { fn, ctx };

	return with_elf_file(path, each_func_in, &e);
}

/* --- by offset: the function that holds it -------------------------------------------------- */

struct at {
	uint64_t off;
	char *name;
	size_t sz;
	uint64_t *delta;
};

static int at_one(Elf *elf, const GElf_Sym *s, const char *sname, size_t ndx, bool dyn, void *ctx)
{
	struct at *a = ctx;
	uint64_t o;

	if (!defined_func(s, false) || value_offset(elf, s, &o) || a->off < o)
		return 0;
	if (s->st_size ? a->off - o >= s->st_size : a->off != o)
		return 0;
	if (!*sname)
		return 0;
	snprintf(a->name, a->sz, "%s", sname);
	if (a->delta)
		*a->delta = a->off - o;
	return 1;
}

static int sym_at_elf(Elf *elf, void *ctx)
{
	return walk_syms(elf, at_one, ctx) ? 0 : -ENOENT;
}

int bct_elf_sym_at(const char *path, uint64_t off, char *name, size_t sz, uint64_t *delta)
{
	struct at a = { off, name, sz, delta };

	return with_elf_file(path, sym_at_elf, &a);
}

int bct_elf_sym_at_mem(void *image, size_t sz, uint64_t off, char *name, size_t name_sz,
		       uint64_t *delta)
{
	struct at a = { off, name, name_sz, delta };

	return with_elf_mem(image, sz, sym_at_elf, &a);
}

/*
 * The mapping of pid that holds addr: its file (as /proc/PID/root sees it) and the file offset
 * of addr. 0, -ESRCH, -ENOENT.
 */
static int proc_map_of(pid_t pid, uint64_t addr, char *path, size_t sz, uint64_t *off)
{
	char line[4096 + 128], mpath[4096];
	unsigned long long start, end, pgoff;
	int err = -ENOENT, n;
	FILE *f;

	snprintf(line, sizeof(line), "/proc/%d/maps", (int)pid);
	f = fopen(line, "re");
	if (!f)
		return errno == ENOENT ? -ESRCH : -errno;
	while (fgets(line, sizeof(line), f)) {
		mpath[0] = '\0';
		n = sscanf(line, "%llx-%llx %*s %llx %*s %*u %4095[^\n]", &start, &end, &pgoff,
			   mpath);
		if (n < 3 || addr < start || addr >= end)
			continue;
		if (mpath[0] != '/')
			break; /* anonymous, [vdso], ...: no file to read */
		if ((size_t)snprintf(path, sz, "/proc/%d/root%s", (int)pid, mpath) >= sz) {
			err = -ENAMETOOLONG;
			break;
		}
		*off = addr - start + pgoff;
		err = 0;
		break;
	}
	fclose(f);
	return err;
}

int bct_proc_sym(pid_t pid, uint64_t addr, char *name, size_t sz, uint64_t *delta)
{
	char path[4096 + 64];
	uint64_t off = 0;
	int err;

	err = proc_map_of(pid, addr, path, sizeof(path), &off);
	if (err)
		return err;
	err = bct_elf_sym_at(path, off, name, sz, delta);
	return err == -ENOEXEC ? -ENOENT : err;
}
