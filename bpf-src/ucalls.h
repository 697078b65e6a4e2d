/* SPDX-License-Identifier: Apache-2.0 */
/* ucalls: the map keys and values both sides share. */
#ifndef UCALLS_H
#define UCALLS_H

#define UCALLS_STR_LEN 80

struct ucalls_method {
	char clazz[UCALLS_STR_LEN];
	char method[UCALLS_STR_LEN];
};

struct ucalls_entry {
	__u64 pid_tgid;
	struct ucalls_method m;
};

struct ucalls_info {
	__u64 calls;
	__u64 total_ns;
};

struct ucalls_sysentry {
	__u64 ts;
	__u64 id;
};

#endif
