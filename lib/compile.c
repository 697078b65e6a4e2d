// SPDX-License-Identifier: Apache-2.0
/*
 * Source to BPF object. The parent gathers the source, the headers it includes and the
 * arguments, hashes them into a cache key and, on a hit, reads the object: LLVM is never
 * mapped. On a miss, a forked child dlopen()s bcctool-cc.so, prepares the kernel headers (once
 * per kernel BTF: vmlinux.h and its PCH), compiles once, sends the object back through a pipe
 * and exits.
 */
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <link.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "btf.h"
#include "cache.h"
#include "cc_plugin.h"
#include "compile.h"
#include "testhook.h"
#include "util.h"
#include "log.h"
#include "opt.h"
#include "probe.h"
#include "signals.h"
#include "src.h"

#define PLUGIN_NAME "bcctool-cc.so"
#define PRELUDE_PATH BCT_VDIR "/bct_prelude.h"
#define VMLINUX_PATH BCT_VDIR "/vmlinux.h"

/* libbpf's BPF-side headers, served as <bpf/NAME>. */
static const char *const libbpf_headers[] = {
	"bpf_helpers.h", "bpf_helper_defs.h", "bpf_tracing.h", "bpf_core_read.h", "bpf_endian.h",
};

/*
 * Included before every program; precompiled once per kernel. The helpers are variables
 * (function pointers); nodebug keeps clang from describing their types in debug info, which
 * for the many helpers taking a struct task_struct * means describing nearly every kernel type
 * (C debug info has complete definitions of what pointers point to): ~100 ms per compile
 * that BTF never uses.
 */
static const char prelude[] = "/* bcctool: included before every BPF program */\n"
			      "#include \"vmlinux.h\"\n"
			      "#pragma clang attribute push(__attribute__((nodebug)), "
			      "apply_to = variable(unless(is_parameter)))\n"
			      "#include <bpf/bpf_helpers.h>\n"
			      "#include <bpf/bpf_tracing.h>\n"
			      "#include <bpf/bpf_core_read.h>\n"
			      "#include <bpf/bpf_endian.h>\n"
			      "#pragma clang attribute pop\n";

/*
 * clang -cc1 arguments shared by the PCH and every program (the PCH needs the same).
 * No -gembed-source: the plugin gives the debug info the text of the files with code only
 * (lib/compile.cc, PrepPass). -dwarf-version=4: at 5, clang MD5s every file for DWARF
 * checksums (vmlinux.h is 2.8 MB), ~4 ms of a compile; the DWARF is dropped before codegen.
 */
static const char *const base_args[] = {
	"-triple",
	"bpfel",
	"-target-cpu",
	"v3",
	"-O2",
	"-debug-info-kind=constructor",
	"-dwarf-version=4",
	"-debugger-tuning=gdb",
	"-fdebug-compilation-dir=" BCT_VDIR,
	"-nostdsysteminc",
	"-nobuiltininc",
	"-I",
	BCT_VDIR,
	"-fgnuc-version=4.2.1",
	"-ferror-limit",
	"19",
	"-disable-free",
	"-disable-llvm-verifier", /* as the clang driver passes them to cc1 */
	"-discard-value-names",
	"-vectorize-loops",
	"-vectorize-slp",
};

struct job {
	const struct bct_compile_opts *opts;
	const char *name; /* program name, for messages and the cache */
	char *main_path; /* the program's path as clang sees it */
	char *disk_dir; /* directory of opts->src_path, or NULL */
	struct bct_cc_file *files;
	size_t nfiles, files_cap;
	size_t nfixed; /* files[0..nfixed): prelude and libbpf headers (in the PCH) */
	char **owned; /* texts and strings to free */
	size_t nowned, owned_cap;
	const char **args; /* NULL-terminated: base_args, arch, defines */
	size_t nargs;
	struct bct_cache *cache;
	uint8_t btf[BCT_HASH_SIZE];
	char btf_hex[BCT_HASH_HEX];
	uint8_t key[BCT_HASH_SIZE];
	char key_hex[BCT_HASH_HEX];
	char pch_rel[128]; /* kernels/<btf>/<pch key>.pch */
	bool pch_checked; /* get_pch() without a compiler found no sound PCH */
	char vmlinux_rel[64]; /* kernels/<btf>/vmlinux.h */
};

static char *own(struct job *j, char *p)
{
	if (!p)
		return NULL;
	if (bct_grow((void **)&j->owned, &j->owned_cap, j->nowned + 1, sizeof(*j->owned))) {
		free(p);
		return NULL;
	}
	j->owned[j->nowned++] = p;
	return p;
}

static int add_file(struct job *j, const char *path, const char *text, size_t len)
{
	size_t i;

	for (i = 0; i < j->nfiles; i++)
		if (!strcmp(j->files[i].path, path))
			return 0;
	if (bct_grow((void **)&j->files, &j->files_cap, j->nfiles + 1, sizeof(*j->files)))
		return -ENOMEM;
	j->files[j->nfiles].path = path;
	j->files[j->nfiles].text = text;
	j->files[j->nfiles].len = len;
	j->nfiles++;
	return 0;
}

static bool has_file(const struct job *j, const char *path)
{
	size_t i;

	for (i = 0; i < j->nfiles; i++)
		if (!strcmp(j->files[i].path, path))
			return true;
	return false;
}

