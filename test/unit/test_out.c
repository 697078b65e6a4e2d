// SPDX-License-Identifier: Apache-2.0
/* Column output: BCC's fixed-width text and NDJSON from one description. */
#include <errno.h>
#include <stdlib.h>

#include "json.h"
#include "out.h"
#include "unit.h"

static const struct bct_col cols[] = {
	{ "TIME(s)", "time", 14, BCT_COL_DOUBLE, BCT_COL_LEFT | BCT_COL_HIDDEN, 3 },
	{ "PID", "pid", 6, BCT_COL_INT, BCT_COL_LEFT, 0 },
	{ "COMM", "comm", 16, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "FD", "fd", 4, BCT_COL_INT, 0, 0 },
	{ "FLAGS", "flags", 8, BCT_COL_OCTAL, 0, 8 },
	{ "ID", "id", 0, BCT_COL_HEX, BCT_COL_TEXT_ONLY, 0 },
	{ "PATH", "path", 0, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ NULL },
};

struct capture {
	char *buf;
	size_t len;
	FILE *f;
};

static struct bct_out *open_out(struct capture *c, bool json)
{
	struct bct_out_opts o = { .cols = cols, .json = json };

	c->f = open_memstream(&c->buf, &c->len);
	o.file = c->f;
	return bct_out__new(&o);
}

static const char *close_out(struct capture *c, struct bct_out *o)
{
	bct_out__free(o);
	fclose(c->f);
	return c->buf;
}

static void row(struct bct_out *o, double t, int pid, const char *comm, int fd, unsigned flags,
		const char *path)
{
	bct_out__double(o, t);
	bct_out__int(o, pid);
	bct_out__str(o, comm);
	bct_out__int(o, fd);
	bct_out__uint(o, flags);
	bct_out__uint(o, 0xbeef);
	bct_out__str(o, path);
	CHECK_INT(bct_out__end(o), 0);
}

UNIT_TEST(out_text_matches_bcc_fixed_width)
{
	struct capture c;
	struct bct_out *o = open_out(&c, false);

	CHECK_INT(bct_out__header(o), 0);
	row(o, 1.5, 1234, "bash", 3, 0101, "/etc/passwd");
	row(o, 2.0, -1, "a-very-long-command-name", -2, 0, "");
	CHECK_STR(close_out(&c, o), "PID    COMM               FD    FLAGS ID PATH\n"
				    "1234   bash                3 00000101 0xbeef /etc/passwd\n"
				    "-1     a-very-long-command-name   -2 00000000 0xbeef \n");
	free(c.buf);
}

UNIT_TEST(out_shown_column_and_separator)
{
	struct capture c;
	struct bct_out *o = open_out(&c, false);

	CHECK_INT(bct_out__show(o, "time", true), 0);
	CHECK_INT(bct_out__show(o, "id", false), 0);
	CHECK_INT(bct_out__show(o, "nope", true), -ENOENT);
	bct_out__header(o);
	row(o, 0.25, 1, "x", 0, 02, "p");
	CHECK_STR(close_out(&c, o), "TIME(s)        PID    COMM               FD    FLAGS PATH\n"
				    "0.250          1      x                   0 00000002 p\n");
	free(c.buf);
}

UNIT_TEST(out_json_same_columns_stable_keys)
{
	struct capture c;
	struct bct_out *o = open_out(&c, true);

	CHECK(bct_out__json(o));
	CHECK_INT(bct_out__header(o), 0);
	row(o, 1.5, 1234, "ba\"sh\n", 3, 0101, "/tmp/\x01x");
	CHECK_STR(close_out(&c, o), "{\"pid\":1234,\"comm\":\"ba\\\"sh\\n\",\"fd\":3,\"flags\":65,"
				    "\"path\":\"/tmp/\\u0001x\"}\n");
	free(c.buf);
}

UNIT_TEST(out_strn_stops_at_nul_and_limit)
{
	static const struct bct_col two[] = {
		{ "A", "a", 0, BCT_COL_STR, BCT_COL_LEFT, 0 },
		{ "B", "b", 0, BCT_COL_STR, BCT_COL_LEFT, 0 },
		{ NULL },
	};
	struct bct_out_opts oo = { .cols = two };
	struct capture c;
	struct bct_out *o;

	c.f = open_memstream(&c.buf, &c.len);
	oo.file = c.f;
	o = bct_out__new(&oo);
	bct_out__strn(o, "abcdef", 3);
	bct_out__strn(o, "ab\0cd", 5);
	bct_out__end(o);
	CHECK_STR(close_out(&c, o), "abc ab\n");
	free(c.buf);
}

