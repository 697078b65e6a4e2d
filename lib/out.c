// SPDX-License-Identifier: Apache-2.0
/* One column description, two renderings: BCC's fixed-width text and NDJSON. */
#include <errno.h>
#include <math.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "out.h"
#include "util.h"

#define STDOUT_BUF (64 * 1024)

struct bct_out {
	FILE *file;
	const struct bct_col *cols;
	bool *shown;
	size_t ncols;
	bool json;
	const char *sep;
	size_t col; /* next column of the row */
	bool any; /* a field was written in this row */
	bool glue; /* text: the last column written has BCT_COL_GLUE (no separator follows) */
	const struct bct_col *fcol; /* the row's BCT_COL_FIELDS column, while it is filled */
	bool fany; /* a field was written in fcol */
	bool group, gany; /* in a group; a field was written in it */
	char *line;
	size_t len, cap;
	bool failed;
	uint64_t rows;
};

static char stdout_buf[STDOUT_BUF];
static bool stdout_set; /* a second table on stdout keeps the buffering set by the first */

void bct_out__bulk_stdout(void)
{
	static char bulk[1 << 20]; /* glibc ignores the size of a buffer it allocates itself */

	if (isatty(STDOUT_FILENO))
		return;
	stdout_set = true;
	fflush(stdout);
	setvbuf(stdout, bulk, _IOFBF, sizeof(bulk));
}

struct bct_out *bct_out__new(const struct bct_out_opts *opts)
{
	struct bct_out *o;
	size_t i;

	if (!opts || !opts->cols) {
		errno = EINVAL;
		return NULL;
	}
	o = calloc(1, sizeof(*o));
	if (!o)
		return NULL;
	o->file = opts->file ? opts->file : stdout;
	o->cols = opts->cols;
	o->json = opts->json;
	o->sep = opts->sep ? opts->sep : " ";
	while (o->cols[o->ncols].name)
		o->ncols++;
	o->shown = calloc(o->ncols + 1, sizeof(*o->shown));
	o->cap = 256;
	o->line = malloc(o->cap);
	if (!o->shown || !o->line) {
		bct_out__free(o);
		errno = ENOMEM;
		return NULL;
	}
	for (i = 0; i < o->ncols; i++)
		o->shown[i] = !(o->cols[i].flags & BCT_COL_HIDDEN);
	if (o->file == stdout && !stdout_set) {
		stdout_set = true;
		if (isatty(STDOUT_FILENO))
			setvbuf(stdout, NULL, _IOLBF, 0);
		else
			setvbuf(stdout, stdout_buf, _IOFBF, sizeof(stdout_buf));
	}
	return o;
}

void bct_out__free(struct bct_out *o)
{
	if (!o)
		return;
	free(o->shown);
	free(o->line);
	free(o);
}

bool bct_out__json(const struct bct_out *o)
{
	return o && o->json;
}

int bct_out__show(struct bct_out *o, const char *key, bool show)
{
	size_t i;

	for (i = 0; i < o->ncols; i++) {
		if (!strcmp(o->cols[i].key, key)) {
			o->shown[i] = show;
			return 0;
		}
	}
	return -ENOENT;
}

static bool visible(const struct bct_out *o, size_t i)
{
	unsigned int f = o->cols[i].flags;

	if (o->json)
		return !(f & BCT_COL_TEXT_ONLY) && (o->shown[i] || (f & BCT_COL_JSON_ONLY));
	return o->shown[i] && !(f & BCT_COL_JSON_ONLY);
}

/* --- the line buffer ------------------------------------------------------------------------ */

static bool reserve(struct bct_out *o, size_t n)
{
	char *nl;
	size_t nc;

	if (o->len + n <= o->cap)
		return true;
	nc = (o->len + n) * 2;
	nl = realloc(o->line, nc);
	if (!nl) {
		o->failed = true;
		return false;
	}
	o->line = nl;
	o->cap = nc;
	return true;
}

static void put(struct bct_out *o, const char *s, size_t n)
{
	if (!reserve(o, n))
		return;
	memcpy(o->line + o->len, s, n);
	o->len += n;
}

static void pad(struct bct_out *o, size_t n)
{
	if (!reserve(o, n))
		return;
	memset(o->line + o->len, ' ', n);
	o->len += n;
}

/* U+FFFD, which JSON output puts in place of each byte that is not part of valid UTF-8. */
#define REPLACEMENT "\xef\xbf\xbd"

