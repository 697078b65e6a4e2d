// SPDX-License-Identifier: Apache-2.0
/*
 * Flame graphs as one self-contained interactive SVG: see flame.h. The stacks are merged into
 * a tree (a child per distinct next frame), laid out depth-first with siblings in name order,
 * and written with a small script that fits labels to the measured text, zooms, and searches.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flame.h"
#include "log.h"

struct node {
	char *name;
	enum bct_flame_kind kind;
	uint64_t value;
	struct node **kids;
	size_t nkids, cap;
};

struct bct_flame {
	struct node root;
};

struct bct_flame *bct_flame_new(void)
{
	struct bct_flame *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->root.name = strdup("all");
	if (!f->root.name) {
		free(f);
		return NULL;
	}
	f->root.kind = BCT_FLAME_OTHER;
	return f;
}

static void node_free(struct node *n)
{
	size_t i;

	for (i = 0; i < n->nkids; i++) {
		node_free(n->kids[i]);
		free(n->kids[i]);
	}
	free(n->kids);
	free(n->name);
}

void bct_flame_free(struct bct_flame *f)
{
	if (!f)
		return;
	node_free(&f->root);
	free(f);
}

static struct node *node_child(struct node *n, const char *name, enum bct_flame_kind kind)
{
	struct node *c;
	size_t i;

	for (i = 0; i < n->nkids; i++)
		if (n->kids[i]->kind == kind && !strcmp(n->kids[i]->name, name))
			return n->kids[i];
	if (n->nkids == n->cap) {
		size_t cap = n->cap ? n->cap * 2 : 4;
		struct node **kids = realloc(n->kids, cap * sizeof(*kids));

		if (!kids)
			return NULL;
		n->kids = kids;
		n->cap = cap;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->name = strdup(name);
	if (!c->name) {
		free(c);
		return NULL;
	}
	c->kind = kind;
	n->kids[n->nkids++] = c;
	return c;
}

int bct_flame_add(struct bct_flame *f, const struct bct_flame_frame *frames, size_t n,
		  uint64_t value)
{
	struct node *at = &f->root;
	size_t i;

	/* the path is found (or made) first, so that a failure leaves no value half-added */
	for (i = 0; i < n; i++) {
		at = node_child(at, frames[i].name ? frames[i].name : "", frames[i].kind);
		if (!at)
			return -ENOMEM;
	}
	at = &f->root;
	at->value += value;
	for (i = 0; i < n; i++) {
		at = node_child(at, frames[i].name ? frames[i].name : "", frames[i].kind);
		at->value += value;
	}
	return 0;
}

static enum bct_flame_kind folded_kind(const char *name, size_t i)
{
	size_t len = strlen(name);

	if (i == 0)
		return BCT_FLAME_PROC;
	if (!strcmp(name, "-") || !strcmp(name, "--"))
		return BCT_FLAME_SEP;
	if (len > 4 && !strcmp(name + len - 4, "_[k]"))
		return BCT_FLAME_KERNEL;
	if (name[0] == '[')
		return BCT_FLAME_OTHER;
	return BCT_FLAME_USER;
}

int bct_flame_add_folded(struct bct_flame *f, const char *line)
{
	struct bct_flame_frame *frames = NULL;
	size_t n = 0, cap = 0, len = strlen(line);
	char *copy, *sp, *p, *end, *tok;
	unsigned long long v;
	int err;

	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	copy = strndup(line, len);
	if (!copy)
		return -ENOMEM;
	sp = strrchr(copy, ' ');
	if (!sp || sp == copy || !sp[1]) {
		free(copy);
		return -EINVAL;
	}
	errno = 0;
	v = strtoull(sp + 1, &end, 10);
	if (*end || errno || sp[1] == '-') {
		free(copy);
		return -EINVAL;
	}
	*sp = '\0';
	for (p = copy; p;) {
		tok = p;
		p = strchr(p, ';');
		if (p)
			*p++ = '\0';
		if (n == cap) {
			struct bct_flame_frame *grown;

			cap = cap ? cap * 2 : 32;
			grown = realloc(frames, cap * sizeof(*frames));
			if (!grown) {
				free(frames);
				free(copy);
				return -ENOMEM;
			}
			frames = grown;
		}
		frames[n].name = tok;
		frames[n].kind = folded_kind(tok, n);
		n++;
	}
	err = bct_flame_add(f, frames, n, v);
	free(frames);
	free(copy);
	return err;
}

