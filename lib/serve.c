// SPDX-License-Identifier: Apache-2.0
/* bcctool serve's exposition: exact histogram buckets, counters, text 0.0.4 and OpenMetrics. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "serve.h"

struct bct_serve_unit bct_serve_unit(const char *unit)
{
	static const struct {
		const char *name;
		struct bct_serve_unit u;
	} units[] = {
		{ "nsecs", { "seconds", 1, 9 } }, { "usecs", { "seconds", 1, 6 } },
		{ "msecs", { "seconds", 1, 3 } }, { "secs", { "seconds", 1, 0 } },
		{ "bytes", { "bytes", 1, 0 } },	  { "kbytes", { "bytes", 1024, 0 } },
	};
	struct bct_serve_unit none = { NULL, 1, 0 };
	size_t i;

	for (i = 0; unit && i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcasecmp(unit, units[i].name))
			return units[i].u;
	return none;
}

/* n x mult in digits, reversed; the 128-bit division only when the product needs it. */
static size_t digits_of(char *digits, uint64_t n, uint64_t mult)
{
	size_t len = 0;

	if (mult == 1 || n <= UINT64_MAX / mult) {
		uint64_t v = n * mult;

		do {
			digits[len++] = (char)('0' + (int)(v % 10));
			v /= 10;
		} while (v);
	} else {
		unsigned __int128 v = (unsigned __int128)n * mult;

		do {
			digits[len++] = (char)('0' + (int)(v % 10));
			v /= 10;
		} while (v);
	}
	return len;
}

void bct_serve_number(char *buf, size_t sz, uint64_t n, const struct bct_serve_unit *u, bool om)
{
	char digits[64];
	size_t len = digits_of(digits, n, u->mult), i, end, point;

	while (len <= u->decimals)
		digits[len++] = '0';
	/* digits are reversed: the integer part is digits[len-1 .. decimals] */
	end = 0;
	while (end < u->decimals && digits[end] == '0')
		end++; /* trailing zeros of the fraction */
	point = 0;
	for (i = len; i-- > u->decimals && point + 1 < sz;)
		buf[point++] = digits[i];
	if (end < u->decimals) {
		if (point + 1 < sz)
			buf[point++] = '.';
		for (i = u->decimals; i-- > end && point + 1 < sz;)
			buf[point++] = digits[i];
	} else if (om && point + 2 < sz) {
		buf[point++] = '.';
		buf[point++] = '0';
	}
	buf[point] = '\0';
}

/*
 * Lines are put together in a local buffer and written in blocks: a scrape writes tens of
 * thousands of short lines, and stdio's per-call cost (a lock, a format parse) dominated it.
 */
struct lbuf {
	FILE *out;
	size_t len;
	char b[4096];
};

static void lb_flush(struct lbuf *l)
{
	if (l->len)
		fwrite(l->b, 1, l->len, l->out);
	l->len = 0;
}

static void lb_put(struct lbuf *l, const char *s, size_t n)
{
	if (l->len + n > sizeof(l->b)) {
		lb_flush(l);
		if (n > sizeof(l->b)) {
			fwrite(s, 1, n, l->out);
			return;
		}
	}
	memcpy(l->b + l->len, s, n);
	l->len += n;
}

static void lb_str(struct lbuf *l, const char *s)
{
	lb_put(l, s, strlen(s));
}

static void lb_u64(struct lbuf *l, uint64_t v)
{
	char d[24], r[24];
	size_t n = digits_of(d, v, 1), i;

	for (i = 0; i < n; i++)
		r[i] = d[n - 1 - i];
	lb_put(l, r, n);
}

/* A label value, escaped as both formats want (backslash, double quote, newline). */
static void lb_value(struct lbuf *l, const char *v)
{
	const char *run = v;

	for (; *v; v++) {
		if (*v != '\\' && *v != '"' && *v != '\n')
			continue;
		lb_put(l, run, (size_t)(v - run));
		lb_put(l, *v == '\n' ? "\\n" : *v == '"' ? "\\\"" : "\\\\", 2);
		run = v + 1;
	}
	lb_put(l, run, (size_t)(v - run));
}

void bct_expo_family(struct bct_expo *e, const char *name, const char *type, const char *help)
{
	size_t len = strlen(name);

	/* OpenMetrics names a counter's family without its _total */
	if (e->om && !strcmp(type, "counter") && len > 6 && !strcmp(name + len - 6, "_total"))
		len -= 6;
	fprintf(e->out, "# HELP %.*s %s\n# TYPE %.*s %s\n", (int)len, name, help, (int)len, name,
		type);
}

