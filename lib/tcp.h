/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the TCP tools share, user side: the state names BCC prints, the -L/-D port lists they
 * take, and addresses as inet_ntop() writes them.
 */
#ifndef BCT_TCP_H
#define BCT_TCP_H

#include <argp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bct_prog;

/* Ports one -L or -D list may name. */
#define BCT_TCP_MAX_PORTS 64

/* A state's name ("ESTABLISHED"), or its number as text in buf for one the kernel added later. */
const char *bct_tcp_state_name(unsigned int state, char *buf, size_t sz);

/*
 * Parses "80,81" into ports; the count, or -1 for an empty list, a value that is not a port
 * number (0..65535), or more than BCT_TCP_MAX_PORTS of them.
 */
int bct_tcp_parse_ports(const char *s, uint16_t *ports);

/* The ports as a C initializer list "80,81", for the BPF side's -D; 0 or -ENOSPC. */
int bct_tcp_ports_define(const uint16_t *ports, int n, char *buf, size_t sz);

/*
 * The TCP tools' -4/-6 and port-list options: the option table points its BCT_FLAG/BCT_STRING
 * entries at these fields (the letters are each tool's: -P, -L, -D), the parser calls
 * bct_tcp_opts_check() at ARGP_KEY_END, and add_defines bct_tcp_opts_define(), which gives
 * bpf-src/tcp_state.bpf.h's TCP_LPORTS, TCP_RPORTS and TCP_FAMILY.
 */
struct bct_tcp_opts {
	bool ipv4, ipv6;
	const char *lports_arg, *rports_arg; /* local and remote port lists, as typed */
	uint16_t lports[BCT_TCP_MAX_PORTS], rports[BCT_TCP_MAX_PORTS];
	int nlports, nrports;
};

/* -4 with -6 and a bad port list are usage errors (argp_error: exit 2). */
void bct_tcp_opts_check(struct argp_state *state, struct bct_tcp_opts *o);
/* 0 or the first define's error. */
int bct_tcp_opts_define(struct bct_prog *p, const struct bct_tcp_opts *o);

/* An address of family 4 or 6 (16 bytes; IPv4 in the first 4) in buf (INET6_ADDRSTRLEN). */
const char *bct_tcp_addr(unsigned int family, const uint8_t *addr, char *buf, size_t sz);

/* --- tcplife and tcpstates: the inet_sock_set_state hook, -T/-t/-w/-s and their columns ---- */

struct bct_col;
struct bct_hook;
struct bct_out;

/*
 * "TCP state changes": bpf-src/tcp_state.bpf.h's tracepoint program tp_set_state, else the
 * kprobe kp_set_state.
 */
extern const struct bct_hook bct_tcp_state_hooks[];

/* BCC's -T, -t, -w and -s, and the first event's time (-t counts from it). */
struct bct_tcp_view {
	bool time; /* -T */
	bool timestamp; /* -t */
	bool wide; /* -w */
	bool csv; /* -s */
	uint64_t first_ts;
	bool have_first;
};

/* -T -t -w -s in the option table (lib/tool.h) */
#define BCT_TCP_VIEW_OPTS(v)                                                                   \
	BCT_FLAG('T', "time", &(v)->time, "include time column on output (HH:MM:SS)"),         \
		BCT_FLAG('t', "timestamp", &(v)->timestamp,                                    \
			 "include timestamp on output (seconds)"),                             \
		BCT_FLAG('w', "wide", &(v)->wide, "wide column output (fits IPv6 addresses)"), \
		BCT_FLAG('s', "csv", &(v)->csv, "comma separated values output")

/* The first columns (lib/out.h): TS (JSON), TIME (-T: "%-8s "), TIME(s) (-t: "%-9.6f "). */
#define BCT_TCP_VIEW_COLS                                                                            \
	{ "TS", "ts", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },                                       \
		{ "TIME", "time", 8, BCT_COL_STR, BCT_COL_LEFT | BCT_COL_HIDDEN | BCT_COL_TEXT_ONLY, \
		  0 },                                                                               \
	{                                                                                            \
		"TIME(s)", "time_s", 9, BCT_COL_DOUBLE,                                              \
			BCT_COL_LEFT | BCT_COL_HIDDEN | BCT_COL_TEXT_ONLY, 6                         \
	}

/* A column's -w width, by its key. */
struct bct_tcp_width {
	const char *key;
	int width;
};

/*
 * Before the output is made: -s unpads every column; -w widens comm to 16, laddr and raddr to
 * 26, then each of wide (ended by a NULL key; wide may be NULL).
 */
void bct_tcp_view_widths(const struct bct_tcp_view *v, struct bct_col *cols,
			 const struct bct_tcp_width *wide);
/* The columns callback's part: TIME (-T), TIME(s) (-t), IP (-w, -s, JSON); true for JSON. */
bool bct_tcp_view_columns(const struct bct_tcp_view *v, struct bct_out *out);
/*
 * The first three values of an event at ts (ns): ts, the wall clock's HH:MM:SS and the
 * seconds since the first event, in whole microseconds as BCC counts. Returns how much of
 * comm to show: 10 in the default text (BCC's "%-10.10s"), else comm_sz.
 */
size_t bct_tcp_view_begin(struct bct_tcp_view *v, struct bct_out *out, uint64_t ts, size_t comm_sz);

#endif
