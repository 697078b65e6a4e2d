// SPDX-License-Identifier: Apache-2.0
/* --debug masks (bct_parse_debug_mask): 0 with a mask of 8 bits at most, or -EINVAL/-ERANGE. */
#include <errno.h>

#include "fuzz.h"
#include "opt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int mask = 0;
	char *arg = fuzz_str(data, size);
	int err;

	if (!arg)
		return 0;
	err = bct_parse_debug_mask(arg, &mask);
	FUZZ_ASSERT(err == 0 || err == -EINVAL || err == -ERANGE);
	FUZZ_ASSERT(err || mask <= 0xff);
	free(arg);
	return 0;
}
