/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the TCP tools share, user side: the state names BCC prints, the -L/-D port lists they
 * take, and addresses as inet_ntop() writes them.
 */
#ifndef BCT_TCP_H
#define BCT_TCP_H

#include <stddef.h>
#include <stdint.h>

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

/* An address of family 4 or 6 (16 bytes; IPv4 in the first 4) in buf (INET6_ADDRSTRLEN). */
const char *bct_tcp_addr(unsigned int family, const uint8_t *addr, char *buf, size_t sz);

#endif
