// SPDX-License-Identifier: Apache-2.0
/* lib/probespec.c: splitting BCC's probe specs, and glob/regex patterns. */
#include <errno.h>
#include <unistd.h>

#include "probespec.h"
#include "unit.h"

UNIT_TEST(probespec_parse_forms)
{
	struct bct_probespec s;

	CHECK_INT(bct_probespec_parse("vfs_read", 0, &s), 0);
	CHECK_INT(s.type, 'p');
	CHECK(!s.typed);
	CHECK_INT(s.nparts, 1);
	CHECK_STR(s.lib, "");
	CHECK_STR(s.pattern, "vfs_read");
	CHECK(bct_probespec_is_kernel(&s));

	CHECK_INT(bct_probespec_parse("c:malloc", 0, &s), 0);
	CHECK_INT(s.type, 'p');
	CHECK_STR(s.lib, "c");
	CHECK_STR(s.pattern, "malloc");
	CHECK(!bct_probespec_is_kernel(&s));

	CHECK_INT(bct_probespec_parse("p::do_sys_open*", 0, &s), 0);
	CHECK(s.typed);
	CHECK_INT(s.nparts, 3);
	CHECK_STR(s.lib, "");
	CHECK_STR(s.pattern, "do_sys_open*");
	CHECK(bct_probespec_is_kernel(&s));

	CHECK_INT(bct_probespec_parse("r:/bin/bash:readline", 0, &s), 0);
	CHECK_INT(s.type, 'r');
	CHECK_STR(s.lib, "/bin/bash");
	CHECK_STR(s.pattern, "readline");

	CHECK_INT(bct_probespec_parse("t:sched:sched_process_*", 0, &s), 0);
	CHECK_INT(s.type, 't');
	CHECK_STR(s.lib, "");
	CHECK_STR(s.pattern, "sched:sched_process_*");
	CHECK(!bct_probespec_is_kernel(&s));

	CHECK_INT(bct_probespec_parse("u:/usr/bin/python3:gc__*", 0, &s), 0);
	CHECK_INT(s.type, 'u');
	CHECK_STR(s.lib, "/usr/bin/python3");
	CHECK_STR(s.provider, "");
	CHECK_STR(s.pattern, "gc__*");
}

UNIT_TEST(probespec_parse_errors)
{
	struct bct_probespec s;

	CHECK_INT(bct_probespec_parse("x:y:z", 0, &s), 0); /* the tool checks the type */
	CHECK_INT(s.type, 'x');
	CHECK_INT(bct_probespec_parse("xy:lib:f", 0, &s), -EINVAL);
	CHECK_INT(s.type, 'x');
	CHECK_INT(bct_probespec_parse(":lib:f", 0, &s), -EINVAL);
	CHECK_INT(s.type, '\0');
	CHECK_INT(bct_probespec_parse("a:b:c:d", 0, &s), -E2BIG);
	CHECK_INT(bct_probespec_parse("u:lib:prov:name", 0, &s), -E2BIG);
	CHECK_INT(bct_probespec_parse("u:lib:prov:name:x", BCT_PS_USDT_PROVIDER, &s), -E2BIG);
	CHECK_INT(bct_probespec_parse("p:lib:prov:name", BCT_PS_USDT_PROVIDER, &s), -E2BIG);
	CHECK_INT(bct_probespec_parse("u:lib:prov:name", BCT_PS_USDT_PROVIDER, &s), 0);
	CHECK_STR(s.lib, "lib");
	CHECK_STR(s.provider, "prov");
	CHECK_STR(s.pattern, "name");
	CHECK_INT(s.nparts, 4);
}

UNIT_TEST(probespec_patterns)
{
	struct bct_pattern *p;
	char re[64];

	CHECK_INT(bct_pattern_compile("demo_*", 0, &p, re, sizeof(re)), 0);
	CHECK_STR(re, "^demo_.*$");
	CHECK(bct_pattern_match(p, "demo_work"));
	CHECK(bct_pattern_match(p, "demo_"));
	CHECK(!bct_pattern_match(p, "xdemo_work"));
	bct_pattern_free(p);

	/* other regex characters stay live in a glob, as in BCC */
	CHECK_INT(bct_pattern_compile("os.*", 0, &p, NULL, 0), 0);
	CHECK(bct_pattern_match(p, "osX"));
	CHECK(!bct_pattern_match(p, "o"));
	bct_pattern_free(p);

	/* -r: matched at the start, not anchored at the end */
	CHECK_INT(bct_pattern_compile("(mem|str)cpy", BCT_PS_REGEX, &p, re, sizeof(re)), 0);
	CHECK_STR(re, "(mem|str)cpy");
	CHECK(bct_pattern_match(p, "memcpy"));
	CHECK(bct_pattern_match(p, "strcpy_chk"));
	CHECK(!bct_pattern_match(p, "wmemcpy"));
	bct_pattern_free(p);

	CHECK_INT(bct_pattern_compile("demo_*", BCT_PS_EXACT, &p, NULL, 0), 0);
	CHECK(bct_pattern_match(p, "demo_*"));
	CHECK(!bct_pattern_match(p, "demo_work"));
	bct_pattern_free(p);

	CHECK_INT(bct_pattern_compile("(", BCT_PS_REGEX, &p, NULL, 0), -EINVAL);
}

UNIT_TEST(probespec_find_lib)
{
	char buf[4096];

	CHECK_INT(bct_probespec_find_lib("/nonexistent/x", 0, buf, sizeof(buf)), -ENOENT);
	CHECK_INT(bct_probespec_find_lib("", 0, buf, sizeof(buf)), -ENOENT);
	CHECK_INT(bct_probespec_find_lib("/proc/self/exe", 0, buf, sizeof(buf)), 0);
	CHECK_STR(buf, "/proc/self/exe");
	CHECK_INT(bct_probespec_find_lib("c", getpid(), buf, sizeof(buf)), 0);
	CHECK(strstr(buf, "/libc") != NULL);
}
