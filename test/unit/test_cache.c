// SPDX-License-Identifier: Apache-2.0
/* The compile cache: the hash, entry integrity, cache keys, and the directory checks. */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "compile.h"
#include "unit.h"

#define FIXTURE "test/fixtures/bpf/count_getpid.bpf.c"

static void digest(const void *data, size_t len, uint8_t out[BCT_HASH_SIZE])
{
	struct bct_hash h;

	bct_hash_init(&h);
	bct_hash_update(&h, data, len);
	bct_hash_final(&h, out);
}

UNIT_TEST(hash_is_independent_of_chunking)
{
	static const char text[] = "the quick brown fox jumps over the lazy dog, twice over";
	uint8_t whole[BCT_HASH_SIZE], parts[BCT_HASH_SIZE];
	struct bct_hash h;
	size_t i;

	digest(text, sizeof(text) - 1, whole);
	for (i = 0; i < sizeof(text); i++) {
		bct_hash_init(&h);
		bct_hash_update(&h, text, i);
		bct_hash_update(&h, text + i, sizeof(text) - 1 - i);
		bct_hash_final(&h, parts);
		CHECK(!memcmp(whole, parts, BCT_HASH_SIZE));
	}
}

UNIT_TEST(hash_differs_for_different_input)
{
	uint8_t a[BCT_HASH_SIZE], b[BCT_HASH_SIZE], c[BCT_HASH_SIZE];
	char hex[BCT_HASH_HEX];

	digest("abc", 3, a);
	digest("abd", 3, b);
	digest("abc\0", 4, c);
	CHECK(memcmp(a, b, BCT_HASH_SIZE));
	CHECK(memcmp(a, c, BCT_HASH_SIZE));
	bct_hash_hex(a, hex);
	CHECK_INT(strlen(hex), 32);
	CHECK_INT(strspn(hex, "0123456789abcdef"), 32);
}

UNIT_TEST(hash_str_delimits)
{
	uint8_t a[BCT_HASH_SIZE], b[BCT_HASH_SIZE];
	struct bct_hash h;

	bct_hash_init(&h);
	bct_hash_str(&h, "ab");
	bct_hash_str(&h, "c");
	bct_hash_final(&h, a);
	bct_hash_init(&h);
	bct_hash_str(&h, "a");
	bct_hash_str(&h, "bc");
	bct_hash_final(&h, b);
	CHECK(memcmp(a, b, BCT_HASH_SIZE));
}

static const uint8_t key1[BCT_HASH_SIZE] = { 1, 2, 3 };
static const uint8_t key2[BCT_HASH_SIZE] = { 1, 2, 4 };
static const char obj[] = "\177ELF pretend object bytes";

UNIT_TEST(entry_roundtrip)
{
	const char *name;
	const void *o;
	size_t sz, osz;
	char *e;

	e = bct_cache_entry_encode(key1, "x.bpf.c", obj, sizeof(obj), &sz);
	CHECK(e != NULL);
	CHECK_INT(bct_cache_entry_decode(e, sz, key1, &name, &o, &osz), 0);
	CHECK_STR(name, "x.bpf.c");
	CHECK_INT(osz, sizeof(obj));
	CHECK(!memcmp(o, obj, sizeof(obj)));
	free(e);
}

UNIT_TEST(entry_detects_any_flipped_byte)
{
	const char *name;
	const void *o;
	size_t sz, osz, i;
	char *e;

	e = bct_cache_entry_encode(key1, "x.bpf.c", obj, sizeof(obj), &sz);
	for (i = 0; i < sz; i++) {
		/* the header's padding is not checked; everything else is */
		if (i >= offsetof(struct bct_cache_hdr, key) + BCT_HASH_SIZE &&
		    i < sizeof(struct bct_cache_hdr))
			continue;
		e[i] ^= 0x20;
		if (bct_cache_entry_decode(e, sz, key1, &name, &o, &osz) != -EBADMSG)
			unit_fail(__FILE__, __LINE__, "flipped byte %zu not detected", i);
		e[i] ^= 0x20;
	}
	CHECK_INT(bct_cache_entry_decode(e, sz, key1, &name, &o, &osz), 0);
	free(e);
}

