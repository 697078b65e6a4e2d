// SPDX-License-Identifier: Apache-2.0
/* The compile cache directory: checked ownership, atomic writes, integrity-checked entries. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "btf.h"
#include "cache.h"
#include "util.h"
#include "log.h"

#define BOOT_ID_PATH "/proc/sys/kernel/random/boot_id"

struct bct_cache {
	char *dir;
	int dfd;
	bool refused;
};

/* ---- hash ---------------------------------------------------------------------------- */

void bct_hash_init(struct bct_hash *h)
{
	XXH3_128bits_reset(&h->st);
}

void bct_hash_update(struct bct_hash *h, const void *data, size_t len)
{
	if (len)
		XXH3_128bits_update(&h->st, data, len);
}

void bct_hash_str(struct bct_hash *h, const char *s)
{
	uint64_t len = s ? strlen(s) : UINT64_MAX;

	bct_hash_update(h, &len, sizeof(len));
	if (s)
		bct_hash_update(h, s, len);
}

void bct_hash_final(struct bct_hash *h, uint8_t out[BCT_HASH_SIZE])
{
	XXH128_canonical_t c;

	XXH128_canonicalFromHash(&c, XXH3_128bits_digest(&h->st));
	memcpy(out, c.digest, BCT_HASH_SIZE);
}

void bct_hash_hex(const uint8_t in[BCT_HASH_SIZE], char out[BCT_HASH_HEX])
{
	static const char hex[] = "0123456789abcdef";
	int i;

	for (i = 0; i < BCT_HASH_SIZE; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 15];
	}
	out[2 * BCT_HASH_SIZE] = '\0';
}

static bool parse_hex(const char *s, uint8_t out[BCT_HASH_SIZE])
{
	int i;

	for (i = 0; i < 2 * BCT_HASH_SIZE; i++) {
		int c = s[i], v;

		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (c >= 'a' && c <= 'f')
			v = c - 'a' + 10;
		else
			return false;
		if (i % 2)
			out[i / 2] |= v;
		else
			out[i / 2] = v << 4;
	}
	return true;
}

/* ---- entries ------------------------------------------------------------------------- */

void *bct_cache_entry_encode(const uint8_t key[BCT_HASH_SIZE], const char *name, const void *obj,
			     size_t obj_sz, size_t *entry_sz)
{
	struct bct_cache_hdr hdr;
	size_t name_len = strlen(name) + 1;
	char *buf;

	buf = malloc(sizeof(hdr) + name_len + obj_sz);
	if (!buf)
		return NULL;
	memset(&hdr, 0, sizeof(hdr));
	memcpy(hdr.magic, BCT_CACHE_MAGIC, sizeof(hdr.magic));
	hdr.name_len = name_len;
	hdr.obj_len = obj_sz;
	memcpy(hdr.key, key, BCT_HASH_SIZE);
	memcpy(buf + sizeof(hdr), name, name_len);
	memcpy(buf + sizeof(hdr) + name_len, obj, obj_sz);
	hdr.crc = crc32(crc32(0L, Z_NULL, 0), (const Bytef *)buf + sizeof(hdr), name_len + obj_sz);
	memcpy(buf, &hdr, sizeof(hdr));
	*entry_sz = sizeof(hdr) + name_len + obj_sz;
	return buf;
}

