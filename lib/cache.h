/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The compile cache: BPF objects keyed by a hash of everything that goes into them, and, per
 * kernel BTF, the generated vmlinux.h and its precompiled header (PCH).
 *
 *	DIR/objs/<key>.o                 integrity header + program name + ELF object
 *	DIR/objs/<key>.btf               integrity header + "btf" + the kernel types its CO-RE
 *	                                 relocations need (lib/corebtf.h; empty: none apply)
 *	DIR/kernels/<btf>/vmlinux.h      from /sys/kernel/btf/vmlinux (libbpf's btf_dump)
 *	DIR/kernels/<btf>/<pch key>.pch  vmlinux.h + libbpf's BPF headers, precompiled
 *	DIR/kernels/<btf>/release        "uname -r uname -v" of the kernel that made it
 *	DIR/kernels/boot-<boot id>       the BTF hash of the running boot (skips re-hashing)
 *	DIR/kernels/boot-<boot id>.probes  what the running kernel offers (lib/probe.h)
 *
 * DIR is $BCCTOOL_CACHE_DIR, else /var/cache/bcctool for root, else $XDG_CACHE_HOME/bcctool
 * or ~/.cache/bcctool. A directory or file not owned by the effective user, or writable by
 * group or others, is refused: one warning, then the cache is bypassed.
 */
#ifndef BCT_CACHE_H
#define BCT_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#define XXH_STATIC_LINKING_ONLY /* XXH3_state_t's size, for a state on the stack */
#include <xxhash.h>

#define BCT_HASH_SIZE 16
#define BCT_HASH_HEX (2 * BCT_HASH_SIZE + 1)

/*
 * A fast 128-bit non-cryptographic hash (the cache directory is trusted: owner-only): XXH3 of
 * Debian's libxxhash, some 10 GB/s, so that checking the 19 MB of cached kernel headers on
 * every compile costs less than loading the compiler it runs beside.
 */
struct bct_hash {
	XXH3_state_t st;
};

/* The suffix of a cached file's sum (lib/compile.c): ".sum" held the sums of the hash before */
#define BCT_SUM_SUFFIX ".xxh3"

void bct_hash_init(struct bct_hash *h);
void bct_hash_update(struct bct_hash *h, const void *data, size_t len);
/* Hashes a string with its length, so that ("ab","c") and ("a","bc") differ. */
void bct_hash_str(struct bct_hash *h, const char *s);
void bct_hash_final(struct bct_hash *h, uint8_t out[BCT_HASH_SIZE]);
void bct_hash_hex(const uint8_t in[BCT_HASH_SIZE], char out[BCT_HASH_HEX]);

/* Cache entry format (host byte order): the object, checked on every read. */
#define BCT_CACHE_MAGIC "BCTOBJ\0\1"
struct bct_cache_hdr {
	char magic[8];
	uint32_t crc; /* zlib crc32 of everything after the header */
	uint32_t name_len; /* program name after the header, NUL included */
	uint64_t obj_len; /* ELF bytes after the name */
	uint8_t key[BCT_HASH_SIZE];
};

/* A malloc()ed entry: header, name, object. */
void *bct_cache_entry_encode(const uint8_t key[BCT_HASH_SIZE], const char *name, const void *obj,
			     size_t obj_sz, size_t *entry_sz);
/* Checks an entry against its key; on success points into buf. -EBADMSG when corrupt. */
int bct_cache_entry_decode(const void *buf, size_t sz, const uint8_t key[BCT_HASH_SIZE],
			   const char **name, const void **obj, size_t *obj_sz);

struct bct_cache;

/* Opens (creating when missing) the cache directory. NULL with errno when unusable. */
struct bct_cache *bct_cache__open(void);
/* Where the cache is (or would be), without opening it. */
const char *bct_cache_dir(char *buf, size_t sz);
const char *bct_cache__dir(const struct bct_cache *c);
void bct_cache__free(struct bct_cache *c);
/* False once a file or directory was refused (and warned about): stop using the cache. */
bool bct_cache__usable(const struct bct_cache *c);

/* An object: 0, -ENOENT (miss), -EBADMSG (corrupt, removed), -EPERM (refused, warned). */
int bct_cache__get(struct bct_cache *c, const uint8_t key[BCT_HASH_SIZE], void **obj,
		   size_t *obj_sz);
/* Stores an object; past BCT_CACHE_MAX_OBJS (checked now and then), the least recently used go. */
int bct_cache__put(struct bct_cache *c, const uint8_t key[BCT_HASH_SIZE], const char *name,
		   const void *obj, size_t obj_sz);
#define BCT_CACHE_MAX_OBJS 1024

/*
 * Data kept with an object (DIR/objs/<key>.<kind>, same integrity header), removed with it:
 * 0, -ENOENT, -EBADMSG (corrupt, removed), -EPERM (refused, warned).
 */
int bct_cache__get_aux(struct bct_cache *c, const uint8_t key[BCT_HASH_SIZE], const char *kind,
		       void **data, size_t *data_sz);
int bct_cache__put_aux(struct bct_cache *c, const uint8_t key[BCT_HASH_SIZE], const char *kind,
		       const void *data, size_t data_sz);
#define BCT_CACHE_KEEP_KERNELS 3

/*
 * After preparing headers for kernel btf (hex): removes the kernel's other PCHs (pch is the
 * file name to keep, or NULL), and the headers of all but the BCT_CACHE_KEEP_KERNELS most
 * recently prepared kernels.
 */
void bct_cache__prune_kernels(struct bct_cache *c, const char *btf, const char *pch);

/*
 * A whole file of the cache (path relative to the cache dir), read after the ownership check.
 * *data is malloc()ed with a NUL after the last byte.
 */
int bct_cache__read(struct bct_cache *c, const char *path, char **data, size_t *sz);
/*
 * The same file as a private read-only mapping (no copy: for the large kernel headers), with
 * a NUL after the last byte; -ENODATA when the file fills its last page (no room for the NUL:
 * read it). munmap(*data, *sz) when done.
 */
int bct_cache__map(struct bct_cache *c, const char *path, const char **data, size_t *sz);
/* Writes path atomically (temporary file + rename), creating its directory. */
int bct_cache__write(struct bct_cache *c, const char *path, const void *data, size_t sz);
/* A temporary name next to path, for tools that write the file themselves (the PCH). */
int bct_cache__tmpname(struct bct_cache *c, const char *path, char *buf, size_t sz);
/* Renames a file written at tmp (full path) to path after checking it. */
int bct_cache__commit(struct bct_cache *c, const char *tmp, const char *path);
/*
 * Removes the temporary files (".NAME.PID.tmp", and clang's ".NAME.PID-XXXXXXXX.tmp.tmp") in objs/ and every kernels/ directory that
 * process pid left (pid > 0), or that nothing has written for BCT_CACHE_TMP_AGE seconds
 * (pid 0): those of a compiler killed before its rename. A running compile's are younger.
 */
#define BCT_CACHE_TMP_AGE 600
void bct_cache__sweep_tmp(struct bct_cache *c, pid_t pid);
/* Removes a file of the cache (path relative to the cache dir). */
int bct_cache__remove(struct bct_cache *c, const char *path);
/* Full path of a cache file, for tools that read it by name. */
int bct_cache__path(struct bct_cache *c, const char *path, char *buf, size_t sz);
/* True when path exists and passes the ownership check. */
bool bct_cache__has(struct bct_cache *c, const char *path);

struct bct_cache_stats {
	unsigned long objs;
	unsigned long long obj_bytes;
	unsigned long kernels;
	unsigned long long kernel_bytes;
};

/* Called once per kernel directory by bct_cache__stat(). */
struct bct_cache_kernel {
	const char *btf; /* hash (directory name) */
	const char *release; /* "" when unknown */
	bool current; /* the running kernel's BTF */
	long long vmlinux_bytes; /* -1 when missing */
	unsigned int pchs;
	unsigned long long pch_bytes;
};

int bct_cache__stat(struct bct_cache *c, struct bct_cache_stats *st,
		    void (*kernel_cb)(const struct bct_cache_kernel *k, void *ctx), void *ctx);
/* Removes every object and kernel header; returns the number of files removed or -errno. */
int bct_cache__clear(struct bct_cache *c);

/* The running kernel's BTF hash, memoized per boot in the cache (its bytes: lib/btf.h). */
int bct_btf_hash(struct bct_cache *c, uint8_t out[BCT_HASH_SIZE]);
/*
 * "kernels/boot-<boot id><suffix>": a memo valid for the running boot only (the memos of other
 * boots are removed when the BTF hash memo of a new boot is written).
 */
int bct_boot_memo_path(const char *suffix, char *buf, size_t sz);

#endif
