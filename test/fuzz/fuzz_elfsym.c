// SPDX-License-Identifier: Apache-2.0
/*
 * The ELF symbol reader behind uprobes (lib/elfsym.h), on the input as an ELF image in
 * memory: a symbol looked up by plain and versioned names, and the reverse lookup.
 */
#include <errno.h>

#include "elfsym.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const syms[] = { "main", "readline", "f", "f@V1", "f@@V2" };
	char name[64];
	uint64_t off, delta;
	void *img;
	size_t i;
	int err;

	img = malloc(size ? size : 1);
	if (!img)
		return 0;
	for (i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		memcpy(img, data, size);
		err = bct_elf_sym_offset_mem(img, size, syms[i], &off);
		FUZZ_ASSERT(err == 0 || err < 0);
	}
	memcpy(img, data, size);
	memset(name, 0x5a, sizeof(name));
	err = bct_elf_sym_at_mem(img, size, size / 2, name, sizeof(name), &delta);
	if (!err)
		FUZZ_ASSERT(memchr(name, '\0', sizeof(name)));
	free(img);
	return 0;
}
