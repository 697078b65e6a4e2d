// SPDX-License-Identifier: Apache-2.0
/*
 * tcploss: TCP retransmits and TCP drops on loopback, for the tests of tcpretrans and tcpdrop.
 * Run it in a network namespace of the test's own (its lo, its counters).
 *
 *   tcploss retrans [-6] [-p PORT] [-m MS] [-w]
 *   tcploss drop [-p PORT] [-n N] [-w]
 *
 * Both listen on 127.0.0.1 (or ::1 with -6) port PORT and connect one session to it.
 *
 * retrans: attaches a BPF program to lo's TCX ingress that drops every packet, sends 100
 * bytes from the client, waits MS milliseconds (default 300), detaches the program, reads the
 * bytes in the server (they arrive by a retransmit), and prints "retrans N", N being how much
 * the namespace's Tcp RetransSegs counter grew.
 *
 * drop: sends N (default 5) segments from the client's port to the server's, through a raw
 * socket, with a sequence number far outside the server's window (read with TCP_REPAIR):
 * the server drops each (ESTABLISHED, flags ACK). Prints "drops N".
 *
 *   -w          print "ready" once connected, then wait for SIGUSR1 before starting
 *
 * Exits 0, 1 on a failed call (with a message), 2 on a usage error.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

/* enum bpf_attach_type of Linux 6.6, newer than some distributions' headers */
#define TCX_INGRESS 46

#ifndef TCP_REPAIR_OFF_NO_WP
#define TCP_REPAIR_OFF_NO_WP -1
#endif

static int usage(void)
{
	fprintf(stderr, "usage: tcploss retrans [-6] [-p PORT] [-m MS] [-w]\n"
			"       tcploss drop [-p PORT] [-n N] [-w]\n");
	return 2;
}

static int die(const char *what)
{
	perror(what);
	return 1;
}