/* Reads a whole file, NUL-terminated. */
static int read_disk(const char *path, char **text, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), err;

	if (fd < 0)
		return -errno;
	err = bct_read_fd(fd, 0, text, len);
	close(fd);
	return err;
}

/* Whether path is under one of the -I directories (bct_compile_opts.include_dirs). */
static bool in_include_dir(const struct job *j, const char *path)
{
	const char *const *d;

	for (d = j->opts->include_dirs; d && *d; d++) {
		size_t n = strlen(*d);

		if (n && !strncmp(path, *d, n) && path[n] == '/')
			return true;
	}
	return false;
}

/* Finds the file clang will open for path and adds it; false when there is none. */
static bool provide(struct job *j, const char *path)
{
	const size_t vlen = strlen(BCT_VDIR);
	const struct bct_src *s;
	char *copy, *text;
	size_t len;

	if (has_file(j, path) || !strcmp(path, VMLINUX_PATH))
		return true;
	if (!strncmp(path, BCT_VDIR "/", vlen + 1)) {
		const char *rel = path + vlen + 1;

		if (strchr(rel, '/'))
			return false;
		s = bct_src_get(rel);
		if (!s)
			return false;
		copy = own(j, strdup(path));
		return copy && !add_file(j, copy, s->text, s->len);
	}
	if ((j->disk_dir && !strncmp(path, j->disk_dir, strlen(j->disk_dir)) &&
	     path[strlen(j->disk_dir)] == '/' && !strchr(path + strlen(j->disk_dir) + 1, '/')) ||
	    in_include_dir(j, path)) {
		if (read_disk(path, &text, &len))
			return false;
		if (!own(j, text))
			return false;
		copy = own(j, strdup(path));
		return copy && !add_file(j, copy, text, len);
	}
	return false;
}

/* Follows the #include lines of files[idx] the way clang will (quoted: includer's dir first). */
static void scan_includes(struct job *j, size_t idx)
{
	const char *p = bct_src_includes(j->files[idx].text);
	char dir[PATH_MAX], path[PATH_MAX], name[256];
	const char *const *d;

	snprintf(dir, sizeof(dir), "%s", j->files[idx].path);
	*strrchr(dir, '/') = '\0';
	while (p && *p) {
		const char *line = p, *end;
		char close;
		size_t n;

		p = strchr(p, '\n');
		if (p)
			p++;
		line += strspn(line, " \t");
		if (*line != '#')
			continue;
		line++;
		line += strspn(line, " \t");
		if (strncmp(line, "include", 7))
			continue;
		line += 7;
		line += strspn(line, " \t");
		if (*line != '"' && *line != '<')
			continue;
		close = *line == '"' ? '"' : '>';
		end = strchr(line + 1, close);
		n = end ? (size_t)(end - line - 1) : 0;
		if (!n || n >= sizeof(name) || memchr(line + 1, '\n', n))
			continue;
		memcpy(name, line + 1, n);
		name[n] = '\0';
		if (strstr(name, ".."))
			continue;
		if (close == '"' &&
		    snprintf(path, sizeof(path), "%s/%s", dir, name) < (int)sizeof(path) &&
		    provide(j, path))
			continue;
		snprintf(path, sizeof(path), "%s/%s", BCT_VDIR, name);
		if (provide(j, path))
			continue;
		for (d = j->opts->include_dirs; d && *d; d++)
			if (snprintf(path, sizeof(path), "%s/%s", *d, name) < (int)sizeof(path) &&
			    provide(j, path))
				break;
	}
}

static const char *target_arch(void)
{
	static const struct {
		const char *prefix, *arch;
	} map[] = {
		{ "x86_64", "x86" },	      { "i386", "x86" },    { "i686", "x86" },
		{ "aarch64", "arm64" },	      { "arm", "arm" },	    { "s390", "s390" },
		{ "ppc", "powerpc" },	      { "mips", "mips" },   { "riscv", "riscv" },
		{ "loongarch", "loongarch" }, { "sparc", "sparc" },
	};
	static struct utsname u;
	size_t i;

	if (uname(&u))
		return "x86";
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strncmp(u.machine, map[i].prefix, strlen(map[i].prefix)))
			return map[i].arch;
	return u.machine;
}

static int build_args(struct job *j)
{
	const char *const *d;
	size_t n = 0, i;
	char *s;

	for (d = j->opts->defines; d && *d; d++)
		n++;
	for (d = j->opts->include_dirs; d && *d; d++)
		n++;
	j->args =
		calloc(sizeof(base_args) / sizeof(base_args[0]) + 2 + 2 * n + 1, sizeof(*j->args));
	if (!j->args)
		return -ENOMEM;
	for (i = 0; i < sizeof(base_args) / sizeof(base_args[0]); i++)
		j->args[j->nargs++] = base_args[i];
	if (asprintf(&s, "-D__TARGET_ARCH_%s", target_arch()) < 0 || !own(j, s))
		return -ENOMEM;
	j->args[j->nargs++] = s;
	for (d = j->opts->defines; d && *d; d++) {
		j->args[j->nargs++] = "-D";
		j->args[j->nargs++] = *d;
	}
	for (d = j->opts->include_dirs; d && *d; d++) {
		j->args[j->nargs++] = "-I";
		j->args[j->nargs++] = *d;
	}
	j->args[j->nargs] = NULL;
	return 0;
}

