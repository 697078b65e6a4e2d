// SPDX-License-Identifier: Apache-2.0
/*
 * The compile cache's entry decoder (bct_cache_entry_decode): the input as an entry, checked
 * against the key its header names and against another key; then the same entry with its
 * magic and CRC made right, so the length checks behind the CRC are reached; then a round
 * trip through bct_cache_entry_encode().
 */
#include <errno.h>
#include <zlib.h>

#include "cache.h"
#include "fuzz.h"

static void decode(const uint8_t *buf, size_t size, const uint8_t key[BCT_HASH_SIZE])
{
	const char *name = NULL;
	const void *obj = NULL;
	size_t obj_sz = 0;
	int err;

	err = bct_cache_entry_decode(buf, size, key, &name, &obj, &obj_sz);
	FUZZ_ASSERT(err == 0 || err == -EBADMSG);
	if (err)
		return;
	FUZZ_ASSERT(name >= (const char *)buf + sizeof(struct bct_cache_hdr));
	FUZZ_ASSERT((const char *)obj + obj_sz == (const char *)buf + size);
	/* the name ends with a NUL before the object (it may hold one earlier) */
	FUZZ_ASSERT(name + strlen(name) < (const char *)obj && !((const char *)obj)[-1]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t zero[BCT_HASH_SIZE];
	struct bct_cache_hdr hdr;
	uint8_t *buf, key[BCT_HASH_SIZE];
	const char *name;
	const void *obj;
	size_t obj_sz, entry_sz, n;
	char *entry, *s;

	/* a private copy: libFuzzer catches reads past its end */
	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	memcpy(key, size >= sizeof(hdr) ? buf + offsetof(struct bct_cache_hdr, key) : zero,
	       sizeof(key));
	decode(buf, size, key);
	decode(buf, size, zero);
	if (size >= sizeof(hdr)) {
		memcpy(&hdr, buf, sizeof(hdr));
		memcpy(hdr.magic, BCT_CACHE_MAGIC, sizeof(hdr.magic));
		hdr.crc = crc32(crc32(0L, Z_NULL, 0), buf + sizeof(hdr), size - sizeof(hdr));
		memcpy(buf, &hdr, sizeof(hdr));
		decode(buf, size, key);
	}

	/* round trip: the first bytes up to a NUL as the name, the rest as the object */
	s = fuzz_str(data, size);
	if (s) {
		n = strlen(s);
		entry = bct_cache_entry_encode(key, s, data + (n < size ? n + 1 : size),
					       n < size ? size - n - 1 : 0, &entry_sz);
		if (entry) {
			FUZZ_ASSERT(!bct_cache_entry_decode(entry, entry_sz, key, &name, &obj,
							    &obj_sz));
			FUZZ_ASSERT(!strcmp(name, s));
			FUZZ_ASSERT(obj_sz == (n < size ? size - n - 1 : 0));
			FUZZ_ASSERT(!memcmp(obj, data + (n < size ? n + 1 : size), obj_sz));
			free(entry);
		}
		free(s);
	}
	free(buf);
	return 0;
}
