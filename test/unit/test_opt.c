// SPDX-License-Identifier: Apache-2.0
/* The shared option parsers: PIDs, bounded integers, durations, interval/count, debug masks. */
#include <errno.h>
#include <stdint.h>

#include "opt.h"
#include "unit.h"

UNIT_TEST(pid_accepts_positive_decimal)
{
	pid_t pid = 0;

	CHECK_INT(bct_arg_pid(NULL, "1234", &pid), 0);
	CHECK_INT(pid, 1234);
}

UNIT_TEST(pid_rejects_garbage)
{
	static const char *const bad[] = { "abc", "",	"0",	       "-1",  "12x",
					   " 12", "+5", "99999999999", "0x10" };
	pid_t pid = 7;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_INT(bct_arg_pid(NULL, bad[i], &pid), -EINVAL);
	CHECK_INT(pid, 7);
}

UNIT_TEST(u64_range)
{
	uint64_t v = 0;

	CHECK_INT(bct_arg_u64(NULL, "x", "5", 1, 10, &v), 0);
	CHECK_INT(v, 5);
	CHECK_INT(bct_arg_u64(NULL, "x", "0", 1, 10, &v), -EINVAL);
	CHECK_INT(bct_arg_u64(NULL, "x", "11", 1, 10, &v), -EINVAL);
	CHECK_INT(bct_arg_u64(NULL, "x", "18446744073709551616", 0, UINT64_MAX, &v), -EINVAL);
}

UNIT_TEST(duration_units)
{
	uint64_t ms = 0;

	CHECK_INT(bct_arg_duration_ms(NULL, "3", &ms), 0);
	CHECK_INT(ms, 3000);
	CHECK_INT(bct_arg_duration_ms(NULL, "250ms", &ms), 0);
	CHECK_INT(ms, 250);
	CHECK_INT(bct_arg_duration_ms(NULL, "2m", &ms), 0);
	CHECK_INT(ms, 120000);
	CHECK_INT(bct_arg_duration_ms(NULL, "1h", &ms), 0);
	CHECK_INT(ms, 3600000);
	CHECK_INT(bct_arg_duration_ms(NULL, "-1", &ms), -EINVAL);
	CHECK_INT(bct_arg_duration_ms(NULL, "0", &ms), -EINVAL);
	CHECK_INT(bct_arg_duration_ms(NULL, "5x", &ms), -EINVAL);
}

UNIT_TEST(interval_then_count)
{
	uint64_t interval = 0, count = 0;

	CHECK_INT(bct_arg_interval_count(NULL, "1", &interval, &count), 0);
	CHECK_INT(interval, 1);
	CHECK_INT(bct_arg_interval_count(NULL, "10", &interval, &count), 0);
	CHECK_INT(count, 10);
	interval = 0;
	CHECK_INT(bct_arg_interval_count(NULL, "-1", &interval, &count), -EINVAL);
	CHECK_INT(bct_arg_interval_count(NULL, "0", &interval, &count), -EINVAL);
}

UNIT_TEST(debug_mask_numbers_and_names)
{
	unsigned int m = 0;

	CHECK_INT(bct_parse_debug_mask("0x1f", &m), 0);
	CHECK_INT(m, 0x1f);
	CHECK_INT(bct_parse_debug_mask("4", &m), 0);
	CHECK_INT(m, 4);
	CHECK_INT(bct_parse_debug_mask("ir,bpf", &m), 0);
	CHECK_INT(m, 0x3);
	CHECK_INT(bct_parse_debug_mask("verifier,btf", &m), 0);
	CHECK_INT(m, 0x30);
	CHECK_INT(bct_parse_debug_mask("bogus", &m), -EINVAL);
	CHECK_INT(bct_parse_debug_mask("", &m), -EINVAL);
	CHECK_INT(bct_parse_debug_mask("0x100", &m), -ERANGE);
}

UNIT_TEST(duration_rejects_what_overflows_in_microseconds)
{
	uint64_t ms = 0;

	CHECK_INT(bct_arg_duration_ms(NULL, "18446744073709551615ms", &ms), -EINVAL);
	CHECK_INT(bct_arg_duration_ms(NULL, "18446744073709551s", &ms), -EINVAL);
	CHECK_INT(bct_arg_duration_ms(NULL, "9223372036854775ms", &ms), 0);
	CHECK(ms == 9223372036854775ULL);
}