static void hash_versions(struct bct_hash *h)
{
	unsigned int abi = BCT_CC_ABI;

	bct_hash_str(h, "bcctool " BCT_VERSION);
	bct_hash_str(h, "LLVM " BCT_LLVM_VERSION);
	bct_hash_update(h, &abi, sizeof(abi));
}

struct note_search {
	const uint8_t *id;
	size_t len;
};

static int find_build_id(struct dl_phdr_info *info, size_t size, void *data)
{
	struct note_search *ns = data;
	int i;

	for (i = 0; i < info->dlpi_phnum; i++) {
		const char *p, *end;

		if (info->dlpi_phdr[i].p_type != PT_NOTE)
			continue;
		p = (const char *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
		end = p + info->dlpi_phdr[i].p_memsz;
		while (p + sizeof(ElfW(Nhdr)) <= end) {
			const ElfW(Nhdr) *n = (const void *)p;
			const char *name = p + sizeof(*n), *desc;

			desc = name + ((n->n_namesz + 3) & ~3u);
			if (desc + n->n_descsz > end)
				break;
			if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 &&
			    !memcmp(name, "GNU", 4) && n->n_descsz >= 8) {
				ns->id = (const uint8_t *)desc;
				ns->len = n->n_descsz;
				return 1;
			}
			p = desc + ((n->n_descsz + 3) & ~3u);
		}
	}
	return 1; /* the first object is the program itself: no further */
}

/*
 * The program's GNU build ID: a rebuild with any change has another one, so it stands for
 * the text of every file embedded in the binary, which then need not be read (~250 KiB of
 * libbpf headers and sources paged in on every start just to be hashed). NULL without one.
 */
static const uint8_t *build_id(size_t *len)
{
	static struct note_search ns;
	static bool done;

	if (!done) {
		done = true;
		dl_iterate_phdr(find_build_id, &ns);
	}
	*len = ns.len;
	return ns.id;
}

static bool embedded(const char *text)
{
	unsigned int i;

	for (i = 0; i < bct_nsrcs; i++)
		if (bct_srcs[i].text == text)
			return true;
	return false;
}

/* Paths, lengths and texts; with by_id, embedded texts are left to the build ID. */
static void hash_files(struct bct_hash *h, const struct job *j, size_t from, size_t to, bool by_id)
{
	size_t i;

	for (i = from; i < to; i++) {
		bct_hash_str(h, j->files[i].path);
		bct_hash_update(h, &j->files[i].len, sizeof(j->files[i].len));
		if (!by_id || !embedded(j->files[i].text))
			bct_hash_update(h, j->files[i].text, j->files[i].len);
	}
}

static void compute_keys(struct job *j)
{
	const uint8_t *id;
	struct bct_hash h;
	size_t i, id_len;

	bct_hash_init(&h);
	hash_versions(&h);
	bct_hash_str(&h, "object");
	for (i = 0; i < j->nargs; i++)
		bct_hash_str(&h, j->args[i]);
	bct_hash_update(&h, &j->opts->stub_kinds, sizeof(j->opts->stub_kinds));
	id = build_id(&id_len);
	bct_hash_update(&h, &id_len, sizeof(id_len));
	if (id)
		bct_hash_update(&h, id, id_len);
	hash_files(&h, j, 0, j->nfiles, id != NULL);
	bct_hash_update(&h, j->btf, sizeof(j->btf));
	bct_hash_final(&h, j->key);
	bct_hash_hex(j->key, j->key_hex);
	snprintf(j->vmlinux_rel, sizeof(j->vmlinux_rel), "kernels/%s/vmlinux.h", j->btf_hex);
}

/*
 * The PCH's name (the compiler only): by the texts, not the build ID, so that builds with the
 * same headers share it (one PCH per kernel is kept).
 */
static void compute_pch_key(struct job *j)
{
	uint8_t pch[BCT_HASH_SIZE];
	char pch_hex[BCT_HASH_HEX];
	struct bct_hash h;
	size_t i;

	/* The PCH: the kernel (its directory), base arguments, the prelude and libbpf headers. */
	bct_hash_init(&h);
	hash_versions(&h);
	bct_hash_str(&h, "pch");
	for (i = 0; i < sizeof(base_args) / sizeof(base_args[0]); i++)
		bct_hash_str(&h, base_args[i]);
	bct_hash_str(&h, target_arch());
	hash_files(&h, j, 0, j->nfixed, false);
	bct_hash_final(&h, pch);
	bct_hash_hex(pch, pch_hex);
	snprintf(j->pch_rel, sizeof(j->pch_rel), "kernels/%s/%s.pch", j->btf_hex, pch_hex);
}

