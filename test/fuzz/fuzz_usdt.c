// SPDX-License-Identifier: Apache-2.0
/*
 * USDT: the first byte picks the input's kind. 0: an argument specification for x86-64, 1:
 * for arm64 (bct_usdt_parse_args: a count within the bound or a negative errno; each argument
 * of a known size and kind, its operand shown NUL-terminated); else an ELF image
 * (bct_usdt_read_mem: 0 or -ENOEXEC/-ENOMEM, every probe named).
 */
#include <errno.h>

#include "fuzz.h"
#include "usdt.h"

static void args(enum bct_usdt_arch arch, const uint8_t *data, size_t size)
{
	struct bct_usdt_arg a[BCT_USDT_MAX_ARGS];
	char *text = fuzz_str(data, size), buf[160];
	int n;

	if (!text)
		return;
	n = bct_usdt_parse_args(arch, text, a, BCT_USDT_MAX_ARGS);
	FUZZ_ASSERT(n <= BCT_USDT_MAX_ARGS && (n >= 0 || n == -EINVAL || n == -E2BIG));
	for (int i = 0; i < n; i++) {
		FUZZ_ASSERT(a[i].size == 1 || a[i].size == 2 || a[i].size == 4 || a[i].size == 8);
		FUZZ_ASSERT(a[i].kind == BCT_USDT_CONST || a[i].kind == BCT_USDT_REG ||
			    a[i].kind == BCT_USDT_MEM);
		bct_usdt_arg_str(&a[i], buf, sizeof(buf));
		FUZZ_ASSERT(memchr(buf, '\0', sizeof(buf)) != NULL);
	}
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bct_usdt_probe *p;
	size_t n;
	int err;

	if (size < 1)
		return 0;
	if (data[0] < 2) {
		args(data[0] ? BCT_USDT_ARM64 : BCT_USDT_X86_64, data + 1, size - 1);
		return 0;
	}
	err = bct_usdt_read_mem(data + 1, size - 1, &p, &n);
	FUZZ_ASSERT(err == 0 || err == -ENOEXEC || err == -ENOMEM);
	for (size_t i = 0; !err && i < n; i++)
		FUZZ_ASSERT(p[i].provider && p[i].name && p[i].args_text && p[i].nargs >= -1);
	if (!err)
		bct_usdt_free(p, n);
	return 0;
}