UNIT_TEST(entry_detects_truncation_extension_and_wrong_key)
{
	const char *name;
	const void *o;
	size_t sz, osz, i;
	char *e, *big;

	e = bct_cache_entry_encode(key1, "x.bpf.c", obj, sizeof(obj), &sz);
	for (i = 0; i < sz; i++)
		CHECK_INT(bct_cache_entry_decode(e, i, key1, &name, &o, &osz), -EBADMSG);
	big = calloc(1, sz + 1);
	memcpy(big, e, sz);
	CHECK_INT(bct_cache_entry_decode(big, sz + 1, key1, &name, &o, &osz), -EBADMSG);
	CHECK_INT(bct_cache_entry_decode(e, sz, key2, &name, &o, &osz), -EBADMSG);
	free(big);
	free(e);
}

static bool have_inputs(void)
{
	return !access("/sys/kernel/btf/vmlinux", R_OK) && !access(FIXTURE, R_OK);
}

UNIT_TEST(compile_key_is_stable_and_covers_defines)
{
	static const char *const d1[] = { "TARGET_PID=1", NULL };
	static const char *const d2[] = { "TARGET_PID=2", NULL };
	static const char *const d12[] = { "A=1", "B=2", NULL };
	static const char *const d21[] = { "B=2", "A=1", NULL };
	static const char *const none[] = { NULL };
	struct bct_compile_opts o = { .src_path = FIXTURE };
	char k0[BCT_HASH_HEX], k0b[BCT_HASH_HEX], kn[BCT_HASH_HEX], ka[BCT_HASH_HEX],
		kb[BCT_HASH_HEX], kab[BCT_HASH_HEX], kba[BCT_HASH_HEX], kdbg[BCT_HASH_HEX];

	if (!have_inputs())
		return; /* no kernel BTF here: nothing to key on */
	CHECK_INT(bct_compile_key(&o, k0, sizeof(k0)), 0);
	CHECK_INT(bct_compile_key(&o, k0b, sizeof(k0b)), 0);
	CHECK_STR(k0, k0b);
	o.defines = none;
	CHECK_INT(bct_compile_key(&o, kn, sizeof(kn)), 0);
	CHECK_STR(kn, k0);
	o.defines = d1;
	CHECK_INT(bct_compile_key(&o, ka, sizeof(ka)), 0);
	o.defines = d2;
	CHECK_INT(bct_compile_key(&o, kb, sizeof(kb)), 0);
	CHECK(strcmp(ka, k0));
	CHECK(strcmp(ka, kb));
	o.defines = d12;
	CHECK_INT(bct_compile_key(&o, kab, sizeof(kab)), 0);
	o.defines = d21;
	CHECK_INT(bct_compile_key(&o, kba, sizeof(kba)), 0);
	CHECK(strcmp(kab, kba)); /* order can matter (redefinitions): not normalised */
	/* debug output and --no-cache do not change the object */
	o.defines = NULL;
	o.debug = 0xf;
	o.no_cache = true;
	CHECK_INT(bct_compile_key(&o, kdbg, sizeof(kdbg)), 0);
	CHECK_STR(kdbg, k0);
}

UNIT_TEST(compile_key_missing_program)
{
	struct bct_compile_opts o = { .src_name = "no-such-program.bpf.c" };
	char k[BCT_HASH_HEX];

	CHECK_INT(bct_compile_key(&o, k, sizeof(k)), -ENOENT);
}

