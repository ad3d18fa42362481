/*
 * vtysh/cmd.h - the shell's command table uses the matcher in lib/cli.h,
 * shared with the configuration grammar (conf/).
 */
#ifndef IPIP_VTYSH_CMD_H
#define IPIP_VTYSH_CMD_H

#include "lib/cli.h"

#endif
