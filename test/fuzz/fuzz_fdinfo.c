// SPDX-License-Identifier: Apache-2.0
/*
 * bpflist's parsing of /proc/PID/fd link targets and fdinfo text (lib/fdinfo.h): results fit
 * their buffers, are NUL-terminated, and hold no newline.
 */
#include "fdinfo.h"
#include "fuzz.h"

static void check_kv(void *ctx, const char *k, const char *v)
{
	size_t *n = ctx;

	FUZZ_ASSERT(strlen(k) < 64 && strlen(v) < 512);
	FUZZ_ASSERT(!strchr(k, '\n') && !strchr(v, '\n') && !strchr(k, ':'));
	(*n)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[] = { "prog_type", "prog_id", "link_type", "map_type",
					    "key_size",	 "run_cnt", "tp_name" };
	char *s = fuzz_str(data, size), type[32], small[4], val[64];
	uint64_t u;
	size_t i, n = 0, lines = 0;

	if (!s)
		return 0;
	if (bct_fdinfo_type(s, type, sizeof(type)))
		FUZZ_ASSERT(strlen(type) > 0 && strlen(type) < sizeof(type));
	if (bct_fdinfo_type(s, small, sizeof(small)))
		FUZZ_ASSERT(strlen(small) < sizeof(small));
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (bct_fdinfo_get(s, keys[i], val, sizeof(val)))
			FUZZ_ASSERT(strlen(val) < sizeof(val) && !strchr(val, '\n'));
		if (bct_fdinfo_get(s, keys[i], small, sizeof(small)))
			FUZZ_ASSERT(strlen(small) < sizeof(small));
		bct_fdinfo_u64(s, keys[i], &u);
	}
	bct_fdinfo_each(s, check_kv, &n);
	for (i = 0; s[i]; i++)
		lines += s[i] == '\n';
	FUZZ_ASSERT(n <= lines + 1);
	free(s);
	return 0;
}
