// SPDX-License-Identifier: Apache-2.0
/*
 * bct_arg_shown(): an argument as a one-line message shows it. The result fits the buffer,
 * has no control byte and no bare backslash (each is the start of a \ooo escape), and is at
 * most 64 bytes of the argument plus "...".
 */
#include "fuzz.h"
#include "opt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *arg = fuzz_str(data, size), buf[96 + 8];
	const char *s;
	size_t i, n;

	if (!arg)
		return 0;
	memset(buf, 0x5a, sizeof(buf));
	s = bct_arg_shown(arg, buf, 96);
	FUZZ_ASSERT(s == buf);
	n = strnlen(buf, 96);
	FUZZ_ASSERT(n < 96);
	FUZZ_ASSERT((unsigned char)buf[96] == 0x5a);
	for (i = 0; i < n; i++) {
		unsigned char c = buf[i];

		FUZZ_ASSERT(c >= 0x20 && c != 0x7f);
		if (c == '\\') {
			FUZZ_ASSERT(i + 4 <= n);
			FUZZ_ASSERT(buf[i + 1] >= '0' && buf[i + 1] <= '3');
			FUZZ_ASSERT(buf[i + 2] >= '0' && buf[i + 2] <= '7');
			FUZZ_ASSERT(buf[i + 3] >= '0' && buf[i + 3] <= '7');
			i += 3;
		}
	}
	/* a plain short argument is shown as it is */
	for (i = 0; arg[i] && i <= 64; i++)
		if ((unsigned char)arg[i] < 0x20 || arg[i] == 0x7f || arg[i] == '\\')
			break;
	if (!arg[i] && i <= 64)
		FUZZ_ASSERT(!strcmp(buf, arg));
	free(arg);
	return 0;
}
