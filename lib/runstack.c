// SPDX-License-Identifier: Apache-2.0
/* A stack map of bcctool run's program, symbolized: see runstack.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include <bpf/bpf.h>

#include "json.h"
#include "runstack.h"
#include "stack.h"
#include "util.h"

#define MAX_FRAMES 127

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static const char *frame(const struct bct_ksyms *ks, struct bct_usyms *us, pid_t pid, uint64_t ip,
			 char *buf, size_t sz)
{
	if (ip >= 0xffff000000000000ULL) {
		if (ks)
			return bct_ksyms_name(ks, ip, false, buf, sz);
	} else if (pid > 0 && us) {
		return bct_usyms_name(us, pid, ip, false, buf, sz);
	}
	snprintf(buf, sz, "0x%" PRIx64, ip);
	return buf;
}

int bct_run_print_stacks(FILE *out, const char *name, int fd, pid_t pid, bool json)
{
	struct bct_ksyms *ks = bct_ksyms_load(NULL);
	struct bct_usyms *us = pid > 0 ? bct_usyms_new() : NULL;
	uint32_t *ids = NULL, key, cur = 0;
	bool first = true;
	uint64_t ips[MAX_FRAMES];
	size_t n = 0, cap = 0, i;
	char buf[256];
	int err = 0, k, nf;

	while (!bpf_map_get_next_key(fd, first ? NULL : &cur, &key)) {
		if (bct_grow((void **)&ids, &cap, n + 1, sizeof(*ids))) {
			err = -ENOMEM;
			goto out;
		}
		ids[n++] = key;
		cur = key;
		first = false;
	}
	qsort(ids, n, sizeof(*ids), cmp_u32);
	if (!json)
		fprintf(out, "%s:\n", name);
	for (i = 0; i < n; i++) {
		nf = bct_stack_read(fd, (int32_t)ids[i], ips, MAX_FRAMES);
		if (nf < 0)
			continue;
		if (json) {
			struct bct_json j;

			bct_json_begin(&j, out);
			bct_json_str(&j, "map", name);
			bct_json_uint(&j, "stack_id", ids[i]);
			bct_json_arr_open(&j, "frames");
			for (k = 0; k < nf; k++)
				bct_json_str(&j, NULL,
					     frame(ks, us, pid, ips[k], buf, sizeof(buf)));
			bct_json_arr_close(&j);
			bct_json_end(&j);
			continue;
		}
		fprintf(out, "stack %" PRIu32 ":\n", ids[i]);
		for (k = 0; k < nf; k++)
			fprintf(out, "    %s\n", frame(ks, us, pid, ips[k], buf, sizeof(buf)));
		fputc('\n', out);
	}
	if (!json && !n)
		fputc('\n', out);
out:
	free(ids);
	bct_ksyms_free(ks);
	if (us)
		bct_usyms_free(us);
	return err;
}
