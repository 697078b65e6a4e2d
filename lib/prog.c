// SPDX-License-Identifier: Apache-2.0
/* A tool's BPF program from source to attached links (verifier failures: lib/verifier.c). */
#include <ctype.h>
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "cache.h"
#include "compile.h"
#include "corebtf.h"
#include "log.h"
#include "probe.h"
#include "prog.h"
#include "signals.h"
#include "testhook.h"
#include "util.h"
#include "verifier.h"

struct prog_const {
	const char *name;
	uint32_t value;
};

struct bct_prog {
	char *src_name;
	struct bct_common common;
	const struct bct_hook *hooks;
	size_t nhooks;
	char **defines; /* NULL-terminated */
	size_t ndefines, defines_cap;
	bool engine_defines;
	void *obj_buf;
	size_t obj_sz;
	struct bpf_object *obj;
	const struct bct_method **chosen; /* per hook, NULL when none */
	struct bpf_link **links;
	size_t nlinks, links_cap;
	uint8_t key[BCT_HASH_SIZE]; /* the compile cache key */
	bool have_key;
	enum { CORE_NONE, CORE_MISSING, CORE_USED } core_state; /* stored kernel types */
	int core_fd;
	struct prog_const consts[4]; /* bct_prog__set_const(), applied at every open */
	size_t nconsts;
	struct prog_const sizes[4]; /* bct_prog__set_map_size(), applied at every open */
	size_t nsizes;
};

struct bct_prog *bct_prog__new(const struct bct_prog_opts *opts)
{
	struct bct_prog *p;