uint64_t bct_flame_total(const struct bct_flame *f)
{
	return f->root.value;
}

/* --- layout ------------------------------------------------------------------------------- */

static int cmp_node(const void *a, const void *b)
{
	const struct node *x = *(const struct node *const *)a, *y = *(const struct node *const *)b;
	int c = strcmp(x->name, y->name);

	return c ? c : (int)x->kind - (int)y->kind;
}

struct layout {
	const struct bct_flame_opts *o;
	double plot, min_width;
	uint64_t total;
	int (*fn)(const struct bct_flame_box *b, void *ctx);
	void *ctx;
};

static int layout_node(struct layout *l, struct node *n, uint64_t start, unsigned int depth)
{
	struct bct_flame_box b = { .name = n->name,
				   .kind = n->kind,
				   .value = n->value,
				   .self = n->value,
				   .start = start,
				   .depth = depth };
	uint64_t at = start;
	size_t i;
	int err;

	b.x = BCT_FLAME_XPAD + (double)start * l->plot / (double)l->total;
	b.w = (double)n->value * l->plot / (double)l->total;
	if (b.w < l->min_width)
		return 0;
	for (i = 0; i < n->nkids; i++)
		b.self -= n->kids[i]->value;
	err = l->fn(&b, l->ctx);
	if (err)
		return err;
	/* sorting in place keeps the tree's meaning: the order is only the drawing's */
	if (n->nkids > 1)
		qsort(n->kids, n->nkids, sizeof(n->kids[0]), cmp_node);
	for (i = 0; i < n->nkids; i++) {
		err = layout_node(l, n->kids[i], at, depth + 1);
		if (err)
			return err;
		at += n->kids[i]->value;
	}
	return 0;
}

int bct_flame_layout(const struct bct_flame *f, const struct bct_flame_opts *o,
		     int (*fn)(const struct bct_flame_box *b, void *ctx), void *ctx)
{
	struct bct_flame_opts none = { 0 };
	struct layout l;

	if (!o)
		o = &none;
	l.o = o;
	l.plot = (double)((o->width ? o->width : BCT_FLAME_WIDTH) - 2 * BCT_FLAME_XPAD);
	l.min_width = o->min_width > 0 ? o->min_width : 0.1;
	l.total = f->root.value;
	l.fn = fn;
	l.ctx = ctx;
	if (!l.total)
		return 0;
	return layout_node(&l, (struct node *)&f->root, 0, 0);
}

/* --- escaping ----------------------------------------------------------------------------- */

/* The length of the UTF-8 sequence at s, or 0 when it is not one. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

size_t bct_flame_escape(const char *s, char *out, size_t sz)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = 0, written = 0, n, rl;
	bool full = !sz;
	char one[2] = { 0 };
	const char *rep, *src;

	while (*p) {
		n = 1;
		rep = NULL;
		switch (*p) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&apos;";
			break;
		default:
			if (*p < 0x20 || *p == 0x7f) {
				rep = "?";
			} else if (*p < 0x80) {
				one[0] = (char)*p;
				rep = one;
			} else {
				n = utf8_len(p);
				if (!n) {
					rep = "?";
					n = 1;
				}
			}
		}
		src = rep ? rep : (const char *)p;
		rl = rep ? strlen(rep) : n;
		/* whole entities and characters only: once one does not fit, nothing more */
		if (!full && written + rl < sz) {
			memcpy(out + written, src, rl);
			written += rl;
		} else {
			full = true;
		}
		len += rl;
		p += n;
	}
	if (sz)
		out[written] = '\0';
	return len;
}

static void put_escaped(FILE *out, const char *s)
{
	char buf[1024], *big;
	size_t need = bct_flame_escape(s, buf, sizeof(buf));

	if (need < sizeof(buf)) {
		fputs(buf, out);
		return;
	}
	big = malloc(need + 1);
	if (!big) {
		fputs(buf, out);
		return;
	}
	bct_flame_escape(s, big, need + 1);
	fputs(big, out);
	free(big);
}

/* --- the SVG ------------------------------------------------------------------------------ */

#define FONT_SIZE 12
#define CHAR_WIDTH (FONT_SIZE * 0.59) /* an estimate: the script measures the real text */
#define TOP 60 /* the title, subtitle and buttons */
#define BOTTOM 34 /* the details line */

