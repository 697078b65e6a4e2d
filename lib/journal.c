// SPDX-License-Identifier: Apache-2.0
/* systemd journal entries on the native socket (lib/journal.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "journal.h"

#define JOURNAL_SOCKET "/run/systemd/journal/socket"

static int journal_fd = -1;

int bct_journal_open(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int err;

	if (journal_fd >= 0)
		return 0;
	journal_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (journal_fd < 0)
		return -errno;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", JOURNAL_SOCKET);
	if (connect(journal_fd, (struct sockaddr *)&sa, sizeof(sa))) {
		err = -errno;
		bct_journal_close();
		return err;
	}
	return 0;
}

/* Appends "KEY=value\n" (a newline in the value becomes a space: the simple form). */
static void add(char *buf, size_t sz, size_t *off, const char *key, const char *fmt, ...)
{
	va_list ap;
	size_t start;
	int n;

	if (*off >= sz)
		return;
	n = snprintf(buf + *off, sz - *off, "%s=", key);
	if (n < 0 || (size_t)n >= sz - *off) {
		*off = sz;
		return;
	}
	*off += (size_t)n;
	start = *off;
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, sz - *off, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n + 1 >= sz - *off) {
		*off = sz;
		return;
	}
	for (*off += (size_t)n; start < *off; start++)
		if (buf[start] == '\n')
			buf[start] = ' ';
	buf[(*off)++] = '\n';
}

void bct_journal_tcpstate(uint32_t pid, const char *comm, unsigned int family, const char *saddr,
			  unsigned int sport, const char *daddr, unsigned int dport,
			  const char *oldstate, const char *newstate, uint64_t span_us)
{
	const char *ip = family == 6 ? "IPV6" : "IPV4";
	char buf[2048], key[64];
	size_t off = 0;

	if (journal_fd < 0)
		return;
	add(buf, sizeof(buf), &off, "SYSLOG_IDENTIFIER", "tcpstates");
	add(buf, sizeof(buf), &off, "PRIORITY", "5");
	add(buf, sizeof(buf), &off, "MESSAGE", "%s %s %u \u2192 %s %u %s \u2192 %s", comm, saddr,
	    sport, daddr, dport, oldstate, newstate);
	add(buf, sizeof(buf), &off, "OBJECT_PID", "%u", pid);
	if (geteuid() != 0) /* as root, journald adds OBJECT_COMM itself */
		add(buf, sizeof(buf), &off, "OBJECT_COMM", "%s", comm);
	snprintf(key, sizeof(key), "OBJECT_%s_SOURCE_ADDRESS", ip);
	add(buf, sizeof(buf), &off, key, "%s", saddr);
	add(buf, sizeof(buf), &off, "OBJECT_TCP_SOURCE_PORT", "%u", sport);
	snprintf(key, sizeof(key), "OBJECT_%s_DESTINATION_ADDRESS", ip);
	add(buf, sizeof(buf), &off, key, "%s", daddr);
	add(buf, sizeof(buf), &off, "OBJECT_TCP_DESTINATION_PORT", "%u", dport);
	add(buf, sizeof(buf), &off, "OBJECT_TCP_OLD_STATE", "%s", oldstate);
	add(buf, sizeof(buf), &off, "OBJECT_TCP_NEW_STATE", "%s", newstate);
	add(buf, sizeof(buf), &off, "OBJECT_TCP_SPAN_TIME", "%llu", (unsigned long long)span_us);
	if (off < sizeof(buf))
		(void)!send(journal_fd, buf, off, MSG_NOSIGNAL | MSG_DONTWAIT);
}

void bct_journal_close(void)
{
	if (journal_fd >= 0)
		close(journal_fd);
	journal_fd = -1;
}
