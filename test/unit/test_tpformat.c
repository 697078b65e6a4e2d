// SPDX-License-Identifier: Apache-2.0
/* lib/tpformat.c: tracefs format files. */
#include <string.h>

#include "tpformat.h"
#include "unit.h"

static const char exec_format[] =
	"name: sched_process_exec\n"
	"ID: 312\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
	"\n"
	"\tfield:__data_loc char[] filename;\toffset:8;\tsize:4;\tsigned:0;\n"
	"\tfield:pid_t pid;\toffset:12;\tsize:4;\tsigned:1;\n"
	"\tfield:char comm[16];\toffset:16;\tsize:16;\tsigned:0;\n"
	"\tfield:const char * name;\toffset:32;\tsize:8;\tsigned:0;\n"
	"\n"
	"print fmt: \"filename=%s pid=%d\", __get_str(filename), REC->pid\n";

UNIT_TEST(tpformat_fields)
{
	struct bct_tp_format f;

	CHECK(bct_tp_format_parse(exec_format, strlen(exec_format), &f) == 0);
	CHECK_STR(f.name, "sched_process_exec");
	CHECK(f.id == 312);
	CHECK(f.n == 6);
	if (f.n != 6)
		return;
	CHECK(f.fields[0].common && f.fields[1].common && !f.fields[2].common);
	CHECK_STR(f.fields[1].name, "common_pid");
	CHECK(f.fields[1].is_signed && f.fields[1].offset == 4 && f.fields[1].size == 4);
	CHECK_STR(f.fields[2].decl, "__data_loc char[] filename");
	CHECK_STR(f.fields[2].type, "__data_loc char[]");
	CHECK_STR(f.fields[2].name, "filename");
	CHECK_STR(f.fields[4].type, "char");
	CHECK_STR(f.fields[4].name, "comm");
	CHECK(f.fields[4].array_len == 16 && f.fields[4].offset == 16);
	CHECK_STR(f.fields[5].type, "const char *");
	CHECK_STR(f.fields[5].name, "name");
	bct_tp_format_free(&f);
}

UNIT_TEST(tpformat_bad_lines)
{
	static const char *const bad[] = {
		"\tfield:int x;\tsize:4;\n", /* no offset */
		"\tfield:int x;\toffset:1;\n", /* no size */
		"\tfield:int ;\toffset:0;\tsize:4;\n", /* no name */
		"\tfield:x;\toffset:0;\tsize:4;\n", /* no type */
		"\tfield:int x[1a];\toffset:0;\tsize:4;\n", /* bad array */
		"\tfield:int x;\toffset:99999999999;\tsize:4;\n",
		"\tfield:int x\toffset:0\tsize:4\n", /* no ';' after the declaration... */
	};
	struct bct_tp_format f;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(bct_tp_format_parse(bad[i], strlen(bad[i]), &f) == -22);
	/* not NUL-terminated: the length bounds it */
	CHECK(bct_tp_format_parse("\tfield:int x;\toffset:0;\tsize:4;", 30, &f) == 0);
	CHECK(f.n == 1 && f.fields[0].size == 4);
	bct_tp_format_free(&f);
	CHECK(bct_tp_format_parse("", 0, &f) == 0 && f.n == 0 && !f.name);
	bct_tp_format_free(&f);
}