static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* A colour by kind, varied by name so that neighbours differ and a function keeps its colour. */
static void frame_colour(const struct bct_flame_box *b, char *buf, size_t sz)
{
	uint32_t h = name_hash(b->name);
	double a = (h & 0xffff) / 65535.0, c = (h >> 16) / 65535.0;
	int r, g, bl;

	switch (b->kind) {
	case BCT_FLAME_USER: /* reds */
		r = 200 + (int)(55 * a);
		g = 50 + (int)(90 * c);
		bl = 45 + (int)(40 * c);
		break;
	case BCT_FLAME_KERNEL: /* oranges */
		r = 225 + (int)(30 * a);
		g = 135 + (int)(65 * c);
		bl = 20 + (int)(35 * a);
		break;
	case BCT_FLAME_PROC: /* blue-violets */
		r = 125 + (int)(45 * a);
		g = 135 + (int)(45 * c);
		bl = 205 + (int)(45 * a);
		break;
	case BCT_FLAME_SEP:
		r = g = bl = 205;
		break;
	default:
		r = g = bl = 175 + (int)(30 * a);
		break;
	}
	snprintf(buf, sz, "rgb(%d,%d,%d)", r, g, bl);
}

static const char *const kind_class[] = {
	[BCT_FLAME_OTHER] = "o",  [BCT_FLAME_PROC] = "p", [BCT_FLAME_USER] = "u",
	[BCT_FLAME_KERNEL] = "k", [BCT_FLAME_SEP] = "s",
};

struct svg {
	FILE *out;
	uint64_t total;
	const char *unit;
	unsigned int height;
	unsigned int max_depth;
};

static int max_depth_fn(const struct bct_flame_box *b, void *ctx)
{
	struct svg *s = ctx;

	if (b->depth > s->max_depth)
		s->max_depth = b->depth;
	return 0;
}

/* The static label: as much of the name as the estimate says fits, cut with "..". */
static void put_label(FILE *out, const char *name, double w)
{
	size_t fit = w > 6 ? (size_t)((w - 6) / CHAR_WIDTH) : 0, len = strlen(name), cut;
	char *copy;

	if (len <= fit) {
		put_escaped(out, name);
		return;
	}
	if (fit < 3)
		return;
	cut = fit - 2;
	/* not inside a UTF-8 sequence */
	while (cut > 0 && ((unsigned char)name[cut] & 0xc0) == 0x80)
		cut--;
	copy = strndup(name, cut);
	if (!copy)
		return;
	put_escaped(out, copy);
	fputs("..", out);
	free(copy);
}

static int frame_fn(const struct bct_flame_box *b, void *ctx)
{
	struct svg *s = ctx;
	double y = s->height - BOTTOM - (double)(b->depth + 1) * BCT_FLAME_FRAME_HEIGHT;
	char colour[48];

	frame_colour(b, colour, sizeof(colour));
	fprintf(s->out,
		"<g class=\"f %s\" data-v=\"%" PRIu64 "\" data-s=\"%" PRIu64
		"\" data-d=\"%u\"><title>",
		kind_class[b->kind], b->value, b->start, b->depth);
	put_escaped(s->out, b->name);
	fprintf(s->out, " (%" PRIu64 " %s, %.2f%%)</title>", b->value, s->unit,
		100.0 * (double)b->value / (double)s->total);
	fprintf(s->out,
		"<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%d\" rx=\"2\" ry=\"2\" "
		"fill=\"%s\"/><text x=\"%.2f\" y=\"%.1f\">",
		b->x, y, b->w, BCT_FLAME_FRAME_HEIGHT - 1, colour, b->x + 3, y + 11.5);
	put_label(s->out, b->name, b->w);
	fputs("</text></g>\n", s->out);
	return 0;
}

static const char style[] =
	"text{font-family:Verdana,'DejaVu Sans',sans-serif;font-size:12px;fill:#000}\n"
	"#title{font-size:17px;text-anchor:middle}\n"
	"#subtitle{fill:#555;text-anchor:middle}\n"
	".btn{cursor:pointer;fill:#335}\n.btn:hover{text-decoration:underline}\n"
	".hide{display:none}\n"
	".f{cursor:pointer}\n.f text{pointer-events:none}\n"
	".f:hover rect{stroke:#000;stroke-width:0.6}\n"
	".f.parent{opacity:0.55}\n"
	".f.match rect{fill:rgb(225,0,225)}\n";