/* The le strings of a family's buckets, formatted once per unit and format. */
static const char *le_of(struct bct_expo *e, size_t i, bool linear, const struct bct_serve_unit *u,
			 char *tmp, size_t sz)
{
	uint64_t le = linear ? i : (i >= 64 ? UINT64_MAX : (1ULL << i) - 1);

	if (i >= BCT_EXPO_LE_CACHE) {
		bct_serve_number(tmp, sz, le, u, e->om);
		return tmp;
	}
	if (!e->le_ok || e->le_linear != linear || e->le_om != e->om || e->le_mult != u->mult ||
	    e->le_decimals != u->decimals) {
		e->le_ok = true;
		e->le_linear = linear;
		e->le_om = e->om;
		e->le_mult = u->mult;
		e->le_decimals = u->decimals;
		memset(e->le_done, 0, sizeof(e->le_done));
	}
	if (!e->le_done[i]) {
		bct_serve_number(e->le[i], sizeof(e->le[i]), le, u, e->om);
		e->le_done[i] = true;
	}
	return e->le[i];
}

/* Escapes v into dst (2 x strlen(v) bytes at most); returns the length. */
static size_t escape_into(char *dst, const char *v)
{
	size_t n = 0;

	for (; *v; v++) {
		if (*v == '\\' || *v == '"' || *v == '\n') {
			dst[n++] = '\\';
			dst[n++] = *v == '\n' ? 'n' : *v;
			continue;
		}
		dst[n++] = *v;
	}
	return n;
}

void bct_expo_hist(struct bct_expo *e, const char *name, const char *label, const char *value,
		   const uint64_t *slots, size_t nslots, bool linear, uint64_t sum,
		   const struct bct_serve_unit *u)
{
	uint64_t count = 0, cum = 0;
	size_t i, first = linear ? 0 : 1, last = 0, bounded, nlen, need, plen, llen = 0;
	char num[80], stack[1024], *pre;
	struct lbuf l;

	/* the last slot takes everything beyond it: only +Inf bounds it */
	bounded = nslots ? nslots - 1 : 0;
	for (i = 0; i < nslots; i++) {
		count += slots[i];
		if (slots[i] && i < bounded)
			last = i + 1;
	}
	if (last < first)
		last = first;
	if (e->max_series && e->series + (last - first) + 3 > e->max_series) {
		e->dropped += (last - first) + 3;
		return;
	}
	e->series += (last - first) + 3;
	/* a bucket line's head, name_bucket{label="value",le=" put together once */
	nlen = strlen(name);
	need = nlen + 16 + (label ? strlen(label) + 2 * strlen(value) + 8 : 0);
	pre = need <= sizeof(stack) ? stack : malloc(need);
	if (!pre)
		return;
	memcpy(pre, name, nlen);
	memcpy(pre + nlen, "_bucket{", 8);
	plen = nlen + 8;
	if (label) {
		/* pre + nlen + 7 .. : {label="value", the _sum and _count lines' labels */
		llen = strlen(label);
		memcpy(pre + plen, label, llen);
		plen += llen;
		memcpy(pre + plen, "=\"", 2);
		plen += 2;
		plen += escape_into(pre + plen, value);
		pre[plen++] = '"';
		llen = plen - (nlen + 7);
		pre[plen++] = ',';
	}
	memcpy(pre + plen, "le=\"", 4);
	plen += 4;
	l.out = e->out;
	l.len = 0;
	for (i = first; i <= last; i++) {
		const char *le = i < last ? le_of(e, i, linear, u, num, sizeof(num)) : "+Inf";

		cum += i < last ? slots[i] : 0;
		lb_put(&l, pre, plen);
		lb_str(&l, le);
		lb_put(&l, "\"} ", 3);
		lb_u64(&l, i < last ? cum : count);
		lb_put(&l, "\n", 1);
	}
	bct_serve_number(num, sizeof(num), sum, u, false);
	lb_put(&l, name, nlen);
	lb_put(&l, "_sum", 4);
	if (label) {
		lb_put(&l, pre + nlen + 7, llen);
		lb_put(&l, "}", 1);
	}
	lb_put(&l, " ", 1);
	lb_str(&l, num);
	lb_put(&l, "\n", 1);
	lb_put(&l, name, nlen);
	lb_put(&l, "_count", 6);
	if (label) {
		lb_put(&l, pre + nlen + 7, llen);
		lb_put(&l, "}", 1);
	}
	lb_put(&l, " ", 1);
	lb_u64(&l, count);
	lb_put(&l, "\n", 1);
	lb_flush(&l);
	if (pre != stack)
		free(pre);
}

void bct_expo_sample(struct bct_expo *e, const char *name, const char *const *labels,
		     const char *value)
{
	struct lbuf l;
	size_t i;

	if (e->max_series && e->series + 1 > e->max_series) {
		e->dropped++;
		return;
	}
	e->series++;
	l.out = e->out;
	l.len = 0;
	lb_str(&l, name);
	for (i = 0; labels && labels[i]; i += 2) {
		lb_put(&l, i ? "," : "{", 1);
		lb_str(&l, labels[i]);
		lb_put(&l, "=\"", 2);
		lb_value(&l, labels[i + 1]);
		lb_put(&l, "\"", 1);
	}
	if (labels && labels[0])
		lb_put(&l, "}", 1);
	lb_put(&l, " ", 1);
	lb_str(&l, value);
	lb_put(&l, "\n", 1);
	lb_flush(&l);
}

void bct_expo_end(struct bct_expo *e)
{
	if (e->om)
		fputs("# EOF\n", e->out);
}