	if (!opts || !opts->src_name) {
		errno = EINVAL;
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->core_fd = -1;
	p->src_name = strdup(opts->src_name);
	if (!bct_grow((void **)&p->defines, &p->defines_cap, 1, sizeof(*p->defines)))
		p->defines[0] = NULL;
	if (opts->common)
		p->common = *opts->common;
	p->hooks = opts->hooks;
	while (p->hooks && p->hooks[p->nhooks].name)
		p->nhooks++;
	p->chosen = calloc(p->nhooks + 1, sizeof(*p->chosen));
	if (!p->src_name || !p->defines || !p->chosen) {
		bct_prog__destroy(p);
		errno = ENOMEM;
		return NULL;
	}
	return p;
}

static int add_define(struct bct_prog *p, char *def)
{
	if (bct_grow((void **)&p->defines, &p->defines_cap, p->ndefines + 2, sizeof(*p->defines))) {
		free(def);
		return -ENOMEM;
	}
	p->defines[p->ndefines++] = def;
	p->defines[p->ndefines] = NULL;
	return 0;
}

static bool is_ident(const char *s)
{
	if (!s || !(isalpha((unsigned char)*s) || *s == '_'))
		return false;
	for (s++; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

int bct_prog__define(struct bct_prog *p, const char *name, const char *fmt, ...)
{
	char *val = NULL, *def;
	va_list ap;
	int n;

	if (!p || !is_ident(name))
		return -EINVAL;
	if (fmt) {
		va_start(ap, fmt);
		n = vasprintf(&val, fmt, ap);
		va_end(ap);
		if (n < 0)
			return -ENOMEM;
		if (strchr(val, '\n')) {
			free(val);
			return -EINVAL;
		}
		n = asprintf(&def, "%s=%s", name, val);
		free(val);
	} else {
		n = asprintf(&def, "%s", name);
	}
	if (n < 0)
		return -ENOMEM;
	return add_define(p, def);
}

/* Defines the engine adds to every program: what the kernel offers. */
static int add_engine_defines(struct bct_prog *p)
{
	int err = 0;

	if (p->engine_defines)
		return 0;
	p->engine_defines = true;
	if (bct_has_ringbuf() && !getenv("BCCTOOL_NO_RINGBUF"))
		err = bct_prog__define(p, "BCT_HAVE_RINGBUF", NULL);
	return err;
}

/* Attach kinds this kernel cannot do at all: their programs are compiled as stubs. */
static unsigned int unsupported_kinds(void)
{
	unsigned int mask = 0, k;

	for (k = BCT_ATTACH_OTHER + 1; k < BCT_ATTACH__COUNT; k++)
		if (!bct_attach_kind_supported(k, NULL, 0))
			mask |= 1u << k;
	return mask;
}

static void compile_opts(struct bct_prog *p, struct bct_compile_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->src_name = p->src_name;
	o->defines = (const char *const *)p->defines;
	o->debug = p->common.debug;
	o->no_cache = p->common.no_cache;
}

int bct_prog__print_source(struct bct_prog *p, FILE *out)
{
	struct bct_compile_opts o;
	int err;

	err = add_engine_defines(p);
	if (err)
		return err;
	compile_opts(p, &o);
	return bct_compile_print_source(&o, out);
}

/* --- attach method choice ---------------------------------------------------------------- */

static struct bpf_program *find_prog(const struct bct_prog *p, const char *name)
{
	return bpf_object__find_program_by_name(p->obj, name);
}

/* Whether the declared SEC() of d can attach here; else false with the reason. */
static bool decl_available(const struct bct_prog_decl *d, char *why, size_t sz)
{
	struct bct_sec sec;

	if (bct_sec_parse(d->sec, &sec)) {
		snprintf(why, sz, "bad section name '%s'", d->sec);
		return false;
	}
	return bct_sec_available(&sec, why, sz);
}

bool bct_method_available(const struct bct_method *m, char *why, size_t sz)
{
	const struct bct_prog_decl *d;

	if (bct_method_disabled(m->name)) {
		snprintf(why, sz, "disabled by BCCTOOL_DISABLE_ATTACH");
		return false;
	}
	for (d = m->progs; d && d->name; d++)
		if (!decl_available(d, why, sz))
			return false;
	return !m->usable || m->usable(why, sz);
}

const struct bct_method *bct_hook_choose(const struct bct_hook *h, char *tried, size_t sz)
{
	const struct bct_method *m;
	size_t len = 0;

	tried[0] = '\0';
	for (m = h->methods; m && m->name; m++) {
		char why[256];

		if (bct_method_available(m, why, sizeof(why)))
			return m;
		if (len < sz)
			len += snprintf(tried + len, sz - len, "%s%s: %s", len ? "; " : "", m->name,
					why);
	}
	if (!len)
		snprintf(tried, sz, "no attach methods declared");
	return NULL;
}

/* Every declared program exists in the object with the SEC() declared for it. */
static int check_decls(const struct bct_prog *p)
{
	size_t i;

	for (i = 0; i < p->nhooks; i++) {
		const struct bct_method *m;
		const struct bct_prog_decl *d;

		for (m = p->hooks[i].methods; m && m->name; m++) {
			const struct bct_prog_decl *lists[] = { m->progs, m->optional_progs };
			size_t l;

			for (l = 0; l < 2; l++) {
				for (d = lists[l]; d && d->name; d++) {
					struct bpf_program *prog = find_prog(p, d->name);

					if (!prog) {
						pr_err("'%s' declares BPF program '%s', which %s lacks",
						       p->hooks[i].name, d->name, p->src_name);
						return -EINVAL;
					}
					if (strcmp(bpf_program__section_name(prog), d->sec)) {
						pr_err("BPF program '%s' is SEC(\"%s\") in %s but "
						       "declared \"%s\"",
						       d->name, bpf_program__section_name(prog),
						       p->src_name, d->sec);
						return -EINVAL;
					}
				}
			}
		}
	}
	return 0;
}

static bool optional_available(const struct bct_prog_decl *d)
{
	char why[256];

	if (!decl_available(d, why, sizeof(why))) {
		pr_debug("optional program '%s' skipped: %s", d->name, why);
		return false;
	}
	return true;
}

/* Sets autoload of every program named by a method of a hook: on if chosen, else off. */
static void set_autoload(struct bct_prog *p, bool chosen_pass)
{
	size_t i;

	for (i = 0; i < p->nhooks; i++) {
		const struct bct_method *m;

		for (m = p->hooks[i].methods; m && m->name; m++) {
			const struct bct_prog_decl *d;

			if (chosen_pass && m != p->chosen[i])
				continue;
			for (d = m->progs; d && d->name; d++)
				bpf_program__set_autoload(find_prog(p, d->name), chosen_pass);
			for (d = m->optional_progs; d && d->name; d++)
				bpf_program__set_autoload(find_prog(p, d->name),
							  chosen_pass && optional_available(d));
		}
	}
}

static int choose_methods(struct bct_prog *p)
{
	int err = check_decls(p);
	size_t i;

	if (err)
		return err;
	for (i = 0; i < p->nhooks; i++) {
		const struct bct_hook *h = &p->hooks[i];
		char tried[1024];

		p->chosen[i] = bct_hook_choose(h, tried, sizeof(tried));
		if (p->chosen[i]) {
			pr_debug("'%s': attaching with %s", h->name, p->chosen[i]->name);
			continue;
		}
		if (h->optional) {
			pr_warn("cannot attach '%s', going on without it: %s", h->name, tried);
		} else {
			pr_err("cannot attach '%s': %s", h->name, tried);
			err = -EOPNOTSUPP;
		}
	}
	if (err)
		return err;
	set_autoload(p, false);
	set_autoload(p, true);
	return 0;
}

/* --- load --------------------------------------------------------------------------------- */

static char *object_name(const char *src_name)
{
	char *name = strdup(src_name), *dot;

	if (name && (dot = strchr(name, '.')))
		*dot = '\0';
	return name;
}

/* --- the kernel types for CO-RE, kept with the object (lib/corebtf.h) -------------------- */

#define CORE_KIND "btf"

/*
 * The stored types for this object as a file libbpf can read (a memfd), in path; false when
 * there are none (yet), or with --debug=0x20 (libbpf's messages then show the usual way).
 */
static bool core_btf_path(struct bct_prog *p, char *path, size_t sz)
{
	struct bct_cache *c;
	void *data = NULL;
	size_t len = 0;
	int err;

	p->core_state = CORE_NONE;
	if (!p->have_key || (p->common.debug & BCT_DEBUG_BTF))
		return false;
	c = bct_cache__open();
	if (!c)
		return false;
	err = bct_cache__get_aux(c, p->key, CORE_KIND, &data, &len);
	bct_cache__free(c);
	if (err) {
		p->core_state = err == -ENOENT || err == -EBADMSG ? CORE_MISSING : CORE_NONE;
		return false;
	}
	if (len) {
		p->core_fd = memfd_create("bcctool-core-btf", MFD_CLOEXEC);
		if (p->core_fd >= 0 && write(p->core_fd, data, len) == (ssize_t)len) {
			snprintf(path, sz, "/proc/self/fd/%d", p->core_fd);
			if (!access(path, R_OK))
				p->core_state = CORE_USED;
		}
	}
	free(data);
	if (p->core_state == CORE_USED)
		pr_debug("CO-RE relocation against the stored kernel types (%zu bytes)", len);
	return p->core_state == CORE_USED;
}

static void core_btf_close(struct bct_prog *p)
{
	if (p->core_fd >= 0)
		close(p->core_fd);
	p->core_fd = -1;
}

/* Stores that there are no types to use for this object. */
static void core_btf_forget(struct bct_prog *p)
{
	struct bct_cache *c = bct_cache__open();

	p->core_state = CORE_NONE;
	if (c) {
		bct_cache__put_aux(c, p->key, CORE_KIND, "", 0);
		bct_cache__free(c);
	}
}

/* Stores the types for the next start (or that there are none to store). */
static void core_btf_store(struct bct_prog *p)
{
	struct bct_cache *c;
	struct btf *vmlinux;
	void *data = NULL;
	size_t len = 0;
	int err;

	vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux)
		return;
	err = bct_core_btf(p->obj_buf, p->obj_sz, bpf_object__btf(p->obj), vmlinux, &data, &len);
	btf__free(vmlinux);
	if (err == -ENOMEM)
		return;
	if (err)
		pr_debug("no kernel types stored for '%s': %s", p->src_name, strerror(-err));
	c = bct_cache__open();
	if (c) {
		bct_cache__put_aux(c, p->key, CORE_KIND, err ? "" : data, err ? 0 : len);
		bct_cache__free(c);
	}
	free(data);
}

/* --- load --------------------------------------------------------------------------------- */

int bct_prog__set_const(struct bct_prog *p, const char *name, uint32_t value)
{
	if (p->nconsts == sizeof(p->consts) / sizeof(p->consts[0]))
		return -E2BIG;
	p->consts[p->nconsts].name = name;
	p->consts[p->nconsts++].value = value;
	return 0;
}

int bct_prog__set_map_size(struct bct_prog *p, const char *map, uint32_t max_entries)
{
	if (p->nsizes == sizeof(p->sizes) / sizeof(p->sizes[0]))
		return -E2BIG;
	p->sizes[p->nsizes].name = map;
	p->sizes[p->nsizes++].value = max_entries;
	return 0;
}

/* Sizes each map named by bct_prog__set_map_size() that the opened object has. */
static int apply_sizes(struct bct_prog *p)
{
	for (size_t i = 0; i < p->nsizes; i++) {
		struct bpf_map *map = bpf_object__find_map_by_name(p->obj, p->sizes[i].name);
		int err;

		/* a perf-event array (the events' other transport) is one slot per CPU */
		if (!map || bpf_map__type(map) == BPF_MAP_TYPE_PERF_EVENT_ARRAY)
			continue;
		err = bpf_map__set_max_entries(map, p->sizes[i].value);
		if (err) {
			pr_err("cannot size map '%s' of %s to %u: %s", p->sizes[i].name,
			       p->src_name, p->sizes[i].value, strerror(-err));
			return err;
		}
	}
	return 0;
}

/* Writes each bct_prog__set_const() value into the opened object's .rodata, where present. */
static int apply_consts(struct bct_prog *p)
{
	struct btf *btf = bpf_object__btf(p->obj);
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec;
	struct bpf_map *map;
	const void *init;
	size_t i, size;
	char *data;
	int id, j, err;

	if (!p->nconsts || !btf)
		return 0;
	map = bpf_object__find_map_by_name(p->obj, ".rodata");
	id = btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC);
	sec = id < 0 ? NULL : btf__type_by_id(btf, id);
	init = map ? bpf_map__initial_value(map, &size) : NULL;
	if (!init || !sec)
		return 0;
	data = malloc(size);
	if (!data)
		return -ENOMEM;
	memcpy(data, init, size);
	for (i = 0; i < p->nconsts; i++) {
		vs = btf_var_secinfos(sec);
		for (j = 0; j < btf_vlen(sec); j++, vs++) {
			const struct btf_type *var = btf__type_by_id(btf, vs->type);

			if (strcmp(btf__name_by_offset(btf, var->name_off), p->consts[i].name))
				continue;
			if (vs->size != sizeof(uint32_t) || vs->offset + vs->size > size) {
				pr_err("constant '%s' of %s is not a 32-bit value",
				       p->consts[i].name, p->src_name);
				free(data);
				return -EINVAL;
			}
			memcpy(data + vs->offset, &p->consts[i].value, sizeof(uint32_t));
		}
	}
	err = bpf_map__set_initial_value(map, data, size);
	free(data);
	return err;
}

static int open_object(struct bct_prog *p, const char *core_path)
{
	LIBBPF_OPTS(bpf_object_open_opts, oopts);
	char *name;
	int err;

	name = object_name(p->src_name);
	oopts.object_name = name;
	oopts.btf_custom_path = core_path;
	p->obj = bpf_object__open_mem(p->obj_buf, p->obj_sz, &oopts);
	free(name);
	if (!p->obj) {
		err = -errno;
		pr_err("cannot open BPF object of '%s': %s", p->src_name, strerror(-err));
		return err;
	}
	return apply_sizes(p) ?: apply_consts(p);
}

static int *compile_only;

void bct_prog_compile_only(int *result)
{
	compile_only = result;
}

/* --- check --load-all: every method through the verifier ---------------------------------- */

static bool in_hooks(const struct bct_prog *p, const char *name);
static bct_verify_fn verify_fn;
static void *verify_ctx;

void bct_prog_verify_all(bct_verify_fn fn, void *ctx)
{
	verify_fn = fn;
	verify_ctx = ctx;
}

static void set_decls_autoload(struct bct_prog *p, const struct bct_prog_decl *d, bool on)
{
	for (; d && d->name; d++)
		bpf_program__set_autoload(find_prog(p, d->name), on);
}

/*
 * Opens the object afresh and loads the programs of m (or, for m NULL, the programs outside
 * any hook that load by default); reports the outcome. chosen: the method this kernel uses.
 */
static int verify_one(struct bct_prog *p, const struct bct_hook *h, const struct bct_method *m,
		      bool chosen)
{
	struct bct_verify_result r = { h ? h->name : "", m ? m->name : "", BCT_VERIFY_LOADED, "",
				       "" };
	char prog[128] = "", line[512] = "", detail[640];
	struct bpf_program *bp;
	struct bct_verifier *v;
	bool core = false, refused, any = false;
	int err;

	err = open_object(p, NULL);
	if (err)
		return err;
	err = check_decls(p);
	if (err)
		goto out;
	bpf_object__for_each_program(bp, p->obj) {
		bool on = m ? false
			    : bpf_program__autoload(bp) && !in_hooks(p, bpf_program__name(bp));

		bpf_program__set_autoload(bp, on);
		any |= on;
	}
	if (m) {
		set_decls_autoload(p, m->progs, true);
		set_decls_autoload(p, m->optional_progs, true);
		any = true;
	}
	if (!any)
		goto out; /* no program outside the hooks */
	v = bct_verifier__new(p->obj, p->common.debug);
	if (!v) {
		err = -errno;
		goto out;
	}
	err = bct_verifier__load(v);
	if (err) {
		refused = bct_verifier__refusal(v, prog, sizeof(prog), line, sizeof(line), &core);
		r.status =
			(refused && !core) || chosen ? BCT_VERIFY_REJECTED : BCT_VERIFY_UNLOADABLE;
		if (refused && !core)
			snprintf(detail, sizeof(detail), "%s", line[0] ? line : strerror(-err));
		else
			snprintf(detail, sizeof(detail), "%s%s%s", strerror(-err),
				 line[0] ? ": " : "", line);
		r.prog = prog;
		r.detail = detail;
		if (r.status == BCT_VERIFY_REJECTED)
			bct_verifier__report(v, err, p->src_name); /* the log, on stderr */
	}
	bct_verifier__free(v);
	verify_fn(&r, verify_ctx);
	err = 0;
out:
	bpf_object__close(p->obj);
	p->obj = NULL;
	return err;
}

static int verify_all(struct bct_prog *p)
{
	size_t i;
	int err;

	for (i = 0; i < p->nhooks; i++) {
		const struct bct_method *m, *chosen;
		char tried[1024];

		chosen = bct_hook_choose(&p->hooks[i], tried, sizeof(tried));
		for (m = p->hooks[i].methods; m && m->name; m++) {
			err = verify_one(p, &p->hooks[i], m, m == chosen);
			if (err)
				return err;
		}
	}
	err = verify_one(p, NULL, NULL, true);
	return err ? err : -ECANCELED;
}

int bct_prog__load(struct bct_prog *p)
{
	struct bct_compile_opts copts;
	struct bct_verifier *v;
	char core_path[64];
	bool libbpf_debug, core, hit = false;
	int err;

	if (!p)
		return -EINVAL;
	if (p->obj)
		return -EALREADY;
	if (!compile_only && !bct_has_bpf_privileges()) {
		pr_err("needs root or CAP_BPF+CAP_PERFMON to load BPF programs");
		return -EPERM;
	}
	bct_probe_memo_load();
	err = add_engine_defines(p);
	if (err)
		return err;
	compile_opts(p, &copts);
	copts.key_out = p->key;
	copts.stub_kinds = verify_fn ? 0 : unsupported_kinds();
	copts.hit_out = &hit;
	err = bct_compile(&copts, &p->obj_buf, &p->obj_sz);
	if (err && compile_only)
		*compile_only = BCT_WARM_FAILED;
	if (err && verify_fn)
		verify_fn(&(struct bct_verify_result){ "", "", BCT_VERIFY_REJECTED, "",
						       "the compile failed" },
			  verify_ctx);
	if (err)
		return err;
	if (compile_only) {
		*compile_only = hit ? BCT_WARM_CACHED : BCT_WARM_COMPILED;
		return -ECANCELED;
	}
	p->have_key = true;
	if (bct_exiting)
		return -EINTR; /* a stop: nothing to load */
	if (verify_fn)
		return verify_all(p);

	libbpf_debug = p->common.debug & BCT_DEBUG_BTF;
	if (libbpf_debug) {
		bct_log_install_libbpf(true);
		bct_log_stage("libbpf", "open, CO-RE relocation, load");
	}
	core = core_btf_path(p, core_path, sizeof(core_path));
	err = open_object(p, core ? core_path : NULL);
	if (err)
		return err;
	err = choose_methods(p);
	bct_probe_release(); /* libbpf parses its own vmlinux BTF for CO-RE: not two at once */
	if (err) {
		if (bct_probe_memo_used())
			bct_probe_memo_drop();
		return err;
	}
	bct_probe_memo_save();
again:
	v = bct_verifier__new(p->obj, p->common.debug);
	if (!v) {
		err = -errno;
		pr_err("cannot allocate verifier log: %s", strerror(-err));
		return err;
	}
	err = bct_verifier__load(v);
	if (err && core) {
		/* not expected: load as without the stored types, and do not use them again */
		pr_debug(
			"loading '%s' with the stored kernel types failed (%s); with the kernel's BTF",
			p->src_name, strerror(-err));
		bct_verifier__free(v);
		bpf_object__close(p->obj);
		p->obj = NULL;
		core_btf_close(p);
		core = false;
		core_btf_forget(p);
		err = open_object(p, NULL);
		if (err)
			return err;
		set_autoload(p, false);
		set_autoload(p, true);
		goto again;
	}
	if (err && bct_exiting) {
		bct_verifier__free(v); /* a stop: the verifier gave up, nothing to report */
		return -EINTR;
	}
	if (err) {
		bct_verifier__report(v, err, p->src_name);
		bct_verifier__free(v);
		if (bct_probe_memo_used())
			bct_probe_memo_drop();
		return err;
	}
	core_btf_close(p);
	bct_verifier__loaded(v);
	bct_test_pause("load");
	bct_verifier__free(v); /* libbpf uses the log buffers only while loading */
	if (p->core_state != CORE_MISSING) {
		free(p->obj_buf);
		p->obj_buf = NULL;
	}
	return 0;
}

/* --- attach ------------------------------------------------------------------------------- */

int bct_prog__add_link(struct bct_prog *p, struct bpf_link *link)
{
	if (bct_grow((void **)&p->links, &p->links_cap, p->nlinks + 1, sizeof(*p->links)))
		return -ENOMEM;
	p->links[p->nlinks++] = link;
	bct_test_pause("attach");
	return 0;
}

static int attach_one(struct bct_prog *p, struct bpf_program *prog, bool required)
{
	struct bpf_link *link;
	int err;

	link = bpf_program__attach(prog);
	if (!link) {
		err = -errno;
		/* a bare SEC("uprobe"): the tool attached it itself (lib/uprobe.h) */
		if (err == -EOPNOTSUPP)
			return 0;
		if (required)
			pr_err("cannot attach program '%s' ('%s'): %s", bpf_program__name(prog),
			       bpf_program__section_name(prog), strerror(-err));
		else
			pr_warn("cannot attach optional program '%s' ('%s'): %s",
				bpf_program__name(prog), bpf_program__section_name(prog),
				strerror(-err));
		return required ? err : 0;
	}
	err = bct_prog__add_link(p, link);
	if (err)
		bpf_link__destroy(link);
	return err;
}

static bool in_hooks(const struct bct_prog *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->nhooks; i++) {
		const struct bct_method *m;

		for (m = p->hooks[i].methods; m && m->name; m++) {
			const struct bct_prog_decl *d;

			for (d = m->progs; d && d->name; d++)
				if (!strcmp(d->name, name))
					return true;
			for (d = m->optional_progs; d && d->name; d++)
				if (!strcmp(d->name, name))
					return true;
		}
	}
	return false;
}

