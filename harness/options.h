/* Command-line and script options: one table, read by getopt_long for the
 * command line and by name for `--name=value` lines in scripts. */
#ifndef VWIRE_OPTIONS_H
#define VWIRE_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "config.h"

enum option_id {
	OPTID_IP_VERSION, OPTID_LOCAL_IP, OPTID_REMOTE_IP, OPTID_GATEWAY_IP,
	OPTID_NETMASK_IP, OPTID_BIND_PORT, OPTID_CONNECT_PORT, OPTID_MSS, OPTID_MTU,
	OPTID_TOLERANCE_USECS, OPTID_TOLERANCE_PERCENT, OPTID_INIT_SCRIPTS,
	OPTID_SO_FILENAME, OPTID_SO_FLAGS, OPTID_TCP_TS_TICK_USECS,
	OPTID_TCP_TS_ECR_SCALED, OPTID_STRICT_SEGMENTS, OPTID_SPLIT_SEGMENTS, OPTID_NON_FATAL, OPTID_DRY_RUN,
	OPTID_DEFINE, OPTID_VERBOSE, OPTID_TARGET, OPTID_JSON, OPTID_PCAP, OPTID_SEED,
	OPTID_PRINT, OPTID_HELP, OPTID_VERSION, OPTID_TIMEOUT_SECS, OPTID_JOBS,
	OPTID_COUNT
};

/* What the command line asked for besides the configuration. */
struct cli_request {
	bool print;        /* --print: write the checked tree back */
	bool help, version;
	int first_script;  /* index in argv of the first script path */
};

/* Parse argv into cfg (already config_init'ed). Returns 0, or 2 with a
 * one-line message in err. */
int options_parse_command_line(int argc, char **argv, struct config *cfg,
			       struct cli_request *req, char *err, size_t err_len);

/* Apply one option by name (a script's `--name=value`); value NULL for a
 * bare flag. Options the command line set are left alone. Returns false
 * with a message in err for an unknown name or a bad value. */
bool options_apply_named(struct config *cfg, const char *name, const char *value,
			 char *err, size_t err_len);

/* Addresses consistent with the IP version; false with a message. */
bool options_check_config(const struct config *cfg, char *err, size_t err_len);

void options_print_help(FILE *out);

#endif
