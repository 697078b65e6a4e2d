// SPDX-License-Identifier: Apache-2.0
/* mysqlx57: MySQL 5.7's dispatch_command, see mysqlx56.c. */
#define MYSQLX57 1
#include "mysqlx56.c"
