// SPDX-License-Identifier: Apache-2.0
/*
 * The typed option parsers (lib/opt.h) with state NULL: the first byte picks the parser, the
 * rest is the argument. A parser returns 0 with a value in its range, or -EINVAL.
 */
#include <errno.h>
#include <limits.h>

#include "fuzz.h"
#include "opt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t v = 0, interval = 0, count = 0;
	pid_t pid = 0;
	char *arg;
	int err;

	if (!size)
		return 0;
	arg = fuzz_str(data + 1, size - 1);
	if (!arg)
		return 0;
	switch (data[0] % 5) {
	case 0:
		err = bct_arg_pid(NULL, arg, &pid);
		FUZZ_ASSERT(err == 0 || err == -EINVAL);
		FUZZ_ASSERT(err || (pid >= 1 && pid <= INT_MAX));
		break;
	case 1:
		err = bct_arg_u64(NULL, "value", arg, 3, 1000, &v);
		FUZZ_ASSERT(err == 0 || err == -EINVAL);
		FUZZ_ASSERT(err || (v >= 3 && v <= 1000));
		break;
	case 2:
		err = bct_arg_u64(NULL, "value", arg, 0, UINT64_MAX, &v);
		FUZZ_ASSERT(err == 0 || err == -EINVAL);
		break;
	case 3:
		err = bct_arg_duration_ms(NULL, arg, &v);
		FUZZ_ASSERT(err == 0 || err == -EINVAL);
		FUZZ_ASSERT(err || (v >= 1 && v <= UINT64_MAX / 2));
		break;
	default:
		/* interval, then count, then one too many */
		err = bct_arg_interval_count(NULL, arg, &interval, &count);
		FUZZ_ASSERT(err == 0 || err == -EINVAL);
		FUZZ_ASSERT(err || (interval >= 1 && interval <= 99999999 && !count));
		if (!err) {
			err = bct_arg_interval_count(NULL, arg, &interval, &count);
			FUZZ_ASSERT(!err && count == interval);
		}
		break;
	}
	free(arg);
	return 0;
}