/* BCT_COL_GLUE: no separator after the column, in the header and rows; hidden columns skip. */
UNIT_TEST(out_glue_joins_the_next_shown_column)
{
	static const struct bct_col glued[] = {
		{ "BYTES", "bytes", 7, BCT_COL_UINT, BCT_COL_LEFT | BCT_COL_GLUE, 0 },
		{ "P", "p", 1, BCT_COL_STR, BCT_COL_LEFT | BCT_COL_HIDDEN, 0 },
		{ "LAT(ms)", "lat", 7, BCT_COL_DOUBLE, 0, 2 },
		{ NULL },
	};
	struct bct_out_opts oo = { .cols = glued };
	struct capture c;
	struct bct_out *o;

	c.f = open_memstream(&c.buf, &c.len);
	oo.file = c.f;
	o = bct_out__new(&oo);
	bct_out__header(o);
	bct_out__uint(o, 4096);
	bct_out__str(o, "S");
	bct_out__double(o, 0.5);
	bct_out__end(o);
	bct_out__show(o, "p", true);
	bct_out__header(o);
	bct_out__uint(o, 1048576);
	bct_out__str(o, "S");
	bct_out__double(o, 12.25);
	bct_out__end(o);
	CHECK_STR(close_out(&c, o),
		  "BYTES  LAT(ms)\n4096      0.50\nBYTES  P LAT(ms)\n1048576S   12.25\n");
	free(c.buf);
}

UNIT_TEST(out_json_lost_record)
{
	struct capture c;
	struct bct_out *o = open_out(&c, true);

	bct_out_lost(o, 42);
	CHECK_STR(close_out(&c, o), "{\"lost_events\":42}\n");
	free(c.buf);
}

/* A row whose last column holds fields that vary by row, with an absent ID and a group. */
static const struct bct_col detail_cols[] = {
	{ "PID", "pid", 6, BCT_COL_INT, BCT_COL_LEFT, 0 },
	{ "ID", "id", 5, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "DETAILS", "details", 0, BCT_COL_FIELDS, BCT_COL_LEFT, 0 },
	{ NULL },
};

static const char *detail_rows(struct capture *c, bool json)
{
	struct bct_out_opts oo = { .cols = detail_cols, .json = json };
	struct bct_out *o;

	c->f = open_memstream(&c->buf, &c->len);
	oo.file = c->f;
	o = bct_out__new(&oo);
	CHECK_INT(bct_out__text(o, "section:"), 0);
	bct_out__header(o);
	bct_out__int(o, 1);
	bct_out__uint(o, 42);
	bct_out__fields(o);
	bct_out__field_str(o, "map_type", NULL, "hash");
	bct_out__field_str(o, "name", "name", "a\"b");
	bct_out__field_uint(o, "key_size", "key", 4, "B");
	bct_out__field_int(o, "delta", "delta", -3);
	CHECK_INT(bct_out__end(o), 0);
	bct_out__int(o, 2);
	bct_out__none(o);
	bct_out__fields(o);
	CHECK_INT(bct_out__end(o), 0);
	bct_out__int(o, 3);
	bct_out__uint(o, 7);
	bct_out__fields(o);
	bct_out__field_str(o, "link_type", NULL, "perf_event");
	bct_out__group_open(o, "attach");
	bct_out__field_str(o, "event_type", NULL, "tracepoint");
	bct_out__field_str(o, "tp_name", NULL, "sys_enter_getpid");
	bct_out__field_int(o, "ifindex", "ifindex", 1);
	bct_out__group_close(o);
	CHECK_INT(bct_out__end(o), 0);
	CHECK_INT(bct_out__text(o, ""), 0);
	return close_out(c, o);
}

UNIT_TEST(out_fields_text)
{
	struct capture c;

	CHECK_STR(detail_rows(&c, false),
		  "section:\n"
		  "PID    ID    DETAILS\n"
		  "1      42    hash  name a\"b  key 4B  delta -3\n"
		  "2      -    \n"
		  "3      7     perf_event  tracepoint sys_enter_getpid ifindex 1\n"
		  "\n");
	free(c.buf);
}

UNIT_TEST(out_fields_json)
{
	struct capture c;

	CHECK_STR(detail_rows(&c, true),
		  "{\"pid\":1,\"id\":42,\"map_type\":\"hash\",\"name\":\"a\\\"b\",\"key_size\":4,"
		  "\"delta\":-3}\n"
		  "{\"pid\":2}\n"
		  "{\"pid\":3,\"id\":7,\"link_type\":\"perf_event\",\"attach\":{\"event_type\":"
		  "\"tracepoint\",\"tp_name\":\"sys_enter_getpid\",\"ifindex\":1}}\n");
	free(c.buf);
}

/* One string column, to see exactly what a hostile name becomes. */
static const char *one_str(struct capture *c, bool json, const char *s, size_t n)
{
	static const struct bct_col str_cols[] = {
		{ "NAME", "name", 6, BCT_COL_STR, BCT_COL_LEFT, 0 },
		{ "X", "x", 0, BCT_COL_INT, 0, 0 },
		{ NULL },
	};
	struct bct_out_opts oo = { .cols = str_cols, .json = json };
	struct bct_out *o;

	c->f = open_memstream(&c->buf, &c->len);
	oo.file = c->f;
	o = bct_out__new(&oo);
	bct_out__strn(o, s, n);
	bct_out__int(o, 1);
	CHECK_INT(bct_out__end(o), 0);
	return close_out(c, o);
}