int bct_cache_entry_decode(const void *buf, size_t sz, const uint8_t key[BCT_HASH_SIZE],
			   const char **name, const void **obj, size_t *obj_sz)
{
	const char *p = buf;
	struct bct_cache_hdr hdr;

	if (sz < sizeof(hdr))
		return -EBADMSG;
	memcpy(&hdr, p, sizeof(hdr));
	if (memcmp(hdr.magic, BCT_CACHE_MAGIC, sizeof(hdr.magic)) ||
	    memcmp(hdr.key, key, BCT_HASH_SIZE) || hdr.name_len == 0 ||
	    hdr.name_len > sz - sizeof(hdr) || hdr.obj_len != sz - sizeof(hdr) - hdr.name_len)
		return -EBADMSG;
	if (p[sizeof(hdr) + hdr.name_len - 1] != '\0')
		return -EBADMSG;
	if (crc32(crc32(0L, Z_NULL, 0), (const Bytef *)p + sizeof(hdr),
		  hdr.name_len + hdr.obj_len) != hdr.crc)
		return -EBADMSG;
	*name = p + sizeof(hdr);
	*obj = p + sizeof(hdr) + hdr.name_len;
	*obj_sz = hdr.obj_len;
	return 0;
}

/* ---- the directory ------------------------------------------------------------------- */

const char *bct_cache_dir(char *buf, size_t sz)
{
	const char *env = getenv("BCCTOOL_CACHE_DIR");
	const char *base;

	if (env && *env) {
		snprintf(buf, sz, "%s", env);
		return buf;
	}
	if (geteuid() == 0) {
		snprintf(buf, sz, "/var/cache/bcctool");
		return buf;
	}
	base = getenv("XDG_CACHE_HOME");
	if (base && *base) {
		snprintf(buf, sz, "%s/bcctool", base);
		return buf;
	}
	base = getenv("HOME");
	if (!base || !*base)
		return NULL;
	snprintf(buf, sz, "%s/.cache/bcctool", base);
	return buf;
}

static bool warned;

static bool safe_stat(const struct stat *st)
{
	return st->st_uid == geteuid() && !(st->st_mode & (S_IWGRP | S_IWOTH));
}

static int refuse(struct bct_cache *c, const char *path)
{
	if (!warned)
		pr_warn("not using the compile cache: '%s%s%s' is not owned by uid %u or is "
			"writable by group or others",
			c ? c->dir : "", c && path ? "/" : "", path ? path : "",
			(unsigned int)geteuid());
	warned = true;
	if (c)
		c->refused = true;
	return -EPERM;
}