static void put_json_str(struct bct_out *o, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, k;

	if (!reserve(o, n * 6 + 2))
		return;
	o->line[o->len++] = '"';
	for (i = 0; i < n; i++) {
		unsigned char c = s[i];
		char *d = o->line + o->len;

		switch (c) {
		case '"':
		case '\\':
			d[0] = '\\';
			d[1] = c;
			o->len += 2;
			break;
		case '\n':
			memcpy(d, "\\n", 2);
			o->len += 2;
			break;
		case '\t':
			memcpy(d, "\\t", 2);
			o->len += 2;
			break;
		case '\r':
			memcpy(d, "\\r", 2);
			o->len += 2;
			break;
		default:
			if (c < 0x20 || c == 0x7f) {
				memcpy(d, "\\u00", 4);
				d[4] = hex[c >> 4];
				d[5] = hex[c & 15];
				o->len += 6;
			} else if (c < 0x80) {
				*d = c;
				o->len++;
			} else if ((k = bct_utf8_len(s + i, n - i)) && bct_json_raw_ok(s + i, k)) {
				memcpy(d, s + i, k);
				o->len += k;
				i += k - 1;
			} else if (k) {
				/* C1 controls, U+2028 and U+2029 as \uXXXX */
				o->len += snprintf(d, 7, "\\u%04x", bct_utf8_cp(s + i, k));
				i += k - 1;
			} else {
				memcpy(d, REPLACEMENT, 3);
				o->len += 3;
			}
		}
	}
	o->line[o->len++] = '"';
}

/*
 * Text: the length of the next character of s[0..n) as printed (*raw: as read). Control
 * characters (C0, DEL and C1), backslashes and bytes that are not valid UTF-8 are printed as
 * a backslash and three octal digits (ESC as \033, a newline as \012, a backslash as \134),
 * as ls -b does, so that traced data neither splits a row nor drives the terminal.
 */
static size_t text_char(const char *s, size_t n, bool backslash, size_t *raw, bool *esc)
{
	unsigned char c = s[0];
	size_t k;

	*esc = false;
	*raw = 1;
	if (c < 0x20 || c == 0x7f || (c == '\\' && backslash)) {
		*esc = true;
		return 4;
	}
	if (c < 0x80)
		return 1;
	k = bct_utf8_len(s, n);
	/* U+0080..U+009F, the C1 controls, are 0xc2 0x80..0x9f. */
	if (!k || (c == 0xc2 && (unsigned char)s[1] < 0xa0)) {
		*esc = true;
		return 4;
	}
	*raw = k;
	return k;
}

static size_t text_len(const char *s, size_t n, bool backslash)
{
	size_t i, raw, len = 0;
	bool esc;

	for (i = 0; i < n; i += raw)
		len += text_char(s + i, n - i, backslash, &raw, &esc);
	return len;
}

/* backslash: whether backslashes are escaped too (not in a BCT_COL_ESCAPED column) */
static void put_text(struct bct_out *o, const char *s, size_t n, bool backslash)
{
	size_t i, raw, k;
	bool esc;

	for (i = 0; i < n; i += raw) {
		unsigned char c = s[i];

		k = text_char(s + i, n - i, backslash, &raw, &esc);
		if (!reserve(o, k))
			return;
		if (esc) {
			char *d = o->line + o->len;

			d[0] = '\\';
			d[1] = '0' + (c >> 6);
			d[2] = '0' + ((c >> 3) & 7);
			d[3] = '0' + (c & 7);
		} else {
			memcpy(o->line + o->len, s + i, k);
		}
		o->len += k;
	}
}

/* Starts the next visible field; returns its column, or NULL when it is not shown. */
static const struct bct_col *field(struct bct_out *o)
{
	size_t i = o->col++;
	const struct bct_col *c;

	if (i >= o->ncols || !visible(o, i))
		return NULL;
	c = &o->cols[i];
	if (o->json) {
		put(o, o->any ? ",\"" : "{\"", 2);
		put(o, c->key, strlen(c->key));
		put(o, "\":", 2);
	} else if (o->any && !o->glue) {
		put(o, o->sep, strlen(o->sep));
	}
	o->any = true;
	o->glue = c->flags & BCT_COL_GLUE;
	return c;
}

/* Text: s, escaped, padded to the column's width. */
static void put_cell(struct bct_out *o, const struct bct_col *c, const char *s, size_t n)
{
	bool backslash = !(c->flags & BCT_COL_ESCAPED);
	size_t w = c->width > 0 ? (size_t)c->width : 0, len = text_len(s, n, backslash);

	if (len < w && !(c->flags & BCT_COL_LEFT))
		pad(o, w - len);
	put_text(o, s, n, backslash);
	if (len < w && (c->flags & BCT_COL_LEFT))
		pad(o, w - len);
}