/*
 * The script: reads each frame (name from its title, value, start, depth), fits labels to the
 * measured text, zooms on click (or on the first frame named NAME with ?z=NAME in the URL),
 * searches (the Search button, Ctrl-F, or ?s=REGEX in the URL), and marks the document
 * data-ready="1" when set up (data-error="..." on a script error).
 */
static const char script[] =
	"(function () {\n"
	"'use strict';\n"
	"var svg = document.documentElement;\n"
	"window.addEventListener('error', function (e) {\n"
	"  svg.setAttribute('data-error', String(e.message));\n"
	"});\n"
	"var W = +svg.getAttribute('width'), XPAD = +svg.getAttribute('data-xpad');\n"
	"var PLOT = W - 2 * XPAD, TOTAL = +svg.getAttribute('data-total');\n"
	"var UNIT = svg.getAttribute('data-unit');\n"
	"var $ = function (id) { return document.getElementById(id); };\n"
	"var details = $('details'), matched = $('matched'), unzoomBtn = $('unzoom');\n"
	"var clearBtn = $('clear');\n"
	"var frames = [], zoomed = null, term = null;\n"
	"var gs = $('frames').getElementsByTagName('g');\n"
	"for (var i = 0; i < gs.length; i++) {\n"
	"  var g = gs[i], t = g.getElementsByTagName('title')[0].textContent;\n"
	"  var r = g.getElementsByTagName('rect')[0];\n"
	"  var f = { g: g, rect: r, text: g.getElementsByTagName('text')[0],\n"
	"    name: t.slice(0, t.lastIndexOf(' (')), info: t,\n"
	"    v: +g.getAttribute('data-v'), s: +g.getAttribute('data-s'),\n"
	"    d: +g.getAttribute('data-d'),\n"
	"    x: +r.getAttribute('x'), w: +r.getAttribute('width') };\n"
	"  g.flame = f;\n"
	"  frames.push(f);\n"
	"}\n"
	"function label(f, w) {\n"
	"  var t = f.text, room = w - 6, n;\n"
	"  t.textContent = f.name;\n"
	"  if (room < 14) { t.textContent = ''; return; }\n"
	"  if (t.getComputedTextLength() <= room) return;\n"
	"  n = Math.min(f.name.length - 1, Math.floor(room / 6.5));\n"
	"  for (; n >= 1; n--) {\n"
	"    t.textContent = f.name.slice(0, n) + '..';\n"
	"    if (t.getComputedTextLength() <= room) return;\n"
	"  }\n"
	"  t.textContent = '';\n"
	"}\n"
	"function place(f, x, w) {\n"
	"  f.rect.setAttribute('x', x.toFixed(2));\n"
	"  f.rect.setAttribute('width', w.toFixed(2));\n"
	"  f.text.setAttribute('x', (x + 3).toFixed(2));\n"
	"  f.cur = w;\n"
	"  label(f, w);\n"
	"}\n"
	"function show(f, on) { f.g.classList.toggle('hide', !on); }\n"
	"function zoom(z) {\n"
	"  if (!z || z.d === 0) { unzoom(); return; }\n"
	"  zoomed = z;\n"
	"  unzoomBtn.classList.remove('hide');\n"
	"  frames.forEach(function (f) {\n"
	"    f.g.classList.remove('parent');\n"
	"    if (f.d < z.d && f.s <= z.s && f.s + f.v >= z.s + z.v) {\n"
	"      show(f, true);\n"
	"      f.g.classList.add('parent');\n"
	"      place(f, XPAD, PLOT);\n"
	"    } else if (f.d >= z.d && f.s >= z.s && f.s + f.v <= z.s + z.v) {\n"
	"      var w = f.v * PLOT / z.v;\n"
	"      show(f, w >= 0.1);\n"
	"      if (w >= 0.1) place(f, XPAD + (f.s - z.s) * PLOT / z.v, w);\n"
	"    } else {\n"
	"      show(f, false);\n"
	"    }\n"
	"  });\n"
	"  if (term !== null) search(term);\n"
	"}\n"
	"function unzoom() {\n"
	"  zoomed = null;\n"
	"  unzoomBtn.classList.add('hide');\n"
	"  frames.forEach(function (f) {\n"
	"    f.g.classList.remove('parent');\n"
	"    show(f, true);\n"
	"    place(f, f.x, f.w);\n"
	"  });\n"
	"  if (term !== null) search(term);\n"
	"}\n"
	"function search(s) {\n"
	"  var re, lo = zoomed ? zoomed.s : 0, hi = zoomed ? zoomed.s + zoomed.v : TOTAL;\n"
	"  var spans = [], sum = 0, end = -1;\n"
	"  try { re = new RegExp(s); } catch (e) {\n"
	"    matched.textContent = 'Bad search: ' + e.message;\n"
	"    return;\n"
	"  }\n"
	"  term = s;\n"
	"  clearBtn.classList.remove('hide');\n"
	"  frames.forEach(function (f) {\n"
	"    var hit = re.test(f.name);\n"
	"    f.g.classList.toggle('match', hit);\n"
	"    if (hit && f.s < hi && f.s + f.v > lo)\n"
	"      spans.push([Math.max(f.s, lo), Math.min(f.s + f.v, hi)]);\n"
	"  });\n"
	"  /* nested matches count once: the union of the matched spans */\n"
	"  spans.sort(function (a, b) { return a[0] - b[0]; });\n"
	"  spans.forEach(function (p) {\n"
	"    if (p[0] >= end) { sum += p[1] - p[0]; end = p[1]; }\n"
	"    else if (p[1] > end) { sum += p[1] - end; end = p[1]; }\n"
	"  });\n"
	"  var pct = hi > lo ? 100 * sum / (hi - lo) : 0;\n"
	"  svg.setAttribute('data-matched', pct.toFixed(2));\n"
	"  matched.textContent = 'Matched: ' + pct.toFixed(1) + '%';\n"
	"}\n"
	"function clearSearch() {\n"
	"  term = null;\n"
	"  clearBtn.classList.add('hide');\n"
	"  matched.textContent = '';\n"
	"  svg.removeAttribute('data-matched');\n"
	"  frames.forEach(function (f) { f.g.classList.remove('match'); });\n"
	"}\n"
	"function ask() {\n"
	"  var s = window.prompt('Search for frames matching (a regular expression):',\n"
	"                        term === null ? '' : term);\n"
	"  if (s) search(s);\n"
	"}\n"
	"$('frames').addEventListener('click', function (e) {\n"
	"  var g = e.target.closest ? e.target.closest('g.f') : e.target.parentNode;\n"
	"  if (g && g.flame) zoom(g.flame);\n"
	"});\n"
	"$('frames').addEventListener('mouseover', function (e) {\n"
	"  var g = e.target.closest ? e.target.closest('g.f') : null;\n"
	"  if (g && g.flame) details.textContent = g.flame.info;\n"
	"});\n"
	"$('frames').addEventListener('mouseout', function () { details.textContent = ' '; });\n"
	"unzoomBtn.addEventListener('click', unzoom);\n"
	"$('search').addEventListener('click', ask);\n"
	"clearBtn.addEventListener('click', clearSearch);\n"
	"window.addEventListener('keydown', function (e) {\n"
	"  if ((e.ctrlKey || e.metaKey) && e.key === 'f') { e.preventDefault(); ask(); }\n"
	"  else if (e.key === 'Escape') { clearSearch(); unzoom(); }\n"
	"});\n"
	"frames.forEach(function (f) { place(f, f.x, f.w); });\n"
	"function param(k) {\n"
	"  var m = new RegExp('[?&]' + k + '=([^&]*)').exec(window.location.search);\n"
	"  return m ? decodeURIComponent(m[1].replace(/\\+/g, ' ')) : null;\n"
	"}\n"
	"var q = param('s'), z = param('z');\n"
	"if (z !== null) {\n"
	"  for (var k = 0; k < frames.length; k++)\n"
	"    if (frames[k].name === z) { zoom(frames[k]); break; }\n"
	"}\n"
	"if (q) search(q);\n"
	"window.flame = { search: search, clearSearch: clearSearch, zoom: function (name) {\n"
	"  for (var i = 0; i < frames.length; i++)\n"
	"    if (frames[i].name === name) { zoom(frames[i]); return true; }\n"
	"  return false;\n"
	"}, unzoom: unzoom };\n"
	"svg.setAttribute('data-frames', String(frames.length));\n"
	"svg.setAttribute('data-ready', '1');\n"
	"})();\n";