static int load_main(struct job *j)
{
	const struct bct_compile_opts *o = j->opts;
	const struct bct_src *s;
	char *text, *abs, *tmp;
	size_t len;
	int err;

	if (o->src_text && !o->src_path) {
		if (asprintf(&j->main_path, "%s/%s", BCT_VDIR,
			     o->src_name ? o->src_name : "program.c") < 0 ||
		    !own(j, j->main_path))
			return -ENOMEM;
		j->name = strrchr(j->main_path, '/') + 1;
		return add_file(j, j->main_path, o->src_text, o->src_len);
	}
	if (o->src_path) {
		abs = own(j, realpath(o->src_path, NULL));
		if (!abs) {
			err = -errno;
			pr_err("cannot open '%s': %s", o->src_path, strerror(-err));
			return err;
		}
		if (o->src_text) {
			text = NULL;
			len = o->src_len;
			err = 0;
		} else {
			err = read_disk(abs, &text, &len);
		}
		if (err || (text && !own(j, text))) {
			err = err ? err : -ENOMEM;
			pr_err("cannot read '%s': %s", o->src_path, strerror(-err));
			return err;
		}
		tmp = own(j, strdup(abs));
		if (!tmp)
			return -ENOMEM;
		j->disk_dir = dirname(tmp);
		j->main_path = abs;
		j->name = strrchr(abs, '/') + 1;
		return add_file(j, abs, o->src_text ? o->src_text : text, len);
	}
	if (!o->src_name) {
		pr_err("no BPF program to compile");
		return -EINVAL;
	}
	s = bct_src_get(o->src_name);
	if (!s) {
		pr_err("no embedded BPF program '%s'", o->src_name);
		return -ENOENT;
	}
	if (asprintf(&j->main_path, "%s/%s", BCT_VDIR, o->src_name) < 0 || !own(j, j->main_path))
		return -ENOMEM;
	j->name = o->src_name;
	return add_file(j, j->main_path, s->text, s->len);
}

/* The cache, or NULL once it refused a file (it warned once; bypass it from then on). */
static struct bct_cache *cache(struct job *j)
{
	if (j->cache && !bct_cache__usable(j->cache)) {
		bct_cache__free(j->cache);
		j->cache = NULL;
	}
	return j->cache;
}

static void job_free(struct job *j)
{
	size_t i;

	for (i = 0; i < j->nowned; i++)
		free(j->owned[i]);
	free(j->owned);
	free(j->files);
	free(j->args);
	bct_cache__free(j->cache);
}

static int job_prepare(struct job *j, const struct bct_compile_opts *opts, bool want_cache)
{
	size_t i, main_idx;
	char *path;
	int err;

	memset(j, 0, sizeof(*j));
	j->opts = opts;
	err = add_file(j, PRELUDE_PATH, prelude, sizeof(prelude) - 1);
	for (i = 0; !err && i < sizeof(libbpf_headers) / sizeof(libbpf_headers[0]); i++) {
		const struct bct_src *s = bct_src_get(libbpf_headers[i]);

		if (!s) {
			pr_err("libbpf's '%s' is not embedded in this build", libbpf_headers[i]);
			return -ENOENT;
		}
		if (asprintf(&path, "%s/bpf/%s", BCT_VDIR, libbpf_headers[i]) < 0 || !own(j, path))
			return -ENOMEM;
		err = add_file(j, path, s->text, s->len);
	}
	if (err)
		return err;
	j->nfixed = j->nfiles;
	main_idx = j->nfiles;
	err = load_main(j);
	if (err)
		return err;
	for (i = main_idx; i < j->nfiles; i++)
		scan_includes(j, i);
	err = build_args(j);
	if (err)
		return err;
	if (want_cache)
		j->cache = bct_cache__open();
	err = bct_btf_hash(j->cache, j->btf);
	if (err)
		return err;
	bct_hash_hex(j->btf, j->btf_hex);
	compute_keys(j);
	return 0;
}

/* ---- the child ------------------------------------------------------------------------ */

static void cc_log(int level, const char *msg)
{
	bct_log(level, "%s", msg);
}

static unsigned int stub_kinds; /* the child's compile */
static unsigned int cc_flags;

static int stub_section(const char *section)
{
	struct bct_sec s;

	return !bct_sec_parse(section, &s) && (stub_kinds & (1u << s.kind));
}

/*
 * Linked into libbcctool.so (the C API, lib/bcctool.h): the plugin next to the library (a
 * build tree) or in bcctool/ beside it (PREFIX/lib/libbcctool.so.0 and
 * PREFIX/lib/bcctool/bcctool-cc.so). path is "" when neither exists.
 */
__attribute__((nonnull)) static void plugin_near_library(char *path, size_t sz)
{
	char dir[PATH_MAX], *d;
	Dl_info info;

	path[0] = '\0';
	if (!dladdr((void *)plugin_near_library, &info) || !info.dli_fname ||
	    !strchr(info.dli_fname, '/'))
		return;
	snprintf(dir, sizeof(dir), "%s", info.dli_fname);
	d = dirname(dir);
	snprintf(path, sz, "%s/%s", d, PLUGIN_NAME);
	if (!access(path, R_OK))
		return;
	snprintf(path, sz, "%s/bcctool/%s", d, PLUGIN_NAME);
	if (access(path, R_OK))
		path[0] = '\0';
}