/* Digits of v, right-aligned in the end of buf; returns the start. */
static char *utoa(uint64_t v, char *end)
{
	do {
		*--end = '0' + v % 10;
		v /= 10;
	} while (v);
	return end;
}

static void put_unsigned(struct bct_out *o, const struct bct_col *c, uint64_t v)
{
	char buf[40], *end = buf + sizeof(buf), *s;

	if (o->json) {
		s = utoa(v, end);
		put(o, s, end - s);
		return;
	}
	switch (c->type) {
	case BCT_COL_OCTAL:
		s = end;
		do {
			*--s = '0' + (v & 7);
			v >>= 3;
		} while (v);
		while (end - s < c->prec && s > buf)
			*--s = '0';
		break;
	case BCT_COL_HEX:
		s = end;
		do {
			*--s = "0123456789abcdef"[v & 15];
			v >>= 4;
		} while (v);
		*--s = 'x';
		*--s = '0';
		break;
	default:
		s = utoa(v, end);
	}
	put_cell(o, c, s, end - s);
}

void bct_out__int(struct bct_out *o, int64_t v)
{
	const struct bct_col *c = field(o);
	char buf[32], *end = buf + sizeof(buf), *s;

	if (!c)
		return;
	if (v >= 0 && (c->type == BCT_COL_OCTAL || c->type == BCT_COL_HEX)) {
		put_unsigned(o, c, v);
		return;
	}
	s = utoa(v < 0 ? -(uint64_t)v : (uint64_t)v, end);
	if (v < 0)
		*--s = '-';
	if (o->json)
		put(o, s, end - s);
	else
		put_cell(o, c, s, end - s);
}

void bct_out__uint(struct bct_out *o, uint64_t v)
{
	const struct bct_col *c = field(o);

	if (c)
		put_unsigned(o, c, v);
}

void bct_out__strn(struct bct_out *o, const char *s, size_t maxlen)
{
	const struct bct_col *c = field(o);
	size_t n;

	if (!c)
		return;
	if (!s)
		s = "";
	n = strnlen(s, maxlen);
	if (o->json)
		put_json_str(o, s, n);
	else
		put_cell(o, c, s, n);
}

void bct_out__mem(struct bct_out *o, const char *s, size_t n)
{
	const struct bct_col *c = field(o);

	if (!c)
		return;
	if (o->json)
		put_json_str(o, s ? s : "", s ? n : 0);
	else
		put_cell(o, c, s ? s : "", s ? n : 0);
}

void bct_out__str(struct bct_out *o, const char *s)
{
	bct_out__strn(o, s, (size_t)-1);
}

void bct_out__double(struct bct_out *o, double v)
{
	const struct bct_col *c = field(o);
	char buf[64];
	int n;

	if (!c)
		return;
	if (o->json && !isfinite(v)) {
		put(o, "null", 4);
		return;
	}
	n = snprintf(buf, sizeof(buf), "%.*f", c->prec, v);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	if (o->json)
		put(o, buf, n);
	else
		put_cell(o, c, buf, n);
}

void bct_out__none(struct bct_out *o)
{
	if (o->json)
		o->col++;
	else
		bct_out__str(o, "-");
}

/* --- varying fields ------------------------------------------------------------------------- */

void bct_out__fields(struct bct_out *o)
{
	size_t i = o->col++;

	o->fcol = NULL;
	if (i >= o->ncols || !visible(o, i) || o->cols[i].type != BCT_COL_FIELDS)
		return;
	o->fcol = &o->cols[i];
	o->fany = false;
	o->group = false;
}

/* Starts one field: its key in JSON, the separator and label in text; false when not shown. */
static bool field_start(struct bct_out *o, const char *key, const char *label)
{
	if (!o->fcol)
		return false;
	if (o->json) {
		if (!o->group)
			put(o, o->any ? "," : "{", 1);
		else if (o->gany)
			put(o, ",", 1);
		put_json_str(o, key, strlen(key));
		put(o, ":", 1);
	} else {
		if (o->group && o->gany)
			put(o, " ", 1);
		else if (o->fany)
			put(o, "  ", 2);
		else if (o->any && !o->glue)
			put(o, o->sep, strlen(o->sep));
		if (label) {
			put(o, label, strlen(label));
			put(o, " ", 1);
		}
	}
	o->any = o->fany = true;
	o->glue = false;
	if (o->group)
		o->gany = true;
	return true;
}

