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

#endif