static bct_cc_compile_fn load_plugin(void)
{
	const char *env = getenv("BCCTOOL_CC_PLUGIN");
	char path[PATH_MAX], exe[PATH_MAX];
	bct_cc_compile_fn fn;
	ssize_t n;
	void *h;

	if (env && *env) {
		snprintf(path, sizeof(path), "%s", env);
	} else {
		n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		path[0] = '\0';
		if (n > 0) {
			exe[n] = '\0';
			snprintf(path, sizeof(path), "%s/%s", dirname(exe), PLUGIN_NAME);
		}
		if (!path[0] || access(path, R_OK))
			plugin_near_library(path, sizeof(path));
		if (!path[0] || access(path, R_OK))
			snprintf(path, sizeof(path), "%s/%s", BCT_LIBDIR, PLUGIN_NAME);
	}
	pr_debug("loading the BPF compiler '%s'", path);
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		pr_err("cannot load the BPF compiler: %s", dlerror());
		return NULL;
	}
	fn = (bct_cc_compile_fn)dlsym(h, BCT_CC_SYMBOL);
	if (!fn)
		pr_err("cannot load the BPF compiler: %s", dlerror());
	else
		pr_debug("BPF compiler loaded");
	return fn;
}

/* One note per process: on a terminal it explains the wait, elsewhere it is info. */
static void note_preparing(bool *noted)
{
	if (*noted)
		return;
	*noted = true;
	if (isatty(STDERR_FILENO) && bct_log_level() < BCT_LOG_INFO)
		pr_warn("preparing kernel headers from BTF...");
	else
		pr_info("preparing kernel headers from BTF...");
}

static void sum_hex(const void *data, size_t len, char hex[BCT_HASH_HEX])
{
	uint8_t sum[BCT_HASH_SIZE];
	struct bct_hash h;

	bct_hash_init(&h);
	bct_hash_update(&h, data, len);
	bct_hash_final(&h, sum);
	bct_hash_hex(sum, hex);
}

/*
 * Whether data, cached at rel, matches its sum, rel.xxh3 ("HASH INODE\n"): 1 when it does, 0
 * when there is no sum or it is of another file (ino given and not the one recorded: an older
 * bcctool, which writes no sum, replaced the file), -1 when it differs (corrupt in place).
 */
static int sound(struct bct_cache *c, const char *rel, const void *data, size_t len,
		 unsigned long long ino)
{
	char sum_rel[160], hex[BCT_HASH_HEX], *want;
	size_t n;
	int ok;

	snprintf(sum_rel, sizeof(sum_rel), "%s" BCT_SUM_SUFFIX, rel);
	if (bct_cache__read(c, sum_rel, &want, &n))
		return 0;
	if (ino && (n < BCT_HASH_HEX || strtoull(want + BCT_HASH_HEX, NULL, 10) != ino)) {
		free(want);
		return 0;
	}
	sum_hex(data, len, hex);
	ok = n >= BCT_HASH_HEX - 1 && !memcmp(want, hex, BCT_HASH_HEX - 1) ? 1 : -1;
	free(want);
	return ok;
}

/* Writes rel.xxh3: the hash of data and the inode of the file holding it (0: not recorded). */
static int write_sum(struct bct_cache *c, const char *rel, const void *data, size_t len,
		     unsigned long long ino)
{
	char sum_rel[160], hex[BCT_HASH_HEX], line[BCT_HASH_HEX + 32];
	int n;

	snprintf(sum_rel, sizeof(sum_rel), "%s" BCT_SUM_SUFFIX, rel);
	sum_hex(data, len, hex);
	n = snprintf(line, sizeof(line), "%s %llu\n", hex, ino);
	return bct_cache__write(c, sum_rel, line, n);
}

static unsigned long long inode_of(const char *full)
{
	struct stat st;

	return stat(full, &st) ? 0 : (unsigned long long)st.st_ino;
}

/* vmlinux.h for the running kernel: from the cache (checked), or generated (and cached). */
static int get_vmlinux(struct job *j, bool *noted)
{
	char *text = NULL, *release;
	struct utsname u;
	size_t len = 0;
	void *btf;
	size_t btf_sz;
	int err;

	if (cache(j)) {
		/* 2.8 MB: mapped, not copied (the child reads it once and exits) */
		const char *m = NULL;
		int ok = 0;

		if (!bct_cache__map(j->cache, j->vmlinux_rel, &m, &len)) {
			ok = sound(j->cache, j->vmlinux_rel, m, len, 0);
			if (ok > 0)
				return add_file(j, VMLINUX_PATH, m, len);
			munmap((void *)m, len);
		} else if (!bct_cache__read(j->cache, j->vmlinux_rel, &text, &len)) {
			ok = sound(j->cache, j->vmlinux_rel, text, len, 0);
			if (ok > 0)
				goto out;
			free(text);
			text = NULL;
		}
		if (ok < 0)
			pr_warn("cached kernel headers '%s/%s' are corrupt; preparing them again",
				bct_cache__dir(j->cache), j->vmlinux_rel);
	}
	note_preparing(noted);
	err = bct_btf_read(&btf, &btf_sz);
	if (err)
		return err;
	err = bct_vmlinux_h(btf, btf_sz, &text, &len);
	free(btf);
	if (err)
		return err;
	if (cache(j)) {
		err = write_sum(j->cache, j->vmlinux_rel, text, len, 0);
		err = err ?: bct_cache__write(j->cache, j->vmlinux_rel, text, len);
		if (err)
			pr_warn("cannot write '%s/%s': %s", bct_cache__dir(j->cache),
				j->vmlinux_rel, strerror(-err));
		if (!uname(&u) && asprintf(&release, "%s %s\n", u.release, u.version) >= 0) {
			char rel[80];

			snprintf(rel, sizeof(rel), "kernels/%s/release", j->btf_hex);
			bct_cache__write(j->cache, rel, release, strlen(release));
			free(release);
		}
	}
out:
	if (!own(j, text))
		return -ENOMEM;
	return add_file(j, VMLINUX_PATH, text, len);
}

