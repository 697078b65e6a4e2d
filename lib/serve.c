// SPDX-License-Identifier: Apache-2.0
/* bcctool serve's exposition: exact histogram buckets, counters, text 0.0.4 and OpenMetrics. */
#include <inttypes.h>
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

void bct_serve_number(char *buf, size_t sz, uint64_t n, const struct bct_serve_unit *u, bool om)
{
	unsigned __int128 v = (unsigned __int128)n * u->mult;
	char digits[64];
	size_t len = 0, i, end, point;

	do {
		digits[len++] = (char)('0' + (int)(v % 10));
		v /= 10;
	} while (v);
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

/* A label value, escaped as both formats want (backslash, double quote, newline). */
static void put_value(FILE *out, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fputc('\\', out);
		if (*v == '\n') {
			fputs("\\n", out);
			continue;
		}
		fputc(*v, out);
	}
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

static void labels_open(struct bct_expo *e, const char *name, const char *suffix, const char *label,
			const char *value)
{
	fprintf(e->out, "%s%s", name, suffix);
	if (label) {
		fprintf(e->out, "{%s=\"", label);
		put_value(e->out, value);
		fputc('"', e->out);
	}
}

void bct_expo_hist(struct bct_expo *e, const char *name, const char *label, const char *value,
		   const uint64_t *slots, size_t nslots, bool linear, uint64_t sum,
		   const struct bct_serve_unit *u)
{
	uint64_t count = 0, cum = 0;
	size_t i, first = linear ? 0 : 1, last = 0, bounded;
	char num[80];

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
	for (i = first; i < last; i++) {
		uint64_t le = linear ? i : (i >= 64 ? UINT64_MAX : (1ULL << i) - 1);

		cum += slots[i];
		bct_serve_number(num, sizeof(num), le, u, e->om);
		labels_open(e, name, "_bucket", label ? label : "le", label ? value : num);
		if (label)
			fprintf(e->out, ",le=\"%s\"", num);
		fprintf(e->out, "} %" PRIu64 "\n", cum);
	}
	labels_open(e, name, "_bucket", label ? label : "le", label ? value : "+Inf");
	if (label)
		fputs(",le=\"+Inf\"", e->out);
	fprintf(e->out, "} %" PRIu64 "\n", count);
	bct_serve_number(num, sizeof(num), sum, u, false);
	labels_open(e, name, "_sum", label, value);
	fprintf(e->out, "%s %s\n", label ? "}" : "", num);
	labels_open(e, name, "_count", label, value);
	fprintf(e->out, "%s %" PRIu64 "\n", label ? "}" : "", count);
}

void bct_expo_sample(struct bct_expo *e, const char *name, const char *const *labels,
		     const char *value)
{
	size_t i;

	if (e->max_series && e->series + 1 > e->max_series) {
		e->dropped++;
		return;
	}
	e->series++;
	fputs(name, e->out);
	for (i = 0; labels && labels[i]; i += 2) {
		fprintf(e->out, "%s%s=\"", i ? "," : "{", labels[i]);
		put_value(e->out, labels[i + 1]);
		fputc('"', e->out);
	}
	fprintf(e->out, "%s %s\n", labels && labels[0] ? "}" : "", value);
}

void bct_expo_end(struct bct_expo *e)
{
	if (e->om)
		fputs("# EOF\n", e->out);
}