UNIT_TEST(out_json_invalid_utf8_replaced)
{
	struct capture c;

	/* \xff\xfe: never UTF-8; é and € and 𝄞 pass as they are */
	CHECK_STR(one_str(&c, true, "a\xff\xfe\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e", 99),
		  "{\"name\":\"a\xef\xbf\xbd\xef\xbf\xbd\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e\","
		  "\"x\":1}\n");
	free(c.buf);
	/* a comm cut inside a multi-byte character, at the end and before other bytes */
	CHECK_STR(one_str(&c, true, "ab\xe2\x82", 4),
		  "{\"name\":\"ab\xef\xbf\xbd\xef\xbf\xbd\",\"x\":1}\n");
	free(c.buf);
	CHECK_STR(one_str(&c, true, "\xe2\x82z", 3),
		  "{\"name\":\"\xef\xbf\xbd\xef\xbf\xbdz\",\"x\":1}\n");
	free(c.buf);
	/* overlong '/', a surrogate, past U+10FFFF, a lone continuation byte */
	CHECK_STR(one_str(&c, true, "\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80\x80", 99),
		  "{\"name\":\""
		  "\xef\xbf\xbd\xef\xbf\xbd"
		  "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
		  "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
		  "\xef\xbf\xbd\",\"x\":1}\n");
	free(c.buf);
}

UNIT_TEST(json_quote_invalid_utf8_replaced)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	bct_json_quote(f, "\xff\xc3\xa9\xc3", 4);
	fclose(f);
	CHECK_STR(buf, "\"\xef\xbf\xbd\xc3\xa9\xef\xbf\xbd\"");
	free(buf);
}

/* C1 controls and U+2028/U+2029 are line ends to some readers (Python's splitlines()) */
UNIT_TEST(out_json_line_separators_escaped)
{
	char *buf = NULL;
	size_t len = 0;
	struct capture c;
	FILE *f;

	CHECK_STR(one_str(&c, true,
			  "a\xc2\x85"
			  "b\xe2\x80\xa8\xe2\x80\xa9\xc2\xa0",
			  99),
		  "{\"name\":\"a\\u0085b\\u2028\\u2029\xc2\xa0"
		  "\",\"x\":1}\n");
	free(c.buf);
	f = open_memstream(&buf, &len);
	bct_json_quote(f, "\xc2\x9b\xe2\x80\xa8\xe2\x80\xa7", 8);
	fclose(f);
	CHECK_STR(buf, "\"\\u009b\\u2028\xe2\x80\xa7\"");
	free(buf);
}

UNIT_TEST(out_text_control_characters_escaped)
{
	struct capture c;

	/* a terminal title sequence and a newline: one row, nothing for the terminal */
	CHECK_STR(one_str(&c, false, "x\e]0;PWNED\a", 99), "x\\033]0;PWNED\\007 1\n");
	free(c.buf);
	CHECK_STR(one_str(&c, false, "a\nb", 99), "a\\012b 1\n");
	free(c.buf);
	/* a backslash, so that an escape cannot be faked; DEL; a C1 control (CSI) */
	CHECK_STR(one_str(&c, false, "\\\x7f\xc2\x9b", 99), "\\134\\177\\302\\233 1\n");
	free(c.buf);
	/* invalid UTF-8 escaped, valid UTF-8 as it is, padding by what is printed */
	CHECK_STR(one_str(&c, false, "\xff\xc3\xa9", 99), "\\377\xc3\xa9 1\n");
	free(c.buf);
	CHECK_STR(one_str(&c, false, "ab", 99), "ab     1\n");
	free(c.buf);
}

UNIT_TEST(out_text_escaped_column_keeps_its_backslashes)
{
	static const struct bct_col esc_cols[] = {
		{ "ARGS", "args", 0, BCT_COL_STR, BCT_COL_LEFT | BCT_COL_ESCAPED, 0 },
		{ NULL },
	};
	struct bct_out_opts oo = { .cols = esc_cols };
	struct capture c;
	struct bct_out *o;

	c.f = open_memstream(&c.buf, &c.len);
	oo.file = c.f;
	o = bct_out__new(&oo);
	/* the tool's own \" and \n stay; a raw control byte is still escaped */
	bct_out__str(o, "\"say \\\"hi\\\"\" \"two\\nlines\"\e");
	CHECK_INT(bct_out__end(o), 0);
	CHECK_STR(close_out(&c, o), "\"say \\\"hi\\\"\" \"two\\nlines\"\\033\n");
	free(c.buf);
}