/*
 * Maps a whole file (the PCH, 16 MB) by its full path, read-only: no copy into memory that
 * each page faults in (~4 times the time of hashing it). munmap(*data, *len) when done.
 */
static int map_path(const char *full, void **data, size_t *len)
{
	int fd = open(full, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	void *m;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size <= 0) {
		close(fd);
		return -EIO;
	}
	m = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return -errno;
	*data = m;
	*len = st.st_size;
	return 0;
}

/* The PCH of the prelude for this kernel, built on first use. Returns its path or NULL. */
static const char *get_pch(struct job *j, bct_cc_compile_fn cc, bool *noted)
{
	static char path[PATH_MAX];
	char tmp[PATH_MAX];
	struct bct_cc_req req = {
		.abi = BCT_CC_ABI,
		.action = BCT_CC_PCH,
		.input = PRELUDE_PATH,
		.files = j->files,
		.nfiles = j->nfiles,
		.pch_out = tmp,
		.log = cc_log,
	};
	const char **args;
	size_t i, nbase = sizeof(base_args) / sizeof(base_args[0]);
	int err;

	if (!cache(j) || bct_cache__path(j->cache, j->pch_rel, path, sizeof(path)))
		return NULL;
	if (j->pch_checked)
		goto build; /* check_headers() found none that is sound */
	if (bct_cache__has(j->cache, j->pch_rel)) {
		unsigned long long ino = inode_of(path);
		void *data;
		size_t len;
		int ok = 0;

		if (ino && !map_path(path, &data, &len)) {
			ok = sound(j->cache, j->pch_rel, data, len, ino);
			/* an older bcctool's: trusted as before, with a sum from now on */
			if (!ok && !write_sum(j->cache, j->pch_rel, data, len, ino))
				ok = 1;
			munmap(data, len);
		}
		if (ok > 0)
			return path;
		if (ok < 0)
			pr_warn("precompiled kernel headers '%s' are corrupt; preparing them again",
				path);
		bct_cache__remove(j->cache, j->pch_rel);
	}
	if (!cc)
		return NULL;
build:
	note_preparing(noted);
	if (bct_cache__tmpname(j->cache, j->pch_rel, tmp, sizeof(tmp)))
		return NULL;
	/* Base arguments and the arch, without the program's defines. */
	args = calloc(nbase + 2, sizeof(*args));
	if (!args)
		return NULL;
	for (i = 0; i < nbase + 1; i++)
		args[i] = j->args[i];
	req.args = args;
	err = cc(&req, NULL, NULL);
	free(args);
	if (!err) {
		void *data;
		size_t len;

		err = map_path(tmp, &data, &len);
		if (!err) {
			/* the rename keeps the inode */
			err = write_sum(j->cache, j->pch_rel, data, len, inode_of(tmp));
			munmap(data, len);
		}
		if (err)
			unlink(tmp);
	}
	if (!err) {
		err = bct_cache__commit(j->cache, tmp, j->pch_rel);
		if (!err)
			bct_cache__prune_kernels(j->cache, j->btf_hex,
						 strrchr(j->pch_rel, '/') + 1);
	} else {
		unlink(tmp);
	}
	if (err) {
		pr_warn("cannot precompile the kernel headers; compiling without: %s",
			strerror(-err));
		return NULL;
	}
	return path;
}

/*
 * The checks of the cached headers (mapping and hashing 19 MB) need no compiler: a thread
 * does them while the child loads it (a dlopen of ~100 MB, mostly relocations and page
 * faults), on the other CPU.
 */
struct check {
	struct job *j;
	bool noted;
	int err;
	const char *pch;
};

static void *check_headers(void *arg)
{
	struct check *c = arg;

	c->err = get_vmlinux(c->j, &c->noted);
	if (!c->err) {
		compute_pch_key(c->j);
		c->pch = get_pch(c->j, NULL, &c->noted);
		c->j->pch_checked = true;
	}
	return NULL;
}

