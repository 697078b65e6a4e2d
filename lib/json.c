// SPDX-License-Identifier: Apache-2.0
/* A tiny streaming NDJSON writer: one call per field, escaping done here once. */
#include <inttypes.h>
#include <string.h>

#include "json.h"
#include "util.h"

/*
 * Bytes that are not part of valid UTF-8 are written as U+FFFD: the output is always UTF-8.
 * The C1 controls (U+0080..U+009F), U+2028 and U+2029 are escaped: line splitters (Python's
 * str.splitlines(), JavaScript) take them for line ends.
 */
void bct_json_quote(FILE *out, const char *s, size_t len)
{
	size_t i, k;

	fputc('"', out);
	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		switch (c) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		default:
			if (c < 0x20 || c == 0x7f) {
				fprintf(out, "\\u%04x", c);
			} else if (c < 0x80) {
				fputc(c, out);
			} else if ((k = bct_utf8_len(s + i, len - i)) &&
				   bct_json_raw_ok(s + i, k)) {
				fwrite(s + i, 1, k, out);
				i += k - 1;
			} else if (k) {
				fprintf(out, "\\u%04x", bct_utf8_cp(s + i, k));
				i += k - 1;
			} else {
				fputs("\xef\xbf\xbd", out);
			}
		}
	}
	fputc('"', out);
}

static void key(struct bct_json *j, const char *k)
{
	if (!j->first[j->depth])
		fputc(',', j->out);
	j->first[j->depth] = false;
	if (k) {
		bct_json_quote(j->out, k, strlen(k));
		fputc(':', j->out);
	}
}

static void open(struct bct_json *j, const char *k, char c)
{
	key(j, k);
	fputc(c, j->out);
	if (j->depth < BCT_JSON_MAX_DEPTH - 1)
		j->depth++;
	j->first[j->depth] = true;
}

static void close_(struct bct_json *j, char c)
{
	fputc(c, j->out);
	if (j->depth > 0)
		j->depth--;
}

void bct_json_begin(struct bct_json *j, FILE *out)
{
	j->out = out;
	j->depth = 0;
	fputc('{', out);
	j->first[0] = true;
}

void bct_json_end(struct bct_json *j)
{
	fputs("}\n", j->out);
}

void bct_json_strn(struct bct_json *j, const char *k, const char *val, size_t len)
{
	key(j, k);
	bct_json_quote(j->out, val, len);
}

void bct_json_str(struct bct_json *j, const char *k, const char *val)
{
	if (!val) {
		bct_json_null(j, k);
		return;
	}
	bct_json_strn(j, k, val, strlen(val));
}

void bct_json_int(struct bct_json *j, const char *k, int64_t val)
{
	key(j, k);
	fprintf(j->out, "%" PRId64, val);
}

void bct_json_uint(struct bct_json *j, const char *k, uint64_t val)
{
	key(j, k);
	fprintf(j->out, "%" PRIu64, val);
}

void bct_json_double(struct bct_json *j, const char *k, double val)
{
	key(j, k);
	fprintf(j->out, "%.9f", val);
}

void bct_json_bool(struct bct_json *j, const char *k, bool val)
{
	key(j, k);
	fputs(val ? "true" : "false", j->out);
}

void bct_json_null(struct bct_json *j, const char *k)
{
	key(j, k);
	fputs("null", j->out);
}

void bct_json_obj_open(struct bct_json *j, const char *k)
{
	open(j, k, '{');
}

void bct_json_obj_close(struct bct_json *j)
{
	close_(j, '}');
}

void bct_json_arr_open(struct bct_json *j, const char *k)
{
	open(j, k, '[');
}

void bct_json_arr_close(struct bct_json *j)
{
	close_(j, ']');
}
