// SPDX-License-Identifier: Apache-2.0
/*
 * The /proc/kallsyms parser (bct_ksyms_load) on the input as the file (a memfd), then lookups:
 * a symbol found holds the address asked for, and names print within their buffer.
 */
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "stack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	const struct bct_ksym *sym;
	struct bct_ksyms *k;
	char path[64], buf[48];
	uint64_t addrs[] = { 0, 1, 0xffffffff81000000ull, UINT64_MAX, 0 };
	size_t i;

	if (fd < 0)
		fd = memfd_create("kallsyms", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	k = bct_ksyms_load(path);
	if (!k)
		return 0;
	if (size >= 8)
		memcpy(&addrs[4], data + size - 8, 8);
	for (i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		sym = bct_ksyms_find(k, addrs[i]);
		if (sym)
			FUZZ_ASSERT(sym->addr <= addrs[i] && sym->name);
		bct_ksyms_name(k, addrs[i], true, buf, sizeof(buf));
		FUZZ_ASSERT(memchr(buf, '\0', sizeof(buf)));
		bct_ksyms_frame(k, addrs[i], buf, sizeof(buf));
	}
	FUZZ_ASSERT(bct_ksyms_count(k) <= size);
	bct_ksyms_free(k);
	return 0;
}
