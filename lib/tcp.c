// SPDX-License-Identifier: Apache-2.0
/* The TCP tools' shared pieces (lib/tcp.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "opt.h"
#include "out.h"
#include "prog.h"
#include "tcp.h"

/* include/net/tcp_states.h, by number */
static const char *const state_names[] = {
	[1] = "ESTABLISHED", [2] = "SYN_SENT",	[3] = "SYN_RECV", [4] = "FIN_WAIT1",
	[5] = "FIN_WAIT2",   [6] = "TIME_WAIT", [7] = "CLOSE",	  [8] = "CLOSE_WAIT",
	[9] = "LAST_ACK",    [10] = "LISTEN",	[11] = "CLOSING", [12] = "NEW_SYN_RECV",
};

const char *bct_tcp_state_name(unsigned int state, char *buf, size_t sz)
{
	if (state < sizeof(state_names) / sizeof(state_names[0]) && state_names[state])
		return state_names[state];
	snprintf(buf, sz, "%u", state);
	return buf;
}

int bct_tcp_parse_ports(const char *s, uint16_t *ports)
{
	int n = 0;

	for (;;) {
		char *end;
		long v;

		errno = 0;
		while (*s == ' ')
			s++;
		if (*s < '0' || *s > '9')
			return -1;
		v = strtol(s, &end, 10);
		while (*end == ' ')
			end++;
		if (errno || v > 65535 || n == BCT_TCP_MAX_PORTS || (*end && *end != ','))
			return -1;
		ports[n++] = (uint16_t)v;
		if (!*end)
			return n;
		s = end + 1;
	}
}

int bct_tcp_ports_define(const uint16_t *ports, int n, char *buf, size_t sz)
{
	size_t off = 0;
	int i, w;

	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		w = snprintf(buf + off, sz - off, "%s%u", i ? "," : "", ports[i]);
		if (w < 0 || (size_t)w >= sz - off)
			return -ENOSPC;
		off += (size_t)w;
	}
	return 0;
}

const char *bct_tcp_addr(unsigned int family, const uint8_t *addr, char *buf, size_t sz)
{
	if (!inet_ntop(family == 6 ? AF_INET6 : AF_INET, addr, buf, (socklen_t)sz))
		snprintf(buf, sz, "?");
	return buf;
}

static void check_ports(struct argp_state *state, const char *what, const char *arg,
			uint16_t *ports, int *n)
{
	char shown[96];

	if (!arg)
		return;
	*n = bct_tcp_parse_ports(arg, ports);
	if (*n < 0)
		argp_error(state, "invalid %s port list: '%s'", what,
			   bct_arg_shown(arg, shown, sizeof(shown)));
}

void bct_tcp_opts_check(struct argp_state *state, struct bct_tcp_opts *o)
{
	if (o->ipv4 && o->ipv6)
		argp_error(state, "argument -6/--ipv6: not allowed with argument -4/--ipv4");
	check_ports(state, "local", o->lports_arg, o->lports, &o->nlports);
	check_ports(state, "remote", o->rports_arg, o->rports, &o->nrports);
}

int bct_tcp_opts_define(struct bct_prog *p, const struct bct_tcp_opts *o)
{
	char list[BCT_TCP_MAX_PORTS * 6 + 1];
	int err = 0;

	if (o->nlports > 0) {
		err = bct_tcp_ports_define(o->lports, o->nlports, list, sizeof(list));
		err = err ?: bct_prog__define(p, "TCP_LPORTS", "%s", list);
	}
	if (o->nrports > 0) {
		err = err ?: bct_tcp_ports_define(o->rports, o->nrports, list, sizeof(list));
		err = err ?: bct_prog__define(p, "TCP_RPORTS", "%s", list);
	}
	if (o->ipv4)
		err = err ?: bct_prog__define(p, "TCP_FAMILY", "2");
	if (o->ipv6)
		err = err ?: bct_prog__define(p, "TCP_FAMILY", "10");
	return err;
}

/* --- tcplife and tcpstates ------------------------------------------------------------------ */

static const struct bct_method state_methods[] = {
	{ .name = "tp_btf", .progs = BCT_PROGS({ "btf_set_state", "tp_btf/inet_sock_set_state" }) },
	{ .name = "tracepoint",
	  .progs = BCT_PROGS({ "tp_set_state", "tracepoint/sock/inet_sock_set_state" }) },
	{ .name = "kprobe", .progs = BCT_PROGS({ "kp_set_state", "kprobe/tcp_set_state" }) },
	{ NULL },
};

const struct bct_hook bct_tcp_state_hooks[] = {
	{ "TCP state changes", state_methods, false },
	{ NULL, NULL, false },
};

static void set_width(struct bct_col *cols, const char *key, int width)
{
	struct bct_col *c;

	for (c = cols; c->name; c++)
		if (!strcmp(c->key, key))
			c->width = width;
}

void bct_tcp_view_widths(const struct bct_tcp_view *v, struct bct_col *cols,
			 const struct bct_tcp_width *wide)
{
	struct bct_col *c;

	if (v->csv) {
		for (c = cols; c->name; c++)
			c->width = 0;
		return;
	}
	if (!v->wide)
		return;
	set_width(cols, "comm", 16);
	set_width(cols, "laddr", 26);
	set_width(cols, "raddr", 26);
	for (; wide && wide->key; wide++)
		set_width(cols, wide->key, wide->width);
}

bool bct_tcp_view_columns(const struct bct_tcp_view *v, struct bct_out *out)
{
	if (bct_out__json(out)) {
		bct_out__show(out, "ip", true);
		return true;
	}
	bct_out__show(out, "time", v->time);
	bct_out__show(out, "time_s", v->timestamp);
	bct_out__show(out, "ip", v->wide || v->csv);
	return false;
}

size_t bct_tcp_view_begin(struct bct_tcp_view *v, struct bct_out *out, uint64_t ts, size_t comm_sz)
{
	char hms[16];
	struct tm tm;
	time_t now;

	if (!v->have_first) {
		v->first_ts = ts;
		v->have_first = true;
	}
	now = time(NULL);
	localtime_r(&now, &tm);
	strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
	bct_out__uint(out, ts);
	bct_out__str(out, hms);
	/* BCC counts from the first event, in whole microseconds */
	bct_out__double(out, (double)(int64_t)(ts / 1000 - v->first_ts / 1000) / 1e6);
	return !bct_out__json(out) && !v->csv && !v->wide ? 10 : comm_sz;
}