static int attach_all(struct bct_prog *p)
{
	struct bpf_program *prog;
	size_t i;
	int err;

	for (i = 0; i < p->nhooks; i++) {
		const struct bct_method *m = p->chosen[i];
		const struct bct_prog_decl *d;

		if (!m)
			continue;
		for (d = m->progs; d && d->name; d++) {
			err = attach_one(p, find_prog(p, d->name), true);
			if (err)
				return err;
		}
		for (d = m->optional_progs; d && d->name; d++) {
			prog = find_prog(p, d->name);
			if (prog && bpf_program__autoload(prog)) {
				err = attach_one(p, prog, false);
				if (err)
					return err;
			}
		}
	}
	/* programs outside any hook: attached when libbpf can tell where from SEC() alone */
	bpf_object__for_each_program(prog, p->obj) {
		struct bpf_link *link;

		if (!bpf_program__autoload(prog) || !bpf_program__autoattach(prog) ||
		    in_hooks(p, bpf_program__name(prog)))
			continue;
		link = bpf_program__attach(prog);
		if (!link) {
			err = -errno;
			if (err == -EOPNOTSUPP)
				continue; /* the tool attaches it itself */
			pr_err("cannot attach program '%s' ('%s'): %s", bpf_program__name(prog),
			       bpf_program__section_name(prog), strerror(-err));
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

int bct_prog__attach(struct bct_prog *p)
{
	int err;

	if (!p || !p->obj)
		return -EINVAL;
	err = attach_all(p);
	/* the method was chosen from remembered probe answers: probe again next time */
	if (err && bct_probe_memo_used())
		bct_probe_memo_drop();
	if (err && p->core_state == CORE_MISSING)
		p->core_state = CORE_NONE; /* store nothing for what did not work */
	bct_compile_reap(); /* a compiler that has exited meanwhile */
	/* Loading freed far more than tracing needs: hand it back before the long run. */
	malloc_trim(0);
	return err;
}

/* --- accessors ------------------------------------------------------------------------------ */

struct bpf_object *bct_prog__object(const struct bct_prog *p)
{
	return p ? p->obj : NULL;
}

int bct_prog__map_fd(const struct bct_prog *p, const char *name)
{
	int fd;

	if (!p || !p->obj)
		return -ENOENT;
	fd = bpf_object__find_map_fd_by_name(p->obj, name);
	return fd < 0 ? -ENOENT : fd;
}

const char *bct_prog__method(const struct bct_prog *p, const char *hook_name)
{
	size_t i;

	if (!p || !p->obj)
		return NULL;
	for (i = 0; i < p->nhooks; i++)
		if (!strcmp(p->hooks[i].name, hook_name))
			return p->chosen[i] ? p->chosen[i]->name : NULL;
	return NULL;
}

uint64_t bct_prog__missed(const struct bct_prog *p)
{
	int ncpus = libbpf_num_possible_cpus(), fd, i;
	struct bpf_program *prog;
	uint64_t missed = 0;
	__u32 zero = 0;

	if (!p || !p->obj)
		return 0;
	bpf_object__for_each_program(prog, p->obj) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);

		fd = bpf_program__fd(prog);
		memset(&info, 0, sizeof(info));
		if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len))
			missed += info.recursion_misses;
	}
	fd = bct_prog__map_fd(p, "lost_events");
	if (fd >= 0 && ncpus > 0) {
		uint64_t *per_cpu = calloc(ncpus, sizeof(*per_cpu));

		if (per_cpu && !bpf_map_lookup_elem(fd, &zero, per_cpu))
			for (i = 0; i < ncpus; i++)
				missed += per_cpu[i];
		free(per_cpu);
	}
	return missed;
}

