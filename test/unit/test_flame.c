// SPDX-License-Identifier: Apache-2.0
/* Flame graphs (lib/flame.h): merging, name order, width maths, escaping, the SVG. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "flame.h"
#include "unit.h"

#define MAX_BOXES 32

struct boxes {
	struct bct_flame_box b[MAX_BOXES];
	char names[MAX_BOXES][64];
	size_t n;
};

static int collect(const struct bct_flame_box *b, void *ctx)
{
	struct boxes *bx = ctx;

	if (bx->n == MAX_BOXES)
		return -1;
	bx->b[bx->n] = *b;
	snprintf(bx->names[bx->n], sizeof(bx->names[0]), "%s", b->name);
	bx->b[bx->n].name = bx->names[bx->n];
	bx->n++;
	return 0;
}

static bool near(double a, double b)
{
	return fabs(a - b) < 1e-9;
}

UNIT_TEST(flame_merge_order_and_widths)
{
	struct bct_flame *f = bct_flame_new();
	struct boxes bx = { .n = 0 };

	CHECK(f != NULL);
	/* added out of order and split: "d" first, "a;b" in two parts */
	CHECK_INT(bct_flame_add_folded(f, "d 4\n"), 0);
	CHECK_INT(bct_flame_add_folded(f, "a;b 1"), 0);
	CHECK_INT(bct_flame_add_folded(f, "a;c 1"), 0);
	CHECK_INT(bct_flame_add_folded(f, "a;b 2"), 0);
	CHECK_INT(bct_flame_total(f), 8);
	CHECK_INT(bct_flame_layout(f, NULL, collect, &bx), 0);
	/* depth-first, parents first, siblings by name */
	CHECK_INT(bx.n, 5);
	CHECK_STR(bx.b[0].name, "all");
	CHECK_STR(bx.b[1].name, "a");
	CHECK_STR(bx.b[2].name, "b");
	CHECK_STR(bx.b[3].name, "c");
	CHECK_STR(bx.b[4].name, "d");
	/* plot = 1200 - 2 * 10 = 1180 pixels for 8: 147.5 each */
	CHECK(near(bx.b[0].x, 10) && near(bx.b[0].w, 1180));
	CHECK(near(bx.b[1].x, 10) && near(bx.b[1].w, 590));
	CHECK(near(bx.b[2].x, 10) && near(bx.b[2].w, 442.5));
	CHECK(near(bx.b[3].x, 452.5) && near(bx.b[3].w, 147.5));
	CHECK(near(bx.b[4].x, 600) && near(bx.b[4].w, 590));
	CHECK_INT(bx.b[2].value, 3);
	CHECK_INT(bx.b[3].start, 3);
	CHECK_INT(bx.b[4].start, 4);
	CHECK_INT(bx.b[2].depth, 2);
	CHECK_INT(bx.b[4].depth, 1);
	/* self: a has no time of its own, d all of it */
	CHECK_INT(bx.b[1].self, 0);
	CHECK_INT(bx.b[4].self, 4);
	CHECK_INT(bx.b[0].self, 0);
	bct_flame_free(f);
}

UNIT_TEST(flame_width_and_min_width)
{
	struct bct_flame_opts o = { .width = 520, .min_width = 1.0 };
	struct bct_flame *f = bct_flame_new();
	struct boxes bx = { .n = 0 };

	CHECK(f != NULL);
	/* plot 500 pixels for 1000: "tiny" (1) is 0.5 px, under 1.0, and so is its child */
	CHECK_INT(bct_flame_add_folded(f, "p;big 999"), 0);
	CHECK_INT(bct_flame_add_folded(f, "p;tiny;child 1"), 0);
	CHECK_INT(bct_flame_layout(f, &o, collect, &bx), 0);
	CHECK_INT(bx.n, 3);
	CHECK_STR(bx.b[2].name, "big");
	CHECK(near(bx.b[2].w, 499.5));
	/* the default minimum, 0.1 px, keeps it */
	bx.n = 0;
	o.min_width = 0;
	CHECK_INT(bct_flame_layout(f, &o, collect, &bx), 0);
	CHECK_INT(bx.n, 5);
	CHECK_STR(bx.b[3].name, "tiny");
	CHECK(near(bx.b[3].x, 10 + 999 * 0.5) && near(bx.b[3].w, 0.5));
	bct_flame_free(f);
}

UNIT_TEST(flame_folded_kinds)
{
	struct bct_flame *f = bct_flame_new();
	struct boxes bx = { .n = 0 };

	CHECK(f != NULL);
	CHECK_INT(bct_flame_add_folded(f, "comm;main;-;[unknown];vfs_read_[k] 7"), 0);
	CHECK_INT(bct_flame_add_folded(f, "no value"), -EINVAL);
	CHECK_INT(bct_flame_add_folded(f, "nothing"), -EINVAL);
	CHECK_INT(bct_flame_add_folded(f, "neg -3"), -EINVAL);
	CHECK_INT(bct_flame_total(f), 7);
	CHECK_INT(bct_flame_layout(f, NULL, collect, &bx), 0);
	CHECK_INT(bx.n, 6);
	CHECK_INT(bx.b[1].kind, BCT_FLAME_PROC);
	CHECK_INT(bx.b[2].kind, BCT_FLAME_USER);
	CHECK_INT(bx.b[3].kind, BCT_FLAME_SEP);
	CHECK_INT(bx.b[4].kind, BCT_FLAME_OTHER);
	CHECK_INT(bx.b[5].kind, BCT_FLAME_KERNEL);
	bct_flame_free(f);
}