static int mkdir_p(const char *dir)
{
	char buf[PATH_MAX];
	char *s;

	if (snprintf(buf, sizeof(buf), "%s", dir) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (s = buf + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	if (mkdir(buf, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

struct bct_cache *bct_cache__open(void)
{
	struct bct_cache *c;
	char buf[PATH_MAX];
	const char *dir = bct_cache_dir(buf, sizeof(buf));
	struct stat st;
	int err;

	if (!dir) {
		errno = ENOENT;
		return NULL;
	}
	err = mkdir_p(dir);
	if (err) {
		if (!warned)
			pr_warn("not using the compile cache: cannot create '%s': %s", dir,
				strerror(-err));
		warned = true;
		errno = -err;
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->dir = strdup(dir);
	c->dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (!c->dir || c->dfd < 0) {
		err = -errno;
		if (!warned)
			pr_warn("not using the compile cache: cannot open '%s': %s", dir,
				strerror(-err));
		warned = true;
		goto err_free;
	}
	if (fstat(c->dfd, &st) || !safe_stat(&st)) {
		err = refuse(c, NULL);
		goto err_free;
	}
	return c;

err_free:
	bct_cache__free(c);
	errno = -err;
	return NULL;
}

const char *bct_cache__dir(const struct bct_cache *c)
{
	return c->dir;
}

bool bct_cache__usable(const struct bct_cache *c)
{
	return c && !c->refused;
}

void bct_cache__free(struct bct_cache *c)
{
	if (!c)
		return;
	if (c->dfd >= 0)
		close(c->dfd);
	free(c->dir);
	free(c);
}

/*
 * Opens the directory holding path (relative to the cache dir), checking every component;
 * with create, makes missing ones. Returns a directory fd and points *leaf at the file name.
 */
static int open_parent(struct bct_cache *c, const char *path, bool create, const char **leaf)
{
	char comp[NAME_MAX + 1];
	const char *p = path, *slash;
	int fd, nfd;
	struct stat st;

	if (c->refused)
		return -EPERM;
	fd = dup(c->dfd);
	if (fd < 0)
		return -errno;
	while ((slash = strchr(p, '/'))) {
		size_t n = slash - p;

		if (n == 0 || n > NAME_MAX) {
			close(fd);
			return -EINVAL;
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		if (create && mkdirat(fd, comp, 0700) && errno != EEXIST) {
			nfd = -errno;
			close(fd);
			return nfd;
		}
		nfd = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		if (nfd < 0)
			return errno == ELOOP || errno == ENOTDIR ? refuse(c, path) : -errno;
		if (fstat(nfd, &st) || !safe_stat(&st)) {
			close(nfd);
			return refuse(c, path);
		}
		fd = nfd;
		p = slash + 1;
	}
	*leaf = p;
	return fd;
}

/*
 * An entry not owned by us, writable by others or not a regular file, in a directory that
 * passed the checks (ours, so the entry can be removed): removed with a warning, so that the
 * next run does not meet it again; the cache stays in use. Refused when it cannot be removed.
 */
static int quarantine(struct bct_cache *c, int pfd, const char *leaf, const char *path)
{
	if (unlinkat(pfd, leaf, 0))
		return refuse(c, path);
	pr_warn("removed the unsafe compile cache entry '%s/%s' (not owned by uid %u, writable by "
		"group or others, or not a regular file)",
		c->dir, path, (unsigned int)geteuid());
	return -ENOENT;
}

/* Opens a file of the cache for reading after the ownership check; its size in *st. */
static int open_file(struct bct_cache *c, const char *path, struct stat *st)
{
	const char *leaf;
	int pfd, fd, err;

	pfd = open_parent(c, path, false, &leaf);
	if (pfd < 0)
		return pfd;
	fd = openat(pfd, leaf, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		err = errno == ELOOP ? quarantine(c, pfd, leaf, path) : -errno;
		close(pfd);
		return err;
	}
	if (fstat(fd, st) || !S_ISREG(st->st_mode) || !safe_stat(st)) {
		close(fd);
		err = quarantine(c, pfd, leaf, path);
		close(pfd);
		return err;
	}
	close(pfd);
	return fd;
}

int bct_cache__read(struct bct_cache *c, const char *path, char **data, size_t *sz)
{
	struct stat st;
	size_t len;
	char *buf;
	int fd, err;

	fd = open_file(c, path, &st);
	if (fd < 0)
		return fd;
	err = bct_read_fd(fd, st.st_size, &buf, &len);
	close(fd);
	if (err)
		return err;
	if (len != (size_t)st.st_size) { /* changed under us */
		free(buf);
		return -EIO;
	}
	*data = buf;
	*sz = len;
	return 0;
}

int bct_cache__map(struct bct_cache *c, const char *path, const char **data, size_t *sz)
{
	long page = sysconf(_SC_PAGESIZE);
	struct stat st;
	void *m;
	int fd;

	fd = open_file(c, path, &st);
	if (fd < 0)
		return fd;
	/* the NUL is the zero fill of the last page after the end of the file */
	if (page <= 0 || st.st_size <= 0 || st.st_size % page == 0) {
		close(fd);
		return -ENODATA;
	}
	m = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return -errno;
	*data = m;
	*sz = st.st_size;
	return 0;
}

bool bct_cache__has(struct bct_cache *c, const char *path)
{
	const char *leaf;
	struct stat st;
	int pfd;
	bool ok;

	pfd = open_parent(c, path, false, &leaf);
	if (pfd < 0)
		return false;
	ok = !fstatat(pfd, leaf, &st, AT_SYMLINK_NOFOLLOW) && S_ISREG(st.st_mode);
	if (ok && !safe_stat(&st)) {
		quarantine(c, pfd, leaf, path); /* removed, or refused if it cannot be */
		ok = false;
	}
	close(pfd);
	return ok;
}

int bct_cache__path(struct bct_cache *c, const char *path, char *buf, size_t sz)
{
	if (snprintf(buf, sz, "%s/%s", c->dir, path) >= (int)sz)
		return -ENAMETOOLONG;
	return 0;
}

int bct_cache__tmpname(struct bct_cache *c, const char *path, char *buf, size_t sz)
{
	const char *leaf;
	int pfd;

	/* Creates and checks the directory now, so the writer only has to write. */
	pfd = open_parent(c, path, true, &leaf);
	if (pfd < 0)
		return pfd;
	close(pfd);
	if (snprintf(buf, sz, "%s/%.*s.%s.%d.tmp", c->dir, (int)(leaf - path), path, leaf,
		     (int)getpid()) >= (int)sz)
		return -ENAMETOOLONG;
	return 0;
}

int bct_cache__commit(struct bct_cache *c, const char *tmp, const char *path)
{
	char dst[PATH_MAX];
	int err;

	err = bct_cache__path(c, path, dst, sizeof(dst));
	if (!err && chmod(tmp, 0644))
		err = -errno;
	if (!err && rename(tmp, dst))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

int bct_cache__write(struct bct_cache *c, const char *path, const void *data, size_t sz)
{
	const char *leaf;
	char tmp[NAME_MAX + 32];
	const char *p = data;
	int pfd, fd, err = 0;

	pfd = open_parent(c, path, true, &leaf);
	if (pfd < 0)
		return pfd;
	snprintf(tmp, sizeof(tmp), ".%.200s.%d.tmp", leaf, (int)getpid());
	fd = openat(pfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		err = -errno;
		close(pfd);
		return err;
	}
	while (sz) {
		ssize_t n = write(fd, p, sz);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			break;
		}
		p += n;
		sz -= n;
	}
	if (fchmod(fd, 0644) && !err)
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	if (!err && renameat(pfd, tmp, pfd, leaf))
		err = -errno;
	if (err)
		unlinkat(pfd, tmp, 0);
	close(pfd);
	return err;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/* Calls fn for every entry of the subdirectory sub of pfd, with that directory's fd. */
static int each_entry(int pfd, const char *sub, int (*fn)(int dfd, const char *name, void *ctx),
		      void *ctx)
{
	struct dirent *de;
	DIR *d;
	int fd, err = 0;

	fd = openat(pfd, sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	d = fdopendir(fd);
	if (!d) {
		err = -errno;
		close(fd);
		return err;
	}
	while (!err && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		err = fn(dirfd(d), de->d_name, ctx);
	}
	closedir(d);
	return err;
}

/* ---- pruning ----------------------------------------------------------------------------- */

struct sweep {
	char pid[24]; /* ".PID", or "" for any */
	time_t before; /* with any PID: last written before this */
};

/* Ours are ".NAME.PID.tmp"; clang's, next to the PCH's, ".NAME.PID-XXXXXXXX.tmp.tmp". */
static bool tmp_of(const char *name, const char *pid)
{
	const char *p;
	size_t n = strlen(pid);

	if (name[0] != '.' || !has_suffix(name, ".tmp"))
		return false;
	if (!n)
		return true;
	for (p = strstr(name, pid); p; p = strstr(p + 1, pid))
		if (p[n] == '.' || p[n] == '-')
			return true;
	return false;
}

static int sweep_file(int dfd, const char *name, void *ctx)
{
	const struct sweep *sw = ctx;
	struct stat st;

	if (!tmp_of(name, sw->pid) || fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) ||
	    !S_ISREG(st.st_mode) || st.st_uid != geteuid())
		return 0;
	if (sw->before && st.st_mtime >= sw->before)
		return 0;
	if (!unlinkat(dfd, name, 0))
		pr_debug("removed the stale temporary file '%s'", name);
	return 0;
}

static int sweep_kernel(int dfd, const char *name, void *ctx)
{
	struct stat st;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISDIR(st.st_mode))
		return sweep_file(dfd, name, ctx);
	return each_entry(dfd, name, sweep_file, ctx);
}

void bct_cache__sweep_tmp(struct bct_cache *c, pid_t pid)
{
	struct sweep sw = { .pid = "" };

	if (!bct_cache__usable(c))
		return;
	if (pid > 0)
		snprintf(sw.pid, sizeof(sw.pid), ".%d", (int)pid);
	else
		sw.before = time(NULL) - BCT_CACHE_TMP_AGE;
	each_entry(c->dfd, "objs", sweep_file, &sw);
	each_entry(c->dfd, "kernels", sweep_kernel, &sw);
}

struct aged {
	char name[NAME_MAX + 1];
	struct timespec mtime;
};

struct aged_list {
	struct aged *v;
	size_t n, cap;
	const char *suffix; /* files with this suffix; NULL: directories */
	const char *skip_prefix; /* names starting with this are left alone */
};

static int collect(int dfd, const char *name, void *ctx)
{
	struct aged_list *l = ctx;
	struct stat st;

	if (l->skip_prefix && !strncmp(name, l->skip_prefix, strlen(l->skip_prefix)))
		return 0;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW))
		return 0;
	if (l->suffix ? !S_ISREG(st.st_mode) || !has_suffix(name, l->suffix) : !S_ISDIR(st.st_mode))
		return 0;
	if (strlen(name) > NAME_MAX)
		return 0;
	if (bct_grow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v)))
		return -ENOMEM;
	strcpy(l->v[l->n].name, name);
	l->v[l->n].mtime = st.st_mtim;
	l->n++;
	return 0;
}

/* Newest first. */
static int cmp_newest(const void *a, const void *b)
{
	const struct timespec *x = &((const struct aged *)a)->mtime;
	const struct timespec *y = &((const struct aged *)b)->mtime;

	if (x->tv_sec != y->tv_sec)
		return x->tv_sec < y->tv_sec ? 1 : -1;
	if (x->tv_nsec != y->tv_nsec)
		return x->tv_nsec < y->tv_nsec ? 1 : -1;
	return 0;
}

/* Past BCT_CACHE_MAX_OBJS objects, removes the least recently used down to 7/8 of that. */
static void prune_objs(struct bct_cache *c)
{
	struct aged_list l = { .suffix = ".o" };
	size_t i;
	int fd;

	if (each_entry(c->dfd, "objs", collect, &l) || l.n <= BCT_CACHE_MAX_OBJS)
		goto out;
	qsort(l.v, l.n, sizeof(*l.v), cmp_newest);
	fd = openat(c->dfd, "objs", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		goto out;
	for (i = BCT_CACHE_MAX_OBJS / 8 * 7; i < l.n; i++) {
		char aux[NAME_MAX + 1];
		size_t n = strlen(l.v[i].name) - 2;

		unlinkat(fd, l.v[i].name, 0);
		/* what was stored with the object: "<key>.o" -> "<key>.btf" */
		snprintf(aux, sizeof(aux), "%.*s.btf", (int)n, l.v[i].name);
		unlinkat(fd, aux, 0);
	}
	close(fd);
out:
	free(l.v);
}

static int remove_file(int dfd, const char *name, void *ctx);

void bct_cache__prune_kernels(struct bct_cache *c, const char *btf, const char *pch)
{
	struct aged_list l = { .skip_prefix = "boot-" };
	char dir[64];
	size_t i, kept = 1;
	int count = 0, fd;

	if (!bct_cache__usable(c))
		return;
	/* Other PCHs of this kernel: left over from another bcctool or LLVM. */
	snprintf(dir, sizeof(dir), "kernels/%s", btf);
	l.suffix = ".pch";
	if (pch && !each_entry(c->dfd, dir, collect, &l)) {
		fd = openat(c->dfd, dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		for (i = 0; fd >= 0 && i < l.n; i++) {
			/* its sums: "<name>.pch.xxh3" (lib/compile.c), an older bcctool's .sum */
			static const char *const sums[] = { BCT_SUM_SUFFIX, ".sum" };
			char sum[NAME_MAX + 1];
			size_t k;

			if (!strcmp(l.v[i].name, pch))
				continue;
			unlinkat(fd, l.v[i].name, 0);
			for (k = 0; k < sizeof(sums) / sizeof(sums[0]); k++)
				if (snprintf(sum, sizeof(sum), "%s%s", l.v[i].name, sums[k]) <
				    (int)sizeof(sum))
					unlinkat(fd, sum, 0);
		}
		if (fd >= 0)
			close(fd);
	}
	/* Other kernels: keep the most recently prepared ones. */
	l.n = 0;
	l.suffix = NULL;
	if (each_entry(c->dfd, "kernels", collect, &l))
		goto out;
	qsort(l.v, l.n, sizeof(*l.v), cmp_newest);
	fd = openat(c->dfd, "kernels", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	for (i = 0; fd >= 0 && i < l.n; i++) {
		if (!strcmp(l.v[i].name, btf))
			continue;
		if (kept < BCT_CACHE_KEEP_KERNELS) {
			kept++;
			continue;
		}
		remove_file(fd, l.v[i].name, &count);
	}
	if (fd >= 0)
		close(fd);
out:
	free(l.v);
}

static void obj_path(const uint8_t key[BCT_HASH_SIZE], char *buf, size_t sz)
{
	char hex[BCT_HASH_HEX];

	bct_hash_hex(key, hex);
	snprintf(buf, sz, "objs/%s.o", hex);
}

static void aux_path(const uint8_t key[BCT_HASH_SIZE], const char *kind, char *buf, size_t sz)
{
	char hex[BCT_HASH_HEX];

	bct_hash_hex(key, hex);
	snprintf(buf, sz, "objs/%s.%s", hex, kind);
}

int bct_cache__get_aux(struct bct_cache *c, const uint8_t key[BCT_HASH_SIZE], const char *kind,
		       void **data, size_t *data_sz)
{
	char path[80];
	const char *name;
	const void *d;
	char *buf;
	size_t sz, dsz;
	int err;

	aux_path(key, kind, path, sizeof(path));
	err = bct_cache__read(c, path, &buf, &sz);
	if (err)
		return err;
	err = bct_cache_entry_decode(buf, sz, key, &name, &d, &dsz);
	if (err || strcmp(name, kind)) {
		bct_cache__remove(c, path);
		free(buf);
		return -EBADMSG;
	}
	memmove(buf, d, dsz);
	*data = buf;
	*data_sz = dsz;
	return 0;
}

int bct_cache__put_aux(struct bct_cache *c, const uint8_t key[BCT_HASH_SIZE], const char *kind,
		       const void *data, size_t data_sz)
{
	char path[80];
	void *entry;
	size_t sz;
	int err;

	entry = bct_cache_entry_encode(key, kind, data, data_sz, &sz);
	if (!entry)
		return -ENOMEM;
	aux_path(key, kind, path, sizeof(path));
	err = bct_cache__write(c, path, entry, sz);
	free(entry);
	return err;
}

/* Marks an entry as used now: pruning removes the least recently used first. */
static void touch(struct bct_cache *c, const char *path)
{
	const char *leaf;
	int pfd = open_parent(c, path, false, &leaf);

	if (pfd < 0)
		return;
	utimensat(pfd, leaf, NULL, AT_SYMLINK_NOFOLLOW);
	close(pfd);
}

int bct_cache__get(struct bct_cache *c, const uint8_t key[BCT_HASH_SIZE], void **obj,
		   size_t *obj_sz)
{
	char path[64];
	const char *name;
	const void *o;
	char *data;
	size_t sz, osz;
	int err;

	obj_path(key, path, sizeof(path));
	err = bct_cache__read(c, path, &data, &sz);
	if (err)
		return err;
	err = bct_cache_entry_decode(data, sz, key, &name, &o, &osz);
	if (err) {
		pr_warn("compile cache entry '%s/%s' is corrupt; compiling again", c->dir, path);
		bct_cache__remove(c, path);
		free(data);
		return err;
	}
	touch(c, path);
	memmove(data, o, osz);
	*obj = data;
	*obj_sz = osz;
	return 0;
}

int bct_cache__put(struct bct_cache *c, const uint8_t key[BCT_HASH_SIZE], const char *name,
		   const void *obj, size_t obj_sz)
{
	char path[64];
	void *entry;
	size_t sz;
	int err;

	entry = bct_cache_entry_encode(key, name, obj, obj_sz, &sz);
	if (!entry)
		return -ENOMEM;
	obj_path(key, path, sizeof(path));
	err = bct_cache__write(c, path, entry, sz);
	free(entry);
	/* Scanning the directory costs ~1 ms per 1000 entries: do it on 1 put in 16. */
	if (!err && key[0] % 16 == 0)
		prune_objs(c);
	return err;
}

/* ---- info and clear ------------------------------------------------------------------- */

static int stat_obj(int dfd, const char *name, void *ctx)
{
	struct bct_cache_stats *st = ctx;
	struct stat sb;

	if (!has_suffix(name, ".o") || fstatat(dfd, name, &sb, AT_SYMLINK_NOFOLLOW))
		return 0;
	st->objs++;
	st->obj_bytes += sb.st_size;
	return 0;
}

struct kernel_ctx {
	struct bct_cache_stats *st;
	struct bct_cache_kernel *k;
	char current[BCT_HASH_HEX];
	void (*cb)(const struct bct_cache_kernel *k, void *ctx);
	void *cb_ctx;
};

static int stat_kernel_file(int dfd, const char *name, void *ctx)
{
	struct kernel_ctx *kc = ctx;
	struct stat sb;

	if (fstatat(dfd, name, &sb, AT_SYMLINK_NOFOLLOW) || !S_ISREG(sb.st_mode))
		return 0;
	kc->st->kernel_bytes += sb.st_size;
	if (!strcmp(name, "vmlinux.h")) {
		kc->k->vmlinux_bytes = sb.st_size;
	} else if (has_suffix(name, ".pch")) {
		kc->k->pchs++;
		kc->k->pch_bytes += sb.st_size;
	}
	return 0;
}

static int stat_kernel(int dfd, const char *name, void *ctx)
{
	struct kernel_ctx *kc = ctx;
	struct bct_cache_kernel k = { .btf = name, .release = "", .vmlinux_bytes = -1 };
	char release[256] = "";
	ssize_t n;
	int fd, kfd, err;

	if (!strncmp(name, "boot-", 5))
		return 0;
	kfd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (kfd < 0)
		return 0;
	fd = openat(kfd, "release", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, release, sizeof(release) - 1);
		release[n > 0 ? n : 0] = '\0';
		release[strcspn(release, "\n")] = '\0';
		close(fd);
		k.release = release;
	}
	kc->k = &k;
	err = each_entry(kfd, ".", stat_kernel_file, kc);
	close(kfd);
	k.current = !strcmp(name, kc->current);
	kc->st->kernels++;
	if (kc->cb)
		kc->cb(&k, kc->cb_ctx);
	return err;
}

int bct_cache__stat(struct bct_cache *c, struct bct_cache_stats *st,
		    void (*kernel_cb)(const struct bct_cache_kernel *k, void *ctx), void *ctx)
{
	struct kernel_ctx kc = { .st = st, .cb = kernel_cb, .cb_ctx = ctx };
	uint8_t cur[BCT_HASH_SIZE];
	int err;

	memset(st, 0, sizeof(*st));
	if (!bct_btf_hash(c, cur))
		bct_hash_hex(cur, kc.current);
	err = each_entry(c->dfd, "objs", stat_obj, st);
	if (!err)
		err = each_entry(c->dfd, "kernels", stat_kernel, &kc);
	return err;
}

static int remove_file(int dfd, const char *name, void *ctx)
{
	int *count = ctx;

	if (unlinkat(dfd, name, 0)) {
		if (errno != EISDIR && errno != EPERM)
			return -errno;
		/* A kernel directory: empty it first. */
		int err = each_entry(dfd, name, remove_file, ctx);

		if (err)
			return err;
		if (unlinkat(dfd, name, AT_REMOVEDIR))
			return -errno;
		return 0;
	}
	(*count)++;
	return 0;
}

int bct_cache__clear(struct bct_cache *c)
{
	int count = 0, err;

	err = each_entry(c->dfd, "objs", remove_file, &count);
	if (!err)
		err = each_entry(c->dfd, "kernels", remove_file, &count);
	return err ? err : count;
}

int bct_boot_memo_path(const char *suffix, char *buf, size_t sz)
{
	static char id[64];
	ssize_t n;
	int fd;

	if (!id[0]) {
		fd = open(BOOT_ID_PATH, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		n = read(fd, id, sizeof(id) - 1);
		close(fd);
		if (n <= 0)
			return -EIO;
		id[n] = '\0';
		id[strcspn(id, "\n")] = '\0';
		if (!id[0] || strchr(id, '/'))
			return -EIO;
	}
	n = snprintf(buf, sz, "kernels/boot-%s%s", id, suffix ? suffix : "");
	return n < 0 || (size_t)n >= sz ? -ENAMETOOLONG : 0;
}

static int boot_memo_path(char *buf, size_t sz)
{
	return bct_boot_memo_path(NULL, buf, sz);
}

int bct_cache__remove(struct bct_cache *c, const char *path)
{
	const char *leaf;
	int pfd = open_parent(c, path, false, &leaf), err = 0;

	if (pfd < 0)
		return pfd;
	if (unlinkat(pfd, leaf, 0))
		err = -errno;
	close(pfd);
	return err;
}

/* Memos of earlier boots are of no use: all but keep and keep.* go. */
static void prune_boot_memos(struct bct_cache *c, const char *keep)
{
	struct aged_list l = { .suffix = "" };
	size_t i;
	int fd;

	if (each_entry(c->dfd, "kernels", collect, &l))
		goto out;
	fd = openat(c->dfd, "kernels", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	for (i = 0; fd >= 0 && i < l.n; i++)
		if (!strncmp(l.v[i].name, "boot-", 5) && strncmp(l.v[i].name, keep, strlen(keep)))
			unlinkat(fd, l.v[i].name, 0);
	if (fd >= 0)
		close(fd);
out:
	free(l.v);
}

int bct_btf_hash(struct bct_cache *c, uint8_t out[BCT_HASH_SIZE])
{
	char memo[128], hex[BCT_HASH_HEX + 1];
	struct bct_hash h;
	char *data;
	size_t sz;
	void *btf;
	int err;

	if (c && !boot_memo_path(memo, sizeof(memo)) && !bct_cache__read(c, memo, &data, &sz)) {
		bool ok = sz >= 2 * BCT_HASH_SIZE && parse_hex(data, out);

		free(data);
		if (ok)
			return 0;
	}
	err = bct_btf_read(&btf, &sz);
	if (err)
		return err;
	bct_hash_init(&h);
	bct_hash_update(&h, btf, sz);
	bct_hash_final(&h, out);
	free(btf);
	if (c && !c->refused && !boot_memo_path(memo, sizeof(memo))) {
		bct_hash_hex(out, hex);
		strcat(hex, "\n");
		if (!bct_cache__write(c, memo, hex, strlen(hex)))
			prune_boot_memos(c, memo + strlen("kernels/"));
	}
	return 0;
}
