// SPDX-License-Identifier: Apache-2.0
/*
 * sslsniff: the plaintext that goes through the TLS libraries' read and write functions.
 * The entry probe keeps the caller's buffer pointer and the time per thread; the return probe
 * copies what the call read or wrote (up to MAX_BUF_SIZE bytes, BCC's --max-buffer-size) from
 * that buffer into a per-CPU scratch record and sends the record cut to the bytes captured.
 *
 * The same programs serve OpenSSL (SSL_read, SSL_write), GnuTLS (gnutls_record_recv/send) and
 * NSS (PR_Read, PR_Write, PR_Recv, PR_Send): each takes the buffer as its second argument and
 * returns the byte count. OpenSSL's SSL_read_ex/SSL_write_ex return 1 and store the count
 * through their fourth argument, which ex_enter keeps too. SSL_do_handshake is timed by
 * handshake_enter/handshake_return (-l --handshake). cmd/sslsniff.c attaches them all by symbol
 * (lib/uprobe.h). Specialised by -D: MAX_BUF_SIZE, and the shared filters (-p, -u).
 * Credit: the original BCC sslsniff is by Adrian Lopez and Mark Drayton.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "sslsniff.h"
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#ifndef MAX_BUF_SIZE
#define MAX_BUF_SIZE 8192
#endif

struct call {
	__u64 ts;
	__u64 buf; /* the caller's buffer */
	__u64 lenp; /* _ex: where the count is stored; 0 otherwise */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32); /* tid */
	__type(value, struct call);
} calls SEC(".maps");

/* One record with room for the largest capture, per CPU. */
struct record {
	struct sslsniff_event e;
	__u8 data[MAX_BUF_SIZE];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct record);
} scratch SEC(".maps");

static __always_inline int enter(__u64 buf, __u64 lenp)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct call c = { .buf = buf, .lenp = lenp };

	if (!bct_filter_pass())
		return 0;
	c.ts = bpf_ktime_get_ns();
	if (bpf_map_update_elem(&calls, &tid, &c, BPF_ANY))
		bct_count_lost();
	return 0;
}

static __always_inline void send(void *ctx, struct record *r, __u64 size)
{
#ifdef BCT_HAVE_RINGBUF
	if (bpf_ringbuf_output(&events, r, size, 0))
		bct_count_lost();
#else
	if (bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, r, size))
		bct_count_lost();
#endif
}

/* The common return: ret is the count (or, for _ex, 1 on success and the count at lenp). */
static __always_inline int leave(void *ctx, long ret, enum sslsniff_rw rw)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid(), now = bpf_ktime_get_ns();
	__u32 tid = (__u32)pid_tgid, zero = 0;
	struct record *r;
	struct call *c;
	__u64 len = 0, n;

	c = bpf_map_lookup_elem(&calls, &tid);
	if (!c)
		return 0; /* its entry was not seen (filtered out, or before tracing) */
	if (c->lenp) {
		if (ret == 1 && bpf_probe_read_user(&len, sizeof(len), (void *)c->lenp))
			len = 0;
		if (ret != 1)
			len = 0;
	} else if (ret > 0) {
		len = ret;
	}
	if (len == 0 || len > 0xffffffffULL)
		goto out; /* no data */
	r = bpf_map_lookup_elem(&scratch, &zero);
	if (!r)
		goto out;
	r->e.ts_ns = now;
	r->e.delta_ns = now - c->ts;
	r->e.pid = pid_tgid >> 32;
	r->e.tid = tid;
	r->e.uid = (__u32)bpf_get_current_uid_gid();
	r->e.len = (__u32)len;
	r->e.rw = rw;
	bpf_get_current_comm(r->e.comm, sizeof(r->e.comm));
	n = len;
	if (n > MAX_BUF_SIZE)
		n = MAX_BUF_SIZE;
	if (n == 0 || bpf_probe_read_user(r->data, n, (void *)c->buf))
		n = 0;
	r->e.buf_len = n;
	send(ctx, r, sizeof(r->e) + n);
out:
	bpf_map_delete_elem(&calls, &tid);
	return 0;
}

SEC("uprobe")
int rw_enter(struct pt_regs *ctx)
{
	return enter(PT_REGS_PARM2(ctx), 0);
}

SEC("uprobe")
int ex_enter(struct pt_regs *ctx)
{
	return enter(PT_REGS_PARM2(ctx), PT_REGS_PARM4(ctx));
}

SEC("uretprobe")
int read_return(struct pt_regs *ctx)
{
	return leave(ctx, (int)PT_REGS_RC(ctx), SSLSNIFF_READ);
}

SEC("uretprobe")
int write_return(struct pt_regs *ctx)
{
	return leave(ctx, (int)PT_REGS_RC(ctx), SSLSNIFF_WRITE);
}

SEC("uprobe")
int handshake_enter(struct pt_regs *ctx)
{
	return enter(0, 0);
}

SEC("uretprobe")
int handshake_return(struct pt_regs *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid(), now = bpf_ktime_get_ns();
	__u32 tid = (__u32)pid_tgid, zero = 0;
	int ret = (int)PT_REGS_RC(ctx);
	struct record *r;
	struct call *c;

	c = bpf_map_lookup_elem(&calls, &tid);
	if (!c)
		return 0;
	r = ret > 0 ? bpf_map_lookup_elem(&scratch, &zero) : NULL;
	if (r) { /* a failed handshake is not shown, as in BCC */
		r->e.ts_ns = now;
		r->e.delta_ns = now - c->ts;
		r->e.pid = pid_tgid >> 32;
		r->e.tid = tid;
		r->e.uid = (__u32)bpf_get_current_uid_gid();
		r->e.len = ret;
		r->e.buf_len = 0;
		r->e.rw = SSLSNIFF_HANDSHAKE;
		bpf_get_current_comm(r->e.comm, sizeof(r->e.comm));
		send(ctx, r, sizeof(r->e));
	}
	bpf_map_delete_elem(&calls, &tid);
	return 0;
}