const struct bct_common *bct_prog__common(const struct bct_prog *p)
{
	return &p->common;
}

static void *destroy_link(void *link)
{
	bpf_link__destroy(link);
	return NULL;
}

/*
 * Detaching a program makes the kernel wait for an RCU grace period (~20-30 ms each, for
 * tracepoints, probes and trampolines alike), and closing a tracepoint's perf event for
 * another (serialized by the kernel). The links are destroyed by threads at once, so that
 * their waits overlap: 4 tracepoints stop in ~120 ms instead of ~250 ms.
 */
static void destroy_links(struct bpf_link **links, size_t n)
{
	enum { MAX_THREADS = 64, STACK = 256 << 10 };
	pthread_t tids[MAX_THREADS];
	bool started[MAX_THREADS];
	pthread_attr_t attr;
	size_t i, batch;

	if (n < 2 || pthread_attr_init(&attr)) {
		for (i = n; i-- > 0;)
			bpf_link__destroy(links[i]);
		return;
	}
	pthread_attr_setstacksize(&attr, STACK);
	for (; n; n -= batch, links += batch) {
		batch = n < MAX_THREADS ? n : MAX_THREADS;
		for (i = 0; i < batch; i++) {
			started[i] = !pthread_create(&tids[i], &attr, destroy_link, links[i]);
			if (!started[i])
				bpf_link__destroy(links[i]);
		}
		for (i = 0; i < batch; i++)
			if (started[i])
				pthread_join(tids[i], NULL);
	}
	pthread_attr_destroy(&attr);
}

void bct_prog__store_core(struct bct_prog *p)
{
	int saved = errno;

	if (p && p->core_state == CORE_MISSING && p->obj && p->obj_buf && p->nlinks) {
		core_btf_store(p);
		p->core_state = CORE_NONE; /* stored: not again at the end */
	}
	errno = saved;
}

void bct_prog__destroy(struct bct_prog *p)
{
	size_t i;

	if (!p)
		return;
	destroy_links(p->links, p->nlinks);
	free(p->links);
	/* after tracing, not to delay it: the kernel types for the next start (errno kept:
	 * callers may still look at a failed write's) */
	bct_prog__store_core(p);
	bpf_object__close(p->obj);
	core_btf_close(p);
	free(p->obj_buf);
	for (i = 0; p->defines && i < p->ndefines; i++)
		free(p->defines[i]);
	free(p->defines);
	free(p->chosen);
	free(p->src_name);
	free(p);
}
