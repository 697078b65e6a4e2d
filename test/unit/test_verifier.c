// SPDX-License-Identifier: Apache-2.0
/* Explaining a verifier refusal: the log's tail, the error, the hint, the failing source line. */
#include <stdlib.h>

#include "src.h"
#include "unit.h"
#include "verifier.h"

/* A made-up refusal in the kernel's format: a map value used without a NULL check. */
static const char null_log[] =
	"func#0 @0\n"
	"0: R1=ctx() R10=fp0\n"
	"; int tp_exit(struct trace_event_raw_sys_exit *ctx) @ demo.bpf.c:40\n"
	"0: (bf) r6 = r1                       ; R1=ctx() R6_w=ctx()\n"
	"\n"
	"; struct event *e = bpf_map_lookup_elem(&scratch, &zero); @ demo.bpf.c:44\n"
	"1: (85) call bpf_map_lookup_elem#1    ; R0_w=map_value_or_null(id=1,off=0,ks=4,vs=64)\n"
	"; e->ret = ctx->ret; @ demo.bpf.c:46\n"
	"2: (79) r1 = *(u64 *)(r6 +16)         ; R1_w=scalar() R6=ctx()\n"
	"3: (7b) *(u64 *)(r0 +8) = r1\n"
	"R0 invalid mem access 'map_value_or_null'\n"
	"verification time 25 usec\n"
	"stack depth 8\n"
	"processed 4 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 "
	"mark_read 0\n";

static int line_is(const struct bct_verifier_line *l, const char *want)
{
	return l && (size_t)l->len == strlen(want) && !memcmp(l->s, want, l->len);
}

UNIT_TEST(verifier_tail_keeps_last_lines_in_order)
{
	static const char log[] = "one\ntwo\n\nthree\nfour\nfive\nsix\nseven"; /* no final \n */
	struct bct_verifier_line l[4];
	size_t kept = 99;

	CHECK_INT(bct_verifier_tail(log, l, 4, &kept), 7); /* the empty line does not count */
	CHECK_INT(kept, 4);
	CHECK(line_is(&l[0], "four"));
	CHECK(line_is(&l[1], "five"));
	CHECK(line_is(&l[2], "six"));
	CHECK(line_is(&l[3], "seven"));

	CHECK_INT(bct_verifier_tail(log, l, 3, &kept), 7);
	CHECK_INT(kept, 3);
	CHECK(line_is(&l[0], "five") && line_is(&l[2], "seven"));
}

UNIT_TEST(verifier_tail_short_and_empty_logs)
{
	struct bct_verifier_line l[8];
	size_t kept = 99;

	CHECK_INT(bct_verifier_tail("a\nb\n", l, 8, &kept), 2);
	CHECK_INT(kept, 2);
	CHECK(line_is(&l[0], "a") && line_is(&l[1], "b"));
	CHECK_INT(bct_verifier_tail("", l, 8, &kept), 0);
	CHECK_INT(kept, 0);
	CHECK_INT(bct_verifier_tail("\n\n", l, 8, &kept), 0);
	/* no room: lines are only counted */
	CHECK_INT(bct_verifier_tail("a\nb\nc\n", l, 0, &kept), 3);
	CHECK_INT(kept, 0);
}

UNIT_TEST(verifier_error_skips_statistics)
{
	struct bct_verifier_line l[6];
	size_t kept;

	bct_verifier_tail(null_log, l, 6, &kept);
	CHECK_INT(kept, 6);
	CHECK(line_is(bct_verifier_error(l, kept), "R0 invalid mem access 'map_value_or_null'"));
	/* statistics only: no error line */
	CHECK(bct_verifier_error(l + 3, 3) == NULL);
	CHECK(bct_verifier_error(l, 0) == NULL);
}

UNIT_TEST(verifier_hint_from_the_message)
{
	static const char stack_log[] = "combined stack size of 2 calls is 544. Too large\n"
					"processed 9 insns\n";
	struct bct_verifier_line l[8];
	const char *hint;
	size_t kept;

	bct_verifier_tail(null_log, l, 8, &kept);
	hint = bct_verifier_hint(l, kept);
	CHECK(hint && strstr(hint, "NULL check"));
	bct_verifier_tail(stack_log, l, 8, &kept);
	hint = bct_verifier_hint(l, kept);
	CHECK(hint && strstr(hint, "512 bytes"));
	bct_verifier_tail("something new\n", l, 8, &kept);
	CHECK(bct_verifier_hint(l, kept) == NULL);
}

