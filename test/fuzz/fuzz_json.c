// SPDX-License-Identifier: Apache-2.0
/*
 * Text and JSON escaping of traced strings (lib/json.h bct_json_quote, lib/out.h columns):
 * whatever the bytes, the output is valid UTF-8 without a raw control character (C0, DEL,
 * C1; in JSON U+2028 and U+2029 neither); JSON is one well-formed string per value; a text
 * row is one line.
 */
#include "fuzz.h"
#include "json.h"
#include "out.h"

/* The length of the strict UTF-8 sequence at s (RFC 3629), 0 when invalid; own code on purpose. */
static size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len, i;
	uint32_t c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0)
		len = 2, c = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		len = 3, c = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		len = 4, c = s[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((len == 2 && c < 0x80) || (len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* Valid UTF-8 with no control character (C0, DEL, C1); newlines allowed where nl. */
static void check_clean(const char *buf, size_t n, bool json, bool nl)
{
	const unsigned char *s = (const unsigned char *)buf;
	uint32_t cp;
	size_t i, k;

	for (i = 0; i < n; i += k) {
		k = utf8_seq(s + i, n - i, &cp);
		FUZZ_ASSERT(k);
		if (cp == '\n' && nl)
			continue;
		FUZZ_ASSERT(cp >= 0x20 && cp != 0x7f);
		/* C1 controls; in JSON U+2028 and U+2029 too, line ends to some readers */
		FUZZ_ASSERT(cp < 0x80 || cp > 0x9f);
		if (json)
			FUZZ_ASSERT(cp != 0x2028 && cp != 0x2029);
	}
}

/* One JSON string at s: returns its length, quotes included; aborts when malformed. */
static size_t check_json_str(const char *s, size_t n)
{
	size_t i = 1;

	FUZZ_ASSERT(n >= 2 && s[0] == '"');
	while (i < n && s[i] != '"') {
		if (s[i] == '\\') {
			FUZZ_ASSERT(i + 1 < n);
			if (s[i + 1] == 'u') {
				FUZZ_ASSERT(i + 6 <= n);
				for (size_t h = 2; h < 6; h++)
					FUZZ_ASSERT(strchr("0123456789abcdefABCDEF", s[i + h]) &&
						    s[i + h]);
				i += 6;
			} else {
				FUZZ_ASSERT(strchr("\"\\/bfnrt", s[i + 1]) && s[i + 1]);
				i += 2;
			}
		} else {
			i++;
		}
	}
	FUZZ_ASSERT(i < n);
	return i + 1;
}

static const struct bct_col cols[] = {
	{ "PID", "pid", 6, BCT_COL_INT, BCT_COL_LEFT },
	{ "COMM", "comm", 16, BCT_COL_STR, BCT_COL_LEFT },
	{ "RAW", "raw", 4, BCT_COL_STR, BCT_COL_ESCAPED },
	{ "PATH", "path", 0, BCT_COL_STR, 0 },
	{ NULL },
};

/* One row through lib/out.c: text (json false) or NDJSON. */
static void check_row(const uint8_t *data, size_t size, bool json)
{
	struct bct_out_opts oo = { .cols = cols, .json = json };
	size_t len = 0, half = size / 2, i, nl = 0;
	struct bct_out *o;
	char *buf = NULL;
	FILE *f;

	f = open_memstream(&buf, &len);
	if (!f)
		return;
	oo.file = f;
	o = bct_out__new(&oo);
	if (!o) {
		fclose(f);
		free(buf);
		return;
	}
	bct_out__int(o, 42);
	bct_out__strn(o, (const char *)data, half);
	bct_out__strn(o, (const char *)data + half, size - half);
	bct_out__mem(o, (const char *)data, size);
	bct_out__end(o);
	bct_out__flush(o);
	bct_out__free(o);
	fclose(f);
	FUZZ_ASSERT(len && buf[len - 1] == '\n');
	for (i = 0; i < len; i++)
		nl += buf[i] == '\n';
	FUZZ_ASSERT(nl == 1);
	check_clean(buf, len - 1, json, false);
	if (json) {
		const char *keys[] = { "\"comm\":", "\"raw\":", "\"path\":" };
		const char *p;

		FUZZ_ASSERT(!strncmp(buf, "{\"pid\":42,", 10));
		p = buf + 10;
		for (i = 0; i < 3; i++) {
			FUZZ_ASSERT(!strncmp(p, keys[i], strlen(keys[i])));
			p += strlen(keys[i]);
			p += check_json_str(p, buf + len - p);
			FUZZ_ASSERT(*p == (i < 2 ? ',' : '}'));
			p++;
		}
		FUZZ_ASSERT(*p == '\n');
	}
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len = 0;
	char *buf = NULL;
	FILE *f;

	f = open_memstream(&buf, &len);
	if (!f)
		return 0;
	bct_json_quote(f, (const char *)data, size);
	fclose(f);
	FUZZ_ASSERT(check_json_str(buf, len) == len);
	check_clean(buf, len, true, false);
	free(buf);

	check_row(data, size, false);
	check_row(data, size, true);
	return 0;
}
