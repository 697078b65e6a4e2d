// SPDX-License-Identifier: Apache-2.0
/* lib/tracespec.c: trace's and argdist's specifiers. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tracespec.h"
#include "unit.h"

UNIT_TEST(tracespec_trace_full)
{
	struct bct_trace_probe p;
	char err[256] = "";

	CHECK(bct_trace_probe_parse("p:./demo:demo_work(int i, const char *tag) "
				    "(STRCMP(\"a,b\", tag) && (i > 1)) \"i=%d, tag=%s %%\", i, "
				    "f(i, 2)",
				    &p, err, sizeof(err)) == 0);
	CHECK(p.type == 'p');
	CHECK_STR(p.lib, "./demo");
	CHECK_STR(p.func, "demo_work");
	CHECK_STR(p.signature, "int i, const char *tag");
	CHECK_STR(p.predicate, "(STRCMP(\"a,b\", tag) && (i > 1))");
	CHECK_STR(p.format, "i=%d, tag=%s %%");
	CHECK(p.nargs == 2 && p.nconv == 2);
	CHECK_STR(p.args[0], "i");
	CHECK_STR(p.args[1], "f(i, 2)");
	CHECK(p.conv[0].kind == BCT_TC_INT && p.conv[1].kind == BCT_TC_STR);
	bct_trace_probe_free(&p);
}

UNIT_TEST(tracespec_trace_forms)
{
	struct bct_trace_probe p;
	char err[256] = "";

	CHECK(bct_trace_probe_parse("do_sys_open", &p, err, sizeof(err)) == 0);
	CHECK(p.type == 'p' && !p.lib[0] && !strcmp(p.func, "do_sys_open") && !p.format);
	bct_trace_probe_free(&p);
	CHECK(bct_trace_probe_parse("c:malloc", &p, err, sizeof(err)) == 0);
	CHECK(p.type == 'p' && !strcmp(p.lib, "c") && !strcmp(p.func, "malloc"));
	bct_trace_probe_free(&p);
	CHECK(bct_trace_probe_parse("r::vfs_read \"%d\", retval", &p, err, sizeof(err)) == 0);
	CHECK(p.type == 'r' && !p.lib[0] && p.nargs == 1);
	bct_trace_probe_free(&p);
	CHECK(bct_trace_probe_parse("t:sched:sched_switch", &p, err, sizeof(err)) == 0);
	CHECK(p.type == 't' && !strcmp(p.lib, "sched") && !strcmp(p.func, "sched_switch"));
	bct_trace_probe_free(&p);
	CHECK(bct_trace_probe_parse("U:/x/prog:demo:tick", &p, err, sizeof(err)) == 0);
	CHECK(p.type == 'u' && !strcmp(p.provider, "demo") && !strcmp(p.func, "tick"));
	bct_trace_probe_free(&p);
	CHECK(bct_trace_probe_parse("p:/bin/x:f+0x10", &p, err, sizeof(err)) == 0);
	CHECK(p.offset == 16 && !strcmp(p.func, "f"));
	bct_trace_probe_free(&p);
}

UNIT_TEST(tracespec_trace_errors)
{
	struct bct_trace_probe p;
	char err[256];

	CHECK(bct_trace_probe_parse("x::foo", &p, err, sizeof(err)) == -EINVAL);
	CHECK_STR(err, "probe type must be '', 'p', 't', 'r', 'u' or 'U', but got 'x'");
	bct_trace_probe_free(&p);
	CHECK(bct_trace_probe_parse("foo (arg1 > 0", &p, err, sizeof(err)) == -EINVAL);
	CHECK_STR(err, "unmatched end of predicate");
	bct_trace_probe_free(&p);
	CHECK(bct_trace_probe_parse("foo %d", &p, err, sizeof(err)) == -EINVAL);
	CHECK_STR(err, "expected format string in \"s");
	bct_trace_probe_free(&p);
	CHECK(bct_trace_probe_parse("p:/x:foo+zz", &p, err, sizeof(err)) == -EINVAL);
	CHECK_STR(err, "invalid offset format 'zz', must be decimal or hexadecimal");
	bct_trace_probe_free(&p);
	CHECK(bct_trace_probe_parse("t:a:b(int x)", &p, err, sizeof(err)) == -EINVAL);
	bct_trace_probe_free(&p);
	CHECK(bct_trace_probe_parse("c:f \"%q\", 1", &p, err, sizeof(err)) == -EINVAL);
	CHECK_STR(err, "unrecognized format specifier %q");
	bct_trace_probe_free(&p);
	CHECK(bct_trace_probe_parse("c:f \"%d %d\", 1", &p, err, sizeof(err)) == -EINVAL);
	bct_trace_probe_free(&p);
}

UNIT_TEST(tracespec_formats)
{
	struct bct_tconv_spec c[8];
	char err[64];

	CHECK(bct_trace_format_parse("%llu %hd %lx %c %K %U %-5s %08x", c, 8, err, sizeof(err)) ==
	      8);
	CHECK(c[0].kind == BCT_TC_UINT && c[0].size == 8);
	CHECK(c[1].kind == BCT_TC_INT && c[1].size == 2);
	CHECK(c[2].kind == BCT_TC_HEX && c[2].size == 8);
	CHECK(c[3].kind == BCT_TC_CHAR && c[4].kind == BCT_TC_KSYM && c[5].kind == BCT_TC_USYM);
	CHECK(c[6].kind == BCT_TC_STR);
	CHECK_STR(c[6].flags, "-5");
	CHECK_STR(c[7].flags, "08");
	CHECK(bct_trace_format_parse("100%% done", c, 8, err, sizeof(err)) == 0);
}

UNIT_TEST(tracespec_signature)
{
	char *types[4] = { 0 }, *names[4] = { 0 }, err[128];
	int i;

	CHECK(bct_signature_parse("int dfd, const char __user *filename", types, names, 4, err,
				  sizeof(err)) == 2);
	CHECK_STR(types[0], "int");
	CHECK_STR(names[0], "dfd");
	CHECK_STR(types[1], "const char __user *");
	CHECK_STR(names[1], "filename");
	for (i = 0; i < 4; i++) {
		free(types[i]);
		free(names[i]);
	}
	CHECK(bct_signature_parse("", types, names, 4, err, sizeof(err)) == 0);
}

UNIT_TEST(tracespec_argdist)
{
	struct bct_argdist_spec s;
	char err[256];

	CHECK(bct_argdist_parse("r:c:read(int fd):u64,int:$latency,$entry(fd):$latency > 10#lat",
				false, &s, err, sizeof(err)) == 0);
	CHECK(s.type == 'r' && !strcmp(s.lib, "c") && !strcmp(s.func, "read"));
	CHECK_STR(s.signature, "int fd");
	CHECK(s.nexprs == 2);
	CHECK_STR(s.exprs[1], "$entry(fd)");
	CHECK_STR(s.types[0], "u64");
	CHECK_STR(s.filter, "$latency > 10");
	CHECK_STR(s.label, "lat");
	bct_argdist_spec_free(&s);
	CHECK(bct_argdist_parse("r:./d:f()", true, &s, err, sizeof(err)) == 0);
	CHECK(s.default_expr && !strcmp(s.exprs[0], "$retval") && !strcmp(s.types[0], "int"));
	bct_argdist_spec_free(&s);
	CHECK(bct_argdist_parse("p:", false, &s, err, sizeof(err)) == -EINVAL);
	CHECK_STR(err, "at least the probe type, library, and function signature must be "
		       "specified");
	bct_argdist_spec_free(&s);
	CHECK(bct_argdist_parse("p::foo", false, &s, err, sizeof(err)) == -EINVAL);
	CHECK_STR(err, "function signature 'foo' has an invalid format");
	bct_argdist_spec_free(&s);
	CHECK(bct_argdist_parse("x::foo()", false, &s, err, sizeof(err)) == -EINVAL);
	CHECK_STR(err, "probe type must be 'p', 'r', 't', or 'u' but got 'x'");
	bct_argdist_spec_free(&s);
	CHECK(bct_argdist_parse("p:c:foo()", true, &s, err, sizeof(err)) == -EINVAL);
	CHECK_STR(err, "histograms must have expr");
	bct_argdist_spec_free(&s);
	CHECK(bct_argdist_parse("p:c:foo(int a):int,int:a", false, &s, err, sizeof(err)) ==
	      -EINVAL);
	CHECK_STR(err, "mismatched # of exprs and types");
	bct_argdist_spec_free(&s);
	CHECK(bct_argdist_parse("p:c:foo(int a):int,int:a,a", true, &s, err, sizeof(err)) ==
	      -EINVAL);
	CHECK_STR(err, "histograms can only have 1 expr");
	bct_argdist_spec_free(&s);
	CHECK(bct_argdist_parse("p:a:b():c:d:e:f:g", false, &s, err, sizeof(err)) == -EINVAL);
	CHECK_STR(err, "extraneous ':'-separated parts detected");
	bct_argdist_spec_free(&s);
}

UNIT_TEST(tracespec_expr_replace)
{
	char *s = bct_expr_replace("arg1 + arg10 + xarg1 + \"arg1\" + (arg1)", "arg1", "R");

	CHECK_STR(s, "R + arg10 + xarg1 + \"arg1\" + (R)");
	free(s);
	s = bct_expr_replace("$pid+$pidx", "$pid", "P");
	CHECK_STR(s, "P+$pidx");
	free(s);
}