int bct_flame_write(const struct bct_flame *f, FILE *out, const struct bct_flame_opts *o)
{
	struct bct_flame_opts none = { 0 };
	struct svg s = { .out = out };
	unsigned int width;

	if (!o)
		o = &none;
	width = o->width ? o->width : BCT_FLAME_WIDTH;
	s.total = f->root.value;
	s.unit = o->unit ? o->unit : "samples";
	bct_flame_layout(f, o, max_depth_fn, &s);
	s.height = TOP + (s.max_depth + 1) * BCT_FLAME_FRAME_HEIGHT + BOTTOM;

	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n", out);
	fprintf(out,
		"<svg version=\"1.1\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" "
		"height=\"%u\" viewBox=\"0 0 %u %u\" data-xpad=\"%d\" data-total=\"%" PRIu64
		"\" data-unit=\"",
		width, s.height, width, s.height, BCT_FLAME_XPAD, s.total);
	put_escaped(out, s.unit);
	fputs("\">\n<style><![CDATA[\n", out);
	fputs(style, out);
	fputs("]]></style>\n", out);
	fputs("<linearGradient id=\"bg\" x1=\"0\" y1=\"0\" x2=\"0\" y2=\"1\">"
	      "<stop offset=\"5%\" stop-color=\"#f2f2f2\"/><stop offset=\"95%\" "
	      "stop-color=\"#e6e6ee\"/></linearGradient>\n",
	      out);
	fprintf(out, "<rect x=\"0\" y=\"0\" width=\"%u\" height=\"%u\" fill=\"url(#bg)\"/>\n",
		width, s.height);
	fprintf(out, "<text id=\"title\" x=\"%u\" y=\"24\">", width / 2);
	put_escaped(out, o->title ? o->title : "Flame Graph");
	fputs("</text>\n", out);
	if (o->subtitle) {
		fprintf(out, "<text id=\"subtitle\" x=\"%u\" y=\"42\">", width / 2);
		put_escaped(out, o->subtitle);
		fputs("</text>\n", out);
	}
	fprintf(out, "<text id=\"unzoom\" class=\"btn hide\" x=\"%d\" y=\"24\">Reset Zoom</text>\n",
		BCT_FLAME_XPAD);
	fprintf(out,
		"<text id=\"search\" class=\"btn\" x=\"%u\" y=\"24\" text-anchor=\"end\">"
		"Search</text>\n",
		width - BCT_FLAME_XPAD);
	fprintf(out,
		"<text id=\"clear\" class=\"btn hide\" x=\"%u\" y=\"42\" text-anchor=\"end\">"
		"Reset Search</text>\n",
		width - BCT_FLAME_XPAD);
	fprintf(out, "<text id=\"details\" x=\"%d\" y=\"%u\"> </text>\n", BCT_FLAME_XPAD,
		s.height - 12);
	fprintf(out, "<text id=\"matched\" x=\"%u\" y=\"%u\" text-anchor=\"end\"></text>\n",
		width - BCT_FLAME_XPAD, s.height - 12);
	fputs("<g id=\"frames\">\n", out);
	bct_flame_layout(f, o, frame_fn, &s);
	fputs("</g>\n<script><![CDATA[\n", out);
	fputs(script, out);
	fputs("]]></script>\n</svg>\n", out);
	if (fflush(out) || ferror(out))
		return -(errno ? errno : EIO);
	return 0;
}

int bct_flame_write_file(const struct bct_flame *f, const char *path,
			 const struct bct_flame_opts *o)
{
	FILE *out = fopen(path, "we");
	int err;

	if (!out) {
		err = -errno;
		pr_err("cannot write the flame graph %s: %s; choose a writable path for --svg",
		       path, strerror(-err));
		return err;
	}
	err = bct_flame_write(f, out, o);
	if (fclose(out) && !err)
		err = -errno;
	if (err)
		pr_err("cannot write the flame graph %s: %s; check the space and permissions there",
		       path, strerror(-err));
	return err;
}

int bct_flame_check_path(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0) {
		int err = -errno;

		pr_err("cannot write the flame graph %s: %s; choose a writable path for --svg",
		       path, strerror(-err));
		return err;
	}
	close(fd);
	return 0;
}