UNIT_TEST(verifier_failing_source_line)
{
	char out[256];

	CHECK(bct_verifier_source_line(null_log, out, sizeof(out)));
	CHECK_STR(out, "demo.bpf.c:46: e->ret = ctx->ret;");
	CHECK(!bct_verifier_source_line("0: (b7) r0 = 0\n1: (95) exit\n", out, sizeof(out)));
	CHECK(!bct_verifier_source_line("", out, sizeof(out)));
}

UNIT_TEST(verifier_format_comment)
{
	static const char plain[] = "; a comment without a place";
	static const char placed[] = ";   x = 1;   @ demo.bpf.c:7 trailing";
	char out[256];

	CHECK(!bct_verifier_format_comment("0: (95) exit", 12, out, sizeof(out)));
	CHECK(!bct_verifier_format_comment(";", 1, out, sizeof(out)));
	CHECK(bct_verifier_format_comment(plain, strlen(plain), out, sizeof(out)));
	CHECK_STR(out, "a comment without a place");
	/* only the first len bytes count */
	CHECK(bct_verifier_format_comment(placed, strlen(placed) - strlen(" trailing"), out,
					  sizeof(out)));
	CHECK_STR(out, "demo.bpf.c:7: x = 1;  ");
	/* no code in the comment, no such embedded file: the place alone */
	CHECK(bct_verifier_format_comment(";  @ nosuch.bpf.c:3", 19, out, sizeof(out)));
	CHECK_STR(out, "nosuch.bpf.c:3: ");
}

UNIT_TEST(verifier_format_comment_code_from_source)
{
	const struct bct_src *src = bct_src_get("bct_common.bpf.h");
	char want[256], out[300], comment[64];
	const char *p, *nl;

	if (!src) {
		unit_skip("no embedded bct_common.bpf.h");
		return;
	}
	/* line 1 of the embedded file, without leading blanks */
	p = src->text;
	while (*p == ' ' || *p == '\t')
		p++;
	nl = strchr(p, '\n');
	snprintf(want, sizeof(want), "bct_common.bpf.h:1: %.*s",
		 nl ? (int)(nl - p) : (int)strlen(p), p);
	CHECK(strlen(want) > strlen("bct_common.bpf.h:1: "));
	snprintf(comment, sizeof(comment), ";  @ /some/dir/bct_common.bpf.h:1");
	CHECK(bct_verifier_format_comment(comment, strlen(comment), out, sizeof(out)));
	/* the file keeps the path the log gave it */
	CHECK(!strncmp(out, "/some/dir/", 10));
	CHECK_STR(out + 10, want);
}

UNIT_TEST(verifier_core_failure)
{
	static const char field_log[] =
		"0: R1=ctx() R10=fp0\n"
		"; return t->loginuid.val; @ demo.bpf.c:12\n"
		"5: <invalid CO-RE relocation>\n"
		"failed to resolve CO-RE relocation <byte_off> [12] struct task_struct___v2.loginuid.val "
		"(0:51:0 @ offset 2600)\n"
		"processed 6 insns\n";
	static const char type_log[] =
		"failed to resolve CO-RE relocation <type_exists> [34] struct demo_state___new\n";
	char type[160], field[256];

	CHECK(bct_verifier_core_failure(field_log, type, sizeof(type), field, sizeof(field)));
	CHECK_STR(type, "struct task_struct");
	CHECK_STR(field, "loginuid.val");
	CHECK(bct_verifier_core_failure(type_log, type, sizeof(type), field, sizeof(field)));
	CHECK_STR(type, "struct demo_state");
	CHECK_STR(field, "");
	CHECK(!bct_verifier_core_failure(null_log, type, sizeof(type), field, sizeof(field)));
	/* cut short: not read past the end */
	CHECK(!bct_verifier_core_failure("failed to resolve CO-RE relocation <x> [7]", type,
					 sizeof(type), field, sizeof(field)));
	CHECK(!bct_verifier_core_failure("failed to resolve CO-RE relocation <x>", type,
					 sizeof(type), field, sizeof(field)));
}