void bct_out__field_str(struct bct_out *o, const char *key, const char *label, const char *s)
{
	if (!field_start(o, key, label))
		return;
	if (!s)
		s = "";
	if (o->json)
		put_json_str(o, s, strlen(s));
	else
		put_text(o, s, strlen(s), true);
}

void bct_out__field_int(struct bct_out *o, const char *key, const char *label, int64_t v)
{
	char buf[32], *end = buf + sizeof(buf), *s;

	if (!field_start(o, key, label))
		return;
	s = utoa(v < 0 ? -(uint64_t)v : (uint64_t)v, end);
	if (v < 0)
		*--s = '-';
	put(o, s, end - s);
}

void bct_out__field_uint(struct bct_out *o, const char *key, const char *label, uint64_t v,
			 const char *unit)
{
	char buf[32], *end = buf + sizeof(buf), *s;

	if (!field_start(o, key, label))
		return;
	s = utoa(v, end);
	put(o, s, end - s);
	if (!o->json && unit)
		put(o, unit, strlen(unit));
}

void bct_out__group_open(struct bct_out *o, const char *key)
{
	if (!o->fcol || o->group)
		return;
	if (o->json) {
		put(o, o->any ? "," : "{", 1);
		put_json_str(o, key, strlen(key));
		put(o, ":{", 2);
		o->any = true;
	}
	o->group = true;
	o->gany = false;
}

void bct_out__group_close(struct bct_out *o)
{
	if (!o->group)
		return;
	if (o->json)
		put(o, "}", 1);
	o->group = false;
}

static int write_error(struct bct_out *o)
{
	int err = errno ? -errno : -EIO;

	if (err == -EPIPE)
		return err; /* the reader is gone: a clean stop, for the caller to make */
	if (!o || !o->failed)
		pr_err("cannot write output: %s", strerror(-err));
	if (o)
		o->failed = true;
	return err;
}

/* Writes the line buffer to the file and empties it. */
static int write_line(struct bct_out *o)
{
	errno = 0;
	if (fwrite(o->line, 1, o->len, o->file) != o->len) {
		o->len = 0;
		return write_error(o);
	}
	o->len = 0;
	return 0;
}

int bct_out__end(struct bct_out *o)
{
	if (o->json) {
		if (!o->any)
			put(o, "{", 1);
		put(o, "}\n", 2);
	} else {
		put(o, "\n", 1);
	}
	o->col = 0;
	o->any = false;
	o->glue = false;
	o->fcol = NULL;
	o->group = false;
	o->rows++;
	return write_line(o);
}

int bct_out__header(struct bct_out *o)
{
	size_t i;

	if (o->json)
		return 0;
	o->len = 0;
	o->any = false;
	for (i = 0; i < o->ncols; i++) {
		const struct bct_col *c = &o->cols[i];

		if (!visible(o, i))
			continue;
		if (o->any && !o->glue)
			put(o, o->sep, strlen(o->sep));
		o->any = true;
		o->glue = c->flags & BCT_COL_GLUE;
		put_cell(o, c, c->name, strlen(c->name));
	}
	o->any = false;
	o->glue = false;
	put(o, "\n", 1);
	return write_line(o);
}

int bct_out__text(struct bct_out *o, const char *line)
{
	if (o->json)
		return 0;
	o->len = 0;
	put_text(o, line, strlen(line), true);
	put(o, "\n", 1);
	return write_line(o);
}

int bct_out__flush(struct bct_out *o)
{
	FILE *f = o ? o->file : stdout;
	int before = errno;

	errno = 0;
	if (fflush(f) == EOF)
		return write_error(o);
	if (!ferror(f))
		return 0;
	/* a write that failed before, its buffer already dropped: its errno, if still set */
	errno = before;
	return write_error(o);
}

int bct_out__settle(int err)
{
	if (err != -EPIPE)
		return err;
	__fpurge(stdout);
	clearerr(stdout);
	return 0;
}

void bct_out_lost(void *out, uint64_t lost)
{
	struct bct_out *o = out;
	char buf[64];
	int n;

	if (!o || !o->json) {
		pr_warn("Possibly lost %llu events", (unsigned long long)lost);
		return;
	}
	n = snprintf(buf, sizeof(buf), "{\"lost_events\":%llu}\n", (unsigned long long)lost);
	errno = 0;
	if (fwrite(buf, 1, n, o->file) != (size_t)n)
		write_error(o);
}

uint64_t bct_out__rows(const struct bct_out *o)
{
	return o ? o->rows : 0;
}