static int child_compile(struct job *j, void **obj, size_t *obj_sz)
{
	struct bct_cc_req req = {
		.abi = BCT_CC_ABI,
		.action = BCT_CC_OBJ,
		.input = j->main_path,
		.debug = j->opts->debug,
		.log = cc_log,
	};
	bct_cc_compile_fn cc;
	bool noted = false;
	const char **args;
	int err;

	struct check chk = { .j = j };
	pthread_t th;
	bool threaded;

	bct_test_pause("compile");
	threaded = !pthread_create(&th, NULL, check_headers, &chk);
	cc = load_plugin();
	if (threaded)
		pthread_join(th, NULL);
	else
		check_headers(&chk);
	if (!cc)
		return -ENOENT;
	noted = chk.noted;
	err = chk.err;
	if (err)
		return err;
	req.pch_in = chk.pch ?: get_pch(j, cc, &noted);
	stub_kinds = j->opts->stub_kinds;
	if (stub_kinds)
		req.stub = stub_section;
	req.flags = cc_flags;
	/* Without a PCH, include the prelude's text instead. */
	args = calloc(j->nargs + 3, sizeof(*args));
	if (!args)
		return -ENOMEM;
	memcpy(args, j->args, j->nargs * sizeof(*args));
	if (!req.pch_in) {
		args[j->nargs] = "-include";
		args[j->nargs + 1] = PRELUDE_PATH;
	}
	req.args = args;
	req.files = j->files;
	req.nfiles = j->nfiles;
	err = cc(&req, obj, obj_sz);
	if (req.pch_in && (err == -ESTALE || err == -EAGAIN)) {
		/* Nothing printed yet: compile from the headers' text, drop a broken PCH. */
		if (err == -ESTALE) {
			pr_warn("precompiled kernel headers '%s' are corrupt; removing them",
				req.pch_in);
			unlink(req.pch_in);
		} else {
			pr_debug("the defines do not fit the precompiled kernel headers");
		}
		args[j->nargs] = "-include";
		args[j->nargs + 1] = PRELUDE_PATH;
		req.pch_in = NULL;
		err = cc(&req, obj, obj_sz);
	}
	free(args);
	return err;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= n;
	}
	return 0;
}

/*
 * Reads exactly len bytes; -EPIPE when the writer is gone first, -EINTR once a stop signal
 * came (bct_exiting: checked at least every 100 ms).
 */
static int read_all(int fd, void *buf, size_t len)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char *p = buf;

	while (len) {
		ssize_t n;

		if (bct_exiting)
			return -EINTR;
		n = poll(&pfd, 1, 100);
		if (n < 0 && errno != EINTR)
			return -errno;
		if (n <= 0)
			continue;
		n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EPIPE;
		p += n;
		len -= n;
	}
	return 0;
}

/*
 * A compiler that sent its object is left to exit on its own (tearing down a process that
 * mapped LLVM takes ~6 ms): reaped before the next one starts, or at exit.
 */
static pid_t exiting_child;

static void reap_child(void)
{
	if (exiting_child > 0)
		while (waitpid(exiting_child, NULL, 0) < 0 && errno == EINTR)
			;
	exiting_child = 0;
}

void bct_compile_reap(void)
{
	if (exiting_child > 0 && waitpid(exiting_child, NULL, WNOHANG) != 0)
		exiting_child = 0;
}

/* The child: header (the object's size) and object through fd, or an exit code. */
static void child_main(struct job *j, int fd, unsigned int flags)
{
	void *o = NULL;
	size_t sz = 0;
	uint64_t hdr;
	int err;

	cc_flags = flags;
	err = child_compile(j, &o, &sz);
	if (!err) {
		hdr = sz;
		err = write_all(fd, &hdr, sizeof(hdr));
		if (!err)
			err = write_all(fd, o, sz);
	}
	close(fd);
	_exit(err == 0 ? 0 : err == -EINVAL ? 1 : 2);
}

static int run_child(struct job *j, unsigned int flags, void **obj, size_t *obj_sz)
{
	static bool at_exit;
	char *buf = NULL;
	int pfd[2], status = 0, err;
	uint64_t len = 0;
	pid_t pid, parent;

	reap_child();
	if (!at_exit)
		at_exit = !atexit(reap_child);
	parent = getpid();
	if (pipe2(pfd, O_CLOEXEC))
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(pfd[0]);
		close(pfd[1]);
		pr_err("cannot start the compiler: %s", strerror(-err));
		return err;
	}
	if (pid == 0) {
		sigset_t stop;

		/*
		 * Dies with the parent (which alone decides when to stop: a Ctrl-C for the whole
		 * process group must not reach LLVM's handlers, which delete the PCH being
		 * written and leave the compile running without it).
		 */
		sigemptyset(&stop);
		sigaddset(&stop, SIGINT);
		sigaddset(&stop, SIGTERM);
		sigaddset(&stop, SIGHUP);
		sigaddset(&stop, SIGQUIT);
		sigprocmask(SIG_BLOCK, &stop, NULL);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
			_exit(2);
		close(pfd[0]);
		child_main(j, pfd[1], flags);
	}
	close(pfd[1]);
	err = read_all(pfd[0], &len, sizeof(len));
	if (!err && (!len || len > (1u << 30)))
		err = -EIO;
	if (!err) {
		buf = malloc(len);
		err = buf ? read_all(pfd[0], buf, len) : -ENOMEM;
	}
	close(pfd[0]);
	if (!err) {
		exiting_child = pid;
		*obj = buf;
		*obj_sz = len;
		return 0;
	}
	free(buf);
	if (err == -EINTR) {
		/* A stop: what the compiler finished is cached; what it was writing goes. */
		kill(pid, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		if (cache(j))
			bct_cache__sweep_tmp(j->cache, pid);
		pr_debug("stopped compiling '%s'", j->name);
		return -EINTR;
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			status = -1;
			break;
		}
	}
	if (status != -1 && WIFSIGNALED(status)) {
		if (!(flags & BCT_CC_FULL_DEBUG_INFO)) {
			/* not expected: once more, as clang does it by itself */
			pr_debug("the BPF compiler was killed by signal %d compiling '%s'; again "
				 "with full debug info",
				 WTERMSIG(status), j->name);
			return run_child(j, flags | BCT_CC_FULL_DEBUG_INFO, obj, obj_sz);
		}
		pr_err("the BPF compiler was killed by signal %d (%s) compiling '%s'",
		       WTERMSIG(status), strsignal(WTERMSIG(status)), j->name);
		return -EIO;
	}
	if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status)) {
		pr_err("cannot compile '%s'", j->name);
		return WEXITSTATUS(status) == 1 ? -EINVAL : -EIO;
	}
	if (err == -EPIPE || err == -EIO) {
		pr_err("the BPF compiler produced no object for '%s'", j->name);
		return -EIO;
	}
	pr_err("cannot read the object compiled from '%s': %s", j->name, strerror(-err));
	return err;
}