UNIT_TEST(cache_put_get_and_refusal)
{
	char dir[] = "/tmp/bct-unit-cache.XXXXXX", path[256];
	struct bct_cache *c;
	void *out = NULL;
	size_t sz = 0;

	CHECK(mkdtemp(dir) != NULL);
	setenv("BCCTOOL_CACHE_DIR", dir, 1);
	c = bct_cache__open();
	CHECK(c != NULL);
	if (!c)
		return;
	CHECK_INT(bct_cache__get(c, key1, &out, &sz), -ENOENT);
	CHECK_INT(bct_cache__put(c, key1, "x.bpf.c", obj, sizeof(obj)), 0);
	CHECK_INT(bct_cache__get(c, key1, &out, &sz), 0);
	CHECK_INT(sz, sizeof(obj));
	CHECK(out && !memcmp(out, obj, sizeof(obj)));
	free(out);
	/* a group-writable entry is removed (a miss), and the cache stays in use */
	snprintf(path, sizeof(path), "%s/objs/", dir);
	bct_hash_hex(key1, path + strlen(path));
	strcat(path, ".o");
	CHECK_INT(chmod(path, 0664), 0);
	CHECK_INT(bct_cache__get(c, key1, &out, &sz), -ENOENT);
	CHECK(access(path, F_OK) != 0);
	CHECK(bct_cache__usable(c));
	CHECK_INT(bct_cache__put(c, key2, "y.bpf.c", obj, sizeof(obj)), 0);
	bct_cache__free(c);
	/* clean up: the entries, then the directories */
	unlink(path);
	snprintf(path, sizeof(path), "%s/objs/", dir);
	bct_hash_hex(key2, path + strlen(path));
	strcat(path, ".o");
	unlink(path);
	snprintf(path, sizeof(path), "%s/objs", dir);
	rmdir(path);
	rmdir(dir);
	unsetenv("BCCTOOL_CACHE_DIR");
}

UNIT_TEST(cache_dir_world_writable_is_refused)
{
	char dir[] = "/tmp/bct-unit-cache.XXXXXX";
	struct bct_cache *c;

	CHECK(mkdtemp(dir) != NULL);
	CHECK_INT(chmod(dir, 0777), 0);
	setenv("BCCTOOL_CACHE_DIR", dir, 1);
	c = bct_cache__open();
	CHECK(c == NULL);
	CHECK_INT(errno, EPERM);
	bct_cache__free(c);
	rmdir(dir);
	unsetenv("BCCTOOL_CACHE_DIR");
}

UNIT_TEST(cache_keeps_at_most_max_objs)
{
	char dir[] = "/tmp/bct-unit-cache.XXXXXX", cmd[128];
	struct bct_cache *c;
	uint8_t key[BCT_HASH_SIZE] = { 0 };
	void *out = NULL;
	size_t sz;
	FILE *p;
	int i, n = -1;

	CHECK(mkdtemp(dir) != NULL);
	setenv("BCCTOOL_CACHE_DIR", dir, 1);
	c = bct_cache__open();
	CHECK(c != NULL);
	if (!c)
		return;
	for (i = 0; i <= BCT_CACHE_MAX_OBJS; i++) {
		memcpy(key, &i, sizeof(i));
		CHECK_INT(bct_cache__put(c, key, "x.bpf.c", obj, sizeof(obj)), 0);
		if (i == 0) {
			/* the oldest, but used since: it stays */
			struct timespec ts = { 0, 20 * 1000 * 1000 };

			nanosleep(&ts, NULL);
		}
		if (i == BCT_CACHE_MAX_OBJS - 1) {
			memset(key, 0, sizeof(key));
			CHECK_INT(bct_cache__get(c, key, &out, &sz), 0);
			free(out);
		}
	}
	snprintf(cmd, sizeof(cmd), "ls %s/objs | wc -l", dir);
	p = popen(cmd, "r");
	if (p && fscanf(p, "%d", &n) != 1)
		n = -1;
	if (p)
		pclose(p);
	CHECK_INT(n, BCT_CACHE_MAX_OBJS / 8 * 7);
	memset(key, 0, sizeof(key));
	CHECK_INT(bct_cache__get(c, key, &out, &sz), 0);
	free(out);
	bct_cache__free(c);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK_INT(system(cmd), 0);
	unsetenv("BCCTOOL_CACHE_DIR");
}