static long bpf_sys(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

/* A link of a "return TC_ACT_SHOT" program on lo's TCX ingress, or -1. */
static int drop_all_ingress(void)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 2 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr a;
	int prog, link;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_SCHED_CLS;
	a.insns = (uintptr_t)insns;
	a.insn_cnt = 2;
	a.license = (uintptr_t) "GPL";
	prog = bpf_sys(BPF_PROG_LOAD, &a);
	if (prog < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.link_create.prog_fd = prog;
	a.link_create.target_ifindex = if_nametoindex("lo");
	a.link_create.attach_type = TCX_INGRESS;
	link = bpf_sys(BPF_LINK_CREATE, &a);
	close(prog);
	return link;
}

static long retrans_segs(void)
{
	char head[2048], vals[2048], *h, *v, *hs, *vs;
	FILE *f = fopen("/proc/net/snmp", "r");
	long n = -1;

	if (!f)
		return -1;
	while (fgets(head, sizeof(head), f) && fgets(vals, sizeof(vals), f)) {
		if (strncmp(head, "Tcp:", 4))
			continue;
		h = strtok_r(head, " \n", &hs);
		v = strtok_r(vals, " \n", &vs);
		while (h && v) {
			if (!strcmp(h, "RetransSegs"))
				n = atol(v);
			h = strtok_r(NULL, " \n", &hs);
			v = strtok_r(NULL, " \n", &vs);
		}
	}
	fclose(f);
	return n;
}

static uint16_t csum(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *p = data;

	for (; len > 1; len -= 2, p += 2)
		sum += (p[0] << 8) | p[1];
	if (len)
		sum += p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

static void on_usr1(int sig)
{
	(void)sig;
}

int main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int port = 40124, ms = 300, n = 5, v6 = 0, wait = 0, opt, one = 1;
	int lfd, cfd, sfd, drop;
	const char *mode;

	while ((opt = getopt(argc, argv, "6p:m:n:w")) != -1) {
		switch (opt) {
		case '6':
			v6 = 1;
			break;
		case 'p':
			port = atoi(optarg);
			break;
		case 'm':
			ms = atoi(optarg);
			break;
		case 'n':
			n = atoi(optarg);
			break;
		case 'w':
			wait = 1;
			break;
		default:
			return usage();
		}
	}
	if (optind != argc - 1)
		return usage();
	mode = argv[optind];
	drop = !strcmp(mode, "drop");
	if ((!drop && strcmp(mode, "retrans")) || (drop && v6))
		return usage();

	memset(&ss, 0, sizeof(ss));
	if (v6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons(port);
		a->sin6_addr = in6addr_loopback;
		sl = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sl = sizeof(*a);
	}
	lfd = socket(ss.ss_family, SOCK_STREAM, 0);
	if (lfd < 0)
		return die("socket");
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&ss, sl) || listen(lfd, 8))
		return die("bind/listen");
	cfd = socket(ss.ss_family, SOCK_STREAM, 0);
	if (cfd < 0 || connect(cfd, (struct sockaddr *)&ss, sl))
		return die("connect");
	sfd = accept(lfd, NULL, NULL);
	if (sfd < 0)
		return die("accept");

	if (wait) {
		sigset_t set;
		int sig;

		signal(SIGUSR1, on_usr1);
		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		sigprocmask(SIG_BLOCK, &set, NULL);
		printf("ready\n");
		fflush(stdout);
		sigwait(&set, &sig);
	}

	if (!drop) {
		struct timeval tv = { .tv_sec = 10 };
		char buf[100] = { 'r' };
		long before = retrans_segs(), got = 0, r;
		int link = drop_all_ingress();

		if (link < 0)
			return die("tcx ingress drop program");
		if (write(cfd, buf, sizeof(buf)) != sizeof(buf))
			return die("write");
		usleep(ms * 1000);
		close(link);
		setsockopt(sfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		while (got < (long)sizeof(buf) && (r = read(sfd, buf, sizeof(buf))) > 0)
			got += r;
		if (got != sizeof(buf))
			return die("read");
		printf("retrans %ld\n", retrans_segs() - before);
	} else {
		struct sockaddr_in cli, srv;
		socklen_t cl = sizeof(cli);
		int q = TCP_RECV_QUEUE, off = TCP_REPAIR_OFF_NO_WP, raw, i;
		unsigned int rcv_nxt;
		socklen_t ql = sizeof(rcv_nxt);

		if (getsockname(cfd, (struct sockaddr *)&cli, &cl))
			return die("getsockname");
		srv = *(struct sockaddr_in *)&ss;
		if (setsockopt(sfd, SOL_TCP, TCP_REPAIR, &one, sizeof(one)) ||
		    setsockopt(sfd, SOL_TCP, TCP_REPAIR_QUEUE, &q, sizeof(q)) ||
		    getsockopt(sfd, SOL_TCP, TCP_QUEUE_SEQ, &rcv_nxt, &ql) ||
		    setsockopt(sfd, SOL_TCP, TCP_REPAIR, &off, sizeof(off)))
			return die("TCP_REPAIR");
		raw = socket(AF_INET, SOCK_RAW, IPPROTO_TCP);
		if (raw < 0)
			return die("raw socket");
		for (i = 0; i < n; i++) {
			struct {
				uint32_t saddr, daddr;
				uint8_t zero, proto;
				uint16_t len;
				struct tcphdr th;
			} ph;

			memset(&ph, 0, sizeof(ph));
			ph.saddr = cli.sin_addr.s_addr;
			ph.daddr = srv.sin_addr.s_addr;
			ph.proto = IPPROTO_TCP;
			ph.len = htons(sizeof(ph.th));
			ph.th.source = cli.sin_port;
			ph.th.dest = srv.sin_port;
			ph.th.seq = htonl(rcv_nxt + 0x40000000u + i);
			ph.th.ack_seq = 0;
			ph.th.doff = 5;
			ph.th.ack = 1;
			ph.th.window = htons(1024);
			ph.th.check = htons(csum(&ph, sizeof(ph), 0));
			if (sendto(raw, &ph.th, sizeof(ph.th), 0, (struct sockaddr *)&srv,
				   sizeof(srv)) != sizeof(ph.th))
				return die("sendto");
		}
		usleep(20000);
		close(raw);
		printf("drops %d\n", n);
	}
	close(cfd);
	close(sfd);
	close(lfd);
	return 0;
}