/* ---- the API --------------------------------------------------------------------------- */

/* Room a compile may need in the cache: its object, and the kernel headers if not there yet. */
#define ROOM_OBJ (1u << 20)
#define ROOM_HEADERS (64u << 20)

/*
 * Whether the cache's file system has room for what this compile would write. When it has
 * not, the compile is done in memory (as with a read-only cache): warned about once.
 */
static bool cache_has_room(struct job *j)
{
	static bool warned;
	unsigned long long need = ROOM_OBJ;
	struct statvfs sv;

	if (statvfs(bct_cache__dir(j->cache), &sv))
		return true; /* nothing known: writes will tell */
	compute_pch_key(j);
	if (!bct_cache__has(j->cache, j->vmlinux_rel) || !bct_cache__has(j->cache, j->pch_rel))
		need += ROOM_HEADERS;
	if ((unsigned long long)sv.f_bavail * sv.f_frsize >= need)
		return true;
	if (!warned)
		pr_warn("the compile cache '%s' is full; compiling in memory",
			bct_cache__dir(j->cache));
	warned = true;
	return false;
}

int bct_compile(const struct bct_compile_opts *opts, void **obj, size_t *obj_sz)
{
	const unsigned int stages = BCT_DEBUG_LLVM_IR | BCT_DEBUG_PREPROCESSOR | BCT_DEBUG_SOURCE;
	struct job j;
	int err;

	err = job_prepare(&j, opts, true);
	if (err)
		goto out;
	if (opts->key_out)
		memcpy(opts->key_out, j.key, sizeof(j.key));
	if (cache(&j) && !opts->no_cache && !(opts->debug & stages)) {
		err = bct_cache__get(j.cache, j.key, obj, obj_sz);
		if (!err) {
			if (opts->hit_out)
				*opts->hit_out = true;
			pr_debug("compile cache hit for '%s': %s/objs/%s.o", j.name,
				 bct_cache__dir(j.cache), j.key_hex);
			goto out;
		}
	}
	pr_debug("compiling '%s' (cache key %s)", j.name, j.key_hex);
	if (cache(&j))
		bct_cache__sweep_tmp(j.cache, 0);
	if (cache(&j) && !cache_has_room(&j)) {
		bct_cache__free(j.cache);
		j.cache = NULL;
	}
	err = run_child(&j, 0, obj, obj_sz);
	/* With --debug=0x8 the object keeps its DWARF (for the listing): not worth caching. */
	if (!err && cache(&j) && !(opts->debug & BCT_DEBUG_SOURCE)) {
		int werr = bct_cache__put(j.cache, j.key, j.name, *obj, *obj_sz);

		if (werr)
			pr_warn("cannot write to the compile cache '%s': %s",
				bct_cache__dir(j.cache), strerror(-werr));
	}
out:
	job_free(&j);
	return err;
}

int bct_compile_key(const struct bct_compile_opts *opts, char *hex, size_t sz)
{
	struct job j;
	int err;

	err = job_prepare(&j, opts, false);
	if (!err)
		snprintf(hex, sz, "%s", j.key_hex);
	job_free(&j);
	return err;
}

int bct_compile_print_source(const struct bct_compile_opts *opts, FILE *out)
{
	const char *const *d;
	const struct bct_src *s;
	const char *text;
	char *disk = NULL;
	size_t len;
	int err;

	if (opts->src_text) {
		text = opts->src_text;
		len = opts->src_len;
	} else if (opts->src_path) {
		err = read_disk(opts->src_path, &disk, &len);
		if (err) {
			pr_err("cannot read '%s': %s", opts->src_path, strerror(-err));
			return err;
		}
		text = disk;
	} else {
		s = opts->src_name ? bct_src_get(opts->src_name) : NULL;
		if (!s) {
			pr_err("no embedded BPF program '%s'",
			       opts->src_name ? opts->src_name : "");
			return -ENOENT;
		}
		text = s->text;
		len = s->len;
	}
	for (d = opts->defines; d && *d; d++) {
		const char *eq = strchr(*d, '=');

		if (eq)
			fprintf(out, "#define %.*s %s\n", (int)(eq - *d), *d, eq + 1);
		else
			fprintf(out, "#define %s 1\n", *d);
	}
	fwrite(text, 1, len, out);
	free(disk);
	return ferror(out) ? -EIO : 0;
}