UNIT_TEST(flame_same_name_other_kind_not_merged)
{
	struct bct_flame_frame a[] = { { "x", BCT_FLAME_PROC }, { "f", BCT_FLAME_USER } };
	struct bct_flame_frame b[] = { { "x", BCT_FLAME_PROC }, { "f", BCT_FLAME_KERNEL } };
	struct bct_flame *f = bct_flame_new();
	struct boxes bx = { .n = 0 };

	CHECK(f != NULL);
	CHECK_INT(bct_flame_add(f, a, 2, 1), 0);
	CHECK_INT(bct_flame_add(f, b, 2, 1), 0);
	CHECK_INT(bct_flame_add(f, a, 2, 1), 0);
	CHECK_INT(bct_flame_layout(f, NULL, collect, &bx), 0);
	CHECK_INT(bx.n, 4);
	CHECK_INT(bx.b[1].value, 3);
	CHECK_INT(bx.b[2].value, 2);
	CHECK_INT(bx.b[2].kind, BCT_FLAME_USER);
	CHECK_INT(bx.b[3].value, 1);
	bct_flame_free(f);
}

UNIT_TEST(flame_escape)
{
	char buf[64];

	CHECK_INT(bct_flame_escape("a<b&c\"d'e>", buf, sizeof(buf)), 30);
	CHECK_STR(buf, "a&lt;b&amp;c&quot;d&apos;e&gt;");
	/* control characters and bytes that are not UTF-8 as '?'; UTF-8 kept */
	CHECK_INT(bct_flame_escape("x\x01y\xff\xc3\xa9", buf, sizeof(buf)), 6);
	CHECK_STR(buf, "x?y?\xc3\xa9");
	CHECK_INT(bct_flame_escape("\xc3", buf, sizeof(buf)), 1);
	CHECK_STR(buf, "?");
	/* a short buffer: whole entities only, the needed length returned */
	CHECK_INT(bct_flame_escape("ab&cd", buf, 6), 9);
	CHECK_STR(buf, "ab");
	CHECK_INT(bct_flame_escape("ab&cd", buf, 8), 9);
	CHECK_STR(buf, "ab&amp;");
	CHECK_INT(bct_flame_escape("ab&cd", NULL, 0), 9);
}

static int count(const char *s, const char *what)
{
	int n = 0;

	for (s = strstr(s, what); s; s = strstr(s + 1, what))
		n++;
	return n;
}

UNIT_TEST(flame_svg)
{
	struct bct_flame_opts o = { .title = "T<1>", .unit = "us" };
	struct bct_flame *f = bct_flame_new();
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	CHECK(f != NULL && out != NULL);
	CHECK_INT(bct_flame_add_folded(f, "app;<&\"odd\"> 3"), 0);
	CHECK_INT(bct_flame_add_folded(f, "app;main 1"), 0);
	CHECK_INT(bct_flame_write(f, out, &o), 0);
	fclose(out);
	CHECK(!strncmp(buf, "<?xml ", 6));
	CHECK(strstr(buf, "data-total=\"4\" data-unit=\"us\"") != NULL);
	CHECK(strstr(buf, "<text id=\"title\" x=\"600\" y=\"24\">T&lt;1&gt;</text>") != NULL);
	/* a frame: its tooltip (name, value, share), its rectangle and label */
	CHECK(strstr(buf, "<title>&lt;&amp;&quot;odd&quot;&gt; (3 us, 75.00%)</title>") != NULL);
	CHECK(strstr(buf, "<title>main (1 us, 25.00%)</title><rect x=\"895.00\"") != NULL);
	CHECK(strstr(buf, "width=\"295.00\"") != NULL);
	CHECK(strstr(buf, "<\"odd") == NULL && strstr(buf, "<&") == NULL);
	/* one group per frame: all, app, two functions; four depths */
	CHECK_INT(count(buf, "<g class=\"f "), 4);
	CHECK_INT(count(buf, "<g class=\"f p\""), 1);
	CHECK_INT(count(buf, "<g class=\"f u\""), 2);
	CHECK(strstr(buf, "height=\"142\"") != NULL);
	/* self-contained: no external reference */
	CHECK(strstr(buf, "href") == NULL);
	CHECK_INT(count(buf, "http"), 1); /* the SVG namespace */
	CHECK(strstr(buf, "</script>\n</svg>\n") != NULL);
	free(buf);
	bct_flame_free(f);
}
