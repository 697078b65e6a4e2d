/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Entries for the systemd journal, written on its native socket (/run/systemd/journal/socket,
 * one datagram of KEY=value lines per entry), without libsystemd.
 */
#ifndef BCT_JOURNAL_H
#define BCT_JOURNAL_H

#include <stdint.h>

/* Opens the journal's socket; 0, or -errno when there is no journal to write to. */
int bct_journal_open(void);
/* tcpstates -Y: one entry per state change, with BCC's fields and MESSAGE. */
void bct_journal_tcpstate(uint32_t pid, const char *comm, unsigned int family, const char *saddr,
			  unsigned int sport, const char *daddr, unsigned int dport,
			  const char *oldstate, const char *newstate, uint64_t span_us);
/* Closes the socket; harmless when not open. */
void bct_journal_close(void);

#endif
